//! The `argine` command line. Every command takes the same `--config`, `--data-dir` and
//! `--database-url` options as `serve`.

use crate::config::{Config, Overrides};
use crate::startup::{self, Application};
use anyhow::{Context, bail};
use argine_domain::access::{Role, TokenScope};
use argine_domain::auth::{password, token};
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::accounts::{self, NewUser, UserStatus};
use argine_storage::audit::{self, NewEntry};
use argine_storage::{Backend, orgs, sessions, tokens};
use clap::{Args, Parser, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "argine", version, about = "argine: the information system of the network against caporalato")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// TOML configuration file.
    #[arg(long, global = true, env = "ARGINE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory (SQLite database, secrets, development mail).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://… or postgres://… (overrides the configuration).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web application and the API.
    Serve {
        #[arg(long)]
        listen: Option<String>,
    },
    /// Create a fresh demo database in the data directory, print the demo accounts and serve.
    Demo {
        #[arg(long)]
        listen: Option<String>,
        /// Prepare the demo and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage organisations.
    #[command(subcommand)]
    Org(OrgCmd),
    /// Manage personal API access tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Territorial reference data (ISTAT).
    #[command(subcommand)]
    Territory(TerritoryCmd),
    /// The national census of Comuni.
    #[command(subcommand)]
    Census(CensusCmd),
    /// Census reports (PDF, HTML, XLSX annex).
    #[command(subcommand)]
    Report(ReportCmd),
    /// Benchmarks (run them on a release build).
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Case work.
    #[command(subcommand)]
    Cases(CasesCmd),
    /// The field-encryption keyring.
    #[command(subcommand)]
    Keys(KeysCmd),
    /// Write an online, consistent copy of the SQLite database.
    Backup {
        /// Destination file (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Create an active user; the password is read from standard input (one line) or generated.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Organisation name (see `argine org list`).
        #[arg(long)]
        org: String,
        /// Role, repeatable: admin, secretariat, coordinator, operator, supervisor, referent, viewer.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (read from standard input, one line); unlocks a locked account.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Remove a user's second factor (they must enrol again at next login).
    ResetMfa {
        #[arg(long)]
        email: String,
    },
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        email: String,
    },
    /// List users.
    List,
}

