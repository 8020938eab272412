//! E-mail through a real SMTP server: Python's aiosmtpd, started by the test on a free port,
//! delivering into a maildir that the test reads.

use crate::helpers::*;
use std::process::{Child, Command, Stdio};

pub struct Smtp {
    child: Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub async fn start_smtp() -> Smtp {
    let maildir = tempfile::tempdir().unwrap();
    let port = free_port();
    let python = std::env::var("ARGINE_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let child = Command::new(&python)
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
            maildir.path().join("box").to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {python} -m aiosmtpd ({e}); install it with `pip install aiosmtpd`"));
    let mut smtp = Smtp { child, port, maildir };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return smtp;
        }
        if let Ok(Some(status)) = smtp.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = smtp.child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            panic!("aiosmtpd exited ({status}): {err}\ninstall it with `pip install aiosmtpd`");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not start listening on {port}");
}

pub fn delivered(maildir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(maildir.join("box").join("new"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

#[tokio::test]
async fn invitation_and_reset_go_through_smtp() {
    let smtp = start_smtp().await;
    let port = smtp.port;
    let app = spawn_with(move |cfg| {
        cfg.mail.transport = "smtp".into();
        cfg.mail.smtp_host = "127.0.0.1".into();
        cfg.mail.smtp_port = port;
        cfg.mail.smtp_tls = "none".into();
        cfg.mail.from = "argine <noreply@argine.test>".into();
    })
    .await;
    let admin = app.login_as("admin").await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let org = argine_storage::orgs::find_by_name(&mut conn, "Comune di Mantova").await.unwrap().unwrap();
    drop(conn);
    let r = app
        .post(
            &admin,
            "/admin/utenti",
            &[
                ("email", "nuova.referente@comune.mantova.invalid"),
                ("name", "Nuova Referente"),
                ("org", &org.id.to_string()),
                ("roles", "referent"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = delivered(smtp.maildir.path());
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mails.len(), 1, "the invitation must arrive through SMTP");
    let m = &mails[0];
    assert!(m.contains("To: nuova.referente@comune.mantova.invalid"), "{m}");
    assert!(m.contains("Comune di Mantova"));
    let link = link_in(m, &format!("{}/invito/", app.url));
    let path = link.trim_start_matches(&app.url).to_owned();
    let c = app.client();
    let r = app.post(&c, &path, &[("password", "corta"), ("confirm", "corta")]).await;
    assert!(r.text().await.unwrap().contains("almeno 12 caratteri"));
    let r = app.post(&c, &path, &[("password", "la mia password lunga"), ("confirm", "la mia password lunga")]).await;
    assert_eq!(r.status(), 200);
    app.login(&c, "nuova.referente@comune.mantova.invalid", "la mia password lunga", None).await;
    assert_eq!(app.get(&c, "/").await.status(), 200);
    // The jobs page shows the delivered job.
    let jobs = app.get(&admin, "/admin/job").await.text().await.unwrap();
    assert!(jobs.contains("Completata"));
}

#[tokio::test]
async fn failed_deliveries_are_retried_and_visible() {
    // Nothing listens on this port: delivery fails, the job goes back to the queue with an error.
    let port = free_port();
    let app = spawn_with(move |cfg| {
        cfg.mail.transport = "smtp".into();
        cfg.mail.smtp_host = "127.0.0.1".into();
        cfg.mail.smtp_port = port;
        cfg.mail.smtp_tls = "none".into();
    })
    .await;
    app.post(&app.client(), "/password/dimenticata", &[("email", "consultazione@argine.demo.invalid")]).await;
    let mut job = None;
    for _ in 0..100 {
        let list = argine_storage::jobs::list(&app.state.db, None, 10).await.unwrap();
        if let Some(j) = list.into_iter().find(|j| j.last_error.is_some()) {
            job = Some(j);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let job = job.expect("the failed delivery is recorded");
    assert_eq!(job.status, "queued");
    assert_eq!(job.attempts, 1);
    assert!(job.run_at > argine_storage::now(), "retried later, with backoff");
    assert!(job.last_error.unwrap().contains("SMTP"));
}
