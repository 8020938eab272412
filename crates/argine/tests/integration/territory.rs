use crate::helpers::*;

async fn json(app: &TestApp, path: &str) -> (u16, serde_json::Value) {
    let r = reqwest::get(format!("{}{path}", app.url)).await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn counts_and_known_entries() {
    let app = spawn().await;
    let (s, sum) = json(&app, "/api/v1/territory/summary").await;
    assert_eq!(s, 200);
    // The shipped ISTAT list has 7,896 comuni; the patches (Lirio into Montalto Pavese;
    // Castegnero + Nanto into Castegnero Nanto) leave 7,894, as ANPR counts.
    assert_eq!(
        (sum["regions"].as_i64(), sum["provinces"].as_i64(), sum["comuni"].as_i64()),
        (Some(20), Some(107), Some(7894))
    );
    assert!(sum["vintage"].as_str().unwrap().contains("7.896"));
    assert_eq!(sum["patched_to"], "2026-02-21");
    for (code, istat, belfiore, name) in [
        ("058091", "058091", "H501", "Roma"),
        ("H501", "058091", "H501", "Roma"),
        ("009002", "009002", "A145", "Albenga"),
        ("076043", "076043", "E493", "Lavello"),
        ("089017", "089017", "I754", "Siracusa"),
        ("078157", "078157", "M403", "Corigliano-Rossano"),
        ("020030", "020030", "E897", "Mantova"),
        ("021008", "021008", "A952", "Bolzano"),
    ] {
        let (s, c) = json(&app, &format!("/api/v1/territory/comuni/{code}")).await;
        assert_eq!(s, 200, "{code}");
        assert_eq!(
            (c["istat"].as_str(), c["belfiore"].as_str(), c["name"].as_str()),
            (Some(istat), Some(belfiore), Some(name)),
            "{code}"
        );
        assert!(c["resolved_from"].is_null());
    }
    let (_, bz) = json(&app, "/api/v1/territory/comuni/021008").await;
    assert_eq!(bz["name_other"], "Bozen");
    let (_, cr) = json(&app, "/api/v1/territory/comuni/M403").await;
    assert_eq!(cr["valid_from"], "2018-03-31");
}

#[tokio::test]
async fn old_codes_and_names_resolve_to_the_current_comune() {
    let app = spawn().await;
    for (old, old_name, current) in
        [("D005", "Corigliano Calabro", "078157"), ("H579", "Rossano", "078157"), ("E608", "Lirio", "018094")]
    {
        let (s, c) = json(&app, &format!("/api/v1/territory/comuni/{old}")).await;
        assert_eq!(s, 200, "{old}");
        assert_eq!(c["istat"], current, "{old}");
        assert_eq!(c["resolved_from"]["name"], old_name);
        assert!(!c["resolved_from"]["valid_to"].as_str().unwrap().is_empty());
    }
    // Lirio's old ISTAT code too.
    let (_, c) = json(&app, "/api/v1/territory/comuni/018082").await;
    assert_eq!(c["name"], "Montalto Pavese");
    // A merger into a new comune whose ISTAT code is not known yet.
    let (_, c) = json(&app, "/api/v1/territory/comuni/C056").await;
    assert_eq!(
        (c["name"].as_str(), c["belfiore"].as_str(), c["istat"].as_str()),
        (Some("Castegnero Nanto"), Some("M439"), Some(""))
    );
    // Renames keep the codes and remember the old name.
    let (_, c) = json(&app, "/api/v1/territory/comuni/102017").await;
    assert_eq!(c["name"], "Jonadi");
    assert!(c["history"].as_array().unwrap().iter().any(|h| h["name"] == "Ionadi"));
    let (s, _) = json(&app, "/api/v1/territory/comuni/999999").await;
    assert_eq!(s, 404);
    // The profile page says what happened.
    let page = reqwest::get(format!("{}/territorio/comuni/D005", app.url)).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Corigliano Calabro") && page.contains("Corigliano-Rossano") && page.contains("2018-03-31"),
        "{page}"
    );
}

