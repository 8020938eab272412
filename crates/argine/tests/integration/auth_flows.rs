use crate::helpers::*;
use argine_storage::accounts::{self, UserStatus};

#[tokio::test]
async fn ten_wrong_passwords_slow_then_lock_and_email_recovers() {
    // A base delay of a minute: with the default second, a loaded machine could reach the next
    // request after the wait had already run out (the test resets the wait itself).
    let app = spawn_with(|c| c.login.throttle_base_seconds = 60).await;
    let viewer = app.account("viewer").clone();
    let c = app.client();
    let user_id = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        accounts::find_by_email(&mut conn, &viewer.email).await.unwrap().unwrap().id
    };
    let mut saw_wait = false;
    for attempt in 1..=10 {
        let r = app.post(&c, "/login", &[("email", &viewer.email), ("password", "sbagliata-davvero")]).await;
        assert_eq!(r.status(), 401, "attempt {attempt}");
        if (5..10).contains(&attempt) {
            // From the 5th failure on, the account must wait before the next try ...
            let r = app.post(&c, "/login", &[("email", &viewer.email), ("password", &viewer.password)]).await;
            let body = r.text().await.unwrap();
            assert!(body.contains("Riprova tra"), "attempt {attempt}: no throttling message");
            saw_wait = true;
            // ... (skip the wait instead of sleeping in the test)
            sqlx::query("UPDATE users SET throttled_until = 0 WHERE id = $1")
                .bind(user_id)
                .execute(app.state.db.pool())
                .await
                .unwrap();
        }
    }
    assert!(saw_wait);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let u = accounts::get(&mut conn, user_id).await.unwrap();
    drop(conn);
    assert_eq!(u.status, UserStatus::Locked);
    // Even the right password is refused now.
    let r = app.post(&c, "/login", &[("email", &viewer.email), ("password", &viewer.password)]).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("bloccato"));
    // The lock is audited.
    let lock = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("user.lock".into()), limit: 5, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(lock.len(), 1);
    assert_eq!(lock[0].record_id, user_id.to_string());
    // The owner got an e-mail with a reset link; following it unlocks the account.
    let mails = wait_for_mail(&app.dir.path().join("mail"), 1).await;
    assert!(mails[0].contains("bloccato"), "{}", mails[0]);
    let link = link_in(&mails[0], &format!("{}/password/reimposta/", app.url));
    let path = link.trim_start_matches(&app.url).to_owned();
    assert_eq!(app.get(&c, &path).await.status(), 200);
    let r = app
        .post(&c, &path, &[("password", "una nuova password sicura"), ("confirm", "una nuova password sicura")])
        .await;
    assert_eq!(r.status(), 200);
    // The link is single-use.
    assert_eq!(app.get(&c, &path).await.status(), 410);
    let c2 = app.client();
    app.login(&c2, &viewer.email, "una nuova password sicura", None).await;
    assert_eq!(app.get(&c2, "/").await.status(), 200);
}

