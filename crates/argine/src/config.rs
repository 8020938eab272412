//! Configuration: safe defaults ← a TOML file ← `ARGINE_…` environment variables ← command-line
//! flags. A bad value stops start-up with a message that names the key.
//!
//! Environment variables map to keys by lower-casing and splitting sections on `__`:
//! `ARGINE_LISTEN` → `listen`, `ARGINE_MAIL__SMTP_HOST` → `mail.smtp_host`.

use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A secret string: never printed by `Debug` or `Display`.
#[derive(Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "[redacted]" })
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address of the web server.
    pub listen: String,
    /// Address of the Prometheus metrics listener (separate from the public one); off if unset.
    pub metrics_listen: Option<String>,
    /// Folder for the SQLite database, secrets and (in development) outgoing mail.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: SQLite in `data_dir/argine.db`.
    pub database_url: Option<Secret>,
    pub max_db_connections: u32,
    /// Public base URL (links in e-mails, CSRF origin check); default `http://<listen>`.
    pub public_url: Option<String>,
    pub instance_name: String,
    /// `json` (default) or `pretty`.
    pub log_format: String,
    /// File with the generated secrets; default `data_dir/secrets.toml`.
    pub secrets_file: Option<PathBuf>,
    pub session: SessionConfig,
    pub login: LoginConfig,
    pub mail: MailConfig,
    pub open_data: OpenDataConfig,
    pub cases: CasesConfig,
}

/// Case work (`[cases]`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct CasesConfig {
    /// Days a closed case keeps its person's data; then the daily `cases.retention` job
    /// anonymises it (docs/CASEWORK.md).
    pub retention_days: i64,
}

impl Default for CasesConfig {
    fn default() -> Self {
        Self { retention_days: 730 }
    }
}

/// Who publishes the census open data (the DCAT-AP_IT publisher and rights holder).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct OpenDataConfig {
    /// The publisher's code in the Indice delle Pubbliche Amministrazioni (identifiers are
    /// `<ipa>:D.<n>`).
    pub ipa: String,
    /// The publisher's name.
    pub publisher: String,
}

