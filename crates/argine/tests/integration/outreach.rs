//! Services and outreach end to end: the demo's directory on the pages and as HSDS JSON; a
//! service created by an operator for its own organisation (errors shown, nothing lost); an
//! outreach session recorded from the form, from the phone's sync and from the API — once per
//! client UUID however often it is sent; nothing but the anonymous schema accepted; who sees
//! the sessions; the writes audited.

use crate::helpers::*;
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

fn today() -> String {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string()
}

#[tokio::test]
async fn the_directory_is_listed_filtered_and_exported_as_hsds() {
    let app = spawn().await;
    let viewer = app.login_as("viewer").await;
    let page = app.get(&viewer, "/servizi").await.text().await.unwrap();
    for name in
        ["Sportello di ascolto Lule", "Sportello sindacale lavoratori agricoli", "Corsi di italiano per stranieri"]
    {
        assert!(page.contains(name), "{name}");
    }
    let health = app.get(&viewer, "/servizi?tipo=health").await.text().await.unwrap();
    assert!(health.contains("STP") && !health.contains("Corsi di italiano"));
    let punjabi = app.get(&viewer, "/servizi?lingua=pa").await.text().await.unwrap();
    assert!(punjabi.contains("Sportello di ascolto Lule") && !punjabi.contains("Corsi di italiano"));
    let castiglione = app.get(&viewer, "/servizi?comune=020017").await.text().await.unwrap();
    assert!(castiglione.contains("Corsi di italiano") && !castiglione.contains("STP"));
    let desks = app.get(&viewer, "/servizi/sportelli").await.text().await.unwrap();
    assert!(desks.contains("Sportello di Castiglione delle Stiviere") && desks.contains("09:00-13:00"), "{desks}");
    assert!(!desks.contains("Poliambulatorio"), "not a listening point");
    let teams = app.get(&viewer, "/servizi/unita-mobili").await.text().await.unwrap();
    assert!(teams.contains("Unità mobile Lule"));

    let secret = token(&app, "viewer", "read").await;
    let r =
        reqwest::Client::new().get(format!("{}/api/v1/services", app.url)).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let hsds: Value = r.json().await.unwrap();
    assert_eq!(hsds["services"].as_array().unwrap().len(), 6);
    let lule = hsds["services"].as_array().unwrap().iter().find(|s| s["name"] == "Sportello di ascolto Lule").unwrap();
    let org = hsds["organizations"].as_array().unwrap().iter().find(|o| o["id"] == lule["organization_id"]).unwrap();
    assert_eq!(org["name"], "Associazione Lule");
    let sal = hsds["service_at_locations"].as_array().unwrap().iter().find(|a| a["service_id"] == lule["id"]).unwrap();
    assert_eq!(sal["schedules"].as_array().unwrap().len(), 3);
    assert_eq!(sal["schedules"][0]["byday"], "MO");
    let loc = hsds["locations"].as_array().unwrap().iter().find(|l| l["id"] == sal["location_id"]).unwrap();
    assert_eq!(loc["addresses"][0]["city"], "Castiglione delle Stiviere");
    for id in [&lule["id"], &org["id"], &sal["id"], &loc["id"]] {
        assert_eq!(id.as_str().unwrap().len(), 36, "UUID ids: {id}");
    }
}

