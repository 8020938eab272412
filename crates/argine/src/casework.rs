//! Case-work commands: the full duplicate screening (`argine cases screen`), its benchmark on
//! synthetic people (`argine bench cases-screen`) and the rotation of the field-encryption
//! keyring (`argine keys rotate`).

use crate::config::Config;
use crate::startup;
use anyhow::Context;
use argine_domain::cases::blind::{BlindKind, Indexer};
use argine_domain::cases::identity::Identity;
use argine_domain::crypto::Keyring;
use argine_web::cases::duplicates::{self, ScreenReport};
use argine_web::cases::vault::aad;
use std::time::{Duration, Instant};

/// Screens every person against every other and records the signals across organisations.
pub async fn screen(cfg: &Config) -> anyhow::Result<(ScreenReport, Duration)> {
    let db = startup::open_db(cfg).await?;
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let report = duplicates::screen_all(&mut tx).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    let took = started.elapsed();
    db.close().await;
    println!(
        "screened {} people ({} tokens) in {:.2} s: {} signals across organisations, {} pairs within one",
        report.people,
        report.tokens,
        took.as_secs_f64(),
        report.signals,
        report.same_org
    );
    Ok((report, took))
}

/// What a rotation rewrapped.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rotated {
    pub new_key: u32,
    pub persons: usize,
    pub totp_secrets: usize,
    pub queued_mails: usize,
    pub census_links: usize,
}

/// Adds a field key to the secrets file, then re-encrypts under it, in one transaction, every
/// value the keyring encrypts: people's data keys (the data itself is untouched: envelope
/// encryption), second-factor secrets, queued e-mails, census link secrets. Afterwards the old
/// keys may be removed from the secrets file.
pub async fn rotate_keys(cfg: &Config) -> anyhow::Result<Rotated> {
    let path = cfg.secrets_file();
    crate::secrets::load_or_create(&path)?;
    let new_key = crate::secrets::add_field_key(&path)?;
    let keyring = crate::secrets::load_or_create(&path)?;
    let db = startup::open_db(cfg).await?;
    let mut tx = db.begin().await?;
    let mut out = Rotated { new_key, ..Rotated::default() };
    for (id, wrapped) in argine_storage::cases::wrapped_keys(&mut tx).await? {
        if let Some(w) = rewrap(&keyring, &wrapped, &aad("persons.dek", id))? {
            argine_storage::cases::set_wrapped_key(&mut tx, id, &w).await?;
            out.persons += 1;
        }
    }
    let users: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL AND totp_secret_enc <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, enc) in users {
        if let Some(w) = rewrap(&keyring, &enc, &format!("users.totp_secret.{id}"))? {
            sqlx::query("UPDATE users SET totp_secret_enc = $1 WHERE id = $2")
                .bind(w)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            out.totp_secrets += 1;
        }
    }
    let mails: Vec<(i64, String)> = sqlx::query_as("SELECT id, payload FROM jobs WHERE kind = $1 AND status <> 'done'")
        .bind(argine_web::mail::JOB_KIND)
        .fetch_all(&mut *tx)
        .await?;
    for (id, payload) in mails {
        if let Some(w) = rewrap(&keyring, &payload, "jobs.email")? {
            sqlx::query("UPDATE jobs SET payload = $1 WHERE id = $2").bind(w).bind(id).execute(&mut *tx).await?;
            out.queued_mails += 1;
        }
    }
    let links: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, link_secret FROM census_invitations WHERE link_secret IS NOT NULL AND link_secret <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, enc) in links {
        if let Some(w) = rewrap(&keyring, &enc, argine_web::census::mailing::LINK_AAD)? {
            argine_storage::census::set_link_secret(&mut tx, id, &w).await?;
            out.census_links += 1;
        }
    }
    argine_storage::audit::append(
        &mut tx,
        &crate::cli::cli_entry(
            "keys.rotate",
            "keyring",
            new_key.to_string(),
            serde_json::json!({"persons": out.persons, "totp_secrets": out.totp_secrets,
                               "queued_mails": out.queued_mails, "census_links": out.census_links}),
        ),
    )
    .await?;
    tx.commit().await?;
    db.close().await;
    println!(
        "new field key {}: rewrapped {} people's data keys, {} second-factor secrets, {} queued e-mails, {} census links",
        out.new_key, out.persons, out.totp_secrets, out.queued_mails, out.census_links
    );
    println!("the old keys can now be removed from {} (keep a backup of the file first)", path.display());
    Ok(out)
}

