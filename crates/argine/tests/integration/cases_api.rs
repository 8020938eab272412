//! The case API across three organisations: the NGO opens a case (validation errors as JSON
//! with field names and message ids), refers the person to the anti-trafficking body only with a
//! consent that covers the fields (409 with the gap otherwise), the body accepts and sees only
//! the shared fields; a union desk outside the case gets 403 and the denial is audited; every
//! read of personal fields is in the audit log. Then the indicators on constructed data.

use crate::helpers::*;
use argine_storage::audit::{self, Filter};
use serde_json::{Value, json};

async fn token(app: &TestApp, who: &str, scope: &str) -> String {
    let secret = argine_domain::auth::token::new_secret("argn_");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let user = argine_storage::accounts::find_by_email(&mut conn, &app.account(who).email).await.unwrap().unwrap();
    let digest = argine_domain::auth::token::digest(&secret);
    argine_storage::tokens::create(&mut conn, user.id, "prova", &digest, scope, argine_storage::now() + 86_400)
        .await
        .unwrap();
    secret
}

async fn get(app: &TestApp, tok: &str, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new().get(format!("{}{path}", app.url)).bearer_auth(tok).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, tok: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new().post(format!("{}{path}", app.url)).bearer_auth(tok).json(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn org(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    argine_storage::orgs::find_by_name(&mut conn, name).await.unwrap().unwrap().id
}

async fn audited(app: &TestApp, action: &str) -> Vec<argine_domain::audit::StoredEntry> {
    audit::search(&app.state.db, &Filter { action: Some(action.into()), limit: 500, ..Default::default() })
        .await
        .unwrap()
}

#[tokio::test]
async fn three_organisations_through_the_api() {
    let app = spawn().await;
    clear_demo_cases(&app).await;
    let ngo = token(&app, "operator", "read_write").await;
    let body = token(&app, "antitratta", "read_write").await;
    let union = token(&app, "union", "read_write").await;
    let antitratta = org(&app, "Ente anti-tratta Lombardia").await;

    // Validation: field names and message ids, nothing stored.
    let (s, v) = post(&app, &ngo, "/api/v1/cases", &json!({"phone": "12a", "comune_code": "nowhere"})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["code"], "case-invalid");
    let errors: Vec<(String, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    assert!(errors.contains(&("given_names".into(), "identity-problem-no-name".into())), "{errors:?}");
    assert!(errors.contains(&("phone".into(), "identity-problem-phone".into())), "{errors:?}");
    assert!(errors.contains(&("comune_code".into(), "case-comune-unknown".into())), "{errors:?}");

    let (s, v) = post(
        &app,
        &ngo,
        "/api/v1/cases",
        &json!({"given_names": "Amina", "family_name": "Diallo", "birth_date": "1995-03-04",
                "phone": "+39 333 7654321", "nationality": "sen", "sex": "f", "comune_code": "020030",
                "residence_status": "none", "employer": "Azienda agricola Rossi"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let case = v["id"].as_i64().unwrap();
    let person = v["person_id"].as_i64().unwrap();
    assert!(v["code"].as_str().unwrap().starts_with("AR-"));

    // The list: by code prefix and by name (through the blind index), never another org's.
    let (s, list) = get(&app, &ngo, "/api/v1/cases?name=diallo%20AMINA").await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], case);
    let (_, list) = get(&app, &ngo, "/api/v1/cases?name=Fatou").await;
    assert!(list.as_array().unwrap().is_empty());
    let (_, list) = get(&app, &ngo, "/api/v1/cases?stage=closed").await;
    assert!(list.as_array().unwrap().is_empty());
    let (s, _) = get(&app, &ngo, "/api/v1/cases?stage=nonsense").await;
    assert_eq!(s, 400);
    let (_, list) = get(&app, &body, "/api/v1/cases").await;
    assert!(list.as_array().unwrap().is_empty(), "not referred yet: {list}");

    // No consent: the referral is blocked.
    let refer = |fields: Value| json!({"to_org": antitratta, "fields": fields, "reason": "Sfruttamento nei campi", "due_on": "2030-01-31"});
    // A service of another organisation than `to_org`: refused with the field named.
    let union_service = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let union_org = argine_storage::orgs::find_by_name(&mut conn, "FLAI CGIL Mantova").await.unwrap().unwrap().id;
        argine_storage::services::list(&mut conn).await.unwrap().into_iter().find(|s| s.org_id == union_org).unwrap().id
    };
    let (s, v) = post(&app, &ngo, &format!("/api/v1/cases/{case}/referrals"), &refer(json!(["names"]))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("consent-gap-none")), "{v}");
    // A consent naming the body for names and residence, not the phone.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let ngo_user =
        argine_storage::accounts::find_by_email(&mut conn, &app.account("operator").email).await.unwrap().unwrap();
    argine_storage::cases::add_consent(
        &mut conn,
        &argine_storage::cases::NewConsent {
            person,
            purposes: "case_work,referral",
            fields: "names,residence",
            recipients: &[antitratta],
            language: "fr",
            mediator: "Mediatrice",
            given_on: "2026-08-01",
            by: ngo_user.id,
        },
    )
    .await
    .unwrap();
    drop(conn);
    let (s, v) = post(&app, &ngo, &format!("/api/v1/cases/{case}/referrals"), &refer(json!(["names", "phone"]))).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("consent-gap-fields")), "{v}");
    assert_eq!(v["missing_fields"], json!(["phone"]));
    // The union may not refer (not the owner): 403.
    let (s, _) = post(&app, &union, &format!("/api/v1/cases/{case}/referrals"), &refer(json!(["names"]))).await;
    assert_eq!(s, 403);
    let mut with_service = refer(json!(["names", "residence"]));
    with_service["service_id"] = json!(union_service);
    let (s, v) = post(&app, &ngo, &format!("/api/v1/cases/{case}/referrals"), &with_service).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("referral-service-invalid")), "{v}");
    let (s, v) =
        post(&app, &ngo, &format!("/api/v1/cases/{case}/referrals"), &refer(json!(["names", "residence"]))).await;
    assert_eq!(s, 201, "{v}");
    let referral = v["id"].as_i64().unwrap();
    // The reason is stored encrypted, bound to the referral.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let stored = argine_storage::cases::referral(&mut conn, referral).await.unwrap();
    assert!(!stored.reason_ct.is_empty() && !stored.reason_ct.contains("Sfruttamento"));
    drop(conn);

    // The union desk: 403 on the case, audited.
    let (s, _) = get(&app, &union, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, 403);
    let denied = audited(&app, "access.denied").await;
    assert!(
        denied.iter().any(|e| e.actor_label == app.account("union").email
            && e.details.contains(&format!("/api/v1/cases/{case}"))
            && e.record_type == "case"),
        "the denial is audited"
    );
    // The union cannot answer the referral either.
    let (s, _) =
        post(&app, &union, &format!("/api/v1/referrals/{referral}/response"), &json!({"decision": "accept"})).await;
    assert_eq!(s, 403);

    // The body answers: a decline needs a reason; accept.
    let path = format!("/api/v1/referrals/{referral}/response");
    let (s, v) = post(&app, &body, &path, &json!({"decision": "decline"})).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("referral-decline-reason")));
    let (s, v) = post(&app, &body, &path, &json!({"decision": "accept", "reason": "Presa in carico"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "accepted");
    let (s, v) = post(&app, &body, &path, &json!({"decision": "accept"})).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("referral-not-pending")));

    // The body now sees the case, with the shared fields only.
    let reads_before = audited(&app, "person.read").await.len();
    let (s, v) = get(&app, &body, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, 200, "{v}");
    let p = &v["person"];
    assert_eq!(p["given_names"], "Amina");
    assert_eq!(p["family_name"], "Diallo");
    assert_eq!(p["residence_status"], "none");
    assert_eq!(p["fields"], json!(["names", "residence"]));
    for hidden in ["phone", "birth_date", "documents", "employer", "conditions", "sector"] {
        assert!(p.get(hidden).is_none(), "{hidden} is not shared: {p}");
    }
    let text = v.to_string();
    assert!(!text.contains("7654321") && !text.contains("1995-03-04") && !text.contains("Rossi"), "{text}");
    assert!(v["consents"][0].get("mediator").is_none(), "the mediator is for the owner only");
    let r = &v["referrals"][0];
    assert_eq!(
        (r["reason"].as_str(), r["response"].as_str()),
        (Some("Sfruttamento nei campi"), Some("Presa in carico"))
    );
    let kinds: Vec<&str> = v["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["opened", "referral", "referral_accepted"]);
    let (_, list) = get(&app, &body, "/api/v1/cases").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "referred and accepted: {list}");
    assert_eq!(list[0]["owned"], false);

    // The owner sees everything.
    let (s, v) = get(&app, &ngo, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, 200);
    assert_eq!(v["person"]["phone"], "+39 333 7654321");
    assert_eq!(v["person"]["birth_date"], "1995-03-04");
    assert_eq!(v["person"]["employer"], "Azienda agricola Rossi");
    assert_eq!(v["consents"][0]["mediator"], "Mediatrice");

    // Each GET with personal fields added one `person.read` entry, naming who and which fields.
    let reads = audited(&app, "person.read").await;
    assert_eq!(reads.len(), reads_before + 2);
    assert!(reads.iter().any(|e| e.actor_label == app.account("antitratta").email
        && e.record_id == person.to_string()
        && e.details.contains("\"names\"")
        && !e.details.contains("\"phone\"")
        && e.details.contains("\"via\":\"api\"")));

    // The API document lists the routes.
    let (_, doc) = get(&app, &ngo, "/api/v1/openapi.json").await;
    for p in [
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/referrals",
        "/api/v1/referrals/{id}/response",
        "/api/v1/cases/indicators",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} in the OpenAPI document");
    }
}
