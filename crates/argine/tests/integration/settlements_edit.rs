//! Changes to the settlement registry by hand: a settlement added through the form (every
//! problem said in Italian with what was typed kept, a Comune by name or code, no second one of
//! the same name in a Comune), its status changed and its point moved from the record page —
//! each audited, each seen at once by the lists that read the in-memory registry — and who may
//! not do them.

use crate::helpers::*;

async fn text(r: reqwest::Response) -> (u16, String) {
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A settlement as the secretariat's API token reads it (the API reads the in-memory registry).
async fn api_settlement(app: &TestApp, id: i64) -> serde_json::Value {
    let secret = argine_domain::auth::token::new_secret("argn_");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let email = &app.account("secretariat").email;
    let user = argine_storage::accounts::find_by_email(&mut conn, email).await.unwrap().unwrap();
    let digest = argine_domain::auth::token::digest(&secret);
    argine_storage::tokens::create(&mut conn, user.id, "prova", &digest, "read", argine_storage::now() + 86_400)
        .await
        .unwrap();
    drop(conn);
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/settlements", app.url))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    v["settlements"].as_array().unwrap().iter().find(|s| s["id"] == id).cloned().unwrap_or_default()
}

async fn audited(app: &TestApp, action: &str) -> Vec<argine_domain::audit::StoredEntry> {
    argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some(action.into()), limit: 10, ..Default::default() },
    )
    .await
    .unwrap()
}

const GOOD: [(&str, &str); 8] = [
    ("name", "Pista di Borgo Mezzanone"),
    ("settlement_type", "baracche"),
    ("comune", "manfredonia"),
    ("year_formed", "2009"),
    ("owner", ""),
    ("lat", "41,4632"),
    ("lon", "15.8427"),
    ("origin", "gps"),
];