#[tokio::test]
async fn an_operator_keeps_its_own_services_only() {
    let app = spawn().await;
    let op = app.login_as("operator").await;
    let bad = app
        .post(
            &op,
            "/servizi",
            &[
                ("name", "Consulenza legale Lule"),
                ("kind", "legal_advice"),
                ("comune", "999999"),
                ("place_name", "Sede"),
                ("hours_1", "13:00-09:00"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(page.contains("Consulenza legale Lule"), "typed values kept");
    assert!(page.contains("codice ISTAT") && page.contains("09:00-13:00, con la chiusura"), "{page}");
    let ok = app
        .post(
            &op,
            "/servizi",
            &[
                ("name", "Consulenza legale Lule"),
                ("kind", "legal_advice"),
                ("languages", "it"),
                ("languages", "pa"),
                ("place_name", "Sede di Suzzara"),
                ("address", "Piazza Garibaldi 1"),
                ("comune", "020065"),
                ("listening_point", "1"),
                ("hours_2", "10:00-12:00"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let path = location(&ok);
    let detail = app.get(&op, &path).await.text().await.unwrap();
    assert!(detail.contains("Sede di Suzzara") && detail.contains("martedì: 10:00-12:00"), "{detail}");
    // Another organisation's service: the operator cannot change it.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let d = argine_storage::services::directory(&mut conn).await.unwrap();
    drop(conn);
    let flai = d.services.iter().find(|s| s.name.contains("sindacale")).unwrap();
    let r = app.get(&op, &format!("/servizi/{}/modifica", flai.id)).await;
    assert_eq!(r.status(), 403);
    let r = app.post(&op, &format!("/servizi/{}", flai.id), &[("name", "X"), ("kind", "other")]).await;
    assert_eq!(r.status(), 403);
    // The coordinator of the province may (the desk is in Mantova).
    let coord = app.login_as("coordinator").await;
    assert_eq!(app.get(&coord, &format!("/servizi/{}/modifica", flai.id)).await.status(), 200);
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("service.create".into()), limit: 10, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
}

#[tokio::test]
async fn a_session_is_recorded_once_however_often_it_is_synced() {
    let app = spawn().await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let team = argine_storage::outreach::teams(&mut conn).await.unwrap()[0].clone();
    let before = argine_storage::outreach::sessions(&mut conn).await.unwrap().len();
    drop(conn);
    let op = app.login_as("operator").await;

    // From the phone: the same offline record synced twice is one session.
    let uuid = "3f2b8c1a-7d4e-4f9a-b1c2-d3e4f5a6b7c8";
    let record = json!({
        "client_uuid": uuid, "held_on": today(), "comune": "020028", "team_id": team.id,
        "contacts": [{"sex": "m", "age_band": "25_34", "nationality": "IN", "sector": "agricoltura", "count": 7},
                     {"sex": "f", "age_band": "nd", "nationality": "ND", "sector": "nd", "count": 2}],
        "materials": [{"material": "volantino", "language": "pa", "quantity": 9}],
        "needs": ["salario", "sfruttamento"],
    });
    let sync =
        |body: Value| op.post(format!("{}/uscite/sincronizza", app.url)).header("Origin", &app.url).json(&body).send();
    let first = sync(record.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let id = first.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let second = sync(record.clone()).await.unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(second.json::<Value>().await.unwrap(), json!({"id": id, "created": false}));
    // A cross-site page cannot sync into the operator's session.
    let forged = op
        .post(format!("{}/uscite/sincronizza", app.url))
        .header("Origin", "https://evil.invalid")
        .json(&record)
        .send();
    assert_eq!(forged.await.unwrap().status(), 403);
    // Nothing but the anonymous schema: a name riding along is refused, nothing stored.
    let mut with_name = record.clone();
    with_name["client_uuid"] = json!("5a5a5a5a-1111-4222-8333-444455556666");
    with_name["contacts"][0]["name"] = json!("Mario Rossi");
    assert_eq!(sync(with_name).await.unwrap().status(), 400);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert_eq!(argine_storage::outreach::count_by_uuid(&mut conn, uuid).await.unwrap(), 1);
    assert_eq!(
        argine_storage::outreach::count_by_uuid(&mut conn, "5a5a5a5a-1111-4222-8333-444455556666").await.unwrap(),
        0
    );
    assert_eq!(argine_storage::outreach::sessions(&mut conn).await.unwrap().len(), before + 1);
    drop(conn);

    // The session's page: the grid, the totals, the link to an individual record.
    let page = app.get(&op, &format!("/uscite/{id}")).await.text().await.unwrap();
    assert!(page.contains("id=\"session-total\">9<"), "{page}");
    assert!(page.contains(&format!("/casi/nuovo?sessione={id}")));
    assert!(page.contains("segnali di sfruttamento"));

    // Through the API with a write token, again idempotent; the list counts it once.
    let secret = token(&app, "operator", "read_write").await;
    let api = reqwest::Client::new();
    let r = api
        .post(format!("{}/api/v1/outreach/sessions", app.url))
        .bearer_auth(&secret)
        .json(&record)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut other = record.clone();
    other["client_uuid"] = json!("9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4");
    other["team_id"] = json!(999_999);
    let r = api
        .post(format!("{}/api/v1/outreach/sessions", app.url))
        .bearer_auth(&secret)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a team of no one");
    let list: Value = api
        .get(format!("{}/api/v1/outreach/sessions", app.url))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine: Vec<&Value> = list["sessions"].as_array().unwrap().iter().filter(|s| s["client_uuid"] == uuid).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["contacts_total"], 9);
    let read = token(&app, "operator", "read").await;
    let r =
        api.post(format!("{}/api/v1/outreach/sessions", app.url)).bearer_auth(&read).json(&other).send().await.unwrap();
    assert_eq!(r.status(), 403, "a read token cannot record");

    // The form: its UUID is made when shown, so sending it twice records one session.
    let form = app.get(&op, "/uscite/nuova").await.text().await.unwrap();
    let form_uuid = form.split("name=\"client_uuid\" value=\"").nth(1).unwrap()[..36].to_owned();
    let team_value = format!("team:{}", team.id);
    let day = today();
    let fields: Vec<(&str, &str)> = vec![
        ("client_uuid", form_uuid.as_str()),
        ("held_on", day.as_str()),
        ("comune", "020017"),
        ("team", team_value.as_str()),
        ("sex", "m"),
        ("age_band", "25_34"),
        ("nationality", "MA"),
        ("sector", "edilizia"),
        ("count", "3"),
        ("needs", "alloggio"),
    ];
    // The place: a settlement of the Comune and a point; a wrong point is refused with
    // everything typed shown again (grid, materials, settlement, coordinates).
    let (camp, elsewhere) = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let new = |name: &'static str, comune: &'static str| argine_storage::settlements::NewSettlement {
            kind: "informal",
            settlement_type: "casolare",
            name,
            comune_code: comune,
            match_key: name,
            ..Default::default()
        };
        (
            argine_storage::settlements::create(&mut conn, &new("Cascina Prova", "020017")).await.unwrap(),
            argine_storage::settlements::create(&mut conn, &new("Cascina Altrove", "020030")).await.unwrap(),
        )
    };
    let form = app.get(&op, "/uscite/nuova").await.text().await.unwrap();
    assert!(form.contains("Castiglione delle Stiviere — Cascina Prova"), "settlements of the territory offered");
    let (camp_s, elsewhere_s) = (camp.to_string(), elsewhere.to_string());
    let mut placed = fields.clone();
    placed.extend([
        ("settlement", camp_s.as_str()),
        ("lat", "52.5"),
        ("lon", "10.49"),
        ("leaflet_language", "pa"),
        ("leaflet_quantity", "15"),
    ]);
    let r = app.post(&op, "/uscite", &placed).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Le coordinate devono cadere in Italia"), "{html}");
    assert!(html.contains(&format!("value=\"{camp}\" selected")) && html.contains("value=\"52.5\""));
    assert!(html.contains("value=\"pa\" selected") && html.contains("value=\"15\""), "materials kept");
    assert!(html.contains("value=\"3\""), "the grid kept");
    // A settlement of another Comune is refused.
    let mut wrong = fields.clone();
    wrong.push(("settlement", elsewhere_s.as_str()));
    assert_eq!(app.post(&op, "/uscite", &wrong).await.status(), 422);
    let mut placed: Vec<(&str, &str)> = placed.into_iter().filter(|(k, _)| *k != "lat").collect();
    placed.push(("lat", "45,391"));
    let a = app.post(&op, "/uscite", &placed).await;
    assert_eq!(a.status(), 303);
    let stored = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM outreach_sessions WHERE client_uuid = $1")
            .bind(&form_uuid)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        argine_storage::outreach::session(&mut conn, id).await.unwrap()
    };
    assert_eq!((stored.settlement_id, stored.lat, stored.lon), (Some(camp), Some(45.391), Some(10.49)));
    let detail = app.get(&op, &location(&a)).await.text().await.unwrap();
    assert!(detail.contains("Cascina Prova"), "the settlement on the session page");
    let b = app.post(&op, "/uscite", &fields).await;
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    assert_eq!(location(&a), location(&b));

    // Who sees the sessions: the coordinator of the province yes, the viewer no.
    let coord = app.login_as("coordinator").await;
    let list = app.get(&coord, "/uscite").await.text().await.unwrap();
    assert!(list.contains(&format!("/uscite/{id}")));
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, "/uscite").await.status(), 403);
    assert_eq!(app.get(&viewer, &format!("/uscite/{id}")).await.status(), 403);
    let created = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("outreach_session.create".into()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(created.len(), 2, "the sync and the form, each once");
}

#[tokio::test]
async fn a_team_is_edited_and_its_route_changed() {
    let app = spawn().await;
    let op = app.login_as("operator").await;
    let (team, me) = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let team = argine_storage::outreach::teams(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Unità mobile Lule — Alto Mantovano")
            .unwrap();
        let me =
            argine_storage::accounts::find_by_email(&mut conn, &app.account("operator").email).await.unwrap().unwrap();
        (team.id, me.id)
    };
    let url = format!("/servizi/unita-mobili/{team}");
    let page = app.get(&op, &url).await.text().await.unwrap();
    assert!(
        page.contains("id=\"team-form\"") && page.contains("value=\"Unità mobile Lule — Alto Mantovano\""),
        "prefilled"
    );
    // A name left empty: refused, the form open with what was typed.
    let me_s = me.to_string();
    let mut edit = vec![
        ("name", ""),
        ("comune", "020017"),
        ("languages", "pa"),
        ("languages", "ar"),
        ("mediators", "Harpreet (punjabi), Samira (arabo)"),
        ("members", me_s.as_str()),
    ];
    let r = app.post(&op, &url, &edit).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("value=\"Harpreet (punjabi), Samira (arabo)\"") && html.contains("<details class=\"mb-3\" open>")
    );
    edit[0] = ("name", "Unità mobile Lule Sud");
    assert_eq!(app.post(&op, &url, &edit).await.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let stored = argine_storage::outreach::team(&mut conn, team).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.languages.as_str()), ("Unità mobile Lule Sud", "ar pa"));
    assert_eq!(
        argine_storage::outreach::members(&mut conn, team).await.unwrap().iter().map(|m| m.0).collect::<Vec<_>>(),
        [me]
    );
    drop(conn);
    // A stop added, then removed; a second removal finds nothing.
    let day = today();
    let r = app
        .post(
            &op,
            &format!("{url}/tappe"),
            &[("visit_on", day.as_str()), ("comune", "020017"), ("place", "Piazzale della stazione")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let stop = argine_storage::outreach::route(&mut conn, team)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.place == "Piazzale della stazione")
        .unwrap()
        .id;
    drop(conn);
    let remove = format!("{url}/tappe/{stop}/elimina");
    assert!(app.get(&op, &url).await.text().await.unwrap().contains(&remove));
    // Another organisation may neither change the team nor its route.
    let union = app.login_as("union").await;
    assert_eq!(app.post(&union, &url, &edit).await.status(), 403);
    assert_eq!(app.post(&union, &remove, &[]).await.status(), 403);
    assert_eq!(app.post(&op, &remove, &[]).await.status(), 303);
    assert_eq!(app.post(&op, &remove, &[]).await.status(), 404);
    assert!(!app.get(&op, &url).await.text().await.unwrap().contains("Piazzale della stazione"));
    for action in ["outreach_team.update", "outreach_team.remove_stop"] {
        let found = argine_storage::audit::search(
            &app.state.db,
            &argine_storage::audit::Filter { action: Some(action.into()), limit: 10, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1, "{action}");
    }
}