#[derive(Subcommand, Debug)]
pub enum OrgCmd {
    /// Create an organisation.
    Add {
        #[arg(long)]
        name: String,
        /// Type code, e.g. prefettura, comune, terzo_settore (see docs/OPERATIONS.md).
        #[arg(long = "type")]
        org_type: String,
        /// National jurisdiction.
        #[arg(long)]
        national: bool,
        /// Jurisdiction unit, repeatable: regione:03, provincia:020, comune:020030.
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// List organisations.
    List,
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a token for a user and print it once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// read or read_write
        #[arg(long, default_value = "read")]
        scope: String,
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Revoke a token by id.
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum TerritoryCmd {
    /// Compare an official ISTAT "Elenco comuni italiani" file (CSV, `;`, Windows-1252 or UTF-8)
    /// with the loaded data and print what would change; with --apply, apply it all or nothing.
    Import {
        file: PathBuf,
        /// First day the changes are in force (YYYY-MM-DD); default today.
        #[arg(long)]
        effective: Option<String>,
        #[arg(long)]
        apply: bool,
    },
    /// Counts and reference date of the loaded data.
    Status,
}

#[derive(Subcommand, Debug)]
pub enum CensusCmd {
    /// Questionnaires (XLSForm).
    #[command(subcommand)]
    Form(FormCmd),
    /// Create the synthetic national census: a closed campaign to the 7,904 Comuni of 2021
    /// whose answers reproduce every published InCaS figure (same seed, same answers).
    Synth {
        #[arg(long, default_value_t = 2021)]
        seed: u64,
        /// The questionnaire version to answer (default: the newest published incas_2021).
        #[arg(long)]
        form_version: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum FormCmd {
    /// Import an XLSForm workbook as a new version; prints its id, or every problem found
    /// (sheet, row, column) and exits 1 without storing anything.
    Import {
        file: PathBuf,
        /// Publish the new version at once.
        #[arg(long)]
        publish: bool,
    },
    /// The questionnaires and their versions.
    List,
    /// Write a stored version back as an XLSForm workbook (regenerated from the parsed form;
    /// --original writes the uploaded file byte for byte).
    Export {
        #[arg(long)]
        version: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        original: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Build a report of a census campaign, with a progress bar on standard error.
    Build {
        /// The campaign (see `argine census` and the campaign pages).
        #[arg(long)]
        campaign: i64,
        /// A shipped template (finale, preliminare) or, with --template-file, a name for the
        /// file's report.
        #[arg(long, default_value = "finale")]
        template: String,
        /// Read the template from this file instead (see docs/REPORTS.md for the format).
        #[arg(long)]
        template_file: Option<PathBuf>,
        /// The PDF to write.
        #[arg(long)]
        out: PathBuf,
        /// Also write the HTML page here.
        #[arg(long)]
        html: Option<PathBuf>,
        /// Also write the XLSX annex (every table) here.
        #[arg(long)]
        annex: Option<PathBuf>,
        /// The date of the data as printed on the cover (default: the campaign's deadline).
        #[arg(long)]
        date: Option<String>,
    },
    /// Write the open-data package of a campaign (the final report's tables and the Comune-level
    /// indicators as CSV and XLSX, a GeoJSON, DCAT-AP_IT metadata) into a new directory.
    Opendata {
        #[arg(long)]
        campaign: i64,
        /// A new (or empty) directory.
        #[arg(long)]
        out: PathBuf,
        /// The publisher's IPA code (identifiers are IPA:D.n).
        #[arg(long)]
        ipa: String,
        /// The publisher's name.
        #[arg(long)]
        publisher: String,
        /// The public address the files will be downloaded from (the folder; ends with /).
        #[arg(long)]
        base_url: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCmd {
    /// The census workload of the issue on a fresh temporary SQLite database: submissions per
    /// second, form-page latency, and the time and peak memory of the CSV, XLSX and JSON
    /// exports (see docs/PERFORMANCE.md). Ignores --data-dir and --database-url.
    Census {
        /// Submitted responses to export.
        #[arg(long, default_value_t = 132_000)]
        responses: usize,
        /// Questions of the form that is submitted and whose pages are served.
        #[arg(long, default_value_t = 250)]
        questions: usize,
        /// Columns of the main sheet of the exported form.
        #[arg(long, default_value_t = 510)]
        columns: usize,
        /// Responses submitted through the web form.
        #[arg(long, default_value_t = 5_000)]
        submissions: usize,
        /// Concurrent HTTP clients submitting.
        #[arg(long, default_value_t = 2)]
        clients: usize,
        /// Form pages requested (after a warm-up of 200).
        #[arg(long, default_value_t = 5_000)]
        page_requests: usize,
        /// Concurrent HTTP clients requesting pages.
        #[arg(long, default_value_t = 8)]
        page_clients: usize,
        /// Keep the database and the exports in this (new or empty) directory.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The settlement map layer: `--settlements` settlements served to a reader who may see
    /// their exact points, timed over `--requests` requests (see docs/PERFORMANCE.md).
    Settlements {
        #[arg(long, default_value_t = 10_000)]
        settlements: usize,
        #[arg(long, default_value_t = 20)]
        requests: usize,
    },
    /// The full duplicate screening of `--people` synthetic people (one in twenty registered
    /// again by another organisation with a spelling variant), in a temporary database.
    CasesScreen {
        #[arg(long, default_value_t = 100_000)]
        people: usize,
    },
    /// Case work at scale on a fresh temporary SQLite database: case search at concurrent API
    /// users, duplicate screening, dashboard indicators (see docs/PERFORMANCE.md).
    Cases {
        #[arg(long, default_value_t = 1_000_000)]
        contacts: usize,
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        /// Concurrent API users searching.
        #[arg(long, default_value_t = 32)]
        users: usize,
        /// Searches per user (in each of the two runs).
        #[arg(long, default_value_t = 100)]
        searches: usize,
        /// Mean pause of a user between two searches in the paced run, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        think_ms: u64,
        /// Keep the database in this (new or empty) directory, to look at it afterwards.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// One export of a campaign in a process of its own (used by `bench census` to read the
    /// export's peak memory); prints its figures as JSON.
    #[command(hide = true)]
    CensusExport {
        #[arg(long)]
        campaign: i64,
        /// csv (main sheet), xlsx or json.
        #[arg(long)]
        format: String,
        /// Copy the export here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum CasesCmd {
    /// Screen every person against every other for duplicates across organisations (blind
    /// indexes only) and record the signals; safe to re-run.
    Screen,
}

#[derive(Subcommand, Debug)]
pub enum KeysCmd {
    /// Add a new field key and re-encrypt under it every value the keyring protects (people's
    /// data keys, second-factor secrets, queued e-mails, census links).
    Rotate,
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Verify the hash chain; exits 1 and names the entry where it breaks.
    Verify,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let overrides = Overrides {
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
        listen: None,
    };
    match cli.command {
        Command::Serve { listen } => {
            let cfg = Config::load(cli.global.config.as_deref(), &Overrides { listen, ..overrides })?;
            crate::telemetry::init(&cfg.log_format);
            Application::build(cfg).await?.run_until_stopped().await
        }
        Command::Demo { listen, no_serve } => {
            let data_dir = overrides.data_dir.clone().unwrap_or_else(|| PathBuf::from("./argine-demo"));
            let o = Overrides { listen, data_dir: Some(data_dir), ..overrides };
            let mut cfg = Config::load(cli.global.config.as_deref(), &o)?;
            // The demo runs in a terminal: readable logs unless a format was asked for.
            if cli.global.config.is_none() && std::env::var_os("ARGINE_LOG_FORMAT").is_none() {
                cfg.log_format = "pretty".into();
            }
            crate::telemetry::init(&cfg.log_format);
            crate::demo::run(cfg, !no_serve).await
        }
        Command::Migrate => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            let db = startup::open_db(&cfg).await?;
            println!("database at {} is up to date", crate::config::redact_url(&cfg.database_url()));
            db.close().await;
            Ok(())
        }
        Command::User(cmd) => user(Config::load(cli.global.config.as_deref(), &overrides)?, cmd).await,
        Command::Org(cmd) => org(Config::load(cli.global.config.as_deref(), &overrides)?, cmd).await,
        Command::Token(cmd) => token_cmd(Config::load(cli.global.config.as_deref(), &overrides)?, cmd).await,
        Command::Audit(AuditCmd::Verify) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            let db = startup::open_db(&cfg).await?;
            let v = audit::verify(&db).await?;
            db.close().await;
            match v.broken {
                None => {
                    println!("audit log intact: {} entries verified; head hash {}", v.checked, v.head);
                    Ok(())
                }
                Some(b) => bail!("audit log BROKEN after {} good entries: {b}", v.checked),
            }
        }
        Command::Territory(cmd) => territory(Config::load(cli.global.config.as_deref(), &overrides)?, cmd).await,
        Command::Census(CensusCmd::Form(cmd)) => {
            census_form(Config::load(cli.global.config.as_deref(), &overrides)?, cmd).await
        }
        Command::Census(CensusCmd::Synth { seed, form_version }) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            let db = startup::open_db(&cfg).await?;
            let version = match form_version {
                Some(v) => v,
                None => {
                    crate::census::published_version(&db, "incas_2021")
                        .await?
                        .context("no published incas_2021 questionnaire: import data/census/incas_2021.xlsx with --publish, or pass --form-version")?
                }
            };
            let mut tx = db.begin().await?;
            let out = crate::census::load_synthetic(&mut tx, version, seed, None).await?;
            let details = serde_json::json!({"seed": seed, "invited": out.invited, "submitted": out.submitted});
            audit::append(
                &mut tx,
                &cli_entry("census.campaign.synth", "census_campaign", out.campaign_id.to_string(), details),
            )
            .await?;
            tx.commit().await?;
            println!("{}", out.campaign_id);
            eprintln!("campaign {}: {} Comuni invited, {} responses", out.campaign_id, out.invited, out.submitted);
            db.close().await;
            Ok(())
        }
        Command::Report(ReportCmd::Build { campaign, template, template_file, out, html, annex, date }) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            let opts = crate::report::Options { campaign, template, template_file, out, html, annex, date };
            crate::report::build(&cfg, opts).await
        }
        Command::Report(ReportCmd::Opendata { campaign, out, ipa, publisher, base_url }) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            let publisher = argine_domain::report::opendata::Publisher { ipa, name: publisher, base_url };
            crate::report::opendata(&cfg, campaign, &out, &publisher).await
        }
        Command::Bench(BenchCmd::Census {
            responses,
            questions,
            columns,
            submissions,
            clients,
            page_requests,
            page_clients,
            out,
        }) => {
            let opts = crate::bench::Options {
                responses,
                questions,
                columns,
                submissions,
                clients,
                page_requests,
                page_clients,
                out,
            };
            crate::bench::census(opts).await.map(|_| ())
        }
        Command::Bench(BenchCmd::Settlements { settlements, requests }) => {
            crate::bench::settlements(settlements, requests).await
        }
        Command::Bench(BenchCmd::Cases { contacts, cases, users, searches, think_ms, keep }) => {
            crate::bench::cases(crate::bench::CasesOptions { contacts, cases, users, searches, think_ms, keep }).await
        }
        Command::Bench(BenchCmd::CensusExport { campaign, format, out }) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            crate::bench::export_one(&cfg, campaign, &format, out.as_deref()).await
        }
        Command::Bench(BenchCmd::CasesScreen { people }) => {
            let took = crate::casework::bench_screen(people).await?;
            println!("duplicate screening of {people} people: {:.2} s", took.as_secs_f64());
            Ok(())
        }
        Command::Cases(CasesCmd::Screen) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            crate::casework::screen(&cfg).await.map(|_| ())
        }
        Command::Keys(KeysCmd::Rotate) => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            crate::casework::rotate_keys(&cfg).await.map(|_| ())
        }
        Command::Backup { out } => {
            let cfg = Config::load(cli.global.config.as_deref(), &overrides)?;
            backup(&cfg, &out).await
        }
    }
}

pub(crate) fn cli_entry(action: &str, record_type: &str, record_id: String, details: serde_json::Value) -> NewEntry {
    NewEntry {
        actor_label: "cli".into(),
        action: action.into(),
        outcome: "ok".into(),
        record_type: record_type.into(),
        record_id,
        details: details.to_string(),
        ..Default::default()
    }
}

fn read_line_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn user(cfg: Config, cmd: UserCmd) -> anyhow::Result<()> {
    let state = startup::state(&cfg).await?;
    let db = &state.db;
    let cost = state.config.hash_cost;
    match cmd {
        UserCmd::Add { email, name, org, roles, password_stdin } => {
            let email = argine_domain::Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let roles: Vec<Role> = roles
                .iter()
                .map(|r| Role::from_code(r).ok_or_else(|| anyhow::anyhow!("--role: unknown role `{r}`")))
                .collect::<anyhow::Result<_>>()?;
            let (pw, generated) = if password_stdin {
                (read_line_stdin()?, false)
            } else {
                (token::new_secret("")[..20].to_owned(), true)
            };
            password::check_policy(&pw).map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let phc = password::hash(&pw, cost).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut tx = db.begin().await?;
            let o = orgs::find_by_name(&mut tx, &org)
                .await?
                .with_context(|| format!("--org: no organisation named `{org}`"))?;
            let id = accounts::create(
                &mut tx,
                NewUser {
                    email: email.as_str(),
                    display_name: &name,
                    org_id: o.id,
                    status: UserStatus::Active,
                    password_hash: Some(&phc),
                    roles: &roles,
                },
            )
            .await
            .map_err(|e| match e {
                argine_storage::StorageError::Conflict(_) => {
                    anyhow::anyhow!("a user with e-mail {email} already exists")
                }
                other => other.into(),
            })?;
            audit::append(
                &mut tx,
                &cli_entry("user.create", "user", id.to_string(), serde_json::json!({"roles": roles})),
            )
            .await?;
            tx.commit().await?;
            println!("created user {id} <{email}>");
            if generated {
                println!("password: {pw}");
            }
            if roles.iter().any(|r| r.requires_mfa()) {
                println!("this user's roles require two-step verification: they will enrol at first login");
            }
        }
        UserCmd::SetPassword { email } => {
            let pw = read_line_stdin()?;
            password::check_policy(&pw).map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let phc = password::hash(&pw, cost).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut tx = db.begin().await?;
            let u = accounts::find_by_email(&mut tx, &email)
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            accounts::set_password(&mut tx, u.id, &phc).await?;
            sessions::delete_all_for_user(&mut tx, u.id).await?;
            audit::append(&mut tx, &cli_entry("user.password_reset", "user", u.id.to_string(), serde_json::json!({})))
                .await?;
            tx.commit().await?;
            println!("password set for user {}", u.id);
        }
        UserCmd::ResetMfa { email } => {
            let mut tx = db.begin().await?;
            let u = accounts::find_by_email(&mut tx, &email)
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            accounts::reset_totp(&mut tx, u.id).await?;
            sessions::delete_all_for_user(&mut tx, u.id).await?;
            audit::append(&mut tx, &cli_entry("user.reset_mfa", "user", u.id.to_string(), serde_json::json!({})))
                .await?;
            tx.commit().await?;
            println!("second factor removed for user {}", u.id);
        }
        UserCmd::Disable { email } => {
            let mut tx = db.begin().await?;
            let u = accounts::find_by_email(&mut tx, &email)
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            accounts::set_status(&mut tx, u.id, UserStatus::Disabled).await?;
            sessions::delete_all_for_user(&mut tx, u.id).await?;
            audit::append(&mut tx, &cli_entry("user.disable", "user", u.id.to_string(), serde_json::json!({}))).await?;
            tx.commit().await?;
            println!("user {} disabled", u.id);
        }
        UserCmd::Enable { email } => {
            let mut tx = db.begin().await?;
            let u = accounts::find_by_email(&mut tx, &email)
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            let status = if u.password_hash.is_some() { UserStatus::Active } else { UserStatus::Invited };
            accounts::set_status(&mut tx, u.id, status).await?;
            audit::append(&mut tx, &cli_entry("user.enable", "user", u.id.to_string(), serde_json::json!({}))).await?;
            tx.commit().await?;
            println!("user {} enabled", u.id);
        }
        UserCmd::List => {
            for u in accounts::list(db, None).await? {
                let roles: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}\tmfa={}",
                    u.id,
                    u.email,
                    u.display_name,
                    u.status.code(),
                    roles.join(","),
                    u.mfa_enrolled()
                );
            }
        }
    }
    db.close().await;
    Ok(())
}

