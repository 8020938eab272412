//! Must show: two agencies register the same person with spelling variants; both are told,
//! neither learns the other's data until consent links them; the link is audited and undone.

use crate::cases_support::*;
use crate::helpers::*;
use argine_storage::cases_dup as dup;
use argine_web::cases::duplicates;

/// People the demo seeds (`demo::seed_cases`).
const DEMO_PEOPLE: usize = 3;

#[tokio::test]
async fn both_owners_are_told_and_only_consent_links_the_records() {
    let app = spawn().await;
    let op = acting(&app, "operator").await;
    let at = acting(&app, "antitratta").await;
    let lule = op.actor.org_id;
    let ente = at.actor.org_id;
    let (pa, case_a, code_a) =
        register(&app, &op, identity("Mohamed", "Diallo", "1998-03-14", "+39 333 101 2020"), "GIN").await;
    // A stranger with the same surname: not a duplicate.
    register(&app, &at, identity("Amina", "Diallo", "2001-07-02", ""), "GIN").await;
    let (pb, case_b, code_b) = register(&app, &at, identity("Dialo", "Muhammad", "1998-03-14", ""), "GIN").await;

    // One signal, found when the second record was created.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let signals = dup::signals_of_person(&mut conn, pa).await.unwrap();
    assert_eq!(signals.len(), 1, "{signals:?}");
    let s = signals[0].clone();
    assert_eq!((s.person_a, s.person_b), (pa.min(pb), pa.max(pb)));
    assert_eq!(s.likelihood, "likely");
    assert_eq!(s.kinds, "phonetic,phonetic_year");
    // The full screening finds the same pair again (and nothing else).
    sqlx::query("DELETE FROM duplicate_signals").execute(&mut *conn).await.unwrap();
    let report = duplicates::screen_all(&mut conn).await.unwrap();
    // The demo's three people, and the three of this test.
    assert_eq!((report.people, report.signals), (DEMO_PEOPLE + 3, 1), "{report:?}");
    let s = dup::signals_of_person(&mut conn, pb).await.unwrap().remove(0);
    drop(conn);

    let secret_words = ["Mohamed", "Diallo", "Dialo", "Muhammad", "1998-03-14", "14/03/1998", "333 101", "Amina"];
    // Each owner is told: its own code, the other organisation's name, the likelihood.
    let c_op = app.login_as("operator").await;
    let page = app.get(&c_op, "/casi/duplicati").await.text().await.unwrap();
    assert!(page.contains(&code_a) && page.contains("Ente anti-tratta Lombardia") && page.contains("Probabile"));
    let c_at = app.login_as("antitratta").await;
    let page_b = app.get(&c_at, "/casi/duplicati").await.text().await.unwrap();
    assert!(page_b.contains(&code_b) && page_b.contains("Associazione Lule"), "{page_b}");
    // Neither sees the other's data, not even the other record's code.
    for (p, other_code) in [(&page, &code_b), (&page_b, &code_a)] {
        assert!(!p.contains(other_code.as_str()), "the other record's code is shown before linking");
        for w in secret_words {
            assert!(!p.contains(w), "{w} shown on the duplicates page");
        }
    }
    // A third organisation is not told and cannot act.
    let c_union = app.login_as("union").await;
    let page_u = app.get(&c_union, "/casi/duplicati").await.text().await.unwrap();
    assert!(page_u.contains("dup-none") && !page_u.contains(&code_a) && !page_u.contains(&code_b));
    let r = app.post(&c_union, &format!("/casi/duplicati/{}/collega", s.id), &[]).await;
    assert_eq!(r.status(), 403);

    // Without both consents the link is refused (and the refusal is audited).
    let link = format!("/casi/duplicati/{}/collega", s.id);
    let r = app.post(&c_op, &link, &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("serve il consenso di entrambe le persone"));
    consent(&app, &op, pa, "case_work,duplicate_link", "", &[ente]).await;
    // A consent naming the wrong organisation does not count.
    consent(&app, &at, pb, "case_work,duplicate_link", "", &[ente]).await;
    assert_eq!(app.post(&c_op, &link, &[]).await.status(), 409);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(dup::links_of_signal(&mut conn, s.id).await.unwrap().is_empty());
    drop(conn);

    // With both consents, either owner links; both cases get the event, the audit log both.
    consent(&app, &at, pb, "duplicate_link", "", &[lule]).await;
    let r = app.post(&c_at, &link, &[]).await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let links = dup::links_of_signal(&mut conn, s.id).await.unwrap();
    assert_eq!(links.len(), 1);
    assert!(links[0].unlinked_at.is_none());
    let mine = duplicates::linked_records(&mut conn, pa).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].other_org_name.as_str(), mine[0].other_code.as_str()),
        ("Ente anti-tratta Lombardia", code_b.as_str())
    );
    let theirs = duplicates::linked_records(&mut conn, pb).await.unwrap();
    assert_eq!(
        (theirs[0].other_org_name.as_str(), theirs[0].other_code.as_str()),
        ("Associazione Lule", code_a.as_str())
    );
    for case in [case_a, case_b] {
        let kinds: Vec<String> =
            argine_storage::cases::events(&mut conn, case).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&"linked".to_owned()), "{kinds:?}");
    }
    let mut both = vec![case_a.to_string(), case_b.to_string()];
    both.sort();
    assert_eq!(audited(&app, "case.link").await, both);
    assert_eq!(audited(&app, "case.link_refused").await.len(), 2);
    drop(conn);

    // Linked: the pointer (organisation and case code), still no fields.
    let page = app.get(&c_op, "/casi/duplicati").await.text().await.unwrap();
    assert!(page.contains(&code_b) && page.contains("Collegata a"));
    for w in secret_words {
        assert!(!page.contains(w), "{w} shown once linked");
    }

    // Undone by the other owner; audited; the signal is open again.
    let r = app.post(&c_op, &format!("/casi/duplicati/{}/scollega", s.id), &[]).await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(dup::links_of_signal(&mut conn, s.id).await.unwrap()[0].unlinked_at.is_some());
    assert!(duplicates::linked_records(&mut conn, pa).await.unwrap().is_empty());
    assert_eq!(dup::signal(&mut conn, s.id).await.unwrap().status, "open");
    drop(conn);
    assert_eq!(audited(&app, "case.unlink").await, both);
    let page = app.get(&c_op, "/casi/duplicati").await.text().await.unwrap();
    assert!(!page.contains(&code_b));
}

/// The records (case ids) of the audit entries with `action`, sorted.
async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT record_id FROM audit_log WHERE action = $1 ORDER BY record_id")
        .bind(action)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}
