//! Census reports on the synthetic national census: the final report states the published
//! headline figures (read back from the PDF with pdftotext and from the XLSX annex with
//! calamine), the PDF is valid (qpdf --check) and every page renders (pdftoppm), the CLI builds
//! it with a progress bar, and a changed answer changes exactly the figures it should.

use crate::helpers::*;
use std::process::Command;

fn built(app: &TestApp, inputs: &[argine_domain::report::census::ComuneInput]) -> argine_web::reports::Built {
    let template = argine_web::reports::shipped("finale").unwrap();
    argine_web::reports::build(&app.state.pdf, inputs, template, "15 ottobre 2021", &|_| {}).unwrap()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_final_report_states_the_published_figures_in_pdf_and_annex() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let territory = app.state.territory();
    let inputs = argine_web::reports::inputs(&app.state.db, &territory, out.campaign_id).await.unwrap();
    assert_eq!(inputs.len(), 7904);
    let b = built(&app, &inputs);
    assert!(b.pages >= 30, "{} pages", b.pages);
    assert!(b.report.tables().len() >= 20 && b.report.figures_list().len() >= 10);
    let maps = b
        .report
        .figures_list()
        .iter()
        .filter(|f| {
            matches!(
                f.chart,
                argine_domain::report::Chart::Choropleth { .. } | argine_domain::report::Chart::Symbols { .. }
            )
        })
        .count();
    assert!(maps >= 3, "{maps} maps");

    if let Some(text) = pdf_text(&app, &b.pdf) {
        let t = squash(&text);
        for needle in [
            "tutti i 7.904 Comuni",
            "3.851 Comuni, pari a un tasso di risposta del 48,7%",
            "608 (15,8%) dichiarano la presenza",
            "150 insediamenti informali in 38 Comuni di 11 regioni",
            "Il più grande è Borgo Mezzanone",
            "nel Comune di Manfredonia, con circa 4.000 persone",
            "nel Comune di San Severo, con 2.100 persone",
            "Il 41,3% degli insediamenti ha carattere stabile",
            "sono Piemonte e Lombardia",
            "Tabella 1",
            "Figura 1",
            "Pagina 2 di",
        ] {
            assert!(t.contains(needle), "the PDF lacks «{needle}»");
        }
        let people: u64 = t
            .split("nei quali vivono almeno ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .map(|n| n.replace('.', "").parse().unwrap())
            .unwrap();
        assert!(people >= 10_000, "{people}");
    }
    // Valid PDF, every page renders.
    let file = app.dir.path().join("finale.pdf");
    std::fs::write(&file, &b.pdf).unwrap();
    if tool_available(Command::new("qpdf").arg("--version"), "qpdf") {
        let o = Command::new("qpdf").arg("--check").arg(&file).output().unwrap();
        assert!(o.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&o.stdout));
    }
    if tool_available(Command::new("pdftoppm").arg("-v"), "pdftoppm (poppler-utils)") {
        let prefix = app.dir.path().join("page");
        let o = Command::new("pdftoppm").args(["-r", "20", "-png"]).arg(&file).arg(&prefix).output().unwrap();
        assert!(o.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&o.stderr));
        let rendered = std::fs::read_dir(app.dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("page"))
            .filter(|e| std::fs::metadata(e.as_ref().unwrap().path()).unwrap().len() > 500)
            .count();
        assert_eq!(rendered, b.pages, "every page renders to a non-empty image");
    }

    // The annex: an index and a sheet per table, read by calamine.
    use calamine::Reader as _;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(b.annex.clone())).unwrap();
    let names = wb.sheet_names().clone();
    assert_eq!(names.len(), b.report.tables().len() + 1);
    let sheet = |wb: &mut calamine::Sheets<_>, name: &str| -> Vec<Vec<String>> {
        wb.worksheet_range(name).unwrap().rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    };
    let index = sheet(&mut wb, "Indice");
    let find = |caption: &str| {
        index.iter().find(|r| r[1].starts_with(caption)).unwrap_or_else(|| panic!("no table «{caption}»"))[0].clone()
    };
    let t = sheet(&mut wb, &find("Comuni invitati e rispondenti per regione"));
    let italia = t.iter().find(|r| r[0] == "Italia").unwrap();
    assert_eq!(italia[1..4], ["7.904", "3.851", "48,7%"]);
    let t = sheet(&mut wb, &find("Comuni con insediamenti informali, insediamenti e persone presenti, per regione"));
    let puglia = t.iter().find(|r| r[0] == "Puglia").unwrap();
    assert_eq!(puglia[1..3], ["12", "31,6%"]);
    let italia = t.iter().find(|r| r[0] == "Italia").unwrap();
    assert_eq!(italia[1..4], ["38", "100,0%", "150"]);
    let split: Vec<(String, String)> =
        t[2..].iter().take_while(|r| r[0] != "Italia").map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(split.len(), 11, "{split:?}");
    for (region, n) in [("Sicilia", "8"), ("Calabria", "5"), ("Campania", "3"), ("Piemonte", "2"), ("Toscana", "1")] {
        assert!(split.contains(&(region.to_owned(), n.to_owned())), "{region} {n}: {split:?}");
    }
    let t = sheet(&mut wb, &find("Comuni rispondenti con presenza"));
    assert_eq!(t.iter().find(|r| r[0] == "Italia").unwrap()[2], "608");
    // The HTML page holds the same prose, escaped.
    assert!(b.html.contains("3.851 Comuni, pari a un tasso di risposta del 48,7%"));
    assert!(b.html.contains("<svg") && b.html.contains("<caption>Tabella 1."));
}

