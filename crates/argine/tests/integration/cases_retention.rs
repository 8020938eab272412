//! Must show: the retention job anonymises an expired closed case and keeps the aggregate
//! counts unchanged.

use crate::cases_support::*;
use crate::helpers::*;
use argine_storage::cases as store;
use argine_storage::cases_dup as dup;
use argine_web::cases::retention;

#[tokio::test]
async fn expired_closed_cases_are_anonymised_and_the_counts_do_not_change() {
    let app = spawn().await;
    let op = acting(&app, "operator").await;
    // Default retention: two years after closing.
    assert_eq!(retention::retention_until(&app.state, 1_000), 1_000 + 730 * 86_400);

    let (expired, expired_case, _) =
        register(&app, &op, identity("Kwabena", "Osei-Tutu", "1990-06-01", "+39 320 444 5566"), "GHA").await;
    let (recent, recent_case, _) = register(&app, &op, identity("Ravinder", "Kaur", "1985-12-09", ""), "IND").await;
    let (open, _, _) = register(&app, &op, identity("Ion", "Popescu", "1970-01-30", ""), "ROU").await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    store::set_outcome(&mut conn, expired_case, "presumed_victim").await.unwrap();
    let now = argine_storage::now();
    store::close_case(
        &mut conn,
        expired_case,
        "goals_reached",
        retention::retention_until(&app.state, now - 731 * 86_400),
    )
    .await
    .unwrap();
    store::close_case(&mut conn, recent_case, "transferred", retention::retention_until(&app.state, now))
        .await
        .unwrap();
    let before = dup::aggregate_counts(&mut conn).await.unwrap();
    // The demo's three cases and this test's three.
    assert_eq!(before.iter().map(|r| r.4).sum::<i64>(), 6);
    assert!(before.iter().any(|r| r.0 == "closed" && r.1 == "presumed_victim" && r.3 == "GHA"), "{before:?}");
    drop(conn);

    assert_eq!(retention::run(&app.state, "{}").await.unwrap(), 1);
    // Safe to re-run: nothing left to do.
    assert_eq!(retention::run(&app.state, "{}").await.unwrap(), 0);

    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert_eq!(dup::aggregate_counts(&mut conn).await.unwrap(), before, "the indicator counts changed");
    let p = store::person(&mut conn, expired).await.unwrap();
    assert!(p.anonymised_at.is_some());
    assert_eq!((p.wrapped_key.as_str(), p.identity_ct.as_str(), p.employment_ct.as_str()), ("", "", ""));
    assert_eq!((p.sex.as_str(), p.nationality.as_str(), p.sector.as_str()), ("m", "GHA", "agriculture"));
    let (blind,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM person_blind_index WHERE person_id = $1")
        .bind(expired)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(blind, 0, "the blind index is gone");
    for other in [recent, open] {
        let q = store::person(&mut conn, other).await.unwrap();
        assert!(q.anonymised_at.is_none() && !q.identity_ct.is_empty(), "person {other} anonymised too early");
    }
    let kinds: Vec<String> =
        store::events(&mut conn, expired_case).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds.last().map(String::as_str), Some("anonymised"), "{kinds:?}");
    let (audited,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'case.anonymised' AND record_id = $1")
            .bind(expired_case.to_string())
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    drop(conn);
    // The vault reads nothing any more.
    let l = argine_web::cases::vault::load(&app.state, expired_case).await.unwrap();
    assert!(l.is_anonymised());
    assert!(argine_web::cases::vault::data_key(&app.state, &l.person).unwrap().is_none());

    // The name is not in the SQLite file; the organisation's is (the search can fail).
    let mut bytes = std::fs::read(app.db_path()).unwrap();
    if let Ok(wal) = std::fs::read(app.dir.path().join("argine.db-wal")) {
        bytes.extend(wal);
    }
    assert!(contains(&bytes, b"Associazione Lule"));
    for n in ["Kwabena", "Osei-Tutu", "1990-06-01", "3204445566"] {
        assert!(!contains(&bytes, n.as_bytes()), "{n} in the database file");
    }
}
