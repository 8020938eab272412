use crate::helpers::*;
use std::process::Command;

fn verify(app: &TestApp) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", app.dir.path().to_str().unwrap(), "audit", "verify"])
        .output()
        .unwrap()
}

#[tokio::test]
async fn editing_one_row_of_the_log_is_detected_and_named() {
    let app = spawn().await;
    // Some real events: logins, a failure, a denial.
    let c = app.login_as("viewer").await;
    app.get(&c, "/admin/audit").await;
    app.post(&app.client(), "/login", &[("email", "nobody@x.invalid"), ("password", "x")]).await;
    let out = verify(&app);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("audit log intact"), "{stdout}");

    // Edit one row directly in the database file, as an attacker with file access would.
    let url = format!("sqlite://{}", app.db_path().display());
    let raw = argine_storage::Db::connect(&url, 1).await.unwrap();
    let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM audit_log WHERE action = 'access.denied' LIMIT 1")
        .fetch_one(raw.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET outcome = 'ok' WHERE seq = $1").bind(seq).execute(raw.pool()).await.unwrap();
    let out = verify(&app);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("entry {seq} was modified")), "{stderr}");

    // Restore it, then delete a row: the gap is named.
    sqlx::query("UPDATE audit_log SET outcome = 'denied' WHERE seq = $1").bind(seq).execute(raw.pool()).await.unwrap();
    assert!(verify(&app).status.success());
    sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(raw.pool()).await.unwrap();
    let out = verify(&app);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 3 are missing"));
    raw.close().await;
}

#[tokio::test]
async fn the_audit_page_searches_by_who_what_and_record() {
    let app = spawn().await;
    let v = app.login_as("viewer").await;
    app.get(&v, "/admin/job").await; // denied, audited
    let c = app.login_as("admin").await;
    let page = app.get(&c, "/admin/audit?action=access.denied").await.text().await.unwrap();
    assert!(page.contains("consultazione@argine.demo.invalid") && page.contains("access.denied"));
    assert!(!page.contains("user.login"));
    let page = app.get(&c, "/admin/audit?actor=consultazione&action=user.login").await.text().await.unwrap();
    assert!(page.contains("user.login"));
    // Reading the log and a colleague's account are personal-data reads, themselves audited.
    let page = app.get(&c, "/admin/utenti/1").await;
    assert_eq!(page.status(), 200);
    let page = app.get(&c, "/admin/audit?personal=1").await.text().await.unwrap();
    assert!(page.contains("audit_log.read") && page.contains("user.read"), "{page}");
    let page = app.get(&c, "/admin/audit?from=31-12-2026").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("AAAA-MM-GG"));
}
