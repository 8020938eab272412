use crate::helpers::*;

#[tokio::test]
async fn forged_or_corrupted_session_cookies_are_just_anonymous() {
    let app = spawn().await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for cookie in [
        "argine_session=",
        "argine_session=garbage",
        "argine_session=%FF%00",
        "argine_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let r = c.get(format!("{}/", app.url)).header("Cookie", cookie).send().await.unwrap();
        assert_eq!(r.status(), 303, "{cookie}");
        assert!(location(&r).starts_with("/login"));
    }
}

#[tokio::test]
async fn oversized_wrong_type_and_malformed_bodies_get_clear_pages() {
    let app = spawn().await;
    let c = app.client();
    let big = "x".repeat(3 * 1024 * 1024);
    let r = c
        .post(format!("{}/login", app.url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("email={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("Dati troppo grandi"));
    let r = c
        .post(format!("{}/login", app.url))
        .header("Content-Type", "application/json")
        .body("{\"email\":\"a\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.text().await.unwrap().contains("Formato non supportato"));
    let r = c
        .post(format!("{}/login", app.url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("email=%ZZ&password=%")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // API errors are problem documents, in English when asked.
    let r = c.get(format!("{}/api/v1/nothing", app.url)).header("Accept-Language", "en").send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["title"], "Page not found");
    // Error pages leak nothing and carry the request id.
    let r = app.get(&c, "/no/such/page").await;
    assert_eq!(r.status(), 404);
    let body = r.text().await.unwrap();
    assert!(body.contains("Pagina non trovata") && body.contains("<main"));
}

#[tokio::test]
async fn a_failed_form_keeps_what_was_typed() {
    let app = spawn().await;
    let c = app.login_as("admin").await;
    let r = app
        .post(
            &c,
            "/rete/organizzazioni",
            &[
                ("name", "Comune di Lavello"),
                ("org_type", "comune"),
                ("places", "comune:076043; Provincia di Narnia"),
                ("pec", "comune.lavello@pec.it"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Territorio «Provincia di Narnia» non trovato"), "{body}");
    assert!(body.contains("value=\"Comune di Lavello\"") && body.contains("value=\"comune.lavello@pec.it\""));
    assert!(body.contains("value=\"comune\" selected"));
    let r = app
        .post(
            &c,
            "/rete/organizzazioni",
            &[
                ("name", "Comune di Lavello"),
                ("org_type", "comune"),
                ("places", "Lavello"),
                ("pec", "comune.lavello@pec.it"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Comune di Lavello"));
}

#[tokio::test]
async fn unreachable_postgres_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = test_config(dir.path());
    cfg.database_url =
        Some(toml::Value::String("postgres://argine:topsecret@127.0.0.1:1/argine".into()).try_into().unwrap());
    let err = match argine::Application::build(cfg).await {
        Ok(_) => panic!("must fail"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("cannot open the database at postgres://argine:***@127.0.0.1:1/argine"), "{err}");
    assert!(!err.contains("topsecret"));
}

#[tokio::test]
async fn unwritable_data_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A data directory that is a file cannot be created or written, even by root.
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let cfg = test_config(&file.join("data"));
    let err = match argine::Application::build(cfg).await {
        Ok(_) => panic!("must fail"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("data directory") && err.contains("not-a-dir"), "{err}");
    // A read-only directory (meaningful when not running as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(ro.join("probe"), b"x").is_err() {
            let err = match argine::Application::build(test_config(&ro)).await {
                Ok(_) => panic!("must fail"),
                Err(e) => format!("{e:#}"),
            };
            assert!(err.contains("is not writable"), "{err}");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn malformed_config_stops_the_binary_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("argine.toml");
    std::fs::write(&cfg, "[session]\nidle_minutes = \"mezz'ora\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--config", cfg.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("session.idle_minutes"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "migrate"])
        .env("ARGINE_LISTEN", "everywhere")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`listen`"));
}
