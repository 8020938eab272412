//! Storage contract: every test runs on SQLite and, when `ARGINE_TEST_PG_URL` points to a
//! PostgreSQL server, on PostgreSQL too (each test in a fresh database of its own). Set
//! `ARGINE_REQUIRE_PG=1` to make a missing PostgreSQL an error instead of a skip.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use argine_domain::access::Role;
use argine_domain::audit::ChainBreak;
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::accounts::{self, LinkPurpose, NewUser, UserStatus};
use argine_storage::orgs::{self, NewOrganisation};
use argine_storage::{Db, StorageError, audit, jobs, sessions, throttle, tokens};
use std::future::Future;

/// The case list and the case-work counter (migration 0014).
#[path = "contract/cases_list.rs"]
mod cases_list;
/// The case indicators' counts (migration 0015).
#[path = "contract/cases_stats.rs"]
mod cases_stats;
/// Services and outreach (migration 0012).
#[path = "contract/outreach.rs"]
mod outreach;

struct TestDb {
    db: Db,
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
}

async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    TestDb { db: Db::open(&url, 4).await.unwrap(), _dir: Some(dir), pg_cleanup: None }
}

async fn postgres() -> Option<TestDb> {
    let Ok(base) = std::env::var("ARGINE_TEST_PG_URL") else {
        assert!(std::env::var("ARGINE_REQUIRE_PG").is_err(), "ARGINE_REQUIRE_PG is set but ARGINE_TEST_PG_URL is not");
        eprintln!("PostgreSQL not configured (ARGINE_TEST_PG_URL): skipping the PostgreSQL half");
        return None;
    };
    let name = format!(
        "argine_t_{}",
        argine_domain::auth::token::digest(&argine_domain::auth::token::new_secret(""))[..16].to_owned()
    );
    let admin = Db::connect(&base, 1).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(admin.pool()).await.unwrap();
    admin.close().await;
    let (root, _) = base.rsplit_once('/').unwrap();
    let url = format!("{root}/{name}");
    Some(TestDb { db: Db::open(&url, 4).await.unwrap(), _dir: None, pg_cleanup: Some((base, name)) })
}

impl TestDb {
    async fn finish(self) {
        self.db.close().await;
        if let Some((base, name)) = self.pg_cleanup {
            let admin = Db::connect(&base, 1).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .execute(admin.pool())
                .await
                .unwrap();
            admin.close().await;
        }
    }
}

/// Runs `body` on SQLite, then on PostgreSQL if configured.
async fn on_both<F, Fut>(body: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let t = sqlite().await;
    body(t.db.clone()).await;
    t.finish().await;
    if let Some(t) = postgres().await {
        body(t.db.clone()).await;
        t.finish().await;
    }
}

