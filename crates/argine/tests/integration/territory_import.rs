//! `argine territory import`: a constructed ISTAT file with a new comune, a rename, a merger, a
//! recoding into a new province and the ISTAT code of a comune that had none.

use crate::helpers::*;
use argine_web::territory::Territory;
use std::process::Command;

const HEADER: &str = "Codice Regione;\"Codice dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";Codice Provincia (Storico)(1);Progressivo del Comune (2);Codice Comune formato alfanumerico;Denominazione (Italiana e straniera);Denominazione in italiano;Denominazione altra lingua;Codice Ripartizione Geografica;Ripartizione geografica;Denominazione Regione;\"Denominazione dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";Tipologia di Unità territoriale sovracomunale ;Flag Comune capoluogo di provincia/città metropolitana/libero consorzio;Sigla automobilistica;Codice Comune formato numerico;Codice Catastale del comune";

/// The loaded comuni in the real file layout, with `edit` applied to the rows.
fn istat_file(t: &Territory, edit: impl Fn(&mut Vec<Vec<String>>)) -> String {
    let mut rows: Vec<Vec<String>> = t
        .current()
        .map(|c| {
            let istat = if c.istat.is_empty() && c.belfiore == "M439" { "024129".to_owned() } else { c.istat.clone() };
            let p = t.province(&c.province_code).unwrap();
            vec![
                c.region_code.clone(),
                c.province_code.clone(),
                istat[..3].to_owned(),
                istat[3..].to_owned(),
                istat.clone(),
                c.display_name(),
                c.name.clone(),
                c.name_other.clone(),
                "1".into(),
                "x".into(),
                "x".into(),
                p.name.clone(),
                p.uts_type.to_string(),
                if c.is_capoluogo() { "1".into() } else { "0".into() },
                c.sigla.clone(),
                istat.trim_start_matches('0').to_owned(),
                c.belfiore.clone(),
            ]
        })
        .collect();
    edit(&mut rows);
    let mut s = String::from(HEADER);
    s.push_str("\r\n");
    for r in rows {
        s.push_str(&r.join(";"));
        s.push_str("\r\n");
    }
    s
}

