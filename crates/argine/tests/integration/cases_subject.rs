//! The data subject's access request (complete export, JSON and PDF) and erasure: for the
//! owner organisation's supervisor only, audited; erasure refused once a formal
//! identification is recorded.

use crate::cases_support::*;
use crate::helpers::*;
use argine_storage::cases as store;
use argine_web::cases::vault;

#[tokio::test]
async fn the_supervisor_exports_everything_and_erases_where_the_law_allows() {
    let app = spawn().await;
    let op = acting(&app, "operator").await;
    let antitratta = org_id(&app, "Ente anti-tratta Lombardia").await;
    let (person, case, code) =
        register(&app, &op, identity("Fatoumata", "Keita", "1996-08-17", "+39 351 222 3344"), "MLI").await;
    let consent = consent(&app, &op, person, "case_work,referral", "names", &[antitratta]).await;
    {
        let mut tx = app.state.db.begin().await.unwrap();
        let r = store::add_referral(
            &mut tx,
            &store::NewReferral {
                case,
                from_org: op.actor.org_id,
                to_org: antitratta,
                consent,
                fields: "names",
                due_on: "2026-03-01",
                by: op.user_id,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let p = store::person(&mut tx, person).await.unwrap();
        let key = vault::data_key(&app.state, &p).unwrap().unwrap();
        let reason =
            vault::seal_text(&key, "Serve assistenza legale urgente", &vault::aad("referrals.reason", r)).unwrap();
        store::set_referral_reason(&mut tx, r, &reason).await.unwrap();
        let item =
            store::add_item(&mut tx, case, "goal", Some(antitratta), Some("2026-04-01"), op.user_id).await.unwrap();
        let text = vault::seal_text(&key, "Trovare un alloggio sicuro", &vault::aad("case_items.text", item)).unwrap();
        store::set_item_text(&mut tx, item, &text).await.unwrap();
        tx.commit().await.unwrap();
    }

    // A third organisation's operator: 403 on both exports and on erasure, audited.
    let union = app.login_as("union").await;
    for path in [format!("/casi/{case}/esporta.json"), format!("/casi/{case}/esporta.pdf")] {
        assert_eq!(app.get(&union, &path).await.status(), 403, "{path}");
    }
    let r = app.post(&union, &format!("/casi/{case}/cancella"), &[("reason", "richiesta dell'interessata")]).await;
    assert_eq!(r.status(), 403);
    // The owner organisation's operator is not enough either.
    let c_op = app.login_as("operator").await;
    assert_eq!(app.get(&c_op, &format!("/casi/{case}/esporta.json")).await.status(), 403);

    let sup = app.login_as("supervisor").await;
    let r = app.get(&sup, &format!("/casi/{case}/esporta.json")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["person"]["code"], code.as_str());
    assert_eq!(v["person"]["identity"]["family_name"], "Keita");
    assert_eq!(v["person"]["identity"]["birth_date"], "1996-08-17");
    assert_eq!(v["person"]["identity"]["phone"], "+39 351 222 3344");
    assert_eq!(v["person"]["attributes"]["nationality"], "MLI");
    assert_eq!(v["consents"][0]["mediator"], "Mediatrice Awa Sow");
    assert_eq!(v["referrals"][0]["to"], "Ente anti-tratta Lombardia");
    assert_eq!(v["referrals"][0]["reason"], "Serve assistenza legale urgente");
    assert_eq!(v["plan"][0]["text"], "Trovare un alloggio sicuro");
    assert_eq!(v["timeline"][0]["kind"], "opened");

    let r = app.get(&sup, &format!("/casi/{case}/esporta.pdf")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    if let Some(text) = pdf_text(&app, &bytes) {
        for want in [code.as_str(), "Keita", "Fatoumata", "1996-08-17", "Trovare un alloggio sicuro", "Consensi"] {
            assert!(text.contains(want), "{want} missing from the PDF:\n{text}");
        }
    }
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'person.read' AND personal = 1 AND record_id = $1
           AND details LIKE '%export%'",
    )
    .bind(person.to_string())
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(reads, 2, "each export is audited as a personal read");

    // Erasure: a reason is required.
    let erase = format!("/casi/{case}/cancella");
    assert_eq!(app.post(&sup, &erase, &[("reason", "")]).await.status(), 422);
    // Refused while a formal identification is recorded.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    store::set_formal(&mut conn, case, "victim", antitratta, "2026-02-10").await.unwrap();
    drop(conn);
    let r = app.post(&sup, &erase, &[("reason", "richiesta scritta dell'interessata del 12/02")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("identificazione formale"));
    let l = vault::load(&app.state, case).await.unwrap();
    assert!(!l.is_anonymised());
    // Without it, erased at once; audited with the reason; the export is then empty.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    sqlx::query("UPDATE cases SET formal_outcome = NULL, formal_org = NULL, formal_on = NULL WHERE id = $1")
        .bind(case)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let r = app.post(&sup, &erase, &[("reason", "richiesta scritta dell'interessata del 12/02")]).await;
    assert_eq!(r.status(), 200);
    let l = vault::load(&app.state, case).await.unwrap();
    assert!(l.is_anonymised() && l.person.identity_ct.is_empty());
    let (erased,): (String,) =
        sqlx::query_as("SELECT details FROM audit_log WHERE action = 'case.erased' AND record_id = $1")
            .bind(case.to_string())
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(erased.contains("richiesta scritta"), "{erased}");
    let v: serde_json::Value = app.get(&sup, &format!("/casi/{case}/esporta.json")).await.json().await.unwrap();
    assert!(v["person"]["identity"]["family_name"].is_null(), "{v}");
    assert_eq!(v["person"]["attributes"]["nationality"], "MLI");
    assert_eq!(
        app.post(&sup, &erase, &[("reason", "richiesta scritta dell'interessata del 12/02")]).await.status(),
        409
    );
}