async fn org(cfg: Config, cmd: OrgCmd) -> anyhow::Result<()> {
    let db = startup::open_db(&cfg).await?;
    match cmd {
        OrgCmd::Add { name, org_type, national, units } => {
            let t = OrgType::from_code(&org_type).with_context(|| {
                let all: Vec<&str> = OrgType::ALL.iter().map(|t| t.code()).collect();
                format!("--type: unknown type `{org_type}`; one of: {}", all.join(", "))
            })?;
            let jurisdiction = if national {
                Jurisdiction::National
            } else {
                let units: Vec<TerritoryUnit> = units
                    .iter()
                    .map(|u| {
                        TerritoryUnit::parse(u)
                            .with_context(|| format!("--unit: `{u}` is not regione:NN, provincia:NNN or comune:NNNNNN"))
                    })
                    .collect::<anyhow::Result<_>>()?;
                Jurisdiction::from_units(units)
            };
            let mut tx = db.begin().await?;
            let id = orgs::create(
                &mut tx,
                orgs::NewOrganisation {
                    name: &name,
                    org_type: t,
                    jurisdiction: &jurisdiction,
                    contacts: orgs::Contacts::default(),
                },
            )
            .await
            .map_err(|e| match e {
                argine_storage::StorageError::Conflict(_) => {
                    anyhow::anyhow!("an organisation named `{name}` already exists")
                }
                other => other.into(),
            })?;
            audit::append(
                &mut tx,
                &cli_entry(
                    "organisation.create",
                    "organisation",
                    id.to_string(),
                    serde_json::json!({"type": t.code()}),
                ),
            )
            .await?;
            tx.commit().await?;
            println!("created organisation {id}");
        }
        OrgCmd::List => {
            for o in orgs::list(&db).await? {
                println!("{}\t{}\t{}\t{:?}", o.id, o.name, o.org_type.code(), o.jurisdiction);
            }
        }
    }
    db.close().await;
    Ok(())
}