fn rewrap(keyring: &Keyring, stored: &str, aad: &str) -> anyhow::Result<Option<String>> {
    keyring.rewrap(stored, aad).with_context(|| format!("cannot re-encrypt a value bound to {aad}"))
}

/// Synthetic people for the screening benchmark: names from syllables, a share registered a
/// second time by another organisation with a spelling variant.
pub async fn bench_screen(people: usize) -> anyhow::Result<Duration> {
    let dir = tempfile::tempdir()?;
    let cfg = crate::config::Config::load_from(
        None,
        std::iter::empty(),
        &crate::config::Overrides { data_dir: Some(dir.path().to_owned()), ..Default::default() },
    )?;
    let state = startup::state(&cfg).await?;
    let indexer = Indexer::new(state.keyring.blind_key().context("no blind-index key")?);
    let mut tx = state.db.begin().await?;
    let mut orgs = Vec::new();
    for name in ["Bench A", "Bench B", "Bench C"] {
        orgs.push(
            argine_storage::orgs::create(
                &mut tx,
                argine_storage::orgs::NewOrganisation {
                    name,
                    org_type: argine_domain::network::OrgType::TerzoSettore,
                    jurisdiction: &argine_domain::territory::Jurisdiction::National,
                    contacts: argine_storage::orgs::Contacts::default(),
                },
            )
            .await?,
        );
    }
    let syllables = ["ma", "mo", "ha", "di", "al", "lo", "ou", "sa", "ne", "ki", "ta", "ba", "ra", "fa", "tu", "ye"];
    let nats = ["GIN", "SEN", "MLI", "NGA", "MAR", "IND", "PAK", "ROU", "ALB", "GHA"];
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let started_insert = Instant::now();
    for i in 0..people {
        let mut word = |n: u64| (0..n).map(|_| syllables[(next() % 16) as usize]).collect::<String>();
        let (g, f) = (word(3), word(4));
        let r = next();
        let birth = format!("{}-{:02}-{:02}", 1960 + r % 45, 1 + (r >> 8) % 12, 1 + (r >> 16) % 28);
        let nat = nats[((r >> 24) % 10) as usize];
        // One in twenty is registered again elsewhere, with the words swapped and a letter doubled.
        let copies: &[(String, String)] =
            &if i % 20 == 0 { vec![(g.clone(), f.clone()), (f.clone(), format!("{g}h"))] } else { vec![(g, f)] };
        for (k, (given, family)) in copies.iter().enumerate() {
            let org = orgs[(i + k) % orgs.len()];
            let id = argine_storage::cases::insert_person(
                &mut tx,
                &format!("B{i:07}{k}"),
                org,
                &argine_storage::cases::PersonAttributes { nationality: nat.into(), ..Default::default() },
                None,
                None,
            )
            .await?;
            let identity = Identity {
                given_names: given.clone(),
                family_name: family.clone(),
                birth_date: Some(birth.clone()),
                ..Identity::default()
            };
            let tokens = indexer.tokens(&identity, nat);
            let pairs: Vec<(&str, &str)> = tokens
                .iter()
                .filter(|t| t.kind != BlindKind::Name)
                .map(|t| (t.kind.code(), t.digest.as_str()))
                .collect();
            argine_storage::cases::set_blind_index(&mut tx, id, &pairs).await?;
        }
        if i > 0 && i % 20_000 == 0 {
            eprintln!("  {i} people inserted ({:.0} s)", started_insert.elapsed().as_secs_f64());
        }
    }
    tx.commit().await?;
    state.db.close().await;
    let (report, took) = screen(&cfg).await?;
    anyhow::ensure!(report.signals >= people / 20, "the synthetic duplicates were not all found: {report:?}");
    Ok(took)
}
