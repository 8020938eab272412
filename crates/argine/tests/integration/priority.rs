//! Priority territories and fund allocation through the pages and the API, on the synthetic
//! 2021 census: the ranking with its contributions and sensitivity, the shortlist exported with
//! its reasons, a split of €200M exact to the euro in two scenarios, errors in Italian with
//! what was typed kept, and who may read them.

use crate::helpers::*;

async fn text(r: reqwest::Response) -> (u16, String) {
    (r.status().as_u16(), r.text().await.unwrap())
}

fn euro(s: &str) -> i64 {
    s.trim().replace(['.', '+'], "").parse().unwrap()
}

#[tokio::test]
async fn priority_pages_exports_and_api_on_the_synthetic_census() {
    let app = spawn().await;
    let id = argine::demo::seed_synthetic_census(&app.state).await.unwrap().campaign_id;
    let sec = app.login_as("secretariat").await;

    // Weighting people in settlements only: the two great ghettos of the Capitanata first.
    let (status, page) =
        text(app.get(&sec, &format!("/territori/priorita?campaign={id}&level=comune&w.persone=1&n=10")).await).await;
    assert_eq!(status, 200, "{page}");
    let first = page.find("Manfredonia").unwrap();
    let second = page.find("San Severo").unwrap();
    assert!(first < second, "Manfredonia before San Severo");
    assert!(
        page.contains("Elenco ristretto") && page.contains("persone negli insediamenti informali")
            || page.contains("Persone negli insediamenti")
    );
    assert!(page.contains("Sensibilità ai pesi"));
    assert!(page.contains("Mostrati i primi 200 territori su 3851"), "every respondent ranked");

    // The shortlist exported with its reasons.
    let r = app.get(&sec, &format!("/territori/priorita.csv?campaign={id}&level=comune&w.persone=1&n=10")).await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 11, "header + ten: {csv}");
    assert!(lines[0].contains("Motivazioni"));
    assert!(
        lines[1].starts_with("1;")
            && lines[1].contains("Manfredonia")
            && lines[1].contains(";Persone negli insediamenti ("),
        "{}",
        lines[1]
    );
    let r = app.get(&sec, &format!("/territori/priorita.xlsx?campaign={id}&level=regione")).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // Regions: Puglia first by settlements.
    let (status, page) =
        text(app.get(&sec, &format!("/territori/priorita?campaign={id}&level=regione&w.insediamenti=1")).await).await;
    assert_eq!(status, 200);
    assert!(page.find("Puglia").unwrap() < page.find("Sicilia").unwrap());

    // A wrong weight: an Italian message, the typed values kept.
    let (status, page) =
        text(app.get(&sec, &format!("/territori/priorita?campaign={id}&w.persone=-2&w.presenze=abc")).await).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("non è un numero") && page.contains("value=\"abc\"") && page.contains("value=\"-2\""),
        "{page}"
    );
    let (status, page) = text(app.get(&sec, &format!("/territori/priorita?campaign={id}&w.persone=0")).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("Almeno un peso deve essere maggiore di zero"));

    // The split: the default shortlist, two scenarios, each summing to €200,000,000.
    let (status, page) = text(app.get(&sec, &format!("/territori/ripartizione?campaign={id}")).await).await;
    assert_eq!(status, 200, "{page}");
    let total = |id: &str| {
        let at = page.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
        euro(&page[at..at + page[at..].find('<').unwrap()])
    };
    assert_eq!(total("allocation-total-a"), 200_000_000);
    assert_eq!(total("allocation-total-b"), 200_000_000);
    // Chosen Comuni, the decree's shape against an even split.
    let q = format!(
        "/territori/ripartizione?campaign={id}&comuni=071029+071051&a.fund=10.000.001&a.fixed=1.000.000&a.indicator=presenze\
         &a.age7=1,2&a.age21=1,5&a.init=1,1&b.fund=10000001&b.fixed=5000000&b.indicator=persone&b.age7=1&b.age21=1&b.init=1"
    );
    let (status, page) = text(app.get(&sec, &q).await).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Manfredonia") && page.contains("San Severo"));
    assert!(
        page.contains("id=\"allocation-total-a\">10.000.001<")
            && page.contains("id=\"allocation-total-b\">10.000.001<")
    );
    let r = app.get(&sec, &q.replace("/territori/ripartizione?", "/territori/ripartizione.xlsx?")).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    // Errors: a fund smaller than the fixed shares, an unknown code; what was typed is kept.
    let (status, page) = text(
        app.get(&sec, &format!("/territori/ripartizione?campaign={id}&comuni=071029+071051&a.fund=1.000&a.fixed=600"))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Scenario A: il fondo (1.000 euro) è minore della somma delle quote fisse (1.200 euro)"),
        "{page}"
    );
    assert!(page.contains("value=\"1.000\"") && page.contains("071029 071051"));
    let (status, page) =
        text(app.get(&sec, &format!("/territori/ripartizione?campaign={id}&comuni=999999")).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("non sono Comuni che hanno risposto alla campagna: 999999"));

    // The API.
    let http = reqwest::Client::new();
    let api = |path: String| http.get(format!("{}{path}", app.url)).bearer_auth(&app.creds.api_token).send();
    let r = api(format!("/api/v1/territories/indicators?campaign={id}&level=regione")).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let settlements: f64 =
        v["territories"].as_array().unwrap().iter().map(|t| t["indicators"]["insediamenti"].as_f64().unwrap()).sum();
    assert_eq!(settlements, 150.0);
    let r = api(format!("/api/v1/territories/scores?campaign={id}&level=comune&w.persone=1")).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let top = &v["ranking"][0];
    assert_eq!(top["name"], "Manfredonia");
    assert_eq!(top["rank"], 1);
    let sum: f64 = top["contributions"].as_object().unwrap().values().map(|x| x.as_f64().unwrap()).sum();
    assert!((sum - top["score"].as_f64().unwrap()).abs() < 1e-9);
    assert!(top["sensitivity"]["best"].as_u64().is_some());
    let r = api(format!("/api/v1/territories/scores?campaign={id}&w.persone=-1")).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = api("/api/v1/territories/scores?level=comune".into()).await.unwrap();
    assert_eq!(r.status(), 400, "the campaign is required");
    let post = |body: serde_json::Value| {
        http.post(format!("{}/api/v1/allocations", app.url)).bearer_auth(&app.creds.api_token).json(&body).send()
    };
    let r = post(serde_json::json!({"fund": 1000, "fixed": 100, "recipients": [
        {"code": "A", "indicator": 3, "factors": [1.2]}, {"code": "B", "indicator": 5, "factors": [1]},
        {"code": "C", "indicator": 2, "factors": [1]}]}))
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let totals: Vec<i64> = v["shares"].as_array().unwrap().iter().map(|s| s["total"].as_i64().unwrap()).collect();
    assert_eq!(totals, [338, 430, 232], "the hand-computed case");
    assert_eq!(v["total"], 1000);
    let r = post(serde_json::json!({"fund": 100, "fixed": 100, "recipients": [{"code": "A", "indicator": 1}, {"code": "B", "indicator": 1}]})).await.unwrap();
    assert_eq!(r.status(), 400);
    let spec: serde_json::Value =
        http.get(format!("{}/api/v1/openapi.json", app.url)).send().await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/api/v1/allocations"]["post"].is_object());

    // A front-line operator has no census permission: neither pages nor exports.
    let viewer = app.login_as("operator").await;
    assert_eq!(app.get(&viewer, &format!("/territori/priorita?campaign={id}")).await.status(), 403);
    assert_eq!(app.get(&viewer, &format!("/territori/ripartizione.xlsx?campaign={id}")).await.status(), 403);
}