impl Default for OpenDataConfig {
    fn default() -> Self {
        Self { ipa: "anci".into(), publisher: "ANCI – Associazione Nazionale Comuni Italiani".into() }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LoginConfig {
    /// Delay imposed after the 5th consecutive failure; doubles with each further one.
    pub throttle_base_seconds: i64,
    /// Failed logins from one address within 15 minutes before it is refused.
    pub max_failures_per_address: i64,
    /// Argon2id memory in KiB (OWASP: 19456) and iterations (2).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// `file` (write .eml files to `file_dir`: development) or `smtp`.
    pub transport: String,
    pub from: String,
    pub file_dir: Option<PathBuf>,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls` (default), `tls` or `none` (only for a relay on the same machine).
    pub smtp_tls: String,
    pub smtp_username: String,
    pub smtp_password: Secret,
    /// Seconds between two looks at the census campaigns' mailing schedule (invitations and
    /// reminders due are queued as jobs).
    pub census_schedule_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            metrics_listen: None,
            data_dir: PathBuf::from("./argine-data"),
            database_url: None,
            max_db_connections: 8,
            public_url: None,
            instance_name: "argine".into(),
            log_format: "json".into(),
            secrets_file: None,
            session: SessionConfig::default(),
            login: LoginConfig::default(),
            mail: MailConfig::default(),
            open_data: OpenDataConfig::default(),
            cases: CasesConfig::default(),
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self { idle_minutes: 30, absolute_hours: 12 }
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            throttle_base_seconds: 1,
            max_failures_per_address: 50,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            transport: "file".into(),
            from: "argine <noreply@argine.invalid>".into(),
            file_dir: None,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: Secret::default(),
            census_schedule_secs: 60,
        }
    }
}

/// A configuration problem, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("configuration file {path} is not valid TOML: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("configuration key `{key}`: {message}")]
    Key { key: String, message: String },
}

fn key_err(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Key { key: key.to_owned(), message: message.into() }
}

/// `ARGINE_…` variables read by the test scripts and the CLI, not configuration keys.
const TOOL_VARIABLES: &[&str] =
    &["REQUIRE_PG", "REQUIRE_TOOLS", "PG_DIR", "URL", "CREDENTIALS", "CONFIG", "SKIP_BROWSER"];

/// Values given on the command line, applied last.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
}

impl Config {
    /// Loads the configuration from an optional file, the process environment and overrides.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars(), overrides)
    }

    pub fn load_from(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
                text.parse::<toml::Table>()
                    .map_err(|e| ConfigError::Syntax { path: path.to_owned(), message: e.to_string() })?
            }
            None => toml::Table::new(),
        };
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("ARGINE_") else { continue };
            // Variables used by tests and tools, not configuration keys.
            if rest.starts_with("TEST_") || TOOL_VARIABLES.contains(&rest) {
                continue;
            }
            let path: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
            insert(&mut table, &path, parse_env_value(&value));
        }
        let mut cfg: Config = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let key = e.path().to_string();
            key_err(if key == "." { "(root)" } else { &key }, e.into_inner().to_string())
        })?;
        if let Some(d) = &overrides.data_dir {
            cfg.data_dir.clone_from(d);
        }
        if let Some(u) = &overrides.database_url {
            cfg.database_url = Some(Secret(u.clone()));
        }
        if let Some(l) = &overrides.listen {
            cfg.listen.clone_from(l);
        }
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.listen
            .parse::<SocketAddr>()
            .map_err(|_| key_err("listen", format!("`{}` is not an address like 127.0.0.1:8080", self.listen)))?;
        if let Some(m) = &self.metrics_listen {
            m.parse::<SocketAddr>()
                .map_err(|_| key_err("metrics_listen", format!("`{m}` is not an address like 127.0.0.1:9090")))?;
        }
        if let Some(u) = &self.database_url {
            let u = u.expose();
            if !(u.starts_with("sqlite:") || u.starts_with("postgres://") || u.starts_with("postgresql://")) {
                return Err(key_err("database_url", "must start with sqlite: or postgres://"));
            }
        }
        if let Some(p) = &self.public_url
            && !(p.starts_with("http://") || p.starts_with("https://"))
        {
            return Err(key_err("public_url", "must start with http:// or https://"));
        }
        if self.max_db_connections == 0 {
            return Err(key_err("max_db_connections", "must be at least 1"));
        }
        if !matches!(self.log_format.as_str(), "json" | "pretty") {
            return Err(key_err("log_format", "must be `json` or `pretty`"));
        }
        if self.session.idle_minutes < 1 || self.session.absolute_hours < 1 {
            return Err(key_err("session", "idle_minutes and absolute_hours must be at least 1"));
        }
        if self.session.idle_minutes > self.session.absolute_hours * 60 {
            return Err(key_err("session.idle_minutes", "cannot exceed the absolute lifetime"));
        }
        if self.login.throttle_base_seconds < 0 || self.login.max_failures_per_address < 1 {
            return Err(key_err("login", "throttle_base_seconds must be ≥ 0 and max_failures_per_address ≥ 1"));
        }
        if self.cases.retention_days < 1 {
            return Err(key_err("cases.retention_days", "must be at least 1 (days after closing)"));
        }
        if self.login.argon2_memory_kib < 8 || self.login.argon2_iterations < 1 {
            return Err(key_err("login.argon2_memory_kib", "Argon2 needs at least 8 KiB and 1 iteration"));
        }
        match self.mail.transport.as_str() {
            "file" => {}
            "smtp" => {
                if self.mail.smtp_host.is_empty() {
                    return Err(key_err("mail.smtp_host", "is required when mail.transport = \"smtp\""));
                }
                if !matches!(self.mail.smtp_tls.as_str(), "starttls" | "tls" | "none") {
                    return Err(key_err("mail.smtp_tls", "must be `starttls`, `tls` or `none`"));
                }
            }
            other => return Err(key_err("mail.transport", format!("`{other}` is not `file` or `smtp`"))),
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(key_err("mail.from", "is not a valid mailbox such as `argine <noreply@example.it>`"));
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.expose().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("argine.db").display()),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn secrets_file(&self) -> PathBuf {
        self.secrets_file.clone().unwrap_or_else(|| self.data_dir.join("secrets.toml"))
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.mail.file_dir.clone().unwrap_or_else(|| self.data_dir.join("mail"))
    }
}

/// The database URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn parse_env_value(v: &str) -> toml::Value {
    if let Ok(i) = v.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    match v {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(v.to_owned()),
    }
}

fn insert(table: &mut toml::Table, path: &[String], value: toml::Value) {
    match path {
        [] => {}
        [last] => {
            table.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            if let toml::Value::Table(t) = entry {
                insert(t, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>().into_iter()
    }

    fn load(toml_text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("argine.toml");
        std::fs::write(&p, toml_text).unwrap();
        Config::load_from(Some(&p), env(vars), &Overrides::default())
    }

    #[test]
    fn defaults_are_safe() {
        let c = Config::load_from(None, env(&[]), &Overrides::default()).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert!(c.database_url().starts_with("sqlite://./argine-data/argine.db"));
        assert_eq!(c.session.idle_minutes, 30);
        assert_eq!(c.session.absolute_hours, 12);
    }

    #[test]
    fn env_overrides_file_and_flags_override_env() {
        let c = load(
            "listen = \"127.0.0.1:9000\"\n[mail]\nfrom = \"x <a@b.it>\"\n",
            &[("ARGINE_LISTEN", "127.0.0.1:9001"), ("ARGINE_SESSION__IDLE_MINUTES", "15")],
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9001");
        assert_eq!(c.session.idle_minutes, 15);
        assert_eq!(c.mail.from, "x <a@b.it>");
        let o = Overrides { listen: Some("127.0.0.1:9002".into()), ..Default::default() };
        let c = Config::load_from(None, env(&[("ARGINE_LISTEN", "127.0.0.1:9001")]), &o).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9002");
    }

    #[test]
    fn errors_name_the_key() {
        let e = load("lisen = \"x\"", &[]).unwrap_err().to_string();
        assert!(e.contains("lisen"), "{e}");
        let e = load("[session]\nidle_minutes = \"soon\"", &[]).unwrap_err().to_string();
        assert!(e.contains("session.idle_minutes"), "{e}");
        let e = load("listen = \"nowhere\"", &[]).unwrap_err().to_string();
        assert!(e.contains("`listen`") && e.contains("nowhere"), "{e}");
        let e = load("[mail]\ntransport = \"smtp\"", &[]).unwrap_err().to_string();
        assert!(e.contains("mail.smtp_host"), "{e}");
        let e = load("database_url = \"mysql://x\"", &[]).unwrap_err().to_string();
        assert!(e.contains("database_url"), "{e}");
        let e = load("listen = [", &[]).unwrap_err().to_string();
        assert!(e.contains("not valid TOML"), "{e}");
        let e = Config::load_from(Some(Path::new("/nonexistent/argine.toml")), env(&[]), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/argine.toml"), "{e}");
        let e = Config::load_from(None, env(&[("ARGINE_MAX_DB_CONNECTIONS", "many")]), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_db_connections"), "{e}");
    }

    #[test]
    fn secrets_are_redacted() {
        let c = load(
            "[mail]\nsmtp_password = \"hunter2-secret\"\n",
            &[("ARGINE_DATABASE_URL", "postgres://u:pw-secret@h/db")],
        )
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2-secret") && !dbg.contains("pw-secret"), "{dbg}");
        assert_eq!(redact_url("postgres://u:pw@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