async fn token_cmd(cfg: Config, cmd: TokenCmd) -> anyhow::Result<()> {
    let db = startup::open_db(&cfg).await?;
    match cmd {
        TokenCmd::Create { email, name, scope, days } => {
            let scope = TokenScope::from_code(&scope).context("--scope must be `read` or `read_write`")?;
            if !(1..=365).contains(&days) {
                bail!("--days must be between 1 and 365");
            }
            let secret = token::new_secret("argn_");
            let mut tx = db.begin().await?;
            let u = accounts::find_by_email(&mut tx, &email)
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            let id = tokens::create(
                &mut tx,
                u.id,
                &name,
                &token::digest(&secret),
                scope.code(),
                argine_storage::now() + days * 86400,
            )
            .await?;
            audit::append(
                &mut tx,
                &cli_entry(
                    "token.create",
                    "api_token",
                    id.to_string(),
                    serde_json::json!({"user": u.id, "scope": scope.code()}),
                ),
            )
            .await?;
            tx.commit().await?;
            println!("token {id} (shown once): {secret}");
        }
        TokenCmd::Revoke { email, id } => {
            let mut tx = db.begin().await?;
            let u = accounts::find_by_email(&mut tx, &email)
                .await?
                .with_context(|| format!("no user with e-mail {email}"))?;
            if !tokens::revoke(&mut tx, u.id, id).await? {
                bail!("user {email} has no active token {id}");
            }
            audit::append(&mut tx, &cli_entry("token.revoke", "api_token", id.to_string(), serde_json::json!({})))
                .await?;
            tx.commit().await?;
            println!("token {id} revoked");
        }
    }
    db.close().await;
    Ok(())
}