#[tokio::test]
async fn a_correction_changes_exactly_its_figures_and_is_audited() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let id = out.campaign_id;
    let territory = app.state.territory();
    let inputs = argine_web::reports::inputs(&app.state.db, &territory, id).await.unwrap();
    let before = built(&app, &inputs);
    // San Severo's Gran Ghetto di Rignano: the secretariat corrects 2,100 people to 2,500
    // after a phone call, through the data-control form.
    let ss = inputs.iter().find(|c| c.istat == "071051").unwrap();
    let settlements = ss.answers.as_ref().unwrap().repeat("insediamenti");
    let i = settlements.iter().position(|s| s.value("E3") == "2100").unwrap();
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let inv = argine_storage::census::invitations(&mut conn, id)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.comune_code == "071051")
        .unwrap();
    drop(conn);
    let sec = app.login_as("secretariat").await;
    let path = format!("insediamenti[{i}]/E3");
    let r = app
        .post(
            &sec,
            &format!("/censimento/campagne/{id}/comuni/{}/correzioni", inv.id),
            &[
                ("path", path.as_str()),
                ("value", "2500"),
                ("reason", "Conteggio della prefettura, marzo 2022"),
                ("source", "telefonata"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let inputs = argine_web::reports::inputs(&app.state.db, &territory, id).await.unwrap();
    let after = built(&app, &inputs);
    let changed = argine_web::reports::changed(&before.report, &after.report);
    let keys: Vec<&str> = changed.iter().map(|c| c.key.as_str()).collect();
    assert!(keys.iter().any(|k| k.starts_with("table:insediamenti_provincia:Foggia:Persone")), "{keys:?}");
    assert!(keys.iter().any(|k| k.starts_with("table:insediamenti_regione:Puglia:Persone")), "{keys:?}");
    assert!(keys.iter().any(|k| k.starts_with("figure:mappa_insediamenti:")), "{keys:?}");
    // Nothing about participation, workers or structures moved.
    assert!(
        !keys.iter().any(|k| k.contains("risposte_") || k.contains("lavoratori_regione") || k.contains("strutture"))
    );
    let summary =
        changed.iter().find(|c| c.key.starts_with("paragraph:") && c.after.as_deref().unwrap().contains("2.500"));
    assert!(summary.is_some(), "the summary names 2.500 people now: {changed:?}");
    if let Some(text) = pdf_text(&app, &after.pdf) {
        assert!(squash(&text).contains("nel Comune di San Severo, con 2.500 persone"));
    }
    // The exports and the API give the raw answers, or the clean ones when asked.
    let rignano = |json: &serde_json::Value| -> String {
        let ss = json.as_array().unwrap().iter().find(|r| r["comune_istat"] == "071051").unwrap();
        ss["answers"]["insediamenti"][i]["E3"].as_str().unwrap().to_owned()
    };
    let raw: serde_json::Value =
        app.get(&sec, &format!("/censimento/campagne/{id}/risposte.json")).await.json().await.unwrap();
    let clean: serde_json::Value =
        app.get(&sec, &format!("/censimento/campagne/{id}/risposte.json?dati=puliti")).await.json().await.unwrap();
    assert_eq!((rignano(&raw), rignano(&clean)), ("2100".to_owned(), "2500".to_owned()));
    let secret = argine_domain::auth::token::new_secret("argn_");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let user =
        argine_storage::accounts::find_by_email(&mut conn, &app.account("secretariat").email).await.unwrap().unwrap();
    let digest = argine_domain::auth::token::digest(&secret);
    argine_storage::tokens::create(&mut conn, user.id, "analisi", &digest, "read", argine_storage::now() + 86_400)
        .await
        .unwrap();
    drop(conn);
    let api = |q: &str| {
        let url = format!("{}/api/v1/census/campaigns/{id}/responses?limit=500&after=071050{q}", app.url);
        let secret = secret.clone();
        async move {
            let page: serde_json::Value =
                reqwest::Client::new().get(url).bearer_auth(secret).send().await.unwrap().json().await.unwrap();
            page["responses"].clone()
        }
    };
    assert_eq!((rignano(&api("").await), rignano(&api("&data=clean").await)), ("2100".to_owned(), "2500".to_owned()));
    // Who made it and why.
    let entries = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("census.correction.add".into()), limit: 5, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_label, app.account("secretariat").email);
    assert!(entries[0].details.contains("Conteggio della prefettura") && entries[0].details.contains("telefonata"));
}

#[tokio::test]
async fn the_cli_builds_the_report_with_a_progress_bar() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let pdf = app.dir.path().join("rapporto.pdf");
    let annex = app.dir.path().join("annesso.xlsx");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_argine")).arg("--data-dir").arg(app.dir.path()).args(args).output().unwrap()
    };
    let id = out.campaign_id.to_string();
    let o = run(&[
        "report",
        "build",
        "--campaign",
        &id,
        "--template",
        "preliminare",
        "--out",
        pdf.to_str().unwrap(),
        "--annex",
        annex.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("[########################] 6/6"), "{err}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert!(std::fs::read(&annex).unwrap().starts_with(b"PK"));
    // A template with mistakes: every one with its line, non-zero exit, nothing written.
    let bad = app.dir.path().join("rotto.txt");
    std::fs::write(&bad, "titolo: Prova\n---\n# Uno\nSono {sconosciuto}.\n\n[[tabella nessuna]]\n").unwrap();
    let out2 = app.dir.path().join("rotto.pdf");
    let o = run(&[
        "report",
        "build",
        "--campaign",
        &id,
        "--template-file",
        bad.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("line 4: unknown value «{sconosciuto}»") && err.contains("line 6: unknown table «nessuna»"),
        "{err}"
    );
    assert!(!out2.exists());
}

/// The open-data package: every file opens in a real reader (csv, calamine, JSON, GeoJSON) and
/// the DCAT-AP_IT metadata names every file with the mandatory fields; small counts withheld.
#[tokio::test]
async fn the_open_data_package_is_complete_and_described() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let dir = app.dir.path().join("dati-aperti");
    let o = Command::new(env!("CARGO_BIN_EXE_argine"))
        .arg("--data-dir")
        .arg(app.dir.path())
        .args(["report", "opendata", "--campaign", &out.campaign_id.to_string(), "--out"])
        .arg(&dir)
        .args(["--ipa", "anci", "--publisher", "ANCI", "--base-url", "https://dati.example.invalid/incas/"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    // The Comune-level CSV: one row per invited Comune, small counts withheld.
    let text = std::fs::read_to_string(dir.join("comuni.csv")).unwrap();
    let mut r =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(text.strip_prefix('\u{feff}').unwrap().as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7904);
    let manfredonia = rows.iter().find(|r| &r[0] == "071029").unwrap();
    assert_eq!(&manfredonia[5], "si");
    assert!(manfredonia[10].parse::<u64>().unwrap() >= 4000);
    let settled: u64 = rows.iter().filter_map(|r| r[9].parse::<u64>().ok()).sum();
    assert_eq!(settled, 150);
    // GeoJSON points with the same properties.
    let geo: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("comuni.geojson")).unwrap()).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(geo["features"].as_array().unwrap().len() > 7800);
    // The XLSX files open.
    use calamine::Reader as _;
    let mut wb = calamine::open_workbook_auto(dir.join("comuni.xlsx")).unwrap();
    assert_eq!(wb.worksheet_range("comuni").unwrap().rows().count(), 7905);
    let wb = calamine::open_workbook_auto(dir.join("tavole.xlsx")).unwrap();
    assert!(wb.sheet_names().len() > 20);
    // DCAT-AP_IT: catalogue, datasets and distributions with their mandatory fields; every
    // distribution is a file of the package and every file is described.
    let cat: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("catalogo.jsonld")).unwrap()).unwrap();
    let graph = cat["@graph"].as_array().unwrap();
    let of_type = |t: &str| -> Vec<&serde_json::Value> {
        graph.iter().filter(|n| n["@type"].as_array().unwrap().iter().any(|x| x == t)).collect()
    };
    let catalog = of_type("dcatapit:Catalog");
    assert_eq!(catalog.len(), 1);
    for k in ["dct:title", "dct:description", "dct:publisher", "dct:modified", "dcat:dataset"] {
        assert!(!catalog[0][k].is_null(), "catalog lacks {k}");
    }
    let datasets = of_type("dcatapit:Dataset");
    assert_eq!(datasets.len(), 2);
    let mut described = std::collections::BTreeSet::new();
    for d in &datasets {
        assert!(d["dct:identifier"].as_str().unwrap().starts_with("anci:D."));
        for k in
            ["dct:title", "dct:description", "dct:modified", "dcat:theme", "dct:rightsHolder", "dct:accrualPeriodicity"]
        {
            assert!(!d[k].is_null(), "dataset lacks {k}");
        }
        assert!(d["dcat:theme"]["@id"].as_str().unwrap().ends_with("data-theme/AGRI"));
        for dist in d["dcat:distribution"].as_array().unwrap() {
            for k in ["dct:format", "dcat:accessURL", "dct:license"] {
                assert!(!dist[k].is_null(), "distribution lacks {k}");
            }
            let url = dist["dcat:accessURL"]["@id"].as_str().unwrap();
            described.insert(url.trim_start_matches("https://dati.example.invalid/incas/").to_owned());
        }
    }
    let files: std::collections::BTreeSet<String> = names.into_iter().filter(|n| n != "catalogo.jsonld").collect();
    assert_eq!(described, files);
}
