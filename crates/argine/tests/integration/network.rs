//! The network: import of organisations (dry run, all-or-nothing), protocols with documents,
//! working groups with meetings, minutes as PDF (read back with pdftotext), the iCalendar feed
//! (read back with Python's `icalendar`), the API, and who may see and change what.

use crate::helpers::*;
use argine_storage::{network, orgs};
use std::process::Command;

/// A required external reader: missing is a failure when ARGINE_REQUIRE_TOOLS=1, else a skip.
async fn org_count(app: &TestApp) -> usize {
    orgs::list(&app.state.db).await.unwrap().len()
}

#[tokio::test]
async fn import_reports_every_row_and_applies_all_or_nothing() {
    let app = spawn().await;
    // The provincial coordinator (also administrator) of Mantova.
    let c = app.login_as("coordinator").await;
    let before = org_count(&app).await;

    // A CSV as Excel writes it in Italy: BOM, semicolons, Windows-1252 would also do.
    let bad = "\u{feff}Denominazione;Tipo;Territorio;PEC;Telefono\n\
               Comune di Suzzara;comune;Suzzara;protocollo@pec.suzzara.invalid;0376 513211\n\
               Caritas Mantova;Terzo settore;Provincia di Mantova;;\n\
               Sindacato X;sindacato;Atlantide;;\n\
               Cooperativa Y;cooperativa;MN;non-una-pec;12\n\
               Comune di Suzzara;comune;Suzzara;;\n\
               ATS Foggia;azienda_sanitaria;FG;;\n";
    let r = upload(&app, &c, "/rete/organizzazioni/importa", "rete.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    // Row numbers as the spreadsheet shows them, and a specific message for each problem.
    assert!(page.contains("Territorio «Atlantide» non trovato"), "{page}");
    assert!(page.contains("Tipologia «cooperativa» non riconosciuta"));
    assert!(page.contains("«non-una-pec» non è un indirizzo e-mail valido"));
    assert!(page.contains("«12» non è un numero di telefono valido"));
    assert!(page.contains("Stesso nome della riga 2"));
    assert!(page.contains("fuori dal territorio di tua competenza"), "Foggia is outside Mantova");
    assert!(page.contains("errori: 4"), "{page}");
    assert!(!page.contains("/rete/organizzazioni/importa/"), "no confirm button when there are errors");
    assert_eq!(org_count(&app).await, before, "a dry run writes nothing");

    // A spreadsheet: numeric comune code that lost its leading zero, a province by sigla, an
    // existing organisation updated.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (col, h) in ["nome", "tipo", "territorio", "pec", "telefono"].iter().enumerate() {
        ws.write_string(0, u16::try_from(col).unwrap(), *h).unwrap();
    }
    ws.write_string(1, 0, "Comune di Suzzara").unwrap();
    ws.write_string(1, 1, "comune").unwrap();
    ws.write_number(1, 2, 20065.0).unwrap(); // 020065 Suzzara
    ws.write_string(1, 3, "protocollo@pec.suzzara.invalid").unwrap();
    ws.write_number(1, 4, 376_513_211.0).unwrap();
    ws.write_string(2, 0, "Caritas Mantova").unwrap();
    ws.write_string(2, 1, "Terzo settore").unwrap();
    ws.write_string(2, 2, "MN").unwrap();
    ws.write_string(3, 0, "Comune di Mantova").unwrap();
    ws.write_string(3, 1, "comune").unwrap();
    ws.write_string(3, 2, "020030").unwrap();
    ws.write_string(3, 3, "protocollo@pec.comune.mantova.invalid").unwrap();
    let xlsx = wb.save_to_buffer().unwrap();
    let r = upload(&app, &c, "/rete/organizzazioni/importa", "rete.xlsx", xlsx).await;
    let page = r.text().await.unwrap();
    assert!(page.contains("Nuove: 2 · da aggiornare: 1"), "{page}");
    let start = page.find("/rete/organizzazioni/importa/").unwrap();
    let confirm: String = page[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(org_count(&app).await, before, "still nothing before confirmation");

    // Another user cannot apply someone else's staged file.
    let other = app.login_as("secretariat").await;
    assert_eq!(app.post(&other, &confirm, &[]).await.status(), 404);

    let r = app.post(&c, &confirm, &[]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("2 organizzazioni create, 1 aggiornate"));
    assert_eq!(org_count(&app).await, before + 2);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let suzzara = orgs::find_by_name(&mut conn, "Comune di Suzzara").await.unwrap().unwrap();
    assert_eq!(suzzara.contacts.phone.as_deref(), Some("376513211"));
    assert_eq!(format!("{:?}", suzzara.jurisdiction), r#"Units([Comune("020065")])"#);
    let mantova = orgs::find_by_name(&mut conn, "Comune di Mantova").await.unwrap().unwrap();
    assert_eq!(mantova.contacts.pec.as_deref(), Some("protocollo@pec.comune.mantova.invalid"));
    drop(conn);
    // A staged file is applied once.
    assert_eq!(app.post(&c, &confirm, &[]).await.status(), 409);

    // The export reads back through the import as "unchanged".
    let csv = app.get(&c, "/rete/organizzazioni.csv").await.bytes().await.unwrap().to_vec();
    assert!(csv.starts_with(b"\xEF\xBB\xBFnome;tipo;territorio"));
    let r = upload(&app, &c, "/rete/organizzazioni/importa", "export.csv", csv).await;
    let page = r.text().await.unwrap();
    assert!(page.contains("Nuove: 0 · da aggiornare: 0"), "{page}");
    assert!(
        page.contains("fuori dal territorio"),
        "national organisations in the export are out of a provincial reach"
    );
}

#[tokio::test]
async fn protocols_parties_and_documents() {
    let app = spawn().await;
    let c = app.login_as("coordinator").await;
    let r = app
        .post(
            &c,
            "/rete/protocolli",
            &[
                ("title", "Protocollo d'intesa per i trasporti dei braccianti"),
                ("kind", "intesa"),
                ("place", "Provincia di Mantova"),
                ("signed_on", "2026-03-01"),
                ("valid_from", "2026-03-01"),
                ("valid_until", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422, "validity ends before it starts");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("La fine della vigenza non può precedere l&#x27;inizio") || page.contains("non può precedere")
    );
    assert!(page.contains("trasporti dei braccianti"), "the form keeps what was typed");

    let r = app
        .post(
            &c,
            "/rete/protocolli",
            &[
                ("title", "Protocollo d'intesa per i trasporti"),
                ("kind", "intesa"),
                ("place", "MN"),
                ("valid_from", "2026-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let path = location(&r);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let itl = orgs::find_by_name(&mut conn, "Ispettorato Territoriale del Lavoro di Mantova").await.unwrap().unwrap();
    drop(conn);
    let r = app
        .post(
            &c,
            &path,
            &[
                ("op", "add_party"),
                ("org", &itl.id.to_string()),
                ("role", "signatory"),
                ("signatory_name", "Il Direttore"),
                ("party_signed_on", "2026-03-02"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let r = upload(&app, &c, &format!("{path}/documenti"), "protocollo firmato.pdf", pdf.clone()).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Il Direttore") && page.contains("02/03/2026"));
    let start = page.find("/rete/documenti/").unwrap();
    let doc: String = page[start..].chars().take_while(|c| *c != '"').collect();
    // A file that is not an accepted document is refused by its content, whatever its name.
    let r = upload(&app, &c, &format!("{path}/documenti"), "virus.pdf", b"MZ\x90\x00".to_vec()).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("non è un documento accettato"));

    // Protocols are public acts: the read-only viewer reads it and its document, cannot change it.
    let viewer = app.login_as("viewer").await;
    let r = app.get(&viewer, &doc).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''protocollo%20firmato.pdf"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(app.post(&viewer, &path, &[("op", "remove_party"), ("org", &itl.id.to_string())]).await.status(), 403);
    // The referent of San Severo cannot change a Mantova protocol.
    let referent = app.login_as("referent").await;
    assert_eq!(app.post(&referent, &path, &[("op", "remove_party"), ("org", &itl.id.to_string())]).await.status(), 403);
    let r = app.post(&c, &path, &[("op", "remove_party"), ("org", &itl.id.to_string())]).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn meetings_minutes_pdf_and_calendar() {
    let app = spawn().await;
    let c = app.login_as("coordinator").await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let groups = network::groups(&mut conn).await.unwrap();
    drop(conn);
    let tf = groups.iter().find(|g| g.name == "Task force Multitasking").unwrap();
    let plm = groups.iter().find(|g| g.name.contains("San Severo")).unwrap();
    let gpath = format!("/rete/gruppi/{}", tf.id);

    // Bad input keeps what was typed.
    let r = app
        .post(
            &c,
            &gpath,
            &[
                ("op", "add_meeting"),
                ("title", "Riunione straordinaria"),
                ("starts_at", "2026-12-01T10:00"),
                ("ends_at", "2026-12-01T09:00"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("La fine della riunione deve essere successiva all"));
    assert!(page.contains("value=\"Riunione straordinaria\""));

    let tricky = "Verbale: #panic(\"x\") *grassetto* $x$ <lbl> @ref — Çağrı Şahin, Nguyễn";
    let r = app
        .post(
            &c,
            &gpath,
            &[
                ("op", "add_meeting"),
                ("title", "Riunione straordinaria; sgomberi, alloggi"),
                ("starts_at", "2026-12-01T10:00"),
                ("place", "Prefettura di Mantova"),
                ("agenda", "Sgombero del casolare\r\nAlloggi temporanei"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mpath = location(&r);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let tfg = network::group(&mut conn, tf.id).await.unwrap();
    drop(conn);
    let mut att = vec![("op".to_owned(), "attendance".to_owned())];
    for (i, m) in tfg.members.iter().enumerate() {
        att.push(("org".into(), m.org_id.to_string()));
        att.push((format!("status_{}", m.org_id), if i == 0 { "present" } else { "excused" }.into()));
        att.push((format!("attendee_{}", m.org_id), if i == 0 { "Paola Bianchi".into() } else { String::new() }));
    }
    let att_ref: Vec<(&str, &str)> = att.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(app.post(&c, &mpath, &att_ref).await.status(), 303);
    assert_eq!(app.post(&c, &mpath, &[("op", "minutes"), ("minutes", tricky)]).await.status(), 303);
    let owner = tfg.members[1].org_id.to_string();
    let r = app
        .post(
            &c,
            &mpath,
            &[
                ("op", "add_decision"),
                ("text", "Censire gli alloggi disponibili"),
                ("owner", &owner),
                ("due_on", "2026-12-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);

    // Draft minutes as PDF, read back by a real reader.
    let pdf = app.get(&c, &format!("{mpath}/verbale.pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&app, &bytes) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "BOZZA",
            "Riunione straordinaria; sgomberi, alloggi",
            "Sgombero del casolare",
            "Paola Bianchi",
            "#panic(\"x\") *grassetto* $x$ <lbl> @ref",
            "Çağrı Şahin, Nguyễn",
            "Censire gli alloggi disponibili",
            "15/12/2026",
            "Pagina 1 di",
        ] {
            assert!(flat.contains(expected), "{expected:?} not in the PDF text:\n{text}");
        }
    }

    // Approval freezes the minutes.
    assert_eq!(app.post(&c, &mpath, &[("op", "approve")]).await.status(), 303);
    let r = app.post(&c, &mpath, &[("op", "minutes"), ("minutes", "riscritto")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("già stato approvato"));

    // The calendar feed, parsed by a real iCalendar reader.
    let r = app.get(&c, &format!("{gpath}/riunioni.ics")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.contains("DTSTART;TZID=Europe/Rome:20261201T100000\r\n"));
    assert!(ics.contains("DTEND;TZID=Europe/Rome:20261201T120000\r\n"), "two hours by default");
    let ics_file = app.dir.path().join("riunioni.ics");
    std::fs::write(&ics_file, &ics).unwrap();
    if tool_available(Command::new("python3").args(["-c", "import icalendar"]), "Python icalendar") {
        let script = "import sys, icalendar\n\
                      cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
                      for e in cal.walk('VEVENT'):\n\
                      \x20   print(e.decoded('dtstart').isoformat(), '|', str(e.get('summary')), '|', e.decoded('dtstart').utcoffset())\n";
        let out = Command::new("python3").args(["-c", script]).arg(&ics_file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.lines().count(), 3, "three meetings of the task force:\n{text}");
        assert!(
            text.contains("2026-12-01T10:00:00+01:00 | Task force Multitasking — Riunione straordinaria; sgomberi, alloggi | 1:00:00"),
            "{text}"
        );
    }

    // The referent of San Severo: their own plan's group, not the Mantova task force.
    let referent = app.login_as("referent").await;
    assert_eq!(app.get(&referent, &gpath).await.status(), 403);
    assert_eq!(app.get(&referent, &mpath).await.status(), 403);
    assert_eq!(app.get(&referent, &format!("{gpath}/riunioni.ics")).await.status(), 403);
    let list = app.get(&referent, "/rete/gruppi").await.text().await.unwrap();
    assert!(list.contains("PLM di San Severo") && !list.contains("Task force Multitasking"));
    let r = app
        .post(
            &referent,
            &format!("/rete/gruppi/{}", plm.id),
            &[("op", "add_meeting"), ("title", "Seconda riunione"), ("starts_at", "2026-12-10T15:00")],
        )
        .await;
    assert_eq!(r.status(), 303, "the lead organisation runs its own group");
}

#[tokio::test]
async fn network_api_filters_and_audits_people() {
    let app = spawn().await;
    let token = &app.creds.api_token; // the national administrator's read token
    let api = reqwest::Client::new();
    let get = |path: &str| api.get(format!("{}{path}", app.url)).bearer_auth(token).send();
    let groups: serde_json::Value = get("/api/v1/groups").await.unwrap().json().await.unwrap();
    let tf = groups.as_array().unwrap().iter().find(|g| g["name"] == "Task force Multitasking").unwrap();
    assert_eq!(tf["kind"], "task_force");
    assert_eq!(tf["territory"], "provincia:020");
    let id = tf["id"].as_i64().unwrap();
    let detail: serde_json::Value = get(&format!("/api/v1/groups/{id}")).await.unwrap().json().await.unwrap();
    assert_eq!(detail["meetings"].as_array().unwrap().len(), 2);
    assert_eq!(detail["decisions"].as_array().unwrap().len(), 2);
    let ics = get(&format!("/api/v1/groups/{id}/calendar.ics")).await.unwrap().text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    let protocols: serde_json::Value = get("/api/v1/protocols").await.unwrap().json().await.unwrap();
    assert_eq!(protocols.as_array().unwrap().len(), 2);
    assert_eq!(get("/api/v1/groups/999999").await.unwrap().status(), 404);

    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let pref = orgs::find_by_name(&mut conn, "Prefettura di Mantova").await.unwrap().unwrap();
    drop(conn);
    let o: serde_json::Value = get(&format!("/api/v1/organisations/{}", pref.id)).await.unwrap().json().await.unwrap();
    assert_eq!(o["people"].as_array().unwrap().len(), 2);
    let reads = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("network_people.read".into()), limit: 10, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(reads.len(), 1, "reading people through the API is audited");

    // The viewer sees aggregates only: no people, in the page as in the API.
    let viewer = app.login_as("viewer").await;
    let page = app.get(&viewer, &format!("/rete/organizzazioni/{}", pref.id)).await.text().await.unwrap();
    assert!(!page.contains("Paola Bianchi") && page.contains("visibili solo agli operatori"));
}