async fn territory(cfg: Config, cmd: TerritoryCmd) -> anyhow::Result<()> {
    use argine_domain::territory::istat;
    use argine_storage::territory::{self as terr, import};
    let db = startup::open_db(&cfg).await?;
    terr::ensure_loaded(&db).await?;
    match cmd {
        TerritoryCmd::Status => {
            let s = terr::summary(&db).await?;
            println!(
                "{} regions, {} provinces, {} comuni; {}; changes applied to {}; population at {}",
                s.regions, s.provinces, s.comuni, s.vintage, s.patched_to, s.population_date
            );
        }
        TerritoryCmd::Import { file, effective, apply } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let rows = match istat::parse(&bytes) {
                Ok(r) => r,
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{}: {e}", file.display());
                    }
                    bail!(
                        "{} is not a valid ISTAT list ({} errors): nothing was changed",
                        file.display(),
                        errors.len()
                    );
                }
            };
            let effective = match effective {
                Some(d) => {
                    let fmt = time::macros::format_description!("[year]-[month]-[day]");
                    time::Date::parse(&d, fmt)
                        .map_err(|_| anyhow::anyhow!("--effective must be a date like 2026-01-01"))?;
                    d
                }
                None => {
                    let fmt = time::macros::format_description!("[year]-[month]-[day]");
                    time::OffsetDateTime::now_utc().date().format(fmt)?
                }
            };
            let (known, provinces) = import::known(&db).await?;
            let plan = istat::plan(&known, &provinces, &rows);
            print!("{}", istat::report(&plan));
            if !apply {
                println!("dry run: nothing changed; add --apply to apply these changes from {effective}");
            } else if plan.is_empty() {
                println!("nothing to apply");
            } else {
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let a = import::apply(&db, &plan, &effective, &format!("ISTAT Elenco comuni italiani, file {name}"))
                    .await?;
                println!(
                    "applied from {effective}: {} new, {} changed, {} suppressed, {} new provinces; {} jurisdiction units re-pointed",
                    a.new_comuni, a.changed, a.suppressed, a.new_provinces, a.repointed_units
                );
            }
        }
    }
    db.close().await;
    Ok(())
}

