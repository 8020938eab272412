use argine::config::{Config, Overrides};
use argine::demo::{self, DemoCredentials};
use argine_domain::auth::totp;
use argine_web::AppState;
use reqwest::redirect::Policy;
use std::path::PathBuf;

pub struct TestApp {
    pub url: String,
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub creds: DemoCredentials,
}

/// A configuration for tests: temporary data directory, port 0, cheap password hashing.
pub fn test_config(dir: &std::path::Path) -> Config {
    let mut cfg = Config::load_from(
        None,
        std::iter::empty(),
        &Overrides { data_dir: Some(dir.to_owned()), ..Default::default() },
    )
    .unwrap();
    cfg.listen = "127.0.0.1:0".into();
    cfg.login.argon2_memory_kib = 1024;
    cfg.login.argon2_iterations = 1;
    cfg.log_format = "pretty".into();
    cfg
}

pub async fn spawn_with(cfg_edit: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = test_config(dir.path());
    cfg_edit(&mut cfg);
    let app = argine::Application::build(cfg.clone()).await.unwrap();
    let port = app.port();
    let url = format!("http://127.0.0.1:{port}");
    let state = app.state().clone();
    let creds = demo::seed(&state, &url).await.unwrap();
    tokio::spawn(app.run_with_shutdown(std::future::pending()));
    TestApp { url, dir, state, creds }
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

impl TestApp {
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("argine.db")
    }

    pub fn account(&self, who: &str) -> &demo::DemoAccount {
        self.creds.accounts.iter().find(|a| a.who == who).unwrap()
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
    }

    pub async fn get(&self, c: &reqwest::Client, path: &str) -> reqwest::Response {
        c.get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    pub async fn post(&self, c: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        c.post(format!("{}{path}", self.url)).header("Origin", &self.url).form(form).send().await.unwrap()
    }

    /// Logs in with password and, when a TOTP secret is given, the current code.
    pub async fn login(&self, c: &reqwest::Client, email: &str, password: &str, totp_secret: Option<&str>) {
        let r = self.post(c, "/login", &[("email", email), ("password", password), ("next", "/")]).await;
        assert_eq!(r.status(), 303, "password login of {email} failed: {}", r.text().await.unwrap_or_default());
        if let Some(secret) = totp_secret {
            let raw = data_encoding::BASE32_NOPAD.decode(secret.as_bytes()).unwrap();
            let code = totp::code_at(&raw, argine_storage::now());
            let r = self.post(c, "/login/mfa", &[("code", &code), ("next", "/")]).await;
            assert_eq!(r.status(), 303, "MFA of {email} failed");
            assert_eq!(location(&r), "/");
        }
    }

    pub async fn login_as(&self, who: &str) -> reqwest::Client {
        let c = self.client();
        let a = self.account(who).clone();
        self.login(&c, &a.email, &a.password, a.totp_secret.as_deref()).await;
        c
    }
}

/// A multipart upload of one file in the field `file`, as a browser sends it.
pub async fn upload(app: &TestApp, c: &reqwest::Client, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    c.post(format!("{}{path}", app.url)).header("Origin", &app.url).multipart(form).send().await.unwrap()
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

/// Reads every `.eml` in the file-transport folder, oldest first, waiting up to 10 s for `n`.
pub async fn wait_for_mail(dir: &std::path::Path, n: usize) -> Vec<String> {
    for _ in 0..100 {
        let mut files: Vec<_> =
            std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
        files.sort();
        if files.len() >= n {
            return files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("expected {n} e-mails in {}", dir.display());
}

/// Extracts the first link starting with `prefix` from a (possibly quoted-printable) message.
pub fn link_in(mail: &str, prefix: &str) -> String {
    let unfolded = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let start = unfolded.find(prefix).unwrap_or_else(|| panic!("no link {prefix} in:\n{mail}"));
    unfolded[start..].split_whitespace().next().unwrap().to_owned()
}

/// Whether an external reader is installed; with `ARGINE_REQUIRE_TOOLS` set (as CI does) a
/// missing one fails the test instead of skipping its part.
pub fn tool_available(check: &mut std::process::Command, what: &str) -> bool {
    let ok = check.output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var("ARGINE_REQUIRE_TOOLS").is_err(), "{what} is required (ARGINE_REQUIRE_TOOLS=1)");
        eprintln!("{what} not available: skipping its part of the test");
    }
    ok
}

/// The text of a PDF as `pdftotext -layout` reads it (`None` when poppler-utils is missing and
/// not required).
pub fn pdf_text(app: &TestApp, bytes: &[u8]) -> Option<String> {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    if !tool_available(std::process::Command::new("pdftotext").arg("-v"), "pdftotext (poppler-utils)") {
        return None;
    }
    let file = app.dir.path().join(format!("read-{}.pdf", uuid_like()));
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&file).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

fn uuid_like() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Removes the demo's case work (its three people), for tests that count cases from zero.
pub async fn clear_demo_cases(app: &TestApp) {
    for table in [
        "case_events",
        "case_items",
        "referrals",
        "assessments",
        "glass_access",
        "person_links",
        "duplicate_signals",
        "consents",
        "cases",
        "person_blind_index",
        "persons",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(app.state.db.pool()).await.unwrap();
    }
}
