//! The synthetic national census as stored: a campaign to the 7,904 Comuni of 2021 whose
//! stored answers give the published InCaS figures, its tracking page and API, and the CLI.

use crate::helpers::*;
use argine_domain::census::answers::Answers;
use argine_storage::census;
use std::collections::{BTreeMap, BTreeSet};

#[tokio::test]
async fn the_synthetic_census_reproduces_the_published_figures_as_stored() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    assert_eq!((out.invited, out.submitted), (7904, 3851));

    // Recount from what the database holds.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let (total, by_region) = census::progress_by_region(&mut conn, out.campaign_id).await.unwrap();
    assert_eq!((total.invited, total.submitted), (7904, 3851));
    assert!((total.rate() - 48.7).abs() < 1e-9);
    assert_eq!(by_region.len(), 20);
    let region_of: BTreeMap<String, String> = sqlx::query_as::<_, (String, String)>(
        "SELECT comune_code, region_code FROM census_invitations WHERE campaign_id = $1",
    )
    .bind(out.campaign_id)
    .fetch_all(&mut *conn)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let stored = census::submitted_answers(&mut conn, out.campaign_id).await.unwrap();
    drop(conn);
    let mut with_workers = 0;
    let mut settlements = 0;
    let mut people = 0;
    let mut settlement_comuni = BTreeSet::new();
    let mut settlement_regions = BTreeSet::new();
    for (code, json) in &stored {
        let a: Answers = serde_json::from_str(json).unwrap();
        if a.value("B1") == "1" {
            with_workers += 1;
        }
        let s = a.repeat("insediamenti");
        if !s.is_empty() {
            settlement_comuni.insert(code.clone());
            settlement_regions.insert(region_of[code].clone());
        }
        settlements += s.len();
        people += s.iter().map(|i| i.value("E3").parse::<u64>().unwrap()).sum::<u64>();
    }
    assert_eq!(with_workers, 608);
    assert_eq!(settlements, 150);
    assert_eq!(settlement_comuni.len(), 38);
    assert_eq!(settlement_regions.len(), 11);
    assert!(people >= 10_000, "{people}");
    let manfredonia: Answers = serde_json::from_str(&stored.iter().find(|(c, _)| c == "071029").unwrap().1).unwrap();
    assert!(manfredonia.repeat("insediamenti").iter().any(|i| i.value("E3") == "4000"));

    // The tracking page and the API say the same.
    let c = app.login_as("viewer").await;
    let page = app.get(&c, &format!("/censimento/campagne/{}", out.campaign_id)).await.text().await.unwrap();
    assert!(page.contains("7904") && page.contains("3851") && page.contains("48,7%"), "{page}");
    assert!(page.contains("Puglia"));
    let list = app.get(&c, "/censimento/campagne").await.text().await.unwrap();
    assert!(list.contains("Censimento 2021 (dati sintetici)"));
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/census/campaigns/{}/summary", app.url, out.campaign_id))
        .bearer_auth(&app.creds.api_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (s["invited"].as_i64(), s["submitted"].as_i64(), s["rate"].as_f64()),
        (Some(7904), Some(3851), Some(48.7))
    );
    assert_eq!(s["by_region"].as_array().unwrap().len(), 20);
    let sum: i64 = s["by_region"].as_array().unwrap().iter().map(|r| r["submitted"].as_i64().unwrap()).sum();
    assert_eq!(sum, 3851);
    let list: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/census/campaigns", app.url))
        .bearer_auth(&app.creds.api_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = list.as_array().unwrap().iter().find(|c| c["id"].as_i64() == Some(out.campaign_id)).unwrap();
    assert_eq!((listed["status"].as_str(), listed["deadline"].as_str()), (Some("closed"), Some("2021-10-15")));

    // The follow-up list: Puglia's Comuni that have not answered, with their PEC.
    let puglia = s["by_region"].as_array().unwrap().iter().find(|r| r["code"] == "16").unwrap().clone();
    let waiting = puglia["invited"].as_i64().unwrap() - puglia["submitted"].as_i64().unwrap();
    let page =
        app.get(&c, &format!("/censimento/campagne/{}/comuni?regione=16", out.campaign_id)).await.text().await.unwrap();
    assert_eq!(page.matches("<th scope=\"row\">").count() as i64, waiting);
    assert!(page.contains("@pec.comune-") && !page.contains("Manfredonia"), "Manfredonia answered");
    let page = app
        .get(&c, &format!("/censimento/campagne/{}/comuni?regione=16&stato=inviati", out.campaign_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Manfredonia"));
    assert_eq!(page.matches("<th scope=\"row\">").count() as i64, puglia["submitted"].as_i64().unwrap());
}

#[tokio::test]
async fn cli_synth_creates_the_campaign() {
    let app = spawn().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", app.dir.path().to_str().unwrap(), "census", "synth", "--seed", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let (total, _) = census::progress_by_region(&mut conn, id).await.unwrap();
    assert_eq!((total.invited, total.submitted), (7904, 3851));
}

#[tokio::test]
async fn responses_export_to_xlsx_and_csv_for_the_secretariat_only_and_audited() {
    use calamine::Reader as _;
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let sec = app.login_as("secretariat").await;
    let r = app.get(&sec, &format!("/censimento/campagne/{}/risposte.xlsx", out.campaign_id)).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["incas_2021", "strutture", "insediamenti"]);
    let main = wb.worksheet_range("incas_2021").unwrap();
    assert_eq!(main.height(), 3852, "header and 3,851 responses");
    let settlements = wb.worksheet_range("insediamenti").unwrap();
    assert_eq!(settlements.height(), 151, "header and 150 settlements");
    let header: Vec<String> = settlements.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..2], ["comune_istat", "insediamenti_n"]);

    let r = app.get(&sec, &format!("/censimento/campagne/{}/risposte.csv?foglio=insediamenti", out.campaign_id)).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'));
    let mut csv = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(csv.records().count(), 150);

    let viewer = app.login_as("viewer").await;
    let r = app.get(&viewer, &format!("/censimento/campagne/{}/risposte.xlsx", out.campaign_id)).await;
    assert_eq!(r.status(), 403);
    let reads = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("census_responses.read".into()),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(reads.len(), 2, "both exports audited");
    assert!(reads.iter().all(|e| e.personal));
}