#[tokio::test]
async fn mfa_login_rotates_the_session_and_recovery_codes_work_once() {
    let app = spawn().await;
    let admin = app.account("admin").clone();
    let c = app.client();
    let r = app.post(&c, "/login", &[("email", &admin.email), ("password", &admin.password)]).await;
    let first_cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(location(&r).starts_with("/login/mfa"));
    assert!(first_cookie.contains("HttpOnly") && first_cookie.contains("SameSite=Lax"));
    // Password alone gives nothing but the MFA page.
    let r = app.get(&c, "/").await;
    assert_eq!(location(&r), "/login/mfa");
    let r = app.post(&c, "/login/mfa", &[("code", "000000")]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Codice non valido"));
    let raw = data_encoding::BASE32_NOPAD.decode(admin.totp_secret.as_ref().unwrap().as_bytes()).unwrap();
    let code = argine_domain::auth::totp::code_at(&raw, argine_storage::now());
    let r = app.post(&c, "/login/mfa", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let second_cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert_ne!(first_cookie.split(';').next(), second_cookie.split(';').next(), "session id must rotate after MFA");
    assert_eq!(app.get(&c, "/").await.status(), 200);
    // The same code cannot be replayed in another session.
    let c2 = app.client();
    app.post(&c2, "/login", &[("email", &admin.email), ("password", &admin.password)]).await;
    let r = app.post(&c2, "/login/mfa", &[("code", &code)]).await;
    assert_eq!(r.status(), 200, "a replayed TOTP code must be refused");

    // Enrolment: a fresh secret and recovery codes; then a recovery code works exactly once.
    let page = app.get(&c, "/account/mfa").await.text().await.unwrap();
    let pending = page.split("name=\"pending\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let secret_b32 = page.split("<strong>").nth(1).unwrap().split('<').next().unwrap().trim().to_owned();
    let raw = data_encoding::BASE32_NOPAD.decode(secret_b32.as_bytes()).unwrap();
    let code = argine_domain::auth::totp::code_at(&raw, argine_storage::now());
    let r = app.post(&c, "/account/mfa", &[("pending", &pending), ("code", &code)]).await;
    let body = r.text().await.unwrap();
    let codes: Vec<String> =
        body.split("<li>").skip(1).map(|s| s.split('<').next().unwrap().to_owned()).filter(|s| s.len() == 14).collect();
    assert_eq!(codes.len(), 10, "{body}");
    let c3 = app.client();
    app.post(&c3, "/login", &[("email", &admin.email), ("password", &admin.password)]).await;
    let r = app.post(&c3, "/login/mfa", &[("code", &codes[0].to_uppercase())]).await;
    assert_eq!(r.status(), 303);
    let c4 = app.client();
    app.post(&c4, "/login", &[("email", &admin.email), ("password", &admin.password)]).await;
    let r = app.post(&c4, "/login/mfa", &[("code", &codes[0])]).await;
    assert_eq!(r.status(), 200, "a recovery code works once");
}

#[tokio::test]
async fn roles_with_personal_data_must_enrol_mfa_first() {
    let app = spawn().await;
    // An operator without a second factor is sent to enrolment and can reach nothing else.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let op = app.account("operator").clone();
    let u = accounts::find_by_email(&mut conn, &op.email).await.unwrap().unwrap();
    accounts::reset_totp(&mut conn, u.id).await.unwrap();
    drop(conn);
    let c = app.client();
    let r = app.post(&c, "/login", &[("email", &op.email), ("password", &op.password)]).await;
    assert_eq!(location(&r), "/account/mfa");
    let r = app.get(&c, "/").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login/mfa");
    assert_eq!(location(&app.get(&c, "/login/mfa").await), "/account/mfa");
    assert_eq!(app.get(&c, "/account/mfa").await.status(), 200);
    assert_eq!(app.get(&c, "/rete/organizzazioni").await.status(), 303);
}

#[tokio::test]
async fn logout_and_logout_everywhere_end_sessions() {
    let app = spawn().await;
    let a = app.login_as("viewer").await;
    let b = app.login_as("viewer").await;
    assert_eq!(app.get(&a, "/").await.status(), 200);
    let r = app.post(&a, "/logout", &[]).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(app.get(&a, "/").await.status(), 303);
    assert_eq!(app.get(&b, "/").await.status(), 200);
    let c = app.login_as("viewer").await;
    app.post(&c, "/account/esci-ovunque", &[]).await;
    assert_eq!(app.get(&b, "/").await.status(), 303, "other sessions end too");
    assert_eq!(app.get(&c, "/").await.status(), 303);
}

#[tokio::test]
async fn api_tokens_identify_their_owner_and_can_be_revoked() {
    let app = spawn().await;
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/api/v1/me", app.url)).bearer_auth(&app.creds.api_token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["email"], "admin@argine.demo.invalid");
    assert_eq!(me["token_scope"], "read");
    let r = http.get(format!("{}/api/v1/me", app.url)).bearer_auth("argn_forged").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["status"], 401);
    // Create a token on the account page, use it, revoke it.
    let c = app.login_as("viewer").await;
    let page = app
        .post(&c, "/account/token", &[("name", "script"), ("scope", "read"), ("days", "30")])
        .await
        .text()
        .await
        .unwrap();
    let tok = page.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(tok.starts_with("argn_"));
    let r = http.get(format!("{}/api/v1/organisations", app.url)).bearer_auth(&tok).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let list: Vec<serde_json::Value> = r.json().await.unwrap();
    assert!(list.iter().any(|o| o["name"] == "Prefettura di Mantova"));
    let id = page.split("/account/token/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    app.post(&c, &format!("/account/token/{id}/revoca"), &[]).await;
    let r = http.get(format!("{}/api/v1/me", app.url)).bearer_auth(&tok).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // The OpenAPI document describes the routes.
    let spec: serde_json::Value =
        http.get(format!("{}/api/v1/openapi.json", app.url)).send().await.unwrap().json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(spec["paths"]["/api/v1/me"].is_object());
}

#[tokio::test]
async fn security_headers_and_cross_site_requests() {
    let app = spawn().await;
    let c = app.client();
    let r = app.get(&c, "/login").await;
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(h.contains_key("x-request-id"));
    // No inline script anywhere on the page.
    let body = r.text().await.unwrap();
    assert!(!body.contains("<script>") && !body.contains("onclick="));
    // A cross-site form post is refused, with or without Sec-Fetch-Site.
    let viewer = app.account("viewer").clone();
    let r = c
        .post(format!("{}/login", app.url))
        .header("Origin", "https://evil.example")
        .form(&[("email", &viewer.email), ("password", &viewer.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{}/login", app.url))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("email", &viewer.email), ("password", &viewer.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Health endpoints need no authentication.
    assert_eq!(app.get(&c, "/healthz").await.status(), 200);
    assert_eq!(app.get(&c, "/readyz").await.status(), 200);
}

#[tokio::test]
async fn language_follows_cookie_and_accept_language() {
    let app = spawn().await;
    let c = app.client();
    let en = c
        .get(format!("{}/login", app.url))
        .header("Accept-Language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Sign in"));
    let r = app.post(&c, "/lingua", &[("lang", "it"), ("next", "/login")]).await;
    assert_eq!(location(&r), "/login");
    let it =
        c.get(format!("{}/login", app.url)).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
    assert!(it.contains("<html lang=\"it\">") && it.contains("Accedi"));
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = spawn_with(move |cfg| cfg.metrics_listen = Some(format!("127.0.0.1:{port}"))).await;
    let c = app.client();
    app.get(&c, "/login").await;
    let body = reqwest::get(format!("http://127.0.0.1:{port}/metrics")).await.unwrap().text().await.unwrap();
    assert!(body.contains("http_requests_total"), "{body}");
    // Not on the public listener.
    assert_eq!(app.get(&c, "/metrics").await.status(), 404);
}