fn row(region: &str, prov: &str, istat: &str, name: &str, prov_name: &str, sigla: &str, belfiore: &str) -> Vec<String> {
    [
        region,
        prov,
        &istat[..3],
        &istat[3..],
        istat,
        name,
        name,
        "",
        "1",
        "x",
        "x",
        prov_name,
        "1",
        "0",
        sigla,
        istat,
        belfiore,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn argine(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_argine")).arg("--data-dir").arg(app.dir.path()).args(args).output().unwrap()
}

#[tokio::test]
async fn dry_run_then_atomic_apply_keeps_history_and_repoints_records() {
    let app = spawn().await;
    let t = app.state.territory();
    let count = |app: &TestApp| {
        let db = app.state.db.clone();
        async move { argine_storage::territory::summary(&db).await.unwrap().comuni }
    };
    // Organisations whose jurisdiction names comuni that will change.
    let admin = app.login_as("admin").await;
    for (name, unit) in [("Comune di Aggius", "comune:090001"), ("Comune di Albenga", "comune:009002")] {
        let r =
            app.post(&admin, "/rete/organizzazioni", &[("name", name), ("org_type", "comune"), ("places", unit)]).await;
        assert_eq!(r.status(), 200);
    }
    let text = istat_file(&t, |rows| {
        // Lavello renamed; Aggius recoded into the new province 113; Albenga and Alassio merged
        // into a new comune; a brand-new comune in the province of Mantova.
        for r in rows.iter_mut() {
            match r[16].as_str() {
                "E493" => {
                    r[5] = "Lavello Lucano".into();
                    r[6] = "Lavello Lucano".into();
                }
                "A069" => {
                    *r = row("20", "113", "113001", "Aggius", "Gallura Nord-Est Sardegna", "OT", "A069");
                }
                _ => {}
            }
        }
        rows.retain(|r| r[16] != "A145" && r[16] != "A122");
        rows.push(row("07", "009", "009999", "Albenga-Alassio", "Savona", "SV", "Z997"));
        rows.push(row("03", "020", "020999", "Nuovo Comune di Prova", "Mantova", "MN", "Z998"));
    });
    let file = app.dir.path().join("Elenco-comuni-italiani.csv");
    // Windows-1252, as ISTAT's older files: characters it lacks (the č of Soči) become `?`.
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'Š' => 0x8A,
            'š' => 0x9A,
            'Ž' => 0x8E,
            'ž' => 0x9E,
            c => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        })
        .collect();
    assert!(bytes.windows(3).any(|w| w == b"So?"));
    std::fs::write(&file, &bytes).unwrap();

    // Dry run: reports each change, changes nothing.
    let out = argine(&app, &["territory", "import", file.to_str().unwrap(), "--effective", "2026-07-01"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "NEW PROVINCE   113 Gallura Nord-Est Sardegna",
        "NEW            020999 Nuovo Comune di Prova",
        "NEW            009999 Albenga-Alassio",
        "Lavello Lucano (E493): renamed Lavello → Lavello Lucano",
        "Aggius (A069): recoded 090001 → 113001; province 090 → 113",
        "Castegnero Nanto (M439): recoded (none) → 024129",
        "MERGED         009002 Albenga (A145) into Z997",
        "MERGED         009001 Alassio (A122) into Z997",
        "dry run: nothing changed",
    ] {
        assert!(report.contains(expected), "missing `{expected}` in:\n{report}");
    }
    assert_eq!(count(&app).await, 7894);

    // A broken file changes nothing.
    let broken = app.dir.path().join("broken.csv");
    std::fs::write(&broken, text.replace(";113001;", ";11300X;")).unwrap();
    let out = argine(&app, &["territory", "import", broken.to_str().unwrap(), "--apply"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("11300X") && err.contains("nothing was changed"), "{err}");
    assert_eq!(count(&app).await, 7894);

    // Apply.
    let out = argine(&app, &["territory", "import", file.to_str().unwrap(), "--effective", "2026-07-01", "--apply"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let applied = String::from_utf8_lossy(&out.stdout);
    assert!(
        applied.contains("2 new, 3 changed, 2 suppressed, 1 new provinces; 2 jurisdiction units re-pointed"),
        "{applied}"
    );
    assert_eq!(count(&app).await, 7894, "two new comuni, two merged away");
    // History: old codes and names resolve to the current comune, with dates.
    let t = Territory::load(&app.state.db).await.unwrap();
    let r = t.resolve("090001").unwrap();
    assert_eq!((r.current.istat.as_str(), r.current.province_code.as_str()), ("113001", "113"));
    assert_eq!(r.via.unwrap().valid_to.as_deref(), Some("2026-06-30"));
    assert_eq!(t.resolve("A145").unwrap().current.name, "Albenga-Alassio");
    assert_eq!(t.resolve("076043").unwrap().current.name, "Lavello Lucano");
    assert_eq!(t.resolve("M439").unwrap().current.istat, "024129");
    assert!(t.search("lavello", 3).iter().any(|(c, _)| c.name == "Lavello Lucano"), "old name still found");
    // Only Aggius moved: province 090 keeps its other comuni; 113 has one.
    assert_eq!(t.comuni_of("113").len(), 1);
    assert!(t.province("113").is_some() && t.province("090").is_some());
    // Records that named the old codes now name the new ones.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let aggius = argine_storage::orgs::find_by_name(&mut conn, "Comune di Aggius").await.unwrap().unwrap();
    let albenga = argine_storage::orgs::find_by_name(&mut conn, "Comune di Albenga").await.unwrap().unwrap();
    assert_eq!(format!("{:?}", aggius.jurisdiction), "Units([Comune(\"113001\")])");
    assert_eq!(format!("{:?}", albenga.jurisdiction), "Units([Comune(\"009999\")])");
    drop(conn);
    // The import is audited, and a second run finds nothing left to do.
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("territory.import".into()), limit: 5, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    let out = argine(&app, &["territory", "import", file.to_str().unwrap(), "--apply"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("nothing to apply"),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