async fn census_form(cfg: Config, cmd: FormCmd) -> anyhow::Result<()> {
    use argine_storage::census;
    use argine_web::census::forms::{self, ImportFailure};
    let db = startup::open_db(&cfg).await?;
    match cmd {
        FormCmd::Import { file, publish } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let prepared = match forms::prepare(&bytes, &name) {
                Ok(p) => p,
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{}: {e}", file.display());
                    }
                    bail!("{} is not a valid XLSForm ({} problems): nothing was stored", file.display(), errors.len());
                }
            };
            for w in &prepared.warnings {
                eprintln!("{}: warning: {w}", file.display());
            }
            let mut tx = db.begin().await?;
            let entry = cli_entry("census.form.import", "census_form_version", String::new(), serde_json::json!({}));
            let id = match forms::store(&mut tx, &prepared, &bytes, None, entry).await {
                Ok(id) => id,
                Err(ImportFailure::VersionExists { form_key, version }) => {
                    bail!(
                        "questionnaire {form_key} already has a version {version}: change settings.version and import again"
                    )
                }
                Err(ImportFailure::Invalid(errors)) => bail!("{} problems", errors.len()),
                Err(ImportFailure::Storage(e)) => return Err(e.into()),
            };
            if publish {
                census::publish(&mut tx, id, None).await?;
                let details = serde_json::json!({"form_id": prepared.form_key, "version": prepared.version});
                audit::append(
                    &mut tx,
                    &cli_entry("census.form.publish", "census_form_version", id.to_string(), details),
                )
                .await?;
            }
            tx.commit().await?;
            println!("{id}");
            eprintln!(
                "imported {} version {} as form version {id} ({} questions){}",
                prepared.form_key,
                prepared.version,
                prepared.form.question_count(),
                if publish { ", published" } else { "" }
            );
        }
        FormCmd::List => {
            let mut conn = db.pool().acquire().await?;
            for f in census::forms(&mut conn).await? {
                println!("{}\t{}", f.form_key, f.title);
                for v in census::versions(&mut conn, f.id).await? {
                    let state = if v.is_published() { "published" } else { "draft" };
                    println!("  version id {}\t{}\t{state}\t{} questions", v.id, v.version, v.questions);
                }
            }
        }
        FormCmd::Export { version, out, original } => {
            let mut conn = db.pool().acquire().await?;
            let v = census::version(&mut conn, version).await.with_context(|| format!("form version {version}"))?;
            let bytes = if original {
                census::version_source(&mut conn, version).await?
            } else {
                let form: argine_domain::census::xlsform::Form = serde_json::from_str(&v.definition)?;
                argine_reports::xlsx::write_workbook(&argine_domain::census::xlsform::to_sheets(&form))?
            };
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("wrote {} ({} version {})", out.display(), v.form_key, v.version);
        }
    }
    db.close().await;
    Ok(())
}

