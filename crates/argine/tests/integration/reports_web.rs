//! The report pages on the synthetic national census: a template edited in the browser (its
//! mistakes shown in Italian with their lines, nothing typed lost, every save a version), a
//! build queued from the page and made by the job worker with its progress, its files, a second
//! build after a correction listing what changed, and the open data published on the public
//! page (anonymous) and withdrawn.

use crate::helpers::*;
use std::time::Duration;

/// Waits for the worker to finish build `id`; returns its final status.
async fn finished(app: &TestApp, c: &reqwest::Client, id: i64) -> serde_json::Value {
    for _ in 0..600 {
        let s: serde_json::Value = app.get(c, &format!("/rapporti/{id}/stato")).await.json().await.unwrap();
        if s["status"] == "done" || s["status"] == "failed" {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("build {id} did not finish in two minutes");
}

fn build_id(location: &str) -> i64 {
    location.strip_prefix("/rapporti/").unwrap().parse().unwrap()
}

async fn text(r: reqwest::Response) -> (u16, String) {
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn reports_are_built_from_the_page_compared_and_published() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let id = out.campaign_id;
    let sec = app.login_as("secretariat").await;

    // A template with a mistake: an Italian message with its line, and the text kept.
    let shipped = argine_web::reports::shipped("finale").unwrap();
    let wrong = format!("{shipped}\n# Nota\n\nLa segreteria ha contato {{sconosciuto}} Comuni.\n");
    let line = wrong.lines().count();
    let (status, page) = text(
        app.post(
            &sec,
            "/rapporti/modelli/finale",
            &[("body", &wrong), ("note", "prova"), ("campaign", &id.to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains(&format!("Riga {line}: valore sconosciuto «{{sconosciuto}}»")), "{page}");
    assert!(page.contains("La segreteria ha contato {sconosciuto} Comuni."), "the typed text is kept");
    let (status, page) =
        text(app.post(&sec, "/rapporti/modelli/finale", &[("body", "# Senza intestazione\n")]).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("Riga 1: l&#39;intestazione deve terminare"), "{page}");
    assert!(page.contains("Il modello non è stato salvato"));

    // A good edit is saved as version 1 of «finale».
    let edited =
        format!("{shipped}\n# Nota della segreteria\n\nHanno risposto {{rispondenti}} Comuni su {{invitati}}.\n");
    let r = app.post(&sec, "/rapporti/modelli/finale", &[("body", &edited), ("note", "Nota finale")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/rapporti/modelli/finale?salvato=1");
    let (_, page) = text(app.get(&sec, "/rapporti/modelli/finale?salvato=1").await).await;
    assert!(page.contains("Nuova versione salvata") && page.contains("Nota finale"), "{page}");
    assert!(page.contains("[[tabella risposte_regione]]"), "the reference lists the tables");
    let (status, _) = text(app.post(&sec, "/rapporti/modelli/finale", &[("body", &edited)]).await).await;
    assert_eq!(status, 422, "saving the same text again is refused");

    // Queue without a date: refused on the form, with the choice kept.
    let (status, page) = text(
        app.post(&sec, &format!("/censimento/campagne/{id}/rapporti"), &[("template", "finale"), ("date", "")]).await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("Indica la data del rapporto"), "{page}");

    // The build runs in the worker; the page shows its progress, then its files.
    let r = app
        .post(&sec, &format!("/censimento/campagne/{id}/rapporti"), &[("template", "finale"), ("date", "luglio 2022")])
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let first = build_id(&location(&r));
    let (status, page) = text(app.get(&sec, &format!("/rapporti/{first}")).await).await;
    assert_eq!(status, 200);
    assert!(page.contains("/static/argine/progress.js") || page.contains("id=\"report-files\""), "{page}");
    let s = finished(&app, &sec, first).await;
    assert_eq!(s["status"], "done", "{s}");
    assert_eq!(s["progress"], s["of"]);
    let (_, page) = text(app.get(&sec, &format!("/rapporti/{first}")).await).await;
    assert!(page.contains("prima generazione"), "nothing to compare with yet");
    assert!(!page.contains("progress.js"), "no progress bar once done");
    let pdf = app.get(&sec, &format!("/rapporti/{first}/rapporto.pdf")).await.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(t) = pdf_text(&app, &pdf) {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(t.contains("Hanno risposto 3.851 Comuni su 7.904."), "the edited template was used");
        assert!(t.contains("luglio 2022"));
    }
    let annex = app.get(&sec, &format!("/rapporti/{first}/allegato.xlsx")).await.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(annex.to_vec())).unwrap();
    assert!(calamine::Reader::sheet_names(&wb).len() > 20);
    let index = calamine::Reader::worksheet_range(&mut wb, "Indice").unwrap();
    assert!(index.rows().any(|r| r[1].to_string().starts_with("Comuni invitati e rispondenti per regione")));
    let (status, page) = text(app.get(&sec, &format!("/rapporti/{first}/pagina")).await).await;
    assert_eq!(status, 200);
    assert!(page.contains("argine-report") && page.contains("<svg"), "the report as a web page");
    assert_eq!(app.get(&sec, &format!("/rapporti/{first}/segreto.txt")).await.status(), 404);

    // A correction, then a second build: the page lists what changed.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let inv = argine_storage::census::invitations(&mut conn, id)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.comune_code == "071051")
        .unwrap();
    drop(conn);
    let territory = app.state.territory();
    let inputs = argine_web::reports::inputs(&app.state.db, &territory, id).await.unwrap();
    let ss = inputs.iter().find(|c| c.istat == "071051").unwrap();
    let i = ss.answers.as_ref().unwrap().repeat("insediamenti").iter().position(|s| s.value("E3") == "2100").unwrap();
    let path = format!("insediamenti[{i}]/E3");
    let r = app
        .post(
            &sec,
            &format!("/censimento/campagne/{id}/comuni/{}/correzioni", inv.id),
            &[("path", &path), ("value", "2500"), ("reason", "Conteggio della prefettura"), ("source", "telefonata")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post(&sec, &format!("/censimento/campagne/{id}/rapporti"), &[("template", "finale"), ("date", "luglio 2022")])
        .await;
    let second = build_id(&location(&r));
    assert_eq!(finished(&app, &sec, second).await["status"], "done");
    let (_, page) = text(app.get(&sec, &format!("/rapporti/{second}")).await).await;
    assert!(page.contains(&format!("rispetto alla generazione n. {first}")), "{page}");
    assert!(page.contains("Tavola insediamenti_provincia, Foggia, Persone"), "{page}");
    assert!(page.contains("2.500"), "the new value is listed");
    assert!(!page.contains("Tavola risposte_regione"), "participation did not change");

    // Open data: nothing public until published; then anyone can download it.
    let anon = app.client();
    let (_, page) = text(app.get(&anon, "/dati-aperti").await).await;
    assert!(page.contains("Non è ancora stato pubblicato"), "{page}");
    assert_eq!(app.get(&anon, &format!("/dati-aperti/{second}")).await.status(), 404);
    assert_eq!(app.get(&anon, &format!("/dati-aperti/{second}/catalogo.jsonld")).await.status(), 404);
    let coordinator = app.login_as("coordinator").await;
    assert_eq!(app.post(&coordinator, &format!("/rapporti/{second}/pubblica"), &[]).await.status(), 403);
    let r = app.post(&sec, &format!("/rapporti/{second}/pubblica"), &[]).await;
    assert_eq!(r.status(), 303);
    let (status, page) = text(app.get(&anon, "/dati-aperti").await).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/dati-aperti/{second}")), "{page}");
    let (_, page) = text(app.get(&anon, &format!("/dati-aperti/{second}")).await).await;
    for f in ["catalogo.jsonld", "comuni.csv", "comuni.geojson", "comuni.xlsx", "tavole.xlsx"] {
        assert!(page.contains(&format!("/dati-aperti/{second}/{f}")), "{f} is listed");
    }
    let catalogue: serde_json::Value =
        app.get(&anon, &format!("/dati-aperti/{second}/catalogo.jsonld")).await.json().await.unwrap();
    let text_of = catalogue.to_string();
    assert!(text_of.contains("dcatapit:Dataset") && text_of.contains(&format!("/dati-aperti/{second}/comuni.csv")));
    let geo: serde_json::Value =
        app.get(&anon, &format!("/dati-aperti/{second}/comuni.geojson")).await.json().await.unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let csv = app.get(&anon, &format!("/dati-aperti/{second}/comuni.csv")).await.text().await.unwrap();
    assert!(csv.lines().count() > 7000, "one row per invited Comune");
    // The report itself is not public.
    assert_ne!(app.get(&anon, &format!("/rapporti/{second}/rapporto.pdf")).await.status(), 200);
    assert_eq!(app.get(&anon, &format!("/dati-aperti/{second}/rapporto.pdf")).await.status(), 404);
    // Withdrawn: gone from the public page.
    assert_eq!(app.post(&sec, &format!("/rapporti/{second}/ritira"), &[]).await.status(), 303);
    assert_eq!(app.get(&anon, &format!("/dati-aperti/{second}/comuni.csv")).await.status(), 404);

    // Every write is in the audit log with who made it.
    for action in ["report.template_save", "report.queue", "report.publish", "report.withdraw"] {
        let entries = argine_storage::audit::search(
            &app.state.db,
            &argine_storage::audit::Filter { action: Some(action.into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert!(!entries.is_empty(), "{action} is audited");
        assert_eq!(entries[0].actor_label, app.account("secretariat").email, "{action}");
    }
}

#[tokio::test]
async fn templates_are_versioned_and_copied() {
    let app = spawn().await;
    argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let sec = app.login_as("secretariat").await;
    // A bad name is refused with what was typed kept.
    let (status, page) =
        text(app.post(&sec, "/rapporti/modelli", &[("name", "Sintesi Regioni"), ("from", "finale")]).await).await;
    assert_eq!(status, 422);
    assert!(page.contains("lettere minuscole") && page.contains("value=\"Sintesi Regioni\""), "{page}");
    let r = app.post(&sec, "/rapporti/modelli", &[("name", "sintesi"), ("from", "preliminare")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/rapporti/modelli/sintesi");
    let (status, _) = text(app.post(&sec, "/rapporti/modelli", &[("name", "sintesi"), ("from", "finale")]).await).await;
    assert_eq!(status, 422, "the name is taken");
    let (_, page) = text(app.get(&sec, "/rapporti/modelli").await).await;
    assert!(page.contains("/rapporti/modelli/sintesi"));
    // Two versions; the first can be loaded again.
    let v1 = argine_web::reports::shipped("preliminare").unwrap();
    let v2 = v1.replacen("titolo:", "titolo: Sintesi —", 1);
    assert_eq!(app.post(&sec, "/rapporti/modelli/sintesi", &[("body", &v2), ("note", "titolo")]).await.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let history = argine_storage::reports::template_history(&mut conn, "sintesi").await.unwrap();
    drop(conn);
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].body, v2);
    assert_eq!(history[1].body, v1);
    let (_, page) = text(app.get(&sec, &format!("/rapporti/modelli/sintesi?versione={}", history[1].id)).await).await;
    assert!(page.contains("versione precedente"), "{page}");
    // The shipped template's text can be loaded back into the editor.
    let (_, page) = text(app.get(&sec, "/rapporti/modelli/finale?originale=1").await).await;
    assert!(page.contains("Ripristinato il testo fornito con argine"));
    assert_eq!(app.get(&sec, "/rapporti/modelli/nessuno").await.status(), 404);
    // A reader who may not manage the census sees the editor read-only and cannot save.
    let coordinator = app.login_as("coordinator").await;
    let (status, page) = text(app.get(&coordinator, "/rapporti/modelli/sintesi").await).await;
    assert_eq!(status, 200);
    assert!(page.contains("readonly") && !page.contains("Salva una nuova versione"));
    assert_eq!(app.post(&coordinator, "/rapporti/modelli/sintesi", &[("body", v1)]).await.status(), 403);
}