#[tokio::test]
async fn search_forgives_accents_case_typos_and_finds_codes() {
    let app = spawn().await;
    for (q, expected) in [
        ("corigliano", "Corigliano-Rossano"),
        ("bozen", "Bolzano"),
        ("H501", "Roma"),
        ("Sircusa", "Siracusa"),
        ("ionadi", "Jonadi"),
        ("SAN SEVERO", "San Severo"),
        ("aglie", "Agliè"),
    ] {
        let (s, hits) = json(&app, &format!("/api/v1/territory/comuni?q={q}")).await;
        assert_eq!(s, 200);
        assert_eq!(hits[0]["name"], expected, "query {q}: {hits}");
    }
    let (s, _) = json(&app, "/api/v1/territory/comuni?q=").await;
    assert_eq!(s, 400);
    let page = reqwest::get(format!("{}/territorio?q=Sircusa", app.url)).await.unwrap().text().await.unwrap();
    assert!(page.contains("/territorio/comuni/089017"));
}

#[tokio::test]
async fn every_profile_page_renders() {
    let app = spawn().await;
    let t = app.state.territory();
    let mut paths: Vec<String> = vec!["/territorio".into(), "/territorio/mappa".into()];
    paths.extend(t.regions.iter().map(|r| format!("/territorio/regioni/{}", r.code)));
    paths.extend(t.provinces.iter().map(|p| format!("/territorio/province/{}", p.code)));
    paths.extend(t.current().map(|c| format!("/territorio/comuni/{}", argine_web::territory::Territory::key(c))));
    assert_eq!(paths.len(), 2 + 20 + 107 + 7894);
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for chunk in paths.chunks(16) {
        let mut set = tokio::task::JoinSet::new();
        for p in chunk {
            let client = client.clone();
            let url = format!("{}{p}", app.url);
            set.spawn(async move {
                match client.get(&url).send().await {
                    Ok(r) if r.status() == 200 => {
                        let body = r.text().await.unwrap_or_default();
                        if body.contains("<h1>") { None } else { Some(format!("{url}: no heading")) }
                    }
                    Ok(r) => Some(format!("{url}: {}", r.status())),
                    Err(e) => Some(format!("{url}: {e}")),
                }
            });
        }
        while let Some(r) = set.join_next().await {
            failures.extend(r.unwrap());
        }
    }
    assert!(failures.is_empty(), "{} pages failed: {:?}", failures.len(), &failures[..failures.len().min(20)]);
    // Neighbours come from the real boundaries.
    let page = reqwest::get(format!("{}/territorio/comuni/058091", app.url)).await.unwrap().text().await.unwrap();
    assert!(page.contains("Fiumicino"));
}

#[tokio::test]
async fn boundaries_are_served_compressed_with_attribution() {
    let app = spawn().await;
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let r = raw
        .get(format!("{}/api/v1/territory/geo/comuni", app.url))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.len() < 700 * 1024, "comuni layer is {} bytes compressed", bytes.len());
    let mut text = String::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
    let geo: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(geo["features"].as_array().unwrap().len(), 7896);
    assert!(geo["attribution"].as_str().unwrap().contains("ISTAT"));
    let (s, ind) = json(&app, "/api/v1/territory/indicators/province").await;
    assert_eq!(s, 200);
    assert_eq!(ind.as_object().unwrap().len(), 107);
}

#[tokio::test]
async fn svg_maps_open_in_an_xml_reader() {
    let app = spawn().await;
    let get = |q: &str| {
        let url = format!("{}/territorio/mappa.svg{q}", app.url);
        async move { reqwest::get(url).await.unwrap() }
    };
    let r = get("?livello=comuni").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let national = r.text().await.unwrap();
    assert!(national.len() < 1_500_000, "national comuni map is {} bytes", national.len());
    let doc = roxmltree::Document::parse(&national).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let paths = doc.descendants().filter(|n| n.has_tag_name("path")).count();
    assert_eq!(paths, 7896);
    assert!(national.contains("Fonte: ISTAT") && national.contains("Densità di popolazione"));
    // Zoomed on a province: only its comuni.
    let mantova = get("?livello=comuni&area=020").await.text().await.unwrap();
    let doc = roxmltree::Document::parse(&mantova).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|p| p.first_element_child())
        .filter_map(|t| t.text())
        .collect();
    assert!(titles.contains(&"Mantova") && !titles.contains(&"Cremona"), "{titles:?}");
    let regions = get("?livello=regioni&indicatore=popolazione").await.text().await.unwrap();
    assert_eq!(
        roxmltree::Document::parse(&regions).unwrap().descendants().filter(|n| n.has_tag_name("path")).count(),
        20
    );
    assert_eq!(get("?livello=quartieri").await.status(), 400);
    assert_eq!(get("?livello=province&area=999").await.status(), 400);
    assert_eq!(get("?livello=comuni&area=99").await.status(), 404);
}