#[tokio::test]
async fn a_settlement_is_added_by_hand_then_its_status_changed_and_its_point_moved() {
    let app = spawn().await;
    let sec = app.login_as("secretariat").await;

    // The form, with the device's position offered, linked from the list.
    let (status, page) = text(app.get(&sec, "/insediamenti").await).await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/insediamenti/nuovo\""), "the list links the form");
    let (status, page) = text(app.get(&sec, "/insediamenti/nuovo?comune=071029").await).await;
    assert_eq!(status, 200);
    assert!(page.contains("Usa la mia posizione") && page.contains("/static/argine/geolocate.js"));
    assert!(page.contains("value=\"071029\""), "the Comune it starts from");

    // Every problem in Italian, nothing saved, what was typed kept.
    let bad = [
        ("name", " "),
        ("settlement_type", "castello"),
        ("comune", "Atlantide"),
        ("year_formed", "2090"),
        ("owner", "Demanio <b>regionale</b>"),
        ("lat", "48.85"),
        ("lon", "2.35"),
    ];
    let (status, page) = text(app.post(&sec, "/insediamenti/nuovo", &bad).await).await;
    assert_eq!(status, 422, "{page}");
    for message in [
        "Indica il nome o la località",
        "Scegli la tipologia dell",
        "anno di formazione va scritto con quattro cifre",
        "La posizione non è valida",
        "«Atlantide» non è il nome o il codice ISTAT di un Comune",
    ] {
        assert!(page.contains(message), "{message} in:\n{page}");
    }
    for kept in
        ["value=\"Atlantide\"", "value=\"2090\"", "value=\"48.85\"", "value=\"2.35\"", "Demanio &#60;b&#62;regionale"]
    {
        assert!(page.contains(kept), "{kept} kept");
    }
    // Two Comuni are called Castro: the code is asked for, both offered.
    let mut ambiguous = GOOD.to_vec();
    ambiguous[2] = ("comune", "Castro");
    let (status, page) = text(app.post(&sec, "/insediamenti/nuovo", &ambiguous).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("Più Comuni hanno questo nome") && page.contains("(BG)") && page.contains("(LE)"), "{page}");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(argine_storage::settlements::list(&mut conn, None).await.unwrap().is_empty(), "nothing saved");
    drop(conn);

    // Registered, by the Comune's name in lower case, with the position the device gave.
    let r = app.post(&sec, "/insediamenti/nuovo", &GOOD).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let record = location(&r);
    let id: i64 = record.trim_start_matches("/insediamenti/").parse().unwrap();
    let (status, page) = text(app.get(&sec, &record).await).await;
    assert_eq!(status, 200);
    assert!(page.contains("Pista di Borgo Mezzanone") && page.contains("Manfredonia (071029)"));
    assert!(page.contains("id=\"settlement-point\">41.4632, 15.8427") && page.contains("rilevata sul posto"));
    assert!(page.contains("id=\"status-form\"") && page.contains("id=\"move-form\""));
    let s = api_settlement(&app, id).await;
    assert_eq!(
        (s["status"].as_str(), s["type"].as_str(), s["year_formed"].as_i64()),
        (Some("active"), Some("baracche"), Some(2009))
    );
    // The same place again (by code, the name in other case): refused, pointing at its record.
    let mut again = GOOD.to_vec();
    again[0] = ("name", "pista di borgo  MEZZANONE");
    again[2] = ("comune", "071029");
    let (status, page) = text(app.post(&sec, "/insediamenti/nuovo", &again).await).await;
    assert_eq!(status, 422);
    assert!(page.contains(&format!("è già registrato «Pista di Borgo Mezzanone» (scheda n. {id})")), "{page}");
    assert!(page.contains("value=\"pista di borgo  MEZZANONE\""));

    // The status: an unknown one refused in Italian; then cleared, seen at once by the API
    // (which reads the in-memory registry) even within the same second as the creation.
    let path = format!("/insediamenti/{id}/stato");
    let (status, page) = text(app.post(&sec, &path, &[("status", "demolito")]).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("Scegli uno stato tra quelli proposti") && page.contains("id=\"status-errors\""));
    let r = app.post(&sec, &path, &[("status", "cleared")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/insediamenti/{id}#stato"));
    assert_eq!(api_settlement(&app, id).await["status"], "cleared");
    let page = app.get(&sec, &record).await.text().await.unwrap();
    assert!(page.contains("<dd class=\"col-sm-9\">sgomberato</dd>"), "{page}");
    let r = app.post(&sec, &path, &[("status", "relocated")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(api_settlement(&app, id).await["status"], "relocated");

    // The point: outside Italy or missing refused (what was typed kept), then moved by hand.
    let path = format!("/insediamenti/{id}/posizione");
    let (status, page) = text(app.post(&sec, &path, &[("lat", "abc"), ("lon", "15.85")]).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("La posizione non è valida") && page.contains("id=\"m-lat\" name=\"lat\" value=\"abc\""));
    let (status, page) = text(app.post(&sec, &path, &[("lat", ""), ("lon", "")]).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("Indica latitudine e longitudine"));
    let r = app.post(&sec, &path, &[("lat", "41.47"), ("lon", "15.85"), ("origin", "mappa")]).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &record).await.text().await.unwrap();
    assert!(page.contains("id=\"settlement-point\">41.47, 15.85") && page.contains("indicata sulla mappa"), "{page}");
    let s = api_settlement(&app, id).await;
    assert_eq!((s["position"]["lat"].as_f64(), s["position"]["lon"].as_f64()), (Some(41.47), Some(15.85)));

    // Every change audited, by whom and what it changed — never the coordinates.
    let created = audited(&app, "settlement.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].record_id, id.to_string());
    assert!(
        created[0].details.contains("\"comune\":\"071029\"") && created[0].details.contains("\"position\":\"gps\"")
    );
    let statuses = audited(&app, "settlement.status").await;
    assert_eq!(statuses.len(), 2, "two changes of status, not the refused one");
    assert!(
        statuses.iter().any(|e| e.details.contains("\"from\":\"active\"") && e.details.contains("\"to\":\"cleared\""))
    );
    let moves = audited(&app, "settlement.move").await;
    assert_eq!(moves.len(), 1);
    assert!(moves[0].details.contains("\"from\":\"gps\"") && moves[0].details.contains("\"to\":\"mappa\""));
    for e in created.iter().chain(&statuses).chain(&moves) {
        assert!(
            !e.details.contains("41.4") && !e.details.contains("15.8"),
            "no coordinates in the audit: {}",
            e.details
        );
        assert_eq!(e.actor_label, app.account("secretariat").email);
    }
}

#[tokio::test]
async fn who_may_not_add_a_settlement_change_its_status_or_move_it() {
    let app = spawn().await;
    let sec = app.login_as("secretariat").await;
    let r = app.post(&sec, "/insediamenti/nuovo", &GOOD).await;
    assert_eq!(r.status(), 303);
    let id: i64 = location(&r).trim_start_matches("/insediamenti/").parse().unwrap();
    let status = format!("/insediamenti/{id}/stato");
    let point = format!("/insediamenti/{id}/posizione");
    let position = [("lat", "41.5"), ("lon", "15.9")];

    // The viewer (Comune di Mantova) may not write settlements at all.
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, "/insediamenti/nuovo").await.status(), 403);
    assert_eq!(app.post(&viewer, "/insediamenti/nuovo", &GOOD).await.status(), 403);
    assert_eq!(app.post(&viewer, &status, &[("status", "cleared")]).await.status(), 403);
    assert_eq!(app.post(&viewer, &point, &position).await.status(), 403);
    // San Severo's referent reads its Comune's settlements but writes none.
    let referent = app.login_as("referent").await;
    assert_eq!(app.get(&referent, "/insediamenti/nuovo").await.status(), 403);
    assert_eq!(app.post(&referent, &status, &[("status", "cleared")]).await.status(), 403);
    // An operator of Mantova's province manages settlements, but not Manfredonia's.
    let operator = app.login_as("operator").await;
    assert_eq!(app.get(&operator, "/insediamenti/nuovo").await.status(), 200);
    let (code, page) = text(app.post(&operator, "/insediamenti/nuovo", &GOOD).await).await;
    assert_eq!(code, 422);
    assert!(page.contains("Il Comune di Manfredonia è fuori dal territorio"), "{page}");
    assert_eq!(app.post(&operator, &status, &[("status", "cleared")]).await.status(), 403);
    assert_eq!(app.post(&operator, &point, &position).await.status(), 403);
    // In Mantova it may.
    let mut mantova = GOOD.to_vec();
    mantova[2] = ("comune", "Mantova");
    mantova[5] = ("lat", "45.156");
    mantova[6] = ("lon", "10.791");
    let r = app.post(&operator, "/insediamenti/nuovo", &mantova).await;
    assert_eq!(r.status(), 303);
    let mid: i64 = location(&r).trim_start_matches("/insediamenti/").parse().unwrap();
    let r = app.post(&operator, &format!("/insediamenti/{mid}/stato"), &[("status", "closed")]).await;
    assert_eq!(r.status(), 303);

    // Nothing was changed by the refused requests.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let s = argine_storage::settlements::get(&mut conn, id).await.unwrap();
    assert_eq!((s.status.as_str(), s.lat, s.lon), ("active", Some(41.4632), Some(15.8427)));
    assert_eq!(argine_storage::settlements::list(&mut conn, None).await.unwrap().len(), 2);
    drop(conn);

    // The English messages have their arguments filled in.
    let mut english = GOOD.to_vec();
    english[2] = ("comune", "Atlantide");
    let r = operator
        .post(format!("{}/insediamenti/nuovo", app.url))
        .header("Origin", &app.url)
        .header("Accept-Language", "en")
        .form(&english)
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("“Atlantide” is not the name or the ISTAT code of a Comune"), "{page}");
}
