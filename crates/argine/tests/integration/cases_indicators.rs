//! The case indicators on constructed data: counts right for the territory and the period,
//! small cells withheld (with their complements), the days to acceptance from the dates.

use crate::helpers::*;
use argine_storage::cases::{self as store, PersonAttributes};
use serde_json::Value;

struct Made {
    stage: &'static str,
    sex: &'static str,
    comune: &'static str,
}

#[tokio::test]
async fn counts_are_right_and_small_cells_are_withheld() {
    let app = spawn().await;
    clear_demo_cases(&app).await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let op = argine_storage::accounts::find_by_email(&mut conn, &app.account("operator").email).await.unwrap().unwrap();
    let anti = argine_storage::orgs::find_by_name(&mut conn, "Ente anti-tratta Lombardia").await.unwrap().unwrap().id;
    let mut made = Vec::new();
    for i in 0..25 {
        let stage = match i {
            0..15 => "contact",
            15..22 => "preliminary",
            _ => "protection",
        };
        made.push(Made { stage, sex: if i < 12 { "f" } else { "m" }, comune: "020030" });
    }
    for _ in 0..4 {
        made.push(Made { stage: "assistance", sex: "m", comune: "071051" });
    }
    let mut mantova_cases = Vec::new();
    for (i, m) in made.iter().enumerate() {
        let attrs = PersonAttributes {
            sex: m.sex.into(),
            age_band: "25_34".into(),
            nationality: "SEN".into(),
            comune_code: m.comune.into(),
            ..Default::default()
        };
        let p = store::insert_person(&mut conn, &format!("AR-TEST-{i:04}"), op.org_id, &attrs, None, Some(op.id))
            .await
            .unwrap();
        let c = store::open_case(&mut conn, p, op.org_id, m.comune, op.id).await.unwrap();
        store::set_stage(&mut conn, c, m.stage).await.unwrap();
        if m.comune == "020030" {
            mantova_cases.push((p, c));
        }
    }
    // Referrals of 14 Mantova cases to the anti-trafficking body: 12 accepted after 1..=12
    // days, 2 declined.
    for (k, (p, c)) in mantova_cases.iter().take(14).enumerate() {
        let consent = store::add_consent(
            &mut conn,
            &store::NewConsent {
                person: *p,
                purposes: "referral",
                fields: "names",
                recipients: &[anti],
                language: "fr",
                given_on: "2026-01-01",
                by: op.id,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let r = store::add_referral(
            &mut conn,
            &store::NewReferral {
                case: *c,
                from_org: op.org_id,
                to_org: anti,
                consent,
                fields: "names",
                due_on: "2030-01-01",
                by: op.id,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let status = if k < 12 { "accepted" } else { "declined" };
        store::respond_referral(&mut conn, r, status, op.id, "").await.unwrap();
        sqlx::query("UPDATE referrals SET responded_at = created_at + $1 WHERE id = $2")
            .bind((k as i64 + 1) * 86_400)
            .bind(r)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    drop(conn);

    let secret = argine_domain::auth::token::new_secret("argn_");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let viewer =
        argine_storage::accounts::find_by_email(&mut conn, &app.account("viewer").email).await.unwrap().unwrap();
    argine_storage::tokens::create(
        &mut conn,
        viewer.id,
        "t",
        &argine_domain::auth::token::digest(&secret),
        "read",
        argine_storage::now() + 3600,
    )
    .await
    .unwrap();
    drop(conn);
    let get = |q: &'static str| {
        let (url, secret) = (app.url.clone(), secret.clone());
        async move {
            let r = reqwest::Client::new()
                .get(format!("{url}/api/v1/cases/indicators{q}"))
                .bearer_auth(&secret)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{q}");
            r.json::<Value>().await.unwrap()
        }
    };
    let count = |v: &Value, table: &str, code: &str| -> Option<u64> {
        v[table].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["count"].as_u64()
    };

    // Province of Mantova.
    let v = get("?province=020").await;
    assert_eq!(v["threshold"], 10);
    assert_eq!(v["territory"], "provincia:020");
    assert_eq!(v["cases"], 25);
    assert_eq!(v["contacts"], 25);
    assert_eq!(count(&v, "by_stage", "contact"), Some(15));
    assert_eq!(count(&v, "by_stage", "preliminary"), None, "7 is withheld");
    assert_eq!(count(&v, "by_stage", "protection"), None, "3 is withheld");
    assert_eq!(count(&v, "by_stage", "assistance"), Some(0));
    assert_eq!(count(&v, "by_sex", "f"), Some(12));
    assert_eq!(count(&v, "by_sex", "m"), Some(13));
    assert_eq!(count(&v, "by_nationality", "SEN"), Some(25));
    // Days to acceptance: 12 accepted after 1..=12 days (nearest rank).
    assert_eq!(v["days_to_acceptance"]["accepted"], 12);
    assert_eq!(v["days_to_acceptance"]["median"], 6.0);
    assert_eq!(v["days_to_acceptance"]["p90"], 11.0);
    // Referrals: the body's row; 2 declined is withheld and cannot be recomputed.
    let t = &v["referrals"];
    assert_eq!(t["rows"], serde_json::json!([anti.to_string()]));
    let cols: Vec<&str> = t["cols"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let row = t["cells"][0].as_array().unwrap();
    let at = |code: &str| row[cols.iter().position(|c| *c == code).unwrap()].as_u64();
    assert_eq!(at("declined"), None);
    assert!(at("accepted").is_none() || row[cols.len()].as_u64().is_none(), "declined = total − accepted: {t}");

    // Italy: Foggia's 4 assistance cases join; 4 is withheld.
    let v = get("").await;
    assert_eq!(v["cases"], 29);
    assert_eq!(count(&v, "by_stage", "contact"), Some(15));
    assert_eq!(count(&v, "by_stage", "assistance"), None);
    assert_eq!(count(&v, "by_sex", "m"), Some(17));
    // A period before any case: nothing.
    let v = get("?to=2000-01-01").await;
    assert_eq!(v["cases"], 0);
    assert_eq!(v["contacts"], 0);
    // Foggia alone: every cell small.
    let v = get("?province=071").await;
    assert!(v["cases"].is_null(), "4 cases are withheld");
    assert_eq!(count(&v, "by_stage", "assistance"), None);

    // The anonymous contacts of outreach sessions: summed by the territory and the day held.
    for table in ["outreach_contacts", "outreach_materials", "outreach_sessions"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(app.state.db.pool()).await.unwrap();
    }
    let v = get("?province=020").await;
    assert_eq!(v["outreach_contacts"], 0);
    let (team,): (i64,) = sqlx::query_as("SELECT id FROM outreach_teams ORDER BY id LIMIT 1")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let row = |nationality: &str, count: i64| argine_domain::outreach::ContactRow {
        sex: "m".into(),
        age_band: "25_34".into(),
        nationality: nationality.into(),
        sector: "agricoltura".into(),
        count,
    };
    for (uuid, comune, rows) in [
        ("0b7e6a52-4f0e-4d7a-9a51-3c2f7d8e9a01", "020030", vec![row("IN", 8), row("MA", 5)]),
        ("0b7e6a52-4f0e-4d7a-9a51-3c2f7d8e9a02", "071051", vec![row("SN", 40)]),
    ] {
        let input = argine_domain::outreach::SessionInput {
            client_uuid: uuid.into(),
            held_on: "2026-04-15".into(),
            comune: comune.into(),
            team_id: Some(team),
            contacts: rows,
            ..Default::default()
        };
        let checked = argine_domain::outreach::check_session(&input, "2026-05-01").unwrap();
        let mut tx = app.state.db.begin().await.unwrap();
        argine_storage::outreach::record(&mut tx, op.org_id, &checked, "web", Some(op.id)).await.unwrap();
        tx.commit().await.unwrap();
    }
    // Read again after the write: computed afresh, not the answer kept from before.
    let v = get("?province=020").await;
    assert_eq!(v["outreach_contacts"], 13);
    assert_eq!(v["cases"], 25);
    assert_eq!(get("").await["outreach_contacts"], 53);
    assert_eq!(get("?from=2026-04-15&to=2026-04-15").await["outreach_contacts"], 53, "the day itself counts");
    assert_eq!(get("?from=2026-04-16").await["outreach_contacts"], 0);
    assert_eq!(get("?province=020&to=2026-04-14").await["outreach_contacts"], 0, "the day before does not");
    // A case written directly (as another process would): the kept answer is dropped too.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let attrs = PersonAttributes {
        sex: "f".into(),
        age_band: "25_34".into(),
        nationality: "SEN".into(),
        comune_code: "020030".into(),
        ..Default::default()
    };
    let p = store::insert_person(&mut conn, "AR-TEST-9999", op.org_id, &attrs, None, Some(op.id)).await.unwrap();
    store::open_case(&mut conn, p, op.org_id, "020030", op.id).await.unwrap();
    drop(conn);
    let v = get("?province=020").await;
    assert_eq!((v["cases"].as_u64(), count(&v, "by_sex", "f")), (Some(26), Some(13)));

    // The page, for a viewer.
    let c = app.login_as("viewer").await;
    let r = app.get(&c, "/casi/indicatori?province=020").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("oscurato") && html.contains("Ente anti-tratta Lombardia"), "{html}");
    let r = app.get(&c, "/casi/indicatori?from=nonsense").await;
    assert_eq!(r.status(), 400);
}
