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

/// Whole euro as the PDF writes them (`1.234.567`, `+12`, `-3`).
fn pdf_euro(s: &str) -> i64 {
    s.replace(['.', '+'], "").replace('−', "-").parse().unwrap_or_else(|_| panic!("not euro: {s:?}"))
}

/// The lines of a `pdftotext -layout` dump that are table rows of a Comune (the first word is a
/// six-digit ISTAT code) or total rows, each as its last `n` words.
fn pdf_rows(text: &str, first: &str, n: usize) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| {
            w.first().is_some_and(|f| {
                *f == first || (first.is_empty() && f.len() == 6 && f.bytes().all(|b| b.is_ascii_digit()))
            })
        })
        .map(|w| w[w.len().saturating_sub(n)..].iter().map(|x| (*x).to_owned()).collect())
        .collect()
}

#[tokio::test]
async fn the_split_as_pdf_states_the_figures_of_the_xlsx_and_the_hand_computed_ones() {
    use calamine::Reader as _;
    let app = spawn().await;
    let id = argine::demo::seed_synthetic_census(&app.state).await.unwrap().campaign_id;
    let sec = app.login_as("secretariat").await;

    // Manfredonia and San Severo. A: the decree's shape; B: €10,000,001 with €1,000,000 each,
    // the rest by presences alone, which the test computes by hand below.
    let q = format!(
        "campaign={id}&comuni=071029+071051&a.fund=10.000.001&a.fixed=1.000.000&a.indicator=presenze\
         &a.age7=1,2&a.age21=1,5&a.init=1,1&b.fund=10000001&b.fixed=1000000&b.indicator=presenze&b.age7=1&b.age21=1&b.init=1"
    );
    let r = app.get(&sec, &format!("/territori/ripartizione.pdf?{q}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(&format!("ripartizione-{id}.pdf")));
    let pdf = r.bytes().await.unwrap().to_vec();
    let page = app.get(&sec, &format!("/territori/ripartizione?{q}")).await.text().await.unwrap();
    assert!(page.contains("/territori/ripartizione.pdf?"), "the page links the PDF");

    // The XLSX of the same choice: per Comune, A fixed, variable, total (columns 4-6) and B's (9-11).
    let r = app.get(&sec, &format!("/territori/ripartizione.xlsx?{q}")).await;
    let xlsx = r.bytes().await.unwrap().to_vec();
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet: Vec<Vec<String>> =
        wb.worksheet_range("Ripartizione").unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(sheet.len(), 4, "header, two Comuni, total");
    let xlsx_of = |row: usize, from: usize| -> Vec<i64> {
        sheet[row][from..from + 3].iter().map(|c| c.parse::<i64>().unwrap()).collect()
    };

    // B by hand from the presences the API reports: 8,000,001 split in proportion, floors, the
    // euro left to the larger remainder.
    let http = reqwest::Client::new();
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/territories/indicators?campaign={id}&level=comune", app.url))
        .bearer_auth(&app.creds.api_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let presences = |code: &str| -> i128 {
        let t = v["territories"].as_array().unwrap().iter().find(|t| t["code"] == code).unwrap();
        t["indicators"]["presenze"].as_f64().unwrap() as i128
    };
    let (p1, p2) = (presences("071029"), presences("071051"));
    assert!(p1 > 0 && p2 > 0 && p1 != p2);
    let pool: i128 = 8_000_001;
    let (f1, f2) = (pool * p1 / (p1 + p2), pool * p2 / (p1 + p2));
    let (r1, r2) = (pool * p1 % (p1 + p2), pool * p2 % (p1 + p2));
    let left = pool - f1 - f2;
    assert!(left <= 1);
    let (v1, v2) = if left == 0 {
        (f1, f2)
    } else if r1 > r2 || (r1 == r2 && p1 > p2) {
        (f1 + 1, f2)
    } else {
        (f1, f2 + 1)
    };
    let b_hand = [vec![1_000_000, v1 as i64, 1_000_000 + v1 as i64], vec![1_000_000, v2 as i64, 1_000_000 + v2 as i64]];
    assert_eq!([xlsx_of(1, 9), xlsx_of(2, 9)], b_hand, "the XLSX is the hand-computed split");

    let Some(text) = pdf_text(&app, &pdf) else { return };
    assert!(text.contains("Ripartizione del fondo tra i Comuni"), "{text}");
    for words in ["Scenario A", "Scenario B", "Confronto tra gli scenari", "Manfredonia", "San Severo"] {
        assert!(text.contains(words), "{words} in:\n{text}");
    }
    // The formula of each scenario: fund, fixed share, indicator, factors.
    assert!(text.contains("10.000.001") && text.contains("1.000.000") && text.contains("8.000.001"), "{text}");
    assert!(text.contains("Lavoratori stranieri dichiarati"), "the indicator: {text}");
    assert!(text.contains("1,20") && text.contains("1,50") && text.contains("1,10"), "the factors: {text}");

    // Six rows of Comuni: A's two, B's two, the comparison's two; three total rows.
    let comuni = pdf_rows(&text, "", 3);
    assert_eq!(comuni.len(), 6, "{text}");
    let euros = |w: &[String]| w.iter().map(|x| pdf_euro(x)).collect::<Vec<i64>>();
    assert_eq!([euros(&comuni[0]), euros(&comuni[1])], [xlsx_of(1, 4), xlsx_of(2, 4)], "A as in the XLSX");
    assert_eq!([euros(&comuni[2]), euros(&comuni[3])], b_hand, "B as computed by hand");
    for (k, row) in [(1, &comuni[4]), (2, &comuni[5])] {
        let (a, b) = (xlsx_of(k, 4)[2], xlsx_of(k, 9)[2]);
        assert_eq!(euros(row), [a, b, b - a], "the comparison of row {k}");
    }
    let totals = pdf_rows(&text, "Totale", 3);
    assert_eq!(totals.len(), 3, "{text}");
    assert_eq!(euros(&totals[0]), [2_000_000, 8_000_001, 10_000_001]);
    assert_eq!(euros(&totals[1]), [2_000_000, 8_000_001, 10_000_001]);
    assert_eq!(euros(&totals[2]), [10_000_001, 10_000_001, 0]);

    // Errors are said on the page, with the form as typed, not typeset; a reader without census
    // permission gets nothing.
    let r =
        app.get(&sec, &format!("/territori/ripartizione.pdf?campaign={id}&comuni=071029&a.fund=1&a.fixed=600")).await;
    assert_eq!(r.status(), 422);
    let why = r.text().await.unwrap();
    assert!(why.contains("è minore della somma delle quote fisse") && why.contains("value=\"600\""), "{why}");
    let operator = app.login_as("operator").await;
    assert_eq!(app.get(&operator, &format!("/territori/ripartizione.pdf?{q}")).await.status(), 403);
}

#[tokio::test]
async fn the_allocation_api_selects_comuni_by_rule_and_fills_in_its_messages() {
    let app = spawn().await;
    let id = argine::demo::seed_synthetic_census(&app.state).await.unwrap().campaign_id;
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        http.post(format!("{}/api/v1/allocations", app.url)).bearer_auth(&app.creds.api_token).json(&body).send()
    };

    // Every Comune with at least one informal settlement: the 38 of the census, €200M exact.
    let r = post(serde_json::json!({"fund": 200_000_000, "fixed": 1_000_000,
        "selection": {"campaign": id, "rule": "settlements"}}))
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let shares = v["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 38, "{v}");
    assert_eq!(v["total"], 200_000_000);
    assert_eq!(shares.iter().map(|s| s["total"].as_i64().unwrap()).sum::<i64>(), 200_000_000);
    assert!(shares.iter().any(|s| s["name"] == "Manfredonia"));
    // The same Comuni listed by hand with the indicators and factors the API reports give the
    // same split: the selection reads the campaign as the page does.
    let ind: serde_json::Value = http
        .get(format!("{}/api/v1/territories/indicators?campaign={id}&level=comune", app.url))
        .bearer_auth(&app.creds.api_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recipients: Vec<serde_json::Value> = shares
        .iter()
        .map(|s| {
            let t = ind["territories"].as_array().unwrap().iter().find(|t| t["code"] == s["code"]).unwrap();
            let x = &t["indicators"];
            let age = x["persistenza"].as_f64().unwrap();
            let age_factor = if age >= 21.0 {
                1.5
            } else if age >= 7.0 {
                1.2
            } else {
                1.0
            };
            let started = if x["iniziative"].as_f64().unwrap() >= 1.0 { 1.1 } else { 1.0 };
            serde_json::json!({"code": s["code"], "indicator": x["presenze"], "factors": [age_factor, started]})
        })
        .collect();
    let by_hand: serde_json::Value =
        post(serde_json::json!({"fund": 200_000_000, "fixed": 1_000_000, "recipients": recipients}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let totals = |v: &serde_json::Value| -> Vec<i64> {
        v["shares"].as_array().unwrap().iter().map(|s| s["total"].as_i64().unwrap()).collect()
    };
    assert_eq!(totals(&by_hand), totals(&v));

    // The first three by people in settlements, split by people, no factors.
    let r =
        post(serde_json::json!({"fund": 1_000_001, "fixed": 0, "selection": {"campaign": id, "rule": "top", "n": 3,
        "weights": {"persone": 1}, "indicator": "persone", "factors": {"age7": 1, "age21": 1, "initiatives": 1}}}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["shares"].as_array().unwrap().len(), 3);
    assert_eq!(v["shares"][0]["name"], "Manfredonia");
    assert_eq!(v["total"], 1_000_001);

    // Errors: the problem's detail has its values filled in, never a raw placeholder.
    let detail = |v: serde_json::Value| v["detail"].as_str().unwrap_or_default().to_owned();
    let r = post(serde_json::json!({"fund": 100, "fixed": 100, "recipients": [{"code": "A", "indicator": 1}, {"code": "B", "indicator": 1}]})).await.unwrap();
    assert_eq!(r.status(), 400);
    let d = detail(r.json().await.unwrap());
    assert!(d.contains("il fondo (100 euro) è minore della somma delle quote fisse (200 euro)"), "{d}");
    let r = post(serde_json::json!({"fund": 100, "fixed": 0, "recipients": [{"code": "A", "indicator": 1}, {"code": "A", "indicator": 2}]})).await.unwrap();
    let d = detail(r.json().await.unwrap());
    assert!(d.contains("il Comune A è indicato due volte") && !d.contains('$') && !d.contains('{'), "{d}");
    let r = http
        .get(format!("{}/api/v1/territories/scores?campaign={id}&w.persone=abc", app.url))
        .bearer_auth(&app.creds.api_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let d = detail(r.json().await.unwrap());
    assert!(d.contains("Persone negli insediamenti") && !d.contains('$'), "{d}");
    for (body, words) in [
        (serde_json::json!({"fund": 1, "fixed": 0, "selection": {"campaign": id, "rule": "tutti"}}), "top (i primi n"),
        (
            serde_json::json!({"fund": 1, "fixed": 0, "selection": {"campaign": id, "rule": "top", "n": 0}}),
            "tra 1 e 100",
        ),
        (
            serde_json::json!({"fund": 1, "fixed": 0, "selection": {"campaign": id, "rule": "top", "n": 3, "weights": {"pioggia": 1}}}),
            "«pioggia» non è un indicatore",
        ),
        (
            serde_json::json!({"fund": 1, "fixed": 0, "recipients": [{"code": "A", "indicator": 1}], "selection": {"campaign": id, "rule": "settlements"}}),
            "non entrambi",
        ),
    ] {
        let r = post(body).await.unwrap();
        assert_eq!(r.status(), 400);
        let d = detail(r.json().await.unwrap());
        assert!(d.contains(words), "{words} in {d}");
    }
    let r = post(serde_json::json!({"fund": 1, "fixed": 0, "selection": {"campaign": 999_999, "rule": "settlements"}}))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
