//! `argine demo`: a fresh database with the network's organisations and one account per role,
//! the credentials printed and written to `DIR/demo-credentials.txt`, then served.

use crate::config::Config;
use crate::startup::{self, Application};
use anyhow::Context;
use argine_domain::access::{Role, TokenScope};
use argine_domain::auth::{password, token, totp};
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::accounts::{self, NewUser, UserStatus};
use argine_storage::audit::{self, NewEntry};
use argine_storage::{orgs, tokens};
use argine_web::AppState;
use std::fmt::Write as _;
use std::path::Path;

/// One demo account as printed.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub who: &'static str,
    pub email: String,
    pub name: String,
    pub password: String,
    pub totp_secret: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DemoCredentials {
    pub url: String,
    pub accounts: Vec<DemoAccount>,
    pub api_token: String,
}

impl DemoCredentials {
    pub fn to_file_text(&self) -> String {
        let mut s = String::from("# argine demo credentials: for local testing only.\n");
        let _ = writeln!(s, "url={}", self.url);
        for a in &self.accounts {
            let _ = writeln!(s, "{}.email={}", a.who, a.email);
            let _ = writeln!(s, "{}.name={}", a.who, a.name);
            let _ = writeln!(s, "{}.password={}", a.who, a.password);
            if let Some(t) = &a.totp_secret {
                let _ = writeln!(s, "{}.totp_secret={t}", a.who);
            }
        }
        let _ = writeln!(s, "api_token={}", self.api_token);
        s
    }
}

fn units(list: &[&str]) -> Jurisdiction {
    Jurisdiction::Units(list.iter().filter_map(|u| TerritoryUnit::parse(u)).collect())
}

/// Organisations of the two programmes the demo shows: InCaS (national) and Multitasking (Mantova).
fn organisations() -> Vec<(&'static str, OrgType, Jurisdiction, Option<&'static str>)> {
    vec![
        (
            "ANCI - Fondazione Cittalia",
            OrgType::AnciCittalia,
            Jurisdiction::National,
            Some("cittalia@pec.demo.invalid"),
        ),
        (
            "Ministero del Lavoro e delle Politiche Sociali",
            OrgType::Ministero,
            Jurisdiction::National,
            Some("ministero@pec.demo.invalid"),
        ),
        (
            "Prefettura di Mantova",
            OrgType::Prefettura,
            units(&["provincia:020"]),
            Some("prefettura.mantova@pec.demo.invalid"),
        ),
        ("Ispettorato Territoriale del Lavoro di Mantova", OrgType::IspettoratoLavoro, units(&["provincia:020"]), None),
        ("Comune di Mantova", OrgType::Comune, units(&["comune:020030"]), Some("comune.mantova@pec.demo.invalid")),
        ("Associazione Lule", OrgType::TerzoSettore, units(&["provincia:020", "provincia:019"]), None),
        ("Ente anti-tratta Lombardia", OrgType::AntiTratta, units(&["regione:03"]), None),
        (
            "Prefettura di Foggia",
            OrgType::Prefettura,
            units(&["provincia:071"]),
            Some("prefettura.foggia@pec.demo.invalid"),
        ),
        ("Comune di San Severo", OrgType::Comune, units(&["comune:071051"]), Some("comune.sansevero@pec.demo.invalid")),
        ("Comune di Manfredonia", OrgType::Comune, units(&["comune:071029"]), None),
    ]
}

/// (who, e-mail, name, organisation, roles)
const ACCOUNTS: &[(&str, &str, &str, &str, &[Role])] = &[
    ("admin", "admin@argine.demo.invalid", "Anna Amministratrice", "ANCI - Fondazione Cittalia", &[Role::Admin]),
    (
        "secretariat",
        "segreteria@argine.demo.invalid",
        "Sergio Segreteria",
        "ANCI - Fondazione Cittalia",
        &[Role::Secretariat],
    ),
    (
        "coordinator",
        "prefettura.mn@argine.demo.invalid",
        "Carla Coordinatrice",
        "Prefettura di Mantova",
        &[Role::Coordinator, Role::Admin],
    ),
    ("operator", "operatrice@argine.demo.invalid", "Olga Operatrice", "Associazione Lule", &[Role::Operator]),
    (
        "referent",
        "referente.sansevero@argine.demo.invalid",
        "Riccardo Referente",
        "Comune di San Severo",
        &[Role::Referent],
    ),
    ("viewer", "consultazione@argine.demo.invalid", "Vera Consultazione", "Comune di Mantova", &[Role::Viewer]),
];