/// The cells of an XLSX sheet as text (empty cells as "").
fn xlsx_sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::Reader as _;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

#[tokio::test]
async fn streamed_exports_hold_exactly_the_stored_responses() {
    use argine_domain::census::export::{self, Values};
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let id = out.campaign_id;
    // What the database holds, and the sheets the in-memory export makes of it.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let stored = census::submitted_responses(&mut conn, id).await.unwrap();
    let times: Vec<i64> = census::submitted_page(&mut conn, id, "", 10_000)
        .await
        .unwrap()
        .iter()
        .map(|r| r.submitted_at.unwrap())
        .collect();
    let campaign = census::campaign(&mut conn, id).await.unwrap();
    let version = census::version(&mut conn, campaign.form_version_id).await.unwrap();
    drop(conn);
    let form: argine_domain::census::xlsform::Form = serde_json::from_str(&version.definition).unwrap();
    let answers: Vec<Answers> = stored.iter().map(|(_, _, a)| serde_json::from_str(a).unwrap()).collect();
    let rows: Vec<export::Row<'_>> = stored
        .iter()
        .zip(&answers)
        .map(|((code, name, _), a)| export::Row { comune_code: code, comune_name: name, answers: a })
        .collect();
    let expected = export::sheets(&form, &rows, Values::Codes);
    let sec = app.login_as("secretariat").await;
    let page = app.get(&sec, &format!("/censimento/campagne/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("/censimento/campagne/{id}/risposte.json")) && page.contains("(JSON)"), "{page}");

    // JSON: one object per response, in comune-code order, with the stored answers.
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.json")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("incas_2021-campagna-"));
    let json: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(json.len(), 3851);
    for (((item, (code, name, _)), a), t) in json.iter().zip(&stored).zip(&answers).zip(&times) {
        assert_eq!(
            (item["comune_istat"].as_str(), item["comune"].as_str()),
            (Some(code.as_str()), Some(name.as_str()))
        );
        let back: Answers = serde_json::from_value(item["answers"].clone()).unwrap();
        assert_eq!(&back, a, "{code}");
        assert_eq!(item["form_version_id"].as_i64(), Some(version.id));
        assert_eq!(item["form_version"].as_str(), Some(version.version.as_str()));
        let at = item["submitted_at"].as_str().unwrap();
        let parsed = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).unwrap();
        assert_eq!((parsed.unix_timestamp(), parsed.offset().is_utc()), (*t, true), "{at}");
    }
    let manfredonia = json.iter().find(|i| i["comune_istat"] == "071029").unwrap();
    assert!(manfredonia["answers"]["insediamenti"].as_array().unwrap().iter().any(|i| i["E3"] == "4000"));
    // Labels in the page's language (Italian), repeats included.
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.json?valori=etichette")).await;
    let labelled: Vec<serde_json::Value> = r.json().await.unwrap();
    let i = json.iter().position(|i| i["answers"]["A3"] == "2").unwrap();
    assert_eq!(labelled[i]["answers"]["A3"], "Assessore");
    let with_settlements = json.iter().position(|i| i["answers"]["insediamenti"].is_array()).unwrap();
    let e2 = labelled[with_settlements]["answers"]["insediamenti"][0]["E2"].as_str().unwrap();
    assert!(!e2.is_empty() && e2.chars().next().unwrap().is_uppercase(), "a label, not a code: {e2}");

    // XLSX, read by calamine: every cell of every sheet as the in-memory export has it.
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.xlsx")).await;
    assert_eq!(r.status(), 200);
    let len: usize = r.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let bytes = r.bytes().await.unwrap().to_vec();
    assert_eq!(bytes.len(), len);
    for (name, sheet) in &expected {
        assert_eq!(&xlsx_sheet(&bytes, name), sheet, "sheet {name}");
    }

    // CSV: each sheet as the in-memory export has it.
    for (q, (name, sheet)) in ["", "?foglio=strutture", "?foglio=insediamenti"].iter().zip(&expected) {
        let r = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.csv{q}")).await;
        assert_eq!(r.status(), 200, "{name}");
        let text = r.text().await.unwrap();
        let body = text.strip_prefix('\u{feff}').unwrap();
        let mut csv = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_reader(body.as_bytes());
        let got: Vec<Vec<String>> = csv.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(&got, sheet, "csv {name}");
    }
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.csv?foglio=nessuno")).await;
    assert_eq!(r.status(), 404);

    // Every export is a personal-data read in the audit log.
    let reads = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("census_responses.read".into()),
            limit: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(reads.len(), 6, "two JSON, one XLSX, three CSV");
    assert!(reads.iter().all(|e| e.personal && e.details.contains("\"responses\":3851")));
    assert!(reads.iter().any(|e| e.details.contains("\"format\":\"json\"")));
}

/// The smallest run of `argine bench census`, so that the benchmark cannot rot: it completes,
/// prints its table and leaves exports that readers open.
#[tokio::test]
async fn the_census_benchmark_runs_at_its_smallest() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("bench");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["bench", "census", "--responses", "50", "--questions", "20", "--columns", "40"])
        .args(["--submissions", "10", "--page-requests", "20", "--page-clients", "2", "--out"])
        .arg(&out_dir)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    for row in [
        "| submissions, 20-question form",
        "| form page, 2 clients",
        "| CSV export (main sheet, 40 columns), 50",
        "| XLSX export",
        "| JSON export",
    ] {
        assert!(stdout.contains(row), "{row} missing from\n{stdout}");
    }
    let exports = out_dir.join("exports");
    let xlsx = std::fs::read(exports.join("risposte.xlsx")).unwrap();
    let main = xlsx_sheet(&xlsx, "bench_33");
    assert_eq!((main.len(), main[0].len()), (51, 40));
    assert_eq!(main[0][..3], ["comune_istat", "comune", "g01_q01"]);
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(exports.join("risposte.json")).unwrap()).unwrap();
    assert_eq!(json.len(), 50);
    assert_eq!(json[0]["comune_istat"], main[1][0]);
    let csv = std::fs::read_to_string(exports.join("risposte.csv")).unwrap();
    assert_eq!(csv.lines().count(), 51);
}