async fn org(db: &Db, name: &str, j: Jurisdiction) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = orgs::create(
        &mut tx,
        NewOrganisation {
            name,
            org_type: OrgType::Prefettura,
            jurisdiction: &j,
            contacts: orgs::Contacts { pec: Some("p@pec.it".into()), ..Default::default() },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A consent to share the names with `to`, then a referral of `case` from `from` to `to` resting
/// on it; returns the referral.
async fn refer(conn: &mut sqlx::AnyConnection, case: i64, person: i64, from: i64, to: i64, by: i64) -> i64 {
    use argine_storage::cases::{self, NewConsent, NewReferral};
    let consent = cases::add_consent(
        &mut *conn,
        &NewConsent {
            person,
            purposes: "referral",
            fields: "names",
            recipients: &[to],
            language: "it",
            given_on: "2026-01-01",
            by,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    cases::add_referral(
        &mut *conn,
        &NewReferral {
            case,
            from_org: from,
            to_org: to,
            consent,
            fields: "names",
            due_on: "2030-01-01",
            by,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn user(db: &Db, org_id: i64, email: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = accounts::create(
        &mut tx,
        NewUser {
            email,
            display_name: "Mario Rossi",
            org_id,
            status: UserStatus::Active,
            password_hash: Some("$argon2id$x"),
            roles: &[Role::Operator, Role::Viewer],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn migrations_are_idempotent() {
    on_both(|db| async move {
        assert_eq!(db.migrate().await.unwrap(), 0);
        db.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn organisations_keep_their_jurisdiction() {
    on_both(|db| async move {
        let j =
            Jurisdiction::Units(vec![TerritoryUnit::Province("020".into()), TerritoryUnit::Comune("019036".into())]);
        let id = org(&db, "Prefettura di Mantova", j.clone()).await;
        let nat = org(&db, "ANCI", Jurisdiction::National).await;
        let mut c = db.pool().acquire().await.unwrap();
        let o = orgs::get(&mut c, id).await.unwrap();
        assert_eq!(
            o.jurisdiction,
            Jurisdiction::Units(vec![TerritoryUnit::Comune("019036".into()), TerritoryUnit::Province("020".into())])
        );
        assert_eq!(o.contacts.pec.as_deref(), Some("p@pec.it"));
        assert_eq!(orgs::get(&mut c, nat).await.unwrap().jurisdiction, Jurisdiction::National);
        assert!(matches!(orgs::get(&mut c, 999).await, Err(StorageError::NotFound)));
        drop(c);
        let mut tx = db.begin().await.unwrap();
        let dup = orgs::create(
            &mut tx,
            NewOrganisation {
                name: "ANCI",
                org_type: OrgType::AnciCittalia,
                jurisdiction: &Jurisdiction::National,
                contacts: orgs::Contacts::default(),
            },
        )
        .await;
        assert!(matches!(dup, Err(StorageError::Conflict(_))), "{dup:?}");
        drop(tx);
        assert_eq!(orgs::list(&db).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn users_roles_and_failures() {
    on_both(|db| async move {
        let o = org(&db, "Comune di Mantova", Jurisdiction::Units(vec![TerritoryUnit::Comune("020030".into())])).await;
        let id = user(&db, o, "mario@comune.mantova.it").await;
        let mut c = db.pool().acquire().await.unwrap();
        let u = accounts::find_by_email(&mut c, "mario@comune.mantova.it").await.unwrap().unwrap();
        assert_eq!(u.id, id);
        assert_eq!(u.roles, vec![Role::Operator, Role::Viewer]);
        assert_eq!(u.status, UserStatus::Active);
        assert!(accounts::find_by_email(&mut c, "nobody@x.it").await.unwrap().is_none());
        assert_eq!(accounts::record_failure(&mut c, id, 5).await.unwrap(), 1);
        assert_eq!(accounts::record_failure(&mut c, id, 6).await.unwrap(), 2);
        assert_eq!(accounts::get(&mut c, id).await.unwrap().throttled_until, 6);
        accounts::set_status(&mut c, id, UserStatus::Locked).await.unwrap();
        accounts::set_password(&mut c, id, "$argon2id$new").await.unwrap();
        let u = accounts::get(&mut c, id).await.unwrap();
        assert_eq!((u.status, u.failed_logins), (UserStatus::Active, 0));
        let dup = accounts::create(
            &mut c,
            NewUser {
                email: "mario@comune.mantova.it",
                display_name: "x",
                org_id: o,
                status: UserStatus::Active,
                password_hash: None,
                roles: &[],
            },
        )
        .await;
        assert!(matches!(dup, Err(StorageError::Conflict(_))));
        // MFA
        accounts::enable_totp(&mut c, id, "v1.1.xxx", 10, &["h1".into(), "h2".into()]).await.unwrap();
        assert!(!accounts::advance_totp_step(&mut c, id, 10).await.unwrap());
        assert!(accounts::advance_totp_step(&mut c, id, 11).await.unwrap());
        assert!(accounts::use_recovery_code(&mut c, id, "h1").await.unwrap());
        assert!(!accounts::use_recovery_code(&mut c, id, "h1").await.unwrap());
        assert_eq!(accounts::unused_recovery_codes(&mut c, id).await.unwrap(), 1);
        accounts::reset_totp(&mut c, id).await.unwrap();
        assert!(!accounts::get(&mut c, id).await.unwrap().mfa_enrolled());
    })
    .await;
}

#[tokio::test]
async fn links_are_single_use_and_superseded() {
    on_both(|db| async move {
        let o = org(&db, "O", Jurisdiction::National).await;
        let id = user(&db, o, "a@b.it").await;
        let mut c = db.pool().acquire().await.unwrap();
        accounts::create_link(&mut c, "h-old", LinkPurpose::PasswordReset, id, 3600).await.unwrap();
        accounts::create_link(&mut c, "h-new", LinkPurpose::PasswordReset, id, 3600).await.unwrap();
        assert_eq!(accounts::consume_link(&mut c, "h-old", LinkPurpose::PasswordReset).await.unwrap(), None);
        assert_eq!(accounts::consume_link(&mut c, "h-new", LinkPurpose::Invitation).await.unwrap(), None);
        assert_eq!(accounts::peek_link(&mut c, "h-new", LinkPurpose::PasswordReset).await.unwrap(), Some(id));
        assert_eq!(accounts::consume_link(&mut c, "h-new", LinkPurpose::PasswordReset).await.unwrap(), Some(id));
        assert_eq!(accounts::consume_link(&mut c, "h-new", LinkPurpose::PasswordReset).await.unwrap(), None);
        accounts::create_link(&mut c, "h-exp", LinkPurpose::Invitation, id, -1).await.unwrap();
        assert_eq!(accounts::consume_link(&mut c, "h-exp", LinkPurpose::Invitation).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_end_everywhere() {
    on_both(|db| async move {
        let o = org(&db, "O", Jurisdiction::National).await;
        let id = user(&db, o, "a@b.it").await;
        let now = argine_storage::now();
        let mut c = db.pool().acquire().await.unwrap();
        for (h, exp) in [("s1", now + 100), ("s2", now + 100), ("s3", now - 1)] {
            sessions::create(
                &mut c,
                sessions::NewSession {
                    id_hash: h,
                    user_id: id,
                    expires_at: exp,
                    mfa_verified: h == "s1",
                    ip: "127.0.0.1",
                    user_agent: "t",
                },
            )
            .await
            .unwrap();
        }
        drop(c);
        let s1 = sessions::find_live(&db, "s1", 1800).await.unwrap().unwrap();
        assert!(s1.mfa_verified());
        assert!(sessions::find_live(&db, "s3", 1800).await.unwrap().is_none(), "absolute expiry");
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = 's2'")
            .bind(now - 1801)
            .execute(db.pool())
            .await
            .unwrap();
        assert!(sessions::find_live(&db, "s2", 1800).await.unwrap().is_none(), "idle expiry");
        assert_eq!(sessions::purge_expired(&db, 1800).await.unwrap(), 2);
        let mut c = db.pool().acquire().await.unwrap();
        assert_eq!(sessions::delete_all_for_user(&mut c, id).await.unwrap(), 1);
        assert!(sessions::find_live(&db, "s1", 1800).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn api_tokens_expire_and_revoke() {
    on_both(|db| async move {
        let o = org(&db, "O", Jurisdiction::National).await;
        let id = user(&db, o, "a@b.it").await;
        let now = argine_storage::now();
        let mut c = db.pool().acquire().await.unwrap();
        let t1 = tokens::create(&mut c, id, "script", "hash1", "read", now + 100).await.unwrap();
        tokens::create(&mut c, id, "old", "hash2", "read", now - 1).await.unwrap();
        drop(c);
        assert_eq!(tokens::find_valid(&db, "hash1").await.unwrap().unwrap().id, t1);
        assert!(tokens::find_valid(&db, "hash2").await.unwrap().is_none());
        let mut c = db.pool().acquire().await.unwrap();
        assert!(!tokens::revoke(&mut c, id + 1, t1).await.unwrap(), "someone else's token");
        assert!(tokens::revoke(&mut c, id, t1).await.unwrap());
        drop(c);
        assert!(tokens::find_valid(&db, "hash1").await.unwrap().is_none());
        assert_eq!(tokens::list_for_user(&db, id).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn throttle_counts_per_window() {
    on_both(|db| async move {
        assert_eq!(throttle::failures(&db, "ip:1", 900).await.unwrap(), 0);
        for i in 1..=3 {
            assert_eq!(throttle::record_failure(&db, "ip:1", 900).await.unwrap(), i);
        }
        assert_eq!(throttle::failures(&db, "ip:1", 900).await.unwrap(), 3);
        assert_eq!(throttle::failures(&db, "ip:2", 900).await.unwrap(), 0);
        // a zero-length window has always passed
        assert_eq!(throttle::record_failure(&db, "ip:1", 0).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn audit_chain_detects_tampering() {
    on_both(|db| async move {
        for i in 0..5 {
            audit::record(
                &db,
                &audit::NewEntry {
                    actor_label: "cli".into(),
                    action: format!("test.event{i}"),
                    outcome: "ok".into(),
                    record_type: "user".into(),
                    record_id: i.to_string(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        let v = audit::verify(&db).await.unwrap();
        assert_eq!((v.checked, v.broken.clone()), (5, None));
        let found =
            audit::search(&db, &audit::Filter { action: Some("test.event3".into()), limit: 10, ..Default::default() })
                .await
                .unwrap();
        assert_eq!(found.len(), 1);
        let found = audit::search(&db, &audit::Filter { actor: Some("CL".into()), limit: 2, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(found.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![5, 4]);
        sqlx::query("UPDATE audit_log SET record_id = '99' WHERE seq = 3").execute(db.pool()).await.unwrap();
        assert_eq!(audit::verify(&db).await.unwrap().broken, Some(ChainBreak::Edited { seq: 3 }));
        sqlx::query("UPDATE audit_log SET record_id = '2' WHERE seq = 3").execute(db.pool()).await.unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(db.pool()).await.unwrap();
        assert_eq!(audit::verify(&db).await.unwrap().broken, Some(ChainBreak::Gap { after: 1, next: 3 }));
    })
    .await;
}

#[tokio::test]
async fn concurrent_audit_appends_keep_one_chain() {
    on_both(|db| async move {
        let mut handles = Vec::new();
        for i in 0..20 {
            let db = db.clone();
            handles.push(tokio::spawn(async move {
                audit::record(
                    &db,
                    &audit::NewEntry {
                        actor_label: "t".into(),
                        action: format!("c{i}"),
                        outcome: "ok".into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let v = audit::verify(&db).await.unwrap();
        assert_eq!((v.checked, v.broken), (20, None));
    })
    .await;
}

#[tokio::test]
async fn jobs_claim_retry_and_dedup() {
    on_both(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let a = jobs::enqueue(&mut tx, "email", "{}", Some("invite:1"), 2).await.unwrap();
        assert!(a.is_some());
        assert_eq!(jobs::enqueue(&mut tx, "email", "{}", Some("invite:1"), 2).await.unwrap(), None, "deduplicated");
        jobs::enqueue(&mut tx, "email", "{}", None, 3).await.unwrap();
        tx.commit().await.unwrap();
        let j1 = jobs::claim(&db, 60).await.unwrap().unwrap();
        assert_eq!((Some(j1.id), j1.attempts, j1.status.as_str()), (a, 1, "running"));
        let j2 = jobs::claim(&db, 60).await.unwrap().unwrap();
        assert_ne!(j1.id, j2.id);
        assert!(jobs::claim(&db, 60).await.unwrap().is_none());
        jobs::fail(&db, &j1, "smtp down").await.unwrap();
        jobs::complete(&db, j2.id).await.unwrap();
        // backoff: not claimable yet
        assert!(jobs::claim(&db, 60).await.unwrap().is_none());
        sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1").bind(j1.id).execute(db.pool()).await.unwrap();
        let again = jobs::claim(&db, 60).await.unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (j1.id, 2));
        jobs::fail(&db, &again, "still down").await.unwrap();
        let failed = jobs::list(&db, Some("failed"), 10).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].last_error.as_deref(), Some("still down"));
        assert!(jobs::retry(&db, j1.id).await.unwrap());
        let counts = jobs::counts(&db).await.unwrap();
        assert_eq!(counts, vec![("done".to_owned(), 1), ("queued".to_owned(), 1)]);
        // an expired lease is claimed again
        let j = jobs::claim(&db, -10).await.unwrap().unwrap();
        let j_again = jobs::claim(&db, 60).await.unwrap().unwrap();
        assert_eq!(j.id, j_again.id);
    })
    .await;
}

#[test]
fn backoff_grows_and_caps() {
    assert_eq!(jobs::backoff_secs(1), 30);
    assert_eq!(jobs::backoff_secs(2), 120);
    assert_eq!(jobs::backoff_secs(10), 6 * 3600);
}

#[tokio::test]
async fn territory_reference_data_loads_once() {
    on_both(|db| async move {
        assert!(argine_storage::territory::ensure_loaded(&db).await.unwrap());
        assert!(!argine_storage::territory::ensure_loaded(&db).await.unwrap(), "second start does not reload");
        let s = argine_storage::territory::summary(&db).await.unwrap();
        assert_eq!((s.regions, s.provinces, s.comuni), (20, 107, 7894));
        let versions = argine_storage::territory::all_versions(&db).await.unwrap();
        let roma = versions.iter().find(|c| c.istat == "058091" && c.is_current()).unwrap();
        assert_eq!(
            (roma.belfiore.as_str(), roma.province_code.as_str(), roma.pop_total > 2_700_000),
            ("H501", "258", true)
        );
        let ionadi = versions.iter().find(|c| c.name == "Ionadi").unwrap();
        let jonadi = versions.iter().find(|c| Some(c.id) == ionadi.successor_id).unwrap();
        assert_eq!(
            (jonadi.name.as_str(), jonadi.valid_from.as_str(), ionadi.valid_to.as_deref()),
            ("Jonadi", "2024-06-30", Some("2024-06-29"))
        );
    })
    .await;
}

#[tokio::test]
async fn territory_import_applies_atomically_on_both_databases() {
    use argine_domain::territory::istat;
    on_both(|db| async move {
        argine_storage::territory::ensure_loaded(&db).await.unwrap();
        let (known, provinces) = argine_storage::territory::import::known(&db).await.unwrap();
        let mut file: Vec<istat::ElencoRow> = known
            .iter()
            .filter(|k| !k.istat.is_empty())
            .map(|k| istat::ElencoRow {
                line: 0,
                istat: k.istat.clone(),
                belfiore: k.belfiore.clone(),
                name: k.name.clone(),
                name_other: k.name_other.clone(),
                province_code: k.province_code.clone(),
                province_name: String::new(),
                province_type: "1".into(),
                sigla: String::new(),
                region_code: k.region_code.clone(),
                capoluogo: false,
            })
            .collect();
        let aggius = file.iter_mut().find(|r| r.belfiore == "A069").unwrap();
        aggius.istat = "113001".into();
        aggius.province_code = "113".into();
        let plan = istat::plan(&known, &provinces, &file);
        // M439 (no ISTAT code yet) is absent from this file: it is reported as suppressed.
        assert_eq!((plan.changes.len(), plan.new_provinces.len(), plan.suppressed.len()), (1, 1, 1));
        let applied = argine_storage::territory::import::apply(&db, &plan, "2026-07-01", "test").await.unwrap();
        assert_eq!((applied.changed, applied.new_provinces, applied.suppressed), (1, 1, 1));
        let s = argine_storage::territory::summary(&db).await.unwrap();
        assert_eq!((s.comuni, s.provinces, s.patched_to.as_str()), (7893, 108, "2026-07-01"));
        assert!(!argine_storage::territory::import::revision(&db).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn census_form_versions_are_immutable_and_unique() {
    use argine_storage::census::{self, NewFormVersion};
    on_both(|db| async move {
        let o = org(&db, "ANCI", Jurisdiction::National).await;
        let u = user(&db, o, "s@anci.it").await;
        let workbook = b"PK\x03\x04 not really a workbook, but bytes".to_vec();
        let v1 = NewFormVersion {
            form_key: "incas_2021",
            version: "2021-10",
            title: "Condizioni abitative",
            source: &workbook,
            definition: r#"{"id":"incas_2021"}"#,
            questions: 42,
        };
        let mut tx = db.begin().await.unwrap();
        let id1 = census::add_version(&mut tx, &v1, Some(u)).await.unwrap();
        tx.commit().await.unwrap();
        // The same version number again is refused, and the refusal changes nothing.
        let mut tx = db.begin().await.unwrap();
        let err = census::add_version(&mut tx, &NewFormVersion { questions: 1, ..v1 }, Some(u)).await.unwrap_err();
        assert!(matches!(err, StorageError::Conflict(ref c) if c.contains("census_form_versions")), "{err:?}");
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        let id2 = census::add_version(
            &mut tx,
            &NewFormVersion { version: "2022-01", title: "Condizioni abitative (2022)", ..v1 },
            Some(u),
        )
        .await
        .unwrap();
        census::publish(&mut tx, id1, Some(u)).await.unwrap();
        let first = census::version(&mut tx, id1).await.unwrap().published_at;
        census::publish(&mut tx, id1, Some(u)).await.unwrap();
        assert_eq!(
            census::version(&mut tx, id1).await.unwrap().published_at,
            first,
            "publishing twice keeps the stamp"
        );
        assert!(matches!(census::publish(&mut tx, 9_999, Some(u)).await, Err(StorageError::NotFound)));
        tx.commit().await.unwrap();

        let mut conn = db.pool().acquire().await.unwrap();
        let forms = census::forms(&mut conn).await.unwrap();
        assert_eq!(forms.len(), 1);
        assert_eq!(forms[0].versions, 2);
        assert_eq!(forms[0].title, "Condizioni abitative (2022)");
        assert_eq!(forms[0].latest_version_id, id2);
        assert_eq!(forms[0].published_version_id, Some(id1));
        let vs = census::versions(&mut conn, forms[0].id).await.unwrap();
        assert_eq!(vs.iter().map(|v| v.id).collect::<Vec<_>>(), vec![id2, id1]);
        let v = census::version(&mut conn, id1).await.unwrap();
        assert_eq!((v.version.as_str(), v.questions, v.form_key.as_str()), ("2021-10", 42, "incas_2021"));
        assert!(v.is_published());
        assert_eq!(v.definition, r#"{"id":"incas_2021"}"#);
        assert_eq!(census::version_source(&mut conn, id1).await.unwrap(), workbook);
        assert_eq!(v.source_sha256.len(), 64);
        assert!(matches!(census::version(&mut conn, 9_999).await, Err(StorageError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn census_campaigns_count_progress_by_region() {
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation, NewResponse};
    on_both(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let v = census::add_version(
            &mut tx,
            &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: "{}", questions: 1 },
            None,
        )
        .await
        .unwrap();
        let c = census::create_campaign(
            &mut tx,
            &NewCampaign {
                name: "Prova",
                form_version_id: v,
                universe: r#"{"kind":"all"}"#,
                opens_on: "2026-01-10",
                deadline: "2026-02-10",
                status: "open",
                reminders: 2,
                reminder_days: 7,
                accept_late: true,
            },
            None,
        )
        .await
        .unwrap();
        // 1,201 Comuni (more than two insert batches) in two regions.
        let list: Vec<NewInvitation> = (0..1201)
            .map(|i| NewInvitation {
                comune_code: format!("{:06}", i + 1),
                comune_name: format!("Comune {i}"),
                province_code: if i % 3 == 0 { "071".into() } else { "020".into() },
                region_code: if i % 3 == 0 { "16".into() } else { "03".into() },
                email: None,
                pec: Some(format!("c{i}@pec.invalid")),
                invited_at: Some(1_700_000_000),
            })
            .collect();
        let ids = census::add_invitations(&mut tx, c, &list).await.unwrap();
        assert_eq!(ids.len(), 1201);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids in input order");
        // Every 4th Comune submitted, every 10th left a draft.
        let responses: Vec<NewResponse> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 4 == 0 || i % 10 == 5)
            .map(|(i, id)| NewResponse {
                invitation_id: *id,
                form_version_id: v,
                answers: format!(r#"{{"n":"{i}"}}"#),
                submitted_at: (i % 4 == 0).then_some(1_700_100_000),
                source: "import",
            })
            .collect();
        census::add_responses(&mut tx, &responses).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.pool().acquire().await.unwrap();
        let (total, by) = census::progress_by_region(&mut conn, c).await.unwrap();
        let submitted = (0..1201).filter(|i| i % 4 == 0).count() as i64;
        let drafts = (0..1201).filter(|i| i % 4 != 0 && i % 10 == 5).count() as i64;
        assert_eq!(total.invited, 1201);
        assert_eq!(total.submitted, submitted);
        assert_eq!(total.started, submitted + drafts);
        assert_eq!(total.opened, total.started);
        assert_eq!(by.iter().map(|(code, _)| code.as_str()).collect::<Vec<_>>(), ["03", "16"]);
        assert_eq!(by[1].1.invited, (0..1201).filter(|i| i % 3 == 0).count() as i64);
        assert_eq!(by.iter().map(|(_, p)| p.submitted).sum::<i64>(), submitted);
        assert!((total.rate() - (submitted as f64 * 1000.0 / 1201.0).round() / 10.0).abs() < 1e-9);
        let answers = census::submitted_answers(&mut conn, c).await.unwrap();
        assert_eq!(answers.len() as i64, submitted);
        assert_eq!(answers[0], ("000001".to_owned(), r#"{"n":"0"}"#.to_owned()));
        let camp = census::campaign(&mut conn, c).await.unwrap();
        assert_eq!((camp.status.as_str(), camp.deadline.as_str()), ("open", "2026-02-10"));
        assert_eq!(census::campaigns(&mut conn).await.unwrap().len(), 1);
        drop(conn);

        // The same Comune twice in a campaign is refused.
        let mut tx = db.begin().await.unwrap();
        let again = census::add_invitations(&mut tx, c, &list[..1]).await.unwrap_err();
        assert!(matches!(again, StorageError::Conflict(ref k) if k.contains("census_invitations")), "{again:?}");
    })
    .await;
}

#[tokio::test]
async fn census_submitted_responses_read_in_keyset_pages() {
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation, NewResponse};
    on_both(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let v = census::add_version(
            &mut tx,
            &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: "{}", questions: 1 },
            None,
        )
        .await
        .unwrap();
        let campaign = |name: &'static str| NewCampaign {
            name,
            form_version_id: v,
            universe: r#"{"kind":"all"}"#,
            opens_on: "2026-01-10",
            deadline: "2026-02-10",
            status: "open",
            reminders: 2,
            reminder_days: 7,
            accept_late: true,
        };
        let c = census::create_campaign(&mut tx, &campaign("Prova"), None).await.unwrap();
        let other = census::create_campaign(&mut tx, &campaign("Altra"), None).await.unwrap();
        // Invited in an order that is not the codes' order: pages follow the codes.
        let list: Vec<NewInvitation> = (0..1001)
            .map(|i| NewInvitation {
                comune_code: format!("{:06}", (i * 7919) % 1001),
                comune_name: format!("Comune {i}"),
                province_code: "020".into(),
                region_code: "03".into(),
                email: None,
                pec: None,
                invited_at: Some(1_700_000_000),
            })
            .collect();
        let ids = census::add_invitations(&mut tx, c, &list).await.unwrap();
        let others = census::add_invitations(&mut tx, other, &list[..50]).await.unwrap();
        // Two in three submitted, the rest drafts; every response of the other campaign submitted.
        let responses: Vec<NewResponse> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| NewResponse {
                invitation_id: *id,
                form_version_id: v,
                answers: format!(r#"{{"n":"{i}"}}"#),
                submitted_at: (i % 3 != 2).then_some(1_700_100_000 + i as i64),
                source: "import",
            })
            .chain(others.iter().map(|id| NewResponse {
                invitation_id: *id,
                form_version_id: v,
                answers: "{}".into(),
                submitted_at: Some(1),
                source: "import",
            }))
            .collect();
        census::add_responses(&mut tx, &responses).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.pool().acquire().await.unwrap();
        let mut pages = Vec::new();
        let mut after = String::new();
        loop {
            let page = census::submitted_page(&mut conn, c, &after, 100).await.unwrap();
            let full = page.len() == 100;
            if let Some(last) = page.last() {
                after = last.comune_code.clone();
            }
            pages.push(page);
            if !full {
                break;
            }
        }
        let all: Vec<_> = pages.concat();
        let submitted = (0..1001).filter(|i| i % 3 != 2).count();
        assert_eq!(all.len(), submitted);
        assert_eq!(pages.len(), submitted.div_ceil(100));
        assert!(all.windows(2).all(|w| w[0].comune_code < w[1].comune_code), "in comune-code order");
        // The same responses, in the same order, as the whole-campaign reader.
        let whole = census::submitted_responses(&mut conn, c).await.unwrap();
        let paged: Vec<(String, String, String)> =
            all.iter().map(|r| (r.comune_code.clone(), r.comune_name.clone(), r.answers.clone())).collect();
        assert_eq!(paged, whole);
        let first = &all[0];
        let i: usize = first.comune_name.trim_start_matches("Comune ").parse().unwrap();
        assert_eq!(first.answers, format!(r#"{{"n":"{i}"}}"#));
        assert_eq!(first.submitted_at, Some(1_700_100_000 + i as i64));
        assert_eq!(first.form_version_id, v);
        assert!(census::submitted_page(&mut conn, c, &after, 100).await.unwrap().is_empty(), "nothing after the last");
        assert_eq!(census::submitted_page(&mut conn, other, "", 1000).await.unwrap().len(), 50);
    })
    .await;
}

#[tokio::test]
async fn census_save_and_submit_is_save_draft_then_submit() {
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation};
    on_both(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let v = census::add_version(
            &mut tx,
            &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: "{}", questions: 1 },
            None,
        )
        .await
        .unwrap();
        let c = census::create_campaign(
            &mut tx,
            &NewCampaign {
                name: "Prova",
                form_version_id: v,
                universe: "{}",
                opens_on: "2026-01-10",
                deadline: "2026-02-10",
                status: "open",
                reminders: 2,
                reminder_days: 7,
                accept_late: true,
            },
            None,
        )
        .await
        .unwrap();
        let list: Vec<NewInvitation> = (0..4)
            .map(|i| NewInvitation {
                comune_code: format!("00000{i}"),
                comune_name: format!("C{i}"),
                province_code: "020".into(),
                region_code: "03".into(),
                email: None,
                pec: None,
                invited_at: None,
            })
            .collect();
        let ids = census::add_invitations(&mut tx, c, &list).await.unwrap();
        // 0 and 1: straight to submission; 2 and 3: a draft first.
        for &id in &ids[2..] {
            census::save_draft(&mut tx, id, v, r#"{"a":"draft"}"#).await.unwrap();
        }
        for &id in [ids[0], ids[2]].iter() {
            census::save_draft(&mut tx, id, v, r#"{"a":"final"}"#).await.unwrap();
            census::submit(&mut tx, id, r#"{"a":"final"}"#).await.unwrap();
        }
        for &id in [ids[1], ids[3]].iter() {
            census::save_and_submit(&mut tx, id, v, r#"{"a":"final"}"#).await.unwrap();
        }
        let again = census::save_and_submit(&mut tx, ids[1], v, "{}").await.unwrap_err();
        assert!(matches!(again, StorageError::Conflict(ref k) if k == "census_responses_submitted"), "{again:?}");
        for (old, new) in [(ids[0], ids[1]), (ids[2], ids[3])] {
            let a = census::response_of(&mut tx, old).await.unwrap().unwrap();
            let b = census::response_of(&mut tx, new).await.unwrap().unwrap();
            assert_eq!(
                (a.status.as_str(), a.revision, a.answers.as_str()),
                (b.status.as_str(), b.revision, b.answers.as_str())
            );
            assert!(b.submitted_at.is_some() && b.is_submitted());
            let (ia, ib) =
                (census::invitation(&mut tx, old).await.unwrap(), census::invitation(&mut tx, new).await.unwrap());
            for i in [ia, ib] {
                assert!(i.opened_at.is_some() && i.started_at.is_some() && i.submitted_at.is_some());
            }
        }
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn census_mail_schedule_and_contact_log() {
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation};
    on_both(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let v = census::add_version(
            &mut tx,
            &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: "{}", questions: 1 },
            None,
        )
        .await
        .unwrap();
        let campaign = |name: &'static str, opens_on: &'static str| NewCampaign {
            name,
            form_version_id: v,
            universe: r#"{"kind":"all"}"#,
            opens_on,
            deadline: "2026-03-31",
            status: "open",
            reminders: 2,
            reminder_days: 7,
            accept_late: false,
        };
        let c = census::create_campaign(&mut tx, &campaign("Aperta", "2026-03-01"), None).await.unwrap();
        let later = census::create_campaign(&mut tx, &campaign("Futura", "2026-03-20"), None).await.unwrap();
        let inv = |code: &str, pec: Option<&str>| NewInvitation {
            comune_code: code.into(),
            comune_name: format!("Comune {code}"),
            province_code: "071".into(),
            region_code: "16".into(),
            email: None,
            pec: pec.map(str::to_owned),
            invited_at: None,
        };
        // a: with PEC and link; b: no address; c: link but in a campaign not yet open.
        let ids = census::add_invitations(&mut tx, c, &[inv("000001", Some("a@pec.invalid")), inv("000002", None)])
            .await
            .unwrap();
        let future = census::add_invitations(&mut tx, later, &[inv("000003", Some("c@pec.invalid"))]).await.unwrap();
        for id in ids.iter().chain(&future) {
            census::set_link_secret(&mut tx, *id, "v1.1.secret").await.unwrap();
        }
        tx.commit().await.unwrap();
        let day = |d: u32| (1_772_323_200 + i64::from(d - 1) * 86_400, format!("2026-03-{d:02}"));
        let mut conn = db.pool().acquire().await.unwrap();

        // 1 March: the invitation of the Comune with an address only.
        let (t, today) = day(1);
        let due = census::due_mails(&mut conn, t, &today, 100).await.unwrap();
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!((due[0].invitation_id, due[0].seq, due[0].kind()), (ids[0], 0, "invitation"));
        census::record_mail(&mut conn, &due[0], "pec", None).await.unwrap();
        assert!(matches!(census::record_mail(&mut conn, &due[0], "pec", None).await, Err(StorageError::Conflict(_))));
        assert!(census::due_mails(&mut conn, t, &today, 100).await.unwrap().is_empty(), "nothing more today");
        // Recorded now, so the first reminder is due 7 days after the real clock: move the
        // recorded times back to 1 March to replay the schedule.
        sqlx::query("UPDATE census_invitations SET invited_at = $1 WHERE id = $2")
            .bind(t)
            .bind(ids[0])
            .execute(&mut *conn)
            .await
            .unwrap();
        let (t6, today6) = day(7);
        assert!(census::due_mails(&mut conn, t6 - 1, &today6, 100).await.unwrap().is_empty(), "not before 7 days");
        let (t8, today8) = day(8);
        let due = census::due_mails(&mut conn, t8, &today8, 100).await.unwrap();
        assert_eq!((due.len(), due[0].seq, due[0].kind()), (1, 1, "reminder"));
        census::record_mail(&mut conn, &due[0], "pec", None).await.unwrap();
        sqlx::query("UPDATE census_invitations SET last_reminder_at = $1 WHERE id = $2")
            .bind(t8)
            .bind(ids[0])
            .execute(&mut *conn)
            .await
            .unwrap();
        // Second reminder on the 15th; the Comune then submits: no third one, ever.
        let (t15, today15) = day(15);
        let due = census::due_mails(&mut conn, t15, &today15, 100).await.unwrap();
        assert_eq!(due[0].seq, 2);
        census::record_mail(&mut conn, &due[0], "pec", None).await.unwrap();
        sqlx::query("UPDATE census_invitations SET last_reminder_at = $1 WHERE id = $2")
            .bind(t15)
            .bind(ids[0])
            .execute(&mut *conn)
            .await
            .unwrap();
        let (t29, today29) = day(29);
        let due = census::due_mails(&mut conn, t29, &today29, 100).await.unwrap();
        assert!(due.iter().all(|d| d.invitation_id != ids[0]), "at most 2 reminders: {due:?}");
        // The future campaign's invitation goes out on its opening day.
        let (t20, today20) = day(20);
        let due = census::due_mails(&mut conn, t20, &today20, 100).await.unwrap();
        assert_eq!(due.iter().map(|d| d.invitation_id).collect::<Vec<_>>(), future);
        let sent = census::mailings(&mut conn, c, false, 10).await.unwrap();
        assert_eq!(sent.iter().map(|m| m.seq).collect::<Vec<_>>(), [2, 1, 0]);
        assert_eq!(census::mailings_of(&mut conn, ids[0]).await.unwrap().len(), 3);
        assert_eq!(census::mailing_counts(&mut conn, c).await.unwrap(), [("done".to_owned(), 3)]);
        assert_eq!(census::link_secret(&mut conn, ids[0]).await.unwrap().as_deref(), Some("v1.1.secret"));

        // Contact log: newest first; the latest per invitation.
        census::add_contact(&mut conn, ids[1], "phone", "no_answer", "", None).await.unwrap();
        census::add_contact(&mut conn, ids[1], "phone", "promised", "Risponde la segreteria", None).await.unwrap();
        let log = census::contacts(&mut conn, ids[1]).await.unwrap();
        assert_eq!(log.iter().map(|k| k.outcome.as_str()).collect::<Vec<_>>(), ["promised", "no_answer"]);
        let last = census::last_contacts(&mut conn, c).await.unwrap();
        assert_eq!((last.len(), last[0].note.as_str()), (1, "Risponde la segreteria"));
        census::set_addresses(&mut conn, ids[1], Some("b@comune.invalid"), None).await.unwrap();
        assert_eq!(census::invitation(&mut conn, ids[1]).await.unwrap().email.as_deref(), Some("b@comune.invalid"));

        // Closing stops everything; closing twice is NotFound.
        census::close_campaign(&mut conn, c).await.unwrap();
        assert!(matches!(census::close_campaign(&mut conn, c).await, Err(StorageError::NotFound)));
        assert!(!census::campaign(&mut conn, c).await.unwrap().accepts_submissions("2026-03-02"));
    })
    .await;
}

#[tokio::test]
async fn census_corrections_make_clean_pages_and_leave_the_raw_alone() {
    use argine_domain::census::answers::Answers;
    use argine_storage::census::clean::{self, IssueKey, NewCorrection};
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation, NewResponse};
    // A small questionnaire with a repeat and a total, so the clean answers' totals can follow.
    let sheets = vec![
        (
            "survey".to_owned(),
            [
                ["type", "name", "label", "calculation"],
                ["text", "A1", "Comune", ""],
                ["begin_repeat", "insediamenti", "Insediamenti", ""],
                ["text", "E1", "Nome", ""],
                ["integer", "E3", "Persone", ""],
                ["end_repeat", "insediamenti", "", ""],
                ["calculate", "tot", "", "sum(${E3})"],
            ]
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
        ),
        ("choices".to_owned(), vec![vec!["list_name".into(), "name".into(), "label".into()]]),
    ];
    let form = argine_domain::census::xlsform::parse(&sheets).unwrap();
    let definition = serde_json::to_string(&form).unwrap();
    on_both(|db| {
        let definition = definition.clone();
        async move {
            let o = org(&db, "ANCI", Jurisdiction::National).await;
            let u = user(&db, o, "s@anci.it").await;
            let mut tx = db.begin().await.unwrap();
            let v = census::add_version(
                &mut tx,
                &NewFormVersion {
                    form_key: "f",
                    version: "1",
                    title: "F",
                    source: b"x",
                    definition: &definition,
                    questions: 4,
                },
                None,
            )
            .await
            .unwrap();
            let c = census::create_campaign(
                &mut tx,
                &NewCampaign {
                    name: "Prova",
                    form_version_id: v,
                    universe: r#"{"kind":"all"}"#,
                    opens_on: "2026-01-10",
                    deadline: "2026-02-10",
                    status: "closed",
                    reminders: 0,
                    reminder_days: 7,
                    accept_late: false,
                },
                None,
            )
            .await
            .unwrap();
            let list: Vec<NewInvitation> = (0..5)
                .map(|i| NewInvitation {
                    comune_code: format!("07100{i}"),
                    comune_name: format!("Comune {i}"),
                    province_code: "071".into(),
                    region_code: "16".into(),
                    email: None,
                    pec: None,
                    invited_at: Some(1_700_000_000),
                })
                .collect();
            let ids = census::add_invitations(&mut tx, c, &list).await.unwrap();
            let raw = |i: usize| {
                format!(
                    r#"{{"A1":"Comune {i}","insediamenti":[{{"E1":"Borgo","E3":"40"}},{{"E1":"Ghetto","E3":"2"}}],"tot":"42"}}"#
                )
            };
            let responses: Vec<NewResponse> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| NewResponse {
                    invitation_id: *id,
                    form_version_id: v,
                    answers: raw(i),
                    submitted_at: Some(1_700_100_000),
                    source: "import",
                })
                .collect();
            census::add_responses(&mut tx, &responses).await.unwrap();
            tx.commit().await.unwrap();

            // Two corrections of the second settlement of Comune 1 (the later wins), one of Comune 3.
            let mut tx = db.begin().await.unwrap();
            let new = |inv: i64, path: &'static str, old: &'static str, new: &'static str| NewCorrection {
                invitation_id: inv,
                path,
                old_value: old,
                new_value: new,
                reason: "Telefonata con l'ufficio tecnico",
                source: "telefonata",
            };
            let first = clean::add_correction(&mut tx, &new(ids[1], "insediamenti[1]/E3", "2", "200"), Some(u))
                .await
                .unwrap();
            let second = clean::add_correction(&mut tx, &new(ids[1], "insediamenti[1]/E3", "200", "250"), Some(u))
                .await
                .unwrap();
            clean::add_correction(&mut tx, &new(ids[3], "A1", "Comune 3", ""), None).await.unwrap();
            tx.commit().await.unwrap();
            // A reason is required by the schema too.
            let mut conn = db.pool().acquire().await.unwrap();
            assert!(
                clean::add_correction(&mut conn, &NewCorrection { reason: "", ..new(ids[0], "A1", "", "x") }, None)
                    .await
                    .is_err()
            );

            let all = |db: Db| async move {
                let mut conn = db.pool().acquire().await.unwrap();
                let mut out = Vec::new();
                let mut after = String::new();
                loop {
                    let page = census::clean_page(&mut conn, c, &after, 2).await.unwrap();
                    let Some(last) = page.last() else { break };
                    after = last.comune_code.clone();
                    out.extend(page);
                }
                out
            };
            let cleaned = all(db.clone()).await;
            assert_eq!(cleaned.len(), 5);
            let a1: Answers = serde_json::from_str(&cleaned[1].answers).unwrap();
            assert_eq!(a1.repeat("insediamenti")[1].value("E3"), "250", "the latest active correction wins");
            assert_eq!(a1.value("tot"), "290", "the total is computed again from the clean values");
            let a3: Answers = serde_json::from_str(&cleaned[3].answers).unwrap();
            assert!(!a3.0.contains_key("A1"), "an empty value removes the answer");
            assert_eq!(cleaned[0].answers, raw(0), "a response without corrections is as stored");
            // The raw pages are unchanged.
            let raw_page = census::submitted_page(&mut conn, c, "", 10).await.unwrap();
            assert_eq!(raw_page.iter().map(|r| r.answers.clone()).collect::<Vec<_>>(), (0..5).map(raw).collect::<Vec<_>>());
            assert_eq!(
                raw_page.iter().map(|r| (r.id, r.comune_code.clone())).collect::<Vec<_>>(),
                cleaned.iter().map(|r| (r.id, r.comune_code.clone())).collect::<Vec<_>>()
            );

            // Withdrawing the later correction restores the earlier; withdrawing both, the raw.
            clean::withdraw_correction(&mut conn, ids[1], second, "Valore confermato per iscritto", Some(u))
                .await
                .unwrap();
            assert!(matches!(
                clean::withdraw_correction(&mut conn, ids[1], second, "", Some(u)).await,
                Err(StorageError::NotFound)
            ));
            assert!(matches!(
                clean::withdraw_correction(&mut conn, ids[0], first, "", Some(u)).await,
                Err(StorageError::NotFound)
            ), "only through its own invitation");
            let page = census::clean_page(&mut conn, c, "071000", 1).await.unwrap();
            let a1: Answers = serde_json::from_str(&page[0].answers).unwrap();
            assert_eq!(a1.repeat("insediamenti")[1].value("E3"), "200");
            clean::withdraw_correction(&mut conn, ids[1], first, "", Some(u)).await.unwrap();
            let page = census::clean_page(&mut conn, c, "071000", 1).await.unwrap();
            assert_eq!(page[0].answers, raw(1));

            // The history keeps everything, oldest first.
            let history = clean::corrections_of(&mut conn, ids[1]).await.unwrap();
            assert_eq!(history.iter().map(|h| h.id).collect::<Vec<_>>(), [first, second]);
            assert!(history.iter().all(|h| !h.is_active() && h.withdrawn_by == Some(u)));
            assert_eq!(history[1].withdraw_reason, "Valore confermato per iscritto");
            assert_eq!((history[0].old_value.as_str(), history[0].new_value.as_str()), ("2", "200"));
            assert_eq!(history[0].created_by, Some(u));
            assert_eq!(clean::correction_counts(&mut conn, c).await.unwrap(), [("071003".to_owned(), 1)]);

            // A correction through an instance the response does not have is reported, not skipped.
            clean::add_correction(&mut conn, &new(ids[4], "insediamenti[7]/E3", "", "1"), None).await.unwrap();
            assert!(matches!(census::clean_page(&mut conn, c, "", 10).await, Err(StorageError::Corrupt(_))));

            // Decisions on issues: one per rule, Comune and subject; deciding again replaces it.
            let key = IssueKey { campaign_id: c, rule: "e3-range", comune_code: "071001", subject: "insediamenti[1]" };
            let d1 = clean::decide_issue(&mut conn, &key, "accepted", "E3=2", "Giusto", Some(u)).await.unwrap();
            let d2 = clean::decide_issue(&mut conn, &key, "accepted", "E3=3", "Giusto così", Some(u)).await.unwrap();
            assert_eq!(d1, d2);
            let ds = clean::issue_decisions(&mut conn, c).await.unwrap();
            assert_eq!(ds.len(), 1);
            assert_eq!((ds[0].fingerprint.as_str(), ds[0].note.as_str()), ("E3=3", "Giusto così"));
        }
    })
    .await;
}

#[tokio::test]
async fn report_templates_builds_files_and_publication() {
    use argine_storage::census::{self, NewCampaign, NewFormVersion};
    use argine_storage::reports::{self, NewBuild, Outcome};
    on_both(|db| async move {
        let mut tx = db.begin().await.unwrap();
        let v = census::add_version(
            &mut tx,
            &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: "{}", questions: 1 },
            None,
        )
        .await
        .unwrap();
        let c = census::create_campaign(
            &mut tx,
            &NewCampaign {
                name: "Prova",
                form_version_id: v,
                universe: r#"{"kind":"all"}"#,
                opens_on: "2026-01-10",
                deadline: "2026-02-10",
                status: "closed",
                reminders: 0,
                reminder_days: 7,
                accept_late: false,
            },
            None,
        )
        .await
        .unwrap();
        // Template versions: never overwritten, newest first.
        let t1 = reports::save_template(&mut tx, "sintesi", "titolo: A\n---\n# Uno\n", "prima", None).await.unwrap();
        let t2 = reports::save_template(&mut tx, "sintesi", "titolo: B\n---\n# Uno\n", "", None).await.unwrap();
        assert_eq!(reports::current_template(&mut tx, "sintesi").await.unwrap().unwrap().id, t2);
        assert!(reports::current_template(&mut tx, "finale").await.unwrap().is_none());
        let h = reports::template_history(&mut tx, "sintesi").await.unwrap();
        assert_eq!(h.iter().map(|v| v.id).collect::<Vec<_>>(), [t2, t1]);
        assert_eq!(h[1].note, "prima");
        assert_eq!(reports::template_names(&mut tx).await.unwrap(), [("sintesi".to_owned(), 2, t2)]);
        let new = NewBuild {
            campaign_id: c,
            template_name: "sintesi",
            template_version: Some(t2),
            template_body: "titolo: B\n---\n# Uno\n",
            report_date: "luglio 2022",
            requested_by: None,
        };
        let b1 = reports::queue_build(&mut tx, &new).await.unwrap();
        let b2 = reports::queue_build(&mut tx, &new).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        // A queued build starts; a finished one does not start again.
        reports::start(&mut conn, b1).await.unwrap();
        reports::set_progress(&mut conn, b1, 3).await.unwrap();
        assert_eq!(reports::build(&mut conn, b1).await.unwrap().progress, 3);
        let pdf = vec![0_u8, 1, 2, 255];
        let files = vec![
            ("rapporto.pdf".to_owned(), "application/pdf".to_owned(), pdf.clone()),
            ("dati/comuni.csv".to_owned(), "text/csv".to_owned(), b"a;b\n".to_vec()),
        ];
        let outcome = Outcome {
            title: "Rapporto",
            pages: 33,
            tables: 32,
            figures: 37,
            values_json: r#"{"k":"1"}"#,
            progress: 6,
            files: &files,
        };
        reports::finish(&mut conn, b1, &outcome).await.unwrap();
        assert!(matches!(reports::start(&mut conn, b1).await, Err(StorageError::NotFound)));
        let b = reports::build(&mut conn, b1).await.unwrap();
        assert_eq!((b.status.as_str(), b.pages, b.values_json.as_str()), ("done", 33, r#"{"k":"1"}"#));
        assert_eq!(reports::file(&mut conn, b1, "rapporto.pdf").await.unwrap(), ("application/pdf".to_owned(), pdf));
        let listed = reports::files_of(&mut conn, b1).await.unwrap();
        assert_eq!(listed.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["dati/comuni.csv", "rapporto.pdf"]);
        assert_eq!(listed[1].size, 4);
        // Finishing again (a job run twice) replaces the files instead of failing.
        reports::finish(&mut conn, b1, &outcome).await.unwrap();
        assert_eq!(reports::files_of(&mut conn, b1).await.unwrap().len(), 2);
        // The second build compares with the first; a failed build is not a comparison base.
        reports::start(&mut conn, b2).await.unwrap();
        reports::fail(&mut conn, b2, "typst: boom").await.unwrap();
        let second = reports::build(&mut conn, b2).await.unwrap();
        assert_eq!((second.status.as_str(), second.error.as_str()), ("failed", "typst: boom"));
        assert_eq!(reports::previous_done(&mut conn, &second).await.unwrap().map(|p| p.id), Some(b1));
        let first = reports::build(&mut conn, b1).await.unwrap();
        assert!(reports::previous_done(&mut conn, &first).await.unwrap().is_none());
        assert_eq!(reports::builds_of(&mut conn, c).await.unwrap().iter().map(|b| b.id).collect::<Vec<_>>(), [b2, b1]);
        // Publication: only a finished build; withdrawn once; published again.
        assert!(matches!(reports::publish(&mut conn, b2, "anci", "ANCI", None).await, Err(StorageError::NotFound)));
        assert!(reports::published(&mut conn).await.unwrap().is_empty());
        reports::publish(&mut conn, b1, "anci", "ANCI", None).await.unwrap();
        let p = reports::published(&mut conn).await.unwrap();
        assert_eq!(p.len(), 1);
        assert!(p[0].is_public() && p[0].publisher_ipa == "anci");
        reports::withdraw(&mut conn, b1, None).await.unwrap();
        assert!(matches!(reports::withdraw(&mut conn, b1, None).await, Err(StorageError::NotFound)));
        assert!(reports::published(&mut conn).await.unwrap().is_empty());
        assert!(!reports::build(&mut conn, b1).await.unwrap().is_public());
        reports::publish(&mut conn, b1, "anci", "ANCI", None).await.unwrap();
        assert_eq!(reports::published(&mut conn).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn census_coding_codebooks_recoding_history_and_clean_pages() {
    use argine_domain::census::answers::Answers;
    use argine_storage::census::clean::{self, NewCorrection};
    use argine_storage::census::coding::{self, NewAssignment, NewCode};
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation, NewResponse};
    let sheets = vec![
        (
            "survey".to_owned(),
            [
                ["type", "name", "label"],
                ["text", "A3_altro", "Altro (specificare)"],
                ["begin_repeat", "strutture", "Strutture"],
                ["text", "D1_altro", "Specificare"],
                ["end_repeat", "strutture", ""],
            ]
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
        ),
        ("choices".to_owned(), vec![vec!["list_name".into(), "name".into(), "label".into()]]),
    ];
    let form = argine_domain::census::xlsform::parse(&sheets).unwrap();
    let definition = serde_json::to_string(&form).unwrap();
    on_both(|db| {
        let definition = definition.clone();
        async move {
            let o = org(&db, "ANCI", Jurisdiction::National).await;
            let u = user(&db, o, "s@anci.it").await;
            let mut tx = db.begin().await.unwrap();
            let v = census::add_version(
                &mut tx,
                &NewFormVersion {
                    form_key: "f",
                    version: "1",
                    title: "F",
                    source: b"x",
                    definition: &definition,
                    questions: 2,
                },
                None,
            )
            .await
            .unwrap();
            let c = census::create_campaign(
                &mut tx,
                &NewCampaign {
                    name: "Prova",
                    form_version_id: v,
                    universe: r#"{"kind":"all"}"#,
                    opens_on: "2026-01-10",
                    deadline: "2026-02-10",
                    status: "closed",
                    reminders: 0,
                    reminder_days: 7,
                    accept_late: false,
                },
                None,
            )
            .await
            .unwrap();
            let list: Vec<NewInvitation> = (0..3)
                .map(|i| NewInvitation {
                    comune_code: format!("07100{i}"),
                    comune_name: format!("Comune {i}"),
                    province_code: "071".into(),
                    region_code: "16".into(),
                    email: None,
                    pec: None,
                    invited_at: Some(1_700_000_000),
                })
                .collect();
            let ids = census::add_invitations(&mut tx, c, &list).await.unwrap();
            let raw = [
                r#"{"A3_altro":"Vice-Sindaco","strutture":[{"D1_altro":"Ostello"},{"D1_altro":"Tendopoli"}]}"#,
                r#"{"A3_altro":"vice sindaco"}"#,
                r#"{"A3_altro":"Segretario comunale"}"#,
            ];
            let responses: Vec<NewResponse> = ids
                .iter()
                .zip(raw)
                .map(|(id, a)| NewResponse {
                    invitation_id: *id,
                    form_version_id: v,
                    answers: a.to_owned(),
                    submitted_at: Some(1_700_100_000),
                    source: "import",
                })
                .collect();
            census::add_responses(&mut tx, &responses).await.unwrap();
            tx.commit().await.unwrap();

            // A codebook per question; the same code twice in one codebook is a conflict.
            let mut conn = db.pool().acquire().await.unwrap();
            let code = |question: &'static str, code: &'static str, label: &'static str| NewCode {
                campaign_id: c,
                question,
                code,
                label,
                description: "",
            };
            let vice =
                coding::add_code(&mut conn, &code("A3_altro", "VICESINDACO", "Vicesindaco"), Some(u)).await.unwrap();
            let segr =
                coding::add_code(&mut conn, &code("A3_altro", "SEGRETARIO", "Segretario"), Some(u)).await.unwrap();
            let tend = coding::add_code(&mut conn, &code("D1_altro", "TENDOPOLI", "Tendopoli"), None).await.unwrap();
            assert!(matches!(
                coding::add_code(&mut conn, &code("A3_altro", "VICESINDACO", "Altro"), None).await,
                Err(StorageError::Conflict(name)) if name == "census_codes_code"
            ));
            coding::add_code(&mut conn, &code("D1_altro", "VICESINDACO", "Same code, other codebook"), None)
                .await
                .unwrap();
            let book = coding::codes(&mut conn, c, "A3_altro").await.unwrap();
            assert_eq!(book.iter().map(|k| k.code.as_str()).collect::<Vec<_>>(), ["SEGRETARIO", "VICESINDACO"]);
            assert_eq!(coding::coded_questions(&mut conn, c).await.unwrap(), ["A3_altro", "D1_altro"]);

            // Assign, recode (history kept), and a code of another codebook is refused.
            let mut tx = db.begin().await.unwrap();
            let a = |inv: i64, path: &'static str, text: &'static str, code_id: i64| NewAssignment {
                invitation_id: inv,
                path,
                coded_text: text,
                code_id,
            };
            let n = coding::assign(
                &mut tx,
                c,
                "A3_altro",
                &[a(ids[0], "A3_altro", "Vice-Sindaco", segr), a(ids[1], "A3_altro", "vice sindaco", vice)],
                Some(u),
            )
            .await
            .unwrap();
            assert_eq!(n, 2);
            assert_eq!(
                coding::assign(&mut tx, c, "A3_altro", &[a(ids[0], "A3_altro", "Vice-Sindaco", vice)], Some(u))
                    .await
                    .unwrap(),
                1
            );
            assert_eq!(
                coding::assign(&mut tx, c, "A3_altro", &[a(ids[0], "A3_altro", "Vice-Sindaco", vice)], Some(u))
                    .await
                    .unwrap(),
                0,
                "the same code on the same text changes nothing"
            );
            coding::assign(&mut tx, c, "D1_altro", &[a(ids[0], "strutture[1]/D1_altro", "Tendopoli", tend)], None)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert!(matches!(
                coding::assign(&mut conn, c, "A3_altro", &[a(ids[2], "A3_altro", "Segretario comunale", tend)], None)
                    .await,
                Err(StorageError::NotFound)
            ));
            let history = coding::history(&mut conn, ids[0], "A3_altro").await.unwrap();
            assert_eq!(history.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), ["SEGRETARIO", "VICESINDACO"]);
            assert!(
                history[0].replaced_at.is_some()
                    && history[0].replaced_by == Some(u)
                    && history[1].replaced_at.is_none()
            );
            let current = coding::current(&mut conn, c, "A3_altro").await.unwrap();
            assert_eq!(
                current.iter().map(|x| (x.comune_code.as_str(), x.code.as_str())).collect::<Vec<_>>(),
                [("071000", "VICESINDACO"), ("071001", "VICESINDACO")]
            );

            // Retired: no longer assignable, but the answers keep it.
            coding::retire_code(&mut conn, c, vice, Some(u)).await.unwrap();
            assert!(matches!(coding::retire_code(&mut conn, c, vice, Some(u)).await, Err(StorageError::NotFound)));
            assert!(matches!(
                coding::assign(&mut conn, c, "A3_altro", &[a(ids[2], "A3_altro", "Segretario comunale", vice)], None)
                    .await,
                Err(StorageError::NotFound)
            ));
            // A used code cannot be deleted, by the schema too.
            assert!(
                sqlx::query("DELETE FROM census_codes WHERE id = $1").bind(vice).execute(&mut *conn).await.is_err()
            );

            // The clean pages carry the codes as variables; the raw ones do not.
            let page = census::clean_page(&mut conn, c, "", 10).await.unwrap();
            let a0: Answers = serde_json::from_str(&page[0].answers).unwrap();
            assert_eq!(a0.value("A3_altro_codice"), "VICESINDACO");
            assert_eq!(a0.repeat("strutture")[1].value("D1_altro_codice"), "TENDOPOLI");
            assert_eq!(a0.repeat("strutture")[0].value("D1_altro_codice"), "");
            let a1: Answers = serde_json::from_str(&page[1].answers).unwrap();
            assert_eq!(a1.value("A3_altro_codice"), "VICESINDACO");
            assert_eq!(page[2].answers, raw[2], "no code, no correction: as stored");
            let raw_page = census::submitted_page(&mut conn, c, "", 10).await.unwrap();
            assert!(raw_page.iter().all(|r| !r.answers.contains("_codice")));

            // A correction that changes a coded answer leaves it uncoded; one that only changes
            // its spelling does not.
            let fix = |inv: i64, old: &'static str, new: &'static str| NewCorrection {
                invitation_id: inv,
                path: "A3_altro",
                old_value: old,
                new_value: new,
                reason: "Telefonata",
                source: "telefonata",
            };
            clean::add_correction(&mut conn, &fix(ids[0], "Vice-Sindaco", "VICE SINDACO"), None).await.unwrap();
            clean::add_correction(&mut conn, &fix(ids[1], "vice sindaco", "Assessore"), None).await.unwrap();
            let page = census::clean_page(&mut conn, c, "", 10).await.unwrap();
            let a0: Answers = serde_json::from_str(&page[0].answers).unwrap();
            let a1: Answers = serde_json::from_str(&page[1].answers).unwrap();
            assert_eq!((a0.value("A3_altro_codice"), a1.value("A3_altro_codice")), ("VICESINDACO", ""));
        }
    })
    .await;
}

#[tokio::test]
async fn census_queries_go_from_open_to_answered_to_closed() {
    use argine_storage::census::clean::{self, NewCorrection};
    use argine_storage::census::queries::{self, Closing, NewQuery};
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation};
    on_both(|db| async move {
        let o = org(&db, "ANCI", Jurisdiction::National).await;
        let u = user(&db, o, "s@anci.it").await;
        let mut tx = db.begin().await.unwrap();
        let v = census::add_version(
            &mut tx,
            &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: "{}", questions: 1 },
            None,
        )
        .await
        .unwrap();
        // A closed campaign: data control happens after closing, and queries do not depend on it.
        let c = census::create_campaign(
            &mut tx,
            &NewCampaign {
                name: "Prova",
                form_version_id: v,
                universe: r#"{"kind":"all"}"#,
                opens_on: "2026-01-10",
                deadline: "2026-02-10",
                status: "closed",
                reminders: 0,
                reminder_days: 7,
                accept_late: false,
            },
            None,
        )
        .await
        .unwrap();
        let inv = |code: &str, pec: Option<&str>| NewInvitation {
            comune_code: code.into(),
            comune_name: format!("Comune {code}"),
            province_code: "071".into(),
            region_code: "16".into(),
            email: None,
            pec: pec.map(str::to_owned),
            invited_at: Some(1_700_000_000),
        };
        let ids =
            census::add_invitations(&mut tx, c, &[inv("071001", Some("p@pec.it")), inv("071002", None)]).await.unwrap();
        let far = argine_storage::now() + 30 * 86_400;
        let new = |invitation_id: i64, token_hash: &'static str| NewQuery {
            invitation_id,
            rule: "e3-range",
            subject: "insediamenti[0]",
            fingerprint: "insediamenti[0]/E3=90000",
            path: "insediamenti[0]/E3",
            message: "Potete verificare il numero di persone?",
            channel: "pec",
            token_hash,
            expires_at: far,
        };
        let q1 = queries::create_query(&mut tx, &new(ids[0], "hash-1"), Some(u)).await.unwrap();
        let job = jobs::enqueue(&mut tx, "email", "{}", None, 8).await.unwrap().unwrap();
        queries::set_query_job(&mut tx, q1, job).await.unwrap();
        // A free query (no issue, no question) to the other Comune.
        let free = NewQuery { rule: "", subject: "", fingerprint: "", path: "", ..new(ids[1], "hash-2") };
        let q2 = queries::create_query(&mut tx, &free, None).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        // The same token twice, an unknown invitation, an empty message: refused.
        assert!(matches!(
            queries::create_query(&mut conn, &new(ids[0], "hash-1"), None).await,
            Err(StorageError::Conflict(_))
        ));
        assert!(matches!(
            queries::create_query(&mut conn, &new(999_999, "hash-x"), None).await,
            Err(StorageError::NotFound)
        ));
        assert!(
            queries::create_query(&mut conn, &NewQuery { message: "", ..new(ids[0], "hash-y") }, None).await.is_err()
        );

        // Found by its link, with its Comune and the state of its e-mail.
        let q = queries::query_by_link(&mut conn, "hash-1").await.unwrap();
        assert_eq!((q.id, q.campaign_id, q.comune_code.as_str(), q.status.as_str()), (q1, c, "071001", "open"));
        assert_eq!((q.job_id, q.job_status.as_deref(), q.created_by), (Some(job), Some("queued"), Some(u)));
        assert!(q.link_works_at(argine_storage::now()) && !q.link_works_at(far + 1));
        assert!(matches!(queries::query_by_link(&mut conn, "nope").await, Err(StorageError::NotFound)));
        queries::mark_query_opened(&mut conn, q1).await.unwrap();
        let opened = queries::query(&mut conn, q1).await.unwrap().opened_at;
        assert!(opened.is_some());
        queries::mark_query_opened(&mut conn, q1).await.unwrap();
        assert_eq!(queries::query(&mut conn, q1).await.unwrap().opened_at, opened, "the first opening only");

        // The Comune answers, then edits its answer; only through the query's own link.
        let t = argine_storage::now();
        queries::answer_query(&mut conn, q1, "Sono 900, non 90000", Some("900"), "hash-1", t).await.unwrap();
        assert!(matches!(
            queries::answer_query(&mut conn, q1, "x", None, "hash-2", t).await,
            Err(StorageError::Conflict(_))
        ));
        queries::answer_query(&mut conn, q1, "Sono 950, ricontate", Some("950"), "hash-1", t + 5).await.unwrap();
        let q = queries::query(&mut conn, q1).await.unwrap();
        assert_eq!(q.status, "answered");
        assert_eq!((q.answer.as_deref(), q.proposed_value.as_deref()), (Some("Sono 950, ricontate"), Some("950")));
        assert_eq!(q.answered_at, Some(t + 5));
        // An answer after the link expired is not taken.
        assert!(matches!(
            queries::answer_query(&mut conn, q1, "tardi", None, "hash-1", far + 1).await,
            Err(StorageError::Conflict(_))
        ));

        // Closing on the answer the secretariat saw; a stale view is refused.
        let correction = clean::add_correction(
            &mut conn,
            &NewCorrection {
                invitation_id: ids[0],
                path: "insediamenti[0]/E3",
                old_value: "90000",
                new_value: "950",
                reason: "Risposta del Comune: «Sono 950, ricontate»",
                source: "ricontatto",
            },
            Some(u),
        )
        .await
        .unwrap();
        let corrected = Closing::Corrected { correction_id: correction, note: "" };
        assert!(matches!(
            queries::close_query(&mut conn, q1, Some(t), &corrected, Some(u)).await,
            Err(StorageError::Conflict(_))
        ));
        queries::close_query(&mut conn, q1, Some(t + 5), &corrected, Some(u)).await.unwrap();
        let q = queries::query(&mut conn, q1).await.unwrap();
        assert_eq!(
            (q.status.as_str(), q.outcome.as_deref(), q.correction_id),
            ("closed", Some("corrected"), Some(correction))
        );
        assert_eq!(q.closed_by, Some(u));
        assert!(q.is_closed() && !q.link_works_at(argine_storage::now()));
        // Closed: no more answers, no second closing.
        assert!(matches!(
            queries::answer_query(&mut conn, q1, "ancora", None, "hash-1", t + 6).await,
            Err(StorageError::Conflict(_))
        ));
        assert!(matches!(
            queries::close_query(&mut conn, q1, Some(t + 5), &Closing::Unchanged { note: "x" }, None).await,
            Err(StorageError::Conflict(_))
        ));

        // A query with no answer is closed without change, with a note.
        assert!(
            matches!(
                queries::close_query(&mut conn, q2, Some(t), &Closing::Unchanged { note: "x" }, None).await,
                Err(StorageError::Conflict(_))
            ),
            "the Comune has not answered: the secretariat cannot have seen an answer"
        );
        queries::close_query(&mut conn, q2, None, &Closing::Unchanged { note: "Chiarito per telefono" }, Some(u))
            .await
            .unwrap();
        let q = queries::query(&mut conn, q2).await.unwrap();
        assert_eq!(
            (q.outcome.as_deref(), q.close_note.as_str(), q.rule.as_str()),
            (Some("unchanged"), "Chiarito per telefono", "")
        );

        // Lists: newest first, by status, by Comune; counts.
        let all = queries::queries(&mut conn, c, None).await.unwrap();
        assert_eq!(all.iter().map(|q| q.id).collect::<Vec<_>>(), [q2, q1]);
        assert_eq!(queries::queries(&mut conn, c, Some("open")).await.unwrap().len(), 0);
        assert_eq!(queries::queries(&mut conn, c, Some("closed")).await.unwrap().len(), 2);
        assert_eq!(
            queries::queries_of(&mut conn, ids[1]).await.unwrap().iter().map(|q| q.id).collect::<Vec<_>>(),
            [q2]
        );
        assert_eq!(queries::query_counts(&mut conn, c).await.unwrap(), [("closed".to_owned(), 2)]);
    })
    .await;
}

#[tokio::test]
async fn settlements_are_matched_across_census_waves_and_keep_their_observations() {
    use argine_storage::census::{self, NewCampaign, NewFormVersion, NewInvitation, NewResponse};
    use argine_storage::settlements::{self, NewObservation};
    let sheets = vec![
        (
            "survey".to_owned(),
            [
                ["type", "name", "label"],
                ["begin_repeat", "insediamenti", "Insediamenti"],
                ["text", "E1", "Nome"],
                ["integer", "E3", "Persone"],
                ["end_repeat", "insediamenti", ""],
                ["begin_repeat", "strutture", "Strutture"],
                ["text", "D1", "Tipo"],
                ["end_repeat", "strutture", ""],
            ]
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
        ),
        ("choices".to_owned(), vec![vec!["list_name".into(), "name".into(), "label".into()]]),
    ];
    let form = argine_domain::census::xlsform::parse(&sheets).unwrap();
    let definition = serde_json::to_string(&form).unwrap();
    on_both(|db| {
        let definition = definition.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            let v = census::add_version(
                &mut tx,
                &NewFormVersion { form_key: "f", version: "1", title: "F", source: b"x", definition: &definition, questions: 3 },
                None,
            )
            .await
            .unwrap();
            // Two waves: 2021 and 2022, the same Comune describing the same places (one renamed
            // only in case and spacing), plus a new one in 2022.
            let waves = [
                (r#"{"insediamenti":[{"E1":"Borgo Mezzanone","E3":"4000"},{"E1":"Casa Rossa","E3":"40"}],"strutture":[{"D1":"cas"}]}"#, "2021"),
                (r#"{"insediamenti":[{"E1":"borgo  MEZZANONE","E3":"3500"},{"E1":"Casa Rossa","E3":"55"},{"E1":"Tre Titoli","E3":"80"}],"strutture":[{"D1":"cas"}]}"#, "2022"),
            ];
            let mut campaigns = Vec::new();
            for (answers, year) in waves {
                let c = census::create_campaign(
                    &mut tx,
                    &NewCampaign {
                        name: year,
                        form_version_id: v,
                        universe: r#"{"kind":"all"}"#,
                        opens_on: "2021-01-10",
                        deadline: "2021-02-10",
                        status: "closed",
                        reminders: 0,
                        reminder_days: 7,
                        accept_late: false,
                    },
                    None,
                )
                .await
                .unwrap();
                let inv = NewInvitation {
                    comune_code: "071029".into(),
                    comune_name: "Manfredonia".into(),
                    province_code: "071".into(),
                    region_code: "16".into(),
                    email: None,
                    pec: None,
                    invited_at: Some(1_700_000_000),
                };
                let ids = census::add_invitations(&mut tx, c, &[inv]).await.unwrap();
                census::add_responses(
                    &mut tx,
                    &[NewResponse {
                        invitation_id: ids[0],
                        form_version_id: v,
                        answers: answers.to_owned(),
                        submitted_at: Some(1_700_100_000),
                        source: "import",
                    }],
                )
                .await
                .unwrap();
                campaigns.push(c);
            }
            let first = settlements::import_census(&mut tx, campaigns[0], None).await.unwrap();
            assert_eq!((first.created, first.matched, first.observations), (3, 0, 3));
            // Imported again: nothing new, the same observations replaced.
            let again = settlements::import_census(&mut tx, campaigns[0], None).await.unwrap();
            assert_eq!((again.created, again.matched, again.observations), (0, 3, 3));
            let second = settlements::import_census(&mut tx, campaigns[1], None).await.unwrap();
            assert_eq!((second.created, second.matched), (1, 3), "only Tre Titoli is new");
            tx.commit().await.unwrap();
            let mut conn = db.pool().acquire().await.unwrap();
            let informal = settlements::list(&mut conn, Some("informal")).await.unwrap();
            assert_eq!(informal.len(), 3);
            assert_eq!(settlements::list(&mut conn, Some("formal")).await.unwrap().len(), 1);
            let borgo = informal.iter().find(|s| s.name == "Borgo Mezzanone").unwrap();
            let obs = settlements::observations(&mut conn, borgo.id).await.unwrap();
            assert_eq!(obs.iter().map(|o| o.people).collect::<Vec<_>>(), [Some(4000), Some(3500)], "a trend");
            // A field visit adds to the history; the latest observation is the visit's; the
            // registry's fingerprint changes with it (the web layer's cache depends on it).
            let before = settlements::fingerprint(&mut conn).await.unwrap();
            settlements::observe(
                &mut conn,
                &NewObservation {
                    settlement_id: borgo.id,
                    observed_on: "2099-08-01",
                    source: "visita",
                    people: Some(5000),
                    point: Some((15.84, 41.46)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            settlements::set_position(&mut conn, borgo.id, (15.84, 41.46), "gps").await.unwrap();
            let after = settlements::fingerprint(&mut conn).await.unwrap();
            assert_ne!(before, after);
            assert_eq!(after.0, 4);
            let latest = settlements::latest_observations(&mut conn).await.unwrap();
            assert_eq!(latest.len(), 4, "one per settlement");
            assert_eq!(latest.iter().find(|o| o.settlement_id == borgo.id).unwrap().people, Some(5000));
            let b = settlements::get(&mut conn, borgo.id).await.unwrap();
            assert_eq!((b.lon, b.lat, b.position_source.as_str()), (Some(15.84), Some(41.46), "gps"));
            // Changes by hand in the same second are each seen by the fingerprint: a status,
            // then a point moved, then the status again.
            let mut seen = vec![after];
            settlements::set_status(&mut conn, borgo.id, "cleared").await.unwrap();
            seen.push(settlements::fingerprint(&mut conn).await.unwrap());
            settlements::set_position(&mut conn, borgo.id, (15.85, 41.47), "mappa").await.unwrap();
            seen.push(settlements::fingerprint(&mut conn).await.unwrap());
            settlements::set_status(&mut conn, borgo.id, "relocated").await.unwrap();
            seen.push(settlements::fingerprint(&mut conn).await.unwrap());
            assert!(seen.windows(2).all(|w| w[0] != w[1]), "every change changes the fingerprint: {seen:?}");
            let b = settlements::get(&mut conn, borgo.id).await.unwrap();
            assert_eq!((b.status.as_str(), b.lon, b.position_source.as_str()), ("relocated", Some(15.85), "mappa"));
        }
    })
    .await;
}

#[tokio::test]
async fn cases_share_by_referral_withdraw_with_consent_and_anonymise() {
    use argine_storage::cases::{self, CaseFilter, NewConsent, NewReferral, PersonAttributes};
    on_both(|db| async move {
        let ngo = org(&db, "NGO", Jurisdiction::National).await;
        let body = org(&db, "Anti-tratta", Jurisdiction::National).await;
        let third = org(&db, "Union", Jurisdiction::National).await;
        let u = user(&db, ngo, "op@example.org").await;
        let mut tx = db.begin().await.unwrap();
        let attrs = PersonAttributes {
            sex: "f".into(),
            age_band: "25_34".into(),
            nationality: "NGA".into(),
            comune_code: "020030".into(),
            ..PersonAttributes::default()
        };
        let p = cases::insert_person(&mut tx, "MN-AAAA-BBBB", ngo, &attrs, None, Some(u)).await.unwrap();
        cases::set_person_secrets(&mut tx, p, "v1.1.wrapped", "d1.identity", "d1.job").await.unwrap();
        cases::set_blind_index(&mut tx, p, &[("exact", "d1"), ("phone", "d2")]).await.unwrap();
        let q = cases::insert_person(&mut tx, "MN-CCCC-DDDD", body, &attrs, None, Some(u)).await.unwrap();
        cases::set_blind_index(&mut tx, q, &[("phonetic", "zz"), ("phone", "d2")]).await.unwrap();
        let c = cases::open_case(&mut tx, p, ngo, "020030", u).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.pool().acquire().await.unwrap();
        assert_eq!(cases::blind_matches(&mut conn, p).await.unwrap(), vec![(q, "phone".to_owned())]);
        assert_eq!(cases::persons_by_digest(&mut conn, ngo, "exact", "d1").await.unwrap(), vec![p]);
        assert!(cases::persons_by_digest(&mut conn, body, "exact", "d1").await.unwrap().is_empty());
        let list = |org| CaseFilter { org, limit: 50, ..CaseFilter::default() };
        assert_eq!(cases::list_cases(&mut conn, &list(ngo)).await.unwrap().len(), 1);
        assert!(cases::list_cases(&mut conn, &list(body)).await.unwrap().is_empty());
        let by_code = CaseFilter { code: Some("mn-aaaa".into()), ..list(ngo) };
        assert_eq!(cases::list_cases(&mut conn, &by_code).await.unwrap()[0].code, "MN-AAAA-BBBB");
        drop(conn);

        let mut tx = db.begin().await.unwrap();
        let consent = cases::add_consent(
            &mut tx,
            &NewConsent {
                person: p,
                purposes: "case_work,referral",
                fields: "names,residence",
                recipients: &[body],
                language: "en",
                mediator: "Grace",
                given_on: "2026-11-30",
                by: u,
            },
        )
        .await
        .unwrap();
        let r = cases::add_referral(
            &mut tx,
            &NewReferral {
                case: c,
                from_org: ngo,
                to_org: body,
                service: None,
                consent,
                fields: "names",
                due_on: "2026-12-05",
                by: u,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        let seen = cases::list_cases(&mut conn, &list(body)).await.unwrap();
        assert_eq!((seen.len(), seen[0].pending_to_me), (1, 1));
        assert!(cases::list_cases(&mut conn, &list(third)).await.unwrap().is_empty());
        assert_eq!(cases::pending_due(&mut conn, "2026-12-05", false).await.unwrap().len(), 1);
        assert!(cases::pending_due(&mut conn, "2026-12-04", false).await.unwrap().is_empty());
        assert!(cases::respond_referral(&mut conn, r, "accepted", u, "").await.unwrap());
        assert!(!cases::respond_referral(&mut conn, r, "declined", u, "").await.unwrap(), "only once");
        drop(conn);

        // Withdrawing the consent withdraws the referral resting on it: the body loses the case.
        let mut tx = db.begin().await.unwrap();
        assert_eq!(cases::withdraw_consent(&mut tx, consent, u).await.unwrap(), vec![r]);
        tx.commit().await.unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        assert!(cases::list_cases(&mut conn, &list(body)).await.unwrap().is_empty());
        assert_eq!(cases::referral(&mut conn, r).await.unwrap().status, "withdrawn");

        // Closing sets the retention date; the job finds it once it passed, anonymising keeps
        // the coded columns and destroys the rest.
        cases::close_case(&mut conn, c, "goals_reached", 100).await.unwrap();
        assert_eq!(cases::expired_cases(&mut conn, 99).await.unwrap(), vec![]);
        assert_eq!(cases::expired_cases(&mut conn, 100).await.unwrap(), vec![(c, p)]);
        cases::anonymise_person(&mut conn, p).await.unwrap();
        let after = cases::person(&mut conn, p).await.unwrap();
        assert_eq!((after.wrapped_key.as_str(), after.identity_ct.as_str()), ("", ""));
        assert_eq!((after.sex.as_str(), after.nationality.as_str()), ("f", "NGA"));
        assert!(cases::blind_matches(&mut conn, q).await.unwrap().is_empty());
        assert!(cases::expired_cases(&mut conn, 200).await.unwrap().is_empty());
        cases::reopen_case(&mut conn, c).await.unwrap();
        assert_eq!(cases::case(&mut conn, c).await.unwrap().stage, "contact");
    })
    .await;
}