/// Seeds organisations, accounts (with TOTP for the roles that need it) and an API token.
pub async fn seed(state: &AppState, url: &str) -> anyhow::Result<DemoCredentials> {
    let cost = state.config.hash_cost;
    let mut tx = state.db.begin().await?;
    for (name, t, j, pec) in organisations() {
        orgs::create(
            &mut tx,
            orgs::NewOrganisation { name, org_type: t, jurisdiction: &j, email: None, pec, phone: None, address: None },
        )
        .await?;
    }
    let mut accounts_out = Vec::new();
    for (who, email, name, org, roles) in ACCOUNTS {
        let pw = format!("demo-{}", &token::new_secret("")[..16]);
        let phc = password::hash(&pw, cost).map_err(|e| anyhow::anyhow!("{e}"))?;
        let o = orgs::find_by_name(&mut tx, org).await?.context("demo organisation")?;
        let id = accounts::create(
            &mut tx,
            NewUser {
                email,
                display_name: name,
                org_id: o.id,
                status: UserStatus::Active,
                password_hash: Some(&phc),
                roles,
            },
        )
        .await?;
        let totp_secret = if roles.iter().any(|r| r.requires_mfa()) {
            let secret = totp::new_secret();
            let enc = state.keyring.encrypt(&secret, &format!("users.totp_secret.{id}"))?;
            let hashes: Vec<String> = totp::new_recovery_codes().iter().map(|c| token::digest(c)).collect();
            accounts::enable_totp(&mut tx, id, &enc, 0, &hashes).await?;
            Some(totp::secret_base32(&secret))
        } else {
            None
        };
        accounts_out.push(DemoAccount {
            who,
            email: (*email).to_owned(),
            name: (*name).to_owned(),
            password: pw,
            totp_secret,
        });
    }
    let admin = accounts::find_by_email(&mut tx, ACCOUNTS[0].1).await?.context("demo admin")?;
    let api_token = token::new_secret("argn_");
    tokens::create(
        &mut tx,
        admin.id,
        "demo",
        &token::digest(&api_token),
        TokenScope::Read.code(),
        argine_storage::now() + 30 * 86400,
    )
    .await?;
    audit::append(
        &mut tx,
        &NewEntry {
            actor_label: "demo".into(),
            action: "demo.seed".into(),
            outcome: "ok".into(),
            record_type: "system".into(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DemoCredentials { url: url.to_owned(), accounts: accounts_out, api_token })
}

fn remove_previous(dir: &Path) -> anyhow::Result<()> {
    for name in ["argine.db", "argine.db-wal", "argine.db-shm", "demo-credentials.txt"] {
        let p = dir.join(name);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    let mail = dir.join("mail");
    if mail.exists() {
        std::fs::remove_dir_all(&mail).with_context(|| format!("removing {}", mail.display()))?;
    }
    Ok(())
}

pub async fn run(mut cfg: Config, serve: bool) -> anyhow::Result<()> {
    if !cfg.is_sqlite() {
        anyhow::bail!("the demo runs on embedded SQLite: do not pass --database-url");
    }
    startup::prepare_data_dir(&cfg)?;
    remove_previous(&cfg.data_dir)?;
    cfg.mail.transport = "file".into();
    let app = Application::build(cfg.clone()).await?;
    let host = cfg.listen.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    let url = cfg.public_url.clone().unwrap_or_else(|| format!("http://{host}:{}", app.port()));
    let creds = seed(app.state(), &url).await?;
    let path = cfg.data_dir.join("demo-credentials.txt");
    write_private(&path, &creds.to_file_text())?;
    println!("argine demo — {url}");
    println!();
    for a in &creds.accounts {
        println!(
            "  {:<12} {:<42} password {}{}",
            a.who,
            a.email,
            a.password,
            a.totp_secret.as_ref().map(|t| format!("  TOTP secret {t}")).unwrap_or_default()
        );
    }
    println!("  API token (read): {}", creds.api_token);
    println!();
    println!("Credentials written to {}. Outgoing e-mail is written to {}.", path.display(), cfg.mail_dir().display());
    if serve {
        println!("Serving on {url} — press Ctrl+C to stop.");
        app.run_until_stopped().await
    } else {
        Ok(())
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