async fn post_campaign(
    app: &TestApp,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
    contacts: Option<&str>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if let Some(csv) = contacts {
        form =
            form.part("contacts", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("recapiti.csv"));
    }
    c.post(format!("{}/censimento/campagne/nuova", app.url))
        .header("Origin", &app.url)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_secretariat_creates_a_campaign_with_addresses_and_follows_it_up() {
    let app = spawn().await;
    let sec = app.login_as("secretariat").await;
    let page = app.get(&sec, "/censimento/campagne/nuova").await.text().await.unwrap();
    assert!(page.contains("Nuova campagna di rilevazione"), "{page}");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let version = census::forms(&mut conn).await.unwrap()[0].published_version_id.unwrap().to_string();
    drop(conn);
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date();
    let (opens, deadline) = (today.to_string(), (today + time::Duration::days(30)).to_string());
    // Foggia's province, Comuni of at least 10,000 inhabitants.
    let base = vec![
        ("name", "Rilevazione Capitanata 2027"),
        ("version", version.as_str()),
        ("scope", "provinces"),
        ("provinces", "071"),
        ("pop_min", "10000"),
        ("opens_on", opens.as_str()),
        ("deadline", deadline.as_str()),
        ("reminders", "2"),
        ("reminder_days", "7"),
    ];
    // A file with problems: nothing is created, every problem is listed, what was typed stays.
    let bad = "comune;pec;email\nSan Severo;protocollo@pec.comune.sansevero.fg.it;\nH926;;non-un-indirizzo\nMantova;x@pec.it;\n071051;;doppio@comune.it\n";
    let r = post_campaign(&app, &sec, &base, Some(bad)).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("non-un-indirizzo") && page.contains("non è un indirizzo di posta valido"), "{page}");
    assert!(page.contains("«Mantova» non è tra i Comuni invitati"), "{page}");
    assert!(page.contains("compare già alla riga 2"), "{page}");
    assert!(page.contains("value=\"Rilevazione Capitanata 2027\"") && page.contains("value=\"10000\""), "{page}");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert_eq!(census::campaigns(&mut conn).await.unwrap().len(), 0, "nothing created");
    drop(conn);
    // Corrected file: created, with the addresses; Comuni below 10,000 inhabitants left out.
    let good = "Comune;PEC;E-mail\nSan Severo;protocollo@pec.comune.sansevero.fg.it;\nH926;;segreteria@comune.sangiovannirotondo.fg.it\n";
    let r = post_campaign(&app, &sec, &base, Some(good)).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let loc = location(&r);
    let id: i64 = loc.trim_start_matches("/censimento/campagne/").split('?').next().unwrap().parse().unwrap();
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let invs = census::invitations(&mut conn, id).await.unwrap();
    let territory = app.state.territory();
    let expected = territory.comuni_of("071").into_iter().filter(|c| c.pop_total >= 10_000).count();
    assert_eq!(invs.len(), expected);
    assert!(invs.iter().all(|i| i.opened_at.is_none() && i.submitted_at.is_none()));
    let ss = invs.iter().find(|i| i.comune_code == "071051").unwrap();
    assert_eq!(ss.pec.as_deref(), Some("protocollo@pec.comune.sansevero.fg.it"));
    let sg = invs.iter().find(|i| i.comune_code == "071046").unwrap();
    assert_eq!(sg.email.as_deref(), Some("segreteria@comune.sangiovannirotondo.fg.it"));
    assert!(census::link_secret(&mut conn, ss.id).await.unwrap().is_some(), "a link to send");
    drop(conn);
    let page = app.get(&sec, &loc).await.text().await.unwrap();
    assert!(page.contains("campaign-created") && page.contains("campaign-close"), "{page}");
    // The status map: the provinces coloured by response rate (Foggia invited, 0%).
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/mappa.svg")).await;
    assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let svg = r.text().await.unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("tasso di risposta per provincia"),
        "{}",
        &svg[..200.min(svg.len())]
    );
    assert!(svg.contains("Nessun Comune invitato"), "the other provinces are marked");

    // The follow-up: a call recorded on San Severo's page.
    let inv_page = format!("/censimento/campagne/{id}/comuni/{}", ss.id);
    let r = app
        .post(
            &sec,
            &format!("{inv_page}/contatti"),
            &[("channel", "phone"), ("outcome", "promised"), ("note", "Compila entro venerdì")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &inv_page).await.text().await.unwrap();
    assert!(page.contains("Compila entro venerdì") && page.contains("Compilazione promessa"), "{page}");
    let r = app.post(&sec, &format!("{inv_page}/contatti"), &[("channel", "fax"), ("outcome", "promised")]).await;
    assert_eq!(r.status(), 400);
    // A note that a spreadsheet would run as a formula, on another Comune.
    let sg_page = format!("/censimento/campagne/{id}/comuni/{}", sg.id);
    let r = app
        .post(
            &sec,
            &format!("{sg_page}/contatti"),
            &[("channel", "pec"), ("outcome", "no_answer"), ("note", "=HYPERLINK(\"x\")")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // The follow-up list shows the last contact and downloads as CSV and XLSX, audited.
    let page = app.get(&sec, &format!("/censimento/campagne/{id}/comuni")).await.text().await.unwrap();
    assert!(page.contains("Compilazione promessa") && page.contains("comuni.xlsx?stato=da-sollecitare"), "{page}");
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/comuni.csv?stato=da-sollecitare")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let text = r.text().await.unwrap();
    let mut csv =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(text.strip_prefix('\u{feff}').unwrap().as_bytes());
    let headers: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers[0], "Codice ISTAT");
    let csv_rows: Vec<Vec<String>> = csv.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(csv_rows.len(), expected, "nobody has answered yet");
    let row = csv_rows.iter().find(|r| r[0] == "071051").unwrap();
    assert_eq!(row[1], "San Severo");
    assert!(row.contains(&"protocollo@pec.comune.sansevero.fg.it".to_owned()), "{row:?}");
    assert!(row.contains(&"Compilazione promessa".to_owned()) && row.contains(&"Compila entro venerdì".to_owned()));
    let row = csv_rows.iter().find(|r| r[0] == "071046").unwrap();
    assert!(row.contains(&"'=HYPERLINK(\"x\")".to_owned()), "no formula reaches a spreadsheet: {row:?}");
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/comuni.xlsx?stato=da-sollecitare")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let sheet = {
        use calamine::Reader as _;
        let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        wb.worksheet_range(&name).unwrap()
    };
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cells[0], headers);
    assert_eq!(&cells[1..], &csv_rows[..], "the XLSX holds the same rows");
    let reads = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("census_contacts.read".into()), limit: 5, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(reads.len(), 2);
    assert!(reads.iter().all(|e| e.personal && e.record_id == id.to_string()));
    // Another campaign's invitation is not reachable under this one.
    assert_eq!(app.get(&sec, &format!("/censimento/campagne/{}/comuni/{}", id + 1, ss.id)).await.status(), 404);

    // Closing: the links stop working.
    let r = app.post(&sec, &format!("/censimento/campagne/{id}/chiudi"), &[]).await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert_eq!(census::campaign(&mut conn, id).await.unwrap().status, "closed");
    assert!(
        census::due_mails(&mut conn, argine_storage::now() + 86_400 * 40, &deadline, 100).await.unwrap().is_empty()
    );
    drop(conn);
    let r = app.post(&sec, &format!("/censimento/campagne/{id}/chiudi"), &[]).await;
    assert_eq!(r.status(), 409);
}

