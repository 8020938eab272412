//! Must show: a person's name, birth date and phone appear nowhere in plain text — not in the
//! database file (and its WAL), the logs, the job payloads or the backups.

use crate::cases_support::*;
use crate::helpers::*;
use argine_storage::cases as store;
use argine_web::cases::vault;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The log lines the application writes, captured in memory (same JSON format as production).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn names_birth_dates_and_phones_are_never_stored_or_logged_in_plain_text() {
    // Everything the server, the worker and this test log through `tracing` on this
    // (current-thread) runtime, at debug level.
    let logs = Captured::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug,hyper=info,hyper_util=info,reqwest=info,h2=info"))
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = spawn().await;
    let op = acting(&app, "operator").await;
    let antitratta = org_id(&app, "Ente anti-tratta Lombardia").await;

    // One person stays, one is closed and anonymised by the retention job.
    let mut kept_id = identity("Oluwaseun Zebedeo", "Brightwater-Okonkwo", "1987-11-23", "+39 347 918 2736");
    kept_id.known_as = "Seunny".into();
    kept_id.documents = vec![argine_domain::cases::identity::Document {
        kind: "passport".into(),
        number: "A07741286".into(),
        expiry: Some("2031-05-06".into()),
    }];
    let (kept, kept_case, kept_code) = register(&app, &op, kept_id, "NGA").await;
    let (gone, gone_case, _) =
        register(&app, &op, identity("Taddeo", "Quintavalle-Mbeki", "1979-02-28", "328 555 0199"), "SEN").await;

    // Consent and a referral with a free-text reason (encrypted with the person's key).
    let consent = consent(&app, &op, kept, "case_work,referral", "names,birth_date", &[antitratta]).await;
    {
        let mut tx = app.state.db.begin().await.unwrap();
        let r = store::add_referral(
            &mut tx,
            &store::NewReferral {
                case: kept_case,
                from_org: op.actor.org_id,
                to_org: antitratta,
                consent,
                fields: "names,birth_date",
                due_on: "2026-02-01",
                by: op.user_id,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let p = store::person(&mut tx, kept).await.unwrap();
        let key = vault::data_key(&app.state, &p).unwrap().unwrap();
        let reason =
            vault::seal_text(&key, "Oluwaseun lavora nei campi di Brightwater", &vault::aad("referrals.reason", r))
                .unwrap();
        store::set_referral_reason(&mut tx, r, &reason).await.unwrap();
        tx.commit().await.unwrap();
    }
    // An audited read of the identity (what the case page does).
    let loaded = vault::load(&app.state, kept_case).await.unwrap();
    let view = vault::read_person(&app.state, &ctx(), &op.who(), &loaded, "test").await.unwrap();
    assert_eq!(view.identity.family_name, "Brightwater-Okonkwo", "the owner reads the name back");

    // Close the second case with its retention period over; the job anonymises it.
    {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        store::close_case(&mut conn, gone_case, "goals_reached", argine_storage::now() - 1).await.unwrap();
        argine_storage::jobs::enqueue(&mut conn, argine_web::cases::retention::JOB_KIND, "{\"day\":0}", None, 3)
            .await
            .unwrap();
    }
    wait_for_anonymised(&app, gone).await;
    wait_for_jobs_done(&app).await;

    // A backup through the CLI command.
    let backup = app.dir.path().join("backup.db");
    argine::cli::backup(&test_config(app.dir.path()), &backup).await.unwrap();

    // What each place holds.
    let mut db = std::fs::read(app.db_path()).unwrap();
    if let Ok(wal) = std::fs::read(app.dir.path().join("argine.db-wal")) {
        db.extend(wal);
    }
    let backup_bytes = std::fs::read(&backup).unwrap();
    let payloads: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, payload, COALESCE(last_error, '') FROM jobs ORDER BY id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert!(payloads.iter().any(|(k, _, _)| k == "cases.retention"), "the retention job ran through the queue");
    let jobs: Vec<u8> = payloads.iter().flat_map(|(k, p, e)| format!("{k} {p} {e}\n").into_bytes()).collect();
    let log_bytes = logs.0.lock().unwrap().clone();
    std::fs::write(app.dir.path().join("captured.log"), &log_bytes).unwrap();

    // Sanity: the same search finds what is stored or logged in plain text, so it can fail.
    assert!(contains(&db, b"Associazione Lule"), "organisation names are plain text in the database");
    assert!(contains(&db, b"Mediatrice Awa Sow"), "the mediator's name is plain text in the database");
    assert!(contains(&backup_bytes, b"Associazione Lule"), "the backup is readable");
    assert!(contains(&db, kept_code.as_bytes()) && contains(&backup_bytes, kept_code.as_bytes()));
    assert!(
        contains(&log_bytes, b"job done") && contains(&log_bytes, b"case retention run"),
        "the logs were captured ({} bytes)",
        log_bytes.len()
    );
    assert!(contains(&jobs, b"cases.retention"));

    let needles: &[&str] = &[
        "Oluwaseun",
        "Zebedeo",
        "Brightwater",
        "Okonkwo",
        "Seunny",
        "A07741286",
        "1987-11-23",
        "23/11/1987",
        "23.11.1987",
        "3479182736",
        "347 918 2736",
        "918 2736",
        "Taddeo",
        "Quintavalle",
        "1979-02-28",
        "28/02/1979",
        "3285550199",
        "328 555 0199",
    ];
    for (place, bytes) in [("database", &db), ("backup", &backup_bytes), ("job payloads", &jobs), ("logs", &log_bytes)]
    {
        for n in needles {
            assert!(!contains(bytes, n.as_bytes()), "{n:?} found in plain text in the {place}");
            // Case-insensitively too, for the names.
            let lower = n.to_lowercase();
            let hay = bytes.to_ascii_lowercase();
            assert!(!contains(&hay, lower.as_bytes()), "{n:?} (any case) found in the {place}");
        }
    }
}

async fn wait_for_anonymised(app: &TestApp, person: i64) {
    for _ in 0..100 {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        if store::person(&mut conn, person).await.unwrap().anonymised_at.is_some() {
            return;
        }
        drop(conn);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the retention job did not anonymise person {person}");
}

async fn wait_for_jobs_done(app: &TestApp) {
    for _ in 0..100 {
        let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE status <> 'done'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("jobs still pending");
}
