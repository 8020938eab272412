//! The settlement registry fed from the synthetic 2021 census: the 150 informal settlements in
//! 38 Comuni of 11 regions, no duplicates when fed again; the exact position of an informal
//! settlement shown to an operator and hidden from a viewer in the pages, the map layer and the
//! API alike; a field observation checked, stored, audited.

use crate::helpers::*;

async fn token(app: &TestApp, who: &str) -> String {
    let secret = argine_domain::auth::token::new_secret("argn_");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let user = argine_storage::accounts::find_by_email(&mut conn, &app.account(who).email).await.unwrap().unwrap();
    let digest = argine_domain::auth::token::digest(&secret);
    argine_storage::tokens::create(&mut conn, user.id, "prova", &digest, "read", argine_storage::now() + 86_400)
        .await
        .unwrap();
    secret
}

async fn api(app: &TestApp, secret: &str, path: &str) -> serde_json::Value {
    let r = reqwest::Client::new().get(format!("{}{path}", app.url)).bearer_auth(secret).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_census_feeds_the_registry_once_and_positions_follow_the_role() {
    let app = spawn().await;
    let census = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let sec = app.login_as("secretariat").await;
    let r = app.post(&sec, "/insediamenti/censimento", &[("campaign", &census.campaign_id.to_string())]).await;
    assert_eq!(r.status(), 303);
    let first = location(&r);

    // The published figures: 150 informal settlements in 38 Comuni of 11 regions, ≥ 10,000 people.
    let secret = token(&app, "secretariat").await;
    let s = api(&app, &secret, "/api/v1/settlements/summary?kind=informal").await;
    assert_eq!(s["summary"]["settlements"], 150, "{s}");
    assert_eq!(s["summary"]["comuni"], 38);
    assert_eq!(s["summary"]["regions"], 11);
    assert!(s["summary"]["people"].as_i64().unwrap() >= 10_000);

    // Fed again (after a correction, say): nothing is added twice.
    let r = app.post(&sec, "/insediamenti/censimento", &[("campaign", &census.campaign_id.to_string())]).await;
    assert_eq!(r.status(), 303);
    let created: usize = first.split("importati=").nth(1).unwrap().split('-').next().unwrap().parse().unwrap();
    assert!(created >= 150);
    assert_eq!(location(&r), format!("/insediamenti?importati=0-{created}"));
    assert_eq!(api(&app, &secret, "/api/v1/settlements/summary?kind=informal").await, s);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let all = argine_storage::settlements::list(&mut conn, Some("informal")).await.unwrap();
    let keys: std::collections::BTreeSet<&str> = all.iter().map(|s| s.match_key.as_str()).collect();
    assert_eq!(keys.len(), all.len(), "no duplicates");
    let rignano = all.iter().find(|s| s.comune_code == "071051" && s.name.contains("Rignano")).unwrap().clone();
    assert_eq!(argine_storage::settlements::observations(&mut conn, rignano.id).await.unwrap().len(), 1);
    drop(conn);

    // The secretariat records a visit with the position taken on site.
    let op = sec.clone();
    let path = format!("/insediamenti/{}/osservazioni", rignano.id);
    let bad = app
        .post(
            &op,
            &path,
            &[
                ("observed_on", "2099-01-01"),
                ("source", "visita"),
                ("people", "molti"),
                ("lat", "48.85"),
                ("lon", "2.35"),
                ("note", "Nota da non perdere"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("non successiva a oggi")
            && page.contains("numero intero")
            && page.contains("devono cadere in Italia"),
        "{page}"
    );
    assert!(page.contains("Nota da non perdere") && page.contains("value=\"molti\""), "what was typed is kept");
    let ok = app
        .post(
            &op,
            &path,
            &[
                ("observed_on", "2022-08-18"),
                ("source", "visita"),
                ("people", "2.600"),
                ("families", "si"),
                ("services", "acqua"),
                ("risks", "incendi"),
                ("lat", "41,5853"),
                ("lon", "15,4431"),
                ("note", "Picco della raccolta"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303, "{}", ok.text().await.unwrap());
    let page = app.get(&op, &format!("/insediamenti/{}", rignano.id)).await.text().await.unwrap();
    assert!(page.contains("id=\"settlement-point\">41.5853, 15.4431"), "the operator sees the point");
    assert!(page.contains("Picco della raccolta") && page.contains("2.600"));
    assert!(page.contains("ago: 2.600"), "seasonality by month");

    // San Severo's referent sees the settlement and its Comune, never the point: record page,
    // map layer, API.
    let referent = app.login_as("referent").await;
    let r = app.get(&referent, &format!("/insediamenti/{}", rignano.id)).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(!page.contains("41.5853") && !page.contains("15.4431"), "{page}");
    assert!(page.contains("visibile ai ruoli autorizzati") && page.contains("San Severo"));
    assert!(!page.contains("observation-form"), "nor may the referent record observations");
    let geo = app.get(&referent, "/insediamenti/mappa.geojson?tipo=informal").await.text().await.unwrap();
    assert!(!geo.contains("41.5853") && !geo.contains("15.4431"));
    assert!(geo.contains("\"approx\":true") && geo.contains("Rignano"));
    // The exports follow the same rule.
    let csv = app.get(&referent, "/insediamenti.csv?tipo=informal").await.text().await.unwrap();
    assert!(csv.contains("Rignano") && csv.contains(";comune;") && !csv.contains("41.5853"), "{csv}");
    let csv = app.get(&sec, "/insediamenti.csv?tipo=informal").await.text().await.unwrap();
    assert!(csv.contains("41.5853;15.4431;esatta"), "the secretariat's export has the point");
    let xlsx = app.get(&referent, "/insediamenti.xlsx").await.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut wb, "insediamenti").unwrap();
    assert!(sheet.rows().count() > 1);
    assert!(sheet.rows().all(|r| !r.iter().any(|c| c.to_string().contains("41.5853"))));
    let rsecret = token(&app, "referent").await;
    let list = api(&app, &rsecret, "/api/v1/settlements?kind=informal").await;
    assert!(!list.to_string().contains("41.5853"));
    assert!(list["settlements"].as_array().unwrap().iter().all(|s| s["comune_istat"] == "071051"), "only San Severo's");
    assert_eq!(app.post(&referent, &path, &[("observed_on", "2022-08-18"), ("source", "visita")]).await.status(), 403);
    // The viewer of the Comune di Mantova does not see a settlement of Foggia's province at all.
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, &format!("/insediamenti/{}", rignano.id)).await.status(), 403);
    let geo = app.get(&op, "/insediamenti/mappa.geojson?tipo=informal").await.text().await.unwrap();
    assert!(geo.contains("41.5853"), "the operator's map has the point");
    let list = api(&app, &secret, "/api/v1/settlements?kind=informal").await;
    let item = list["settlements"].as_array().unwrap().iter().find(|s| s["id"] == rignano.id).unwrap().clone();
    assert_eq!(item["position"]["exact"], true);
    assert_eq!(item["latest"]["people"], 2600);

    // Exact reads and the write are audited.
    for action in ["settlement_locations.read", "settlement.observe", "settlement.import_census"] {
        let entries = argine_storage::audit::search(
            &app.state.db,
            &argine_storage::audit::Filter { action: Some(action.into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert!(!entries.is_empty(), "{action} is audited");
    }
}

#[tokio::test]
async fn settlements_are_imported_all_or_nothing_from_csv_xlsx_and_geojson() {
    let app = spawn().await;
    let sec = app.login_as("secretariat").await;
    // One bad row: nothing imported, every problem named with its row.
    let bad = "Nome;Tipologia;Comune;Latitudine;Longitudine;Persone;Data\n\
               Tre Titoli;baracche;071020;41,26;15,90;180;15/07/2024\n\
               ;torre;999999;48,8;2,3;tanti;01/01/2099\n";
    let r = upload(&app, &sec, "/insediamenti/importa", "insediamenti.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for needle in [
        "manca il nome",
        "tipologia sconosciuta «torre»",
        "«999999» non è il codice ISTAT",
        "fuori dall&#39;Italia",
        "Una riga ha errori",
    ] {
        assert!(page.contains(needle), "the report says {needle}: {page}");
    }
    assert!(!page.contains("id=\"import-apply\""), "nothing to confirm");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(argine_storage::settlements::list(&mut conn, None).await.unwrap().is_empty());
    drop(conn);

    // A good CSV: checked, confirmed, applied.
    let good = "Nome;Tipologia;Comune;Latitudine;Longitudine;Persone;Data;Servizi\n\
                Tre Titoli;baracche;071020;41,26;15,90;180;15/07/2024;acqua\n\
                Foresteria comunale;foresteria;071051;;;40;;acqua, elettricità, servizi igienici\n";
    let r = upload(&app, &sec, "/insediamenti/importa", "insediamenti.csv", good.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let apply = page.split("action=\"/insediamenti/importa/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = app.post(&sec, &format!("/insediamenti/importa/{apply}"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/insediamenti?importati=2-0");
    assert_eq!(app.post(&sec, &format!("/insediamenti/importa/{apply}"), &[]).await.status(), 409, "applied once");

    // The same place again from a spreadsheet and a GeoJSON: observations, not duplicates.
    let xlsx = argine_reports::xlsx::write_workbook(&[(
        "insediamenti".to_owned(),
        vec![
            vec!["nome".into(), "tipo".into(), "comune".into(), "persone".into(), "data".into()],
            vec!["TRE TITOLI".into(), "Baracche".into(), "071020".into(), "260".into(), "2024-08-20".into()],
        ],
    )])
    .unwrap();
    let r = upload(&app, &sec, "/insediamenti/importa", "agosto.xlsx", xlsx).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("nuova osservazione di un insediamento registrato"));
    let apply = page.split("action=\"/insediamenti/importa/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(
        location(&app.post(&sec, &format!("/insediamenti/importa/{apply}"), &[]).await),
        "/insediamenti?importati=0-1"
    );
    let geo = br#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[15.91,41.27]},"properties":{"nome":"Tre Titoli","tipo":"baracche","comune":"071020","persone":300,"data":"2024-09-10"}}]}"#;
    let r = upload(&app, &sec, "/insediamenti/importa", "settembre.geojson", geo.to_vec()).await;
    let page = r.text().await.unwrap();
    let apply = page.split("action=\"/insediamenti/importa/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(
        location(&app.post(&sec, &format!("/insediamenti/importa/{apply}"), &[]).await),
        "/insediamenti?importati=0-1"
    );
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let all = argine_storage::settlements::list(&mut conn, Some("informal")).await.unwrap();
    assert_eq!(all.len(), 1);
    let obs = argine_storage::settlements::observations(&mut conn, all[0].id).await.unwrap();
    assert_eq!(obs.iter().map(|o| o.people).collect::<Vec<_>>(), [Some(180), Some(260), Some(300)]);
    assert_eq!((all[0].lon, all[0].lat), (Some(15.91), Some(41.27)), "the latest point");
    drop(conn);
    // A viewer may not import; an operator of Mantova may not import Foggia's settlements.
    let viewer = app.login_as("viewer").await;
    assert_eq!(upload(&app, &viewer, "/insediamenti/importa", "x.csv", good.as_bytes().to_vec()).await.status(), 403);
    let op = app.login_as("operator").await;
    let r = upload(&app, &op, "/insediamenti/importa", "x.csv", good.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("fuori dal territorio"));
}