/// Online backup of SQLite with `VACUUM INTO` (a consistent snapshot while the server runs),
/// checked with `PRAGMA integrity_check`.
pub async fn backup(cfg: &Config, out: &std::path::Path) -> anyhow::Result<()> {
    if !cfg.is_sqlite() {
        bail!(
            "this deployment uses PostgreSQL: back it up with\n  pg_dump --format=custom --file=argine.dump \"$DATABASE_URL\"\n\
             and restore with\n  pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" argine.dump\n\
             Keep a copy of the secrets file ({}) too.",
            cfg.secrets_file().display()
        );
    }
    if out.exists() {
        bail!("{} already exists: choose a new file", out.display());
    }
    let db = startup::open_db(cfg).await?;
    debug_assert_eq!(db.backend(), Backend::Sqlite);
    let target = out.to_str().context("the backup path must be valid UTF-8")?.to_owned();
    sqlx::query("VACUUM INTO $1")
        .bind(target.clone())
        .execute(db.pool())
        .await
        .with_context(|| format!("writing the backup to {}", out.display()))?;
    // The copy is checked through an attachment to this connection: a pool of its own would set
    // `journal_mode = WAL` on every connection, which a read-only file refuses.
    let mut conn = db.pool().acquire().await?;
    sqlx::query("ATTACH DATABASE $1 AS backup_copy").bind(target.clone()).execute(&mut *conn).await?;
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA backup_copy.integrity_check").fetch_all(&mut *conn).await?;
    sqlx::query("DETACH DATABASE backup_copy").execute(&mut *conn).await?;
    drop(conn);
    db.close().await;
    let check = rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("; ");
    if check != "ok" {
        bail!("the backup {} failed its integrity check: {check}", out.display());
    }
    let size = std::fs::metadata(out)?.len();
    println!("backup written to {} ({size} bytes, integrity ok)", out.display());
    println!("also keep a copy of the secrets file {} (stored separately from the data)", cfg.secrets_file().display());
    Ok(())
}