/// A read token of the secretariat pages through every submitted response; the pages together
/// are the JSON export; other tokens are refused; each page is an audited personal read.
#[tokio::test]
async fn the_responses_api_pages_through_the_campaign_for_a_read_token_of_the_secretariat() {
    use argine_domain::auth::token;
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let id = out.campaign_id;
    let secret = token::new_secret("argn_");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let sec =
        argine_storage::accounts::find_by_email(&mut conn, &app.account("secretariat").email).await.unwrap().unwrap();
    argine_storage::tokens::create(
        &mut conn,
        sec.id,
        "analisi",
        &token::digest(&secret),
        "read",
        argine_storage::now() + 86_400,
    )
    .await
    .unwrap();
    drop(conn);
    let http = reqwest::Client::new();
    let get = |q: String, tok: String| {
        let http = http.clone();
        let url = format!("{}/api/v1/census/campaigns/{id}/responses{q}", app.url);
        async move { http.get(url).bearer_auth(tok).send().await.unwrap() }
    };
    // The administrator's token: the census responses are not theirs to read.
    assert_eq!(get(String::new(), app.creds.api_token.clone()).await.status(), 403);
    let r = get("?limit=501".into(), secret.clone()).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("compreso tra 1 e 500"), "an Italian problem by default");

    let mut all = Vec::new();
    let mut after = String::new();
    let mut pages = 0;
    loop {
        let r = get(format!("?limit=500&after={after}"), secret.clone()).await;
        assert_eq!(r.status(), 200);
        let page: serde_json::Value = r.json().await.unwrap();
        pages += 1;
        all.extend(page["responses"].as_array().unwrap().iter().cloned());
        match page["next_after"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    assert_eq!((all.len(), pages), (3851, 8));
    let sec_web = app.login_as("secretariat").await;
    let export: Vec<serde_json::Value> =
        app.get(&sec_web, &format!("/censimento/campagne/{id}/risposte.json")).await.json().await.unwrap();
    assert_eq!(all, export, "the API's pages are the JSON export");
    // Labels in English where the form has them, Italian otherwise.
    let page: serde_json::Value = get("?limit=50&values=labels".into(), secret.clone()).await.json().await.unwrap();
    let i = page["responses"].as_array().unwrap().iter().position(|r| r["answers"]["A3"].is_string()).unwrap();
    assert_ne!(page["responses"][i]["answers"]["A3"], export[i]["answers"]["A3"], "a label, not the code");

    let reads = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("census_responses.read".into()),
            limit: 20,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(reads.iter().filter(|e| e.details.contains("\"via\":\"api\"")).count(), 9);
    assert!(reads.iter().all(|e| e.personal && e.actor_user_id == Some(sec.id)));
}
