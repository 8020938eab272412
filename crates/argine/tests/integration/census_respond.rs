//! A Comune answers through its secret link: pages saved as drafts whatever their errors (the
//! typed values come back), the form's own messages, relevance across pages, a repeat, the
//! summary and the submission, the tracking counts; and links that no longer work.

use crate::helpers::*;
use argine_domain::census::answers::Answers;
use argine_storage::census;

/// An open campaign to the Comuni of the province of Foggia; San Severo's link and invitation.
async fn campaign(app: &TestApp) -> (i64, String, i64) {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let version = census::forms(&mut conn).await.unwrap()[0].published_version_id.unwrap();
    drop(conn);
    let mut tx = app.state.db.begin().await.unwrap();
    let deadline = time::OffsetDateTime::now_utc().date() + time::Duration::days(20);
    let (id, links) =
        argine::census::open_campaign(&mut tx, &app.state, "Prova", version, &["071"], deadline, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(links.len(), 61, "the comuni of the province of Foggia");
    let link = links.into_iter().find(|(c, _)| c == "071051").unwrap().1;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let inv = census::invitation_by_link(&mut conn, &argine_domain::auth::token::digest(&link)).await.unwrap();
    (id, link, inv.id)
}

async fn post(app: &TestApp, c: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.post(c, path, form).await
}

#[tokio::test]
async fn a_comune_fills_saves_resumes_and_submits() {
    let app = spawn().await;
    let (campaign_id, link, inv) = campaign(&app).await;
    let c = app.client();
    let base = format!("/risposta/{link}");

    let r = app.get(&c, &base).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("San Severo") && page.contains("Sezione A"), "{page}");

    // Page 0 with a wrong cadastral code and a missing name: refused with the form's own
    // message, but saved.
    let p0 = format!("{base}/pagina/0");
    let r = post(&app, &c, &p0, &[("A1", "San Severo"), ("A1a", "h501"), ("A3", "1"), ("op", "next")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Il codice catastale è composto da una lettera maiuscola e tre cifre"), "{page}");
    assert!(page.contains("Indicare nome e cognome del Referente"), "the form's required message: {page}");
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(page.contains("value=\"h501\""), "what was typed is shown again");
    // Resumed in a new browser: the draft is there.
    let other = app.client();
    let page = app.get(&other, &p0).await.text().await.unwrap();
    assert!(page.contains("value=\"h501\"") && page.contains("value=\"San Severo\""), "{page}");

    // Corrected: on to section B.
    let r = post(
        &app,
        &c,
        &p0,
        &[("A1", "San Severo"), ("A1a", "I158"), ("A2", "Rita Esposito"), ("A3", "1"), ("op", "next")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let next = location(&r);
    assert_eq!(next, format!("{base}/pagina/1"));
    // B1 = yes, stable workers: section C becomes relevant.
    let r = post(&app, &c, &next, &[("B1", "1"), ("B2", "stab"), ("B3a", "250"), ("op", "next")]).await;
    assert_eq!(r.status(), 303);
    let next = location(&r);
    let r = post(&app, &c, &next, &[("C1", "informali"), ("op", "next")]).await;
    assert_eq!(r.status(), 303);
    // Only the informal settlements repeat is relevant: the structures page is skipped.
    let settlements = location(&r);
    let page = app.get(&c, &settlements).await.text().await.unwrap();
    assert!(page.contains("insediamenti#count"), "{page}");
    // Add a settlement, fill it with an impossible number of people, then fix it.
    let r = post(&app, &c, &settlements, &[("insediamenti#count", "0"), ("op", "add:insediamenti")]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("insediamenti[0]/E1"));
    let fields = |people: &'static str| {
        vec![
            ("insediamenti#count", "1"),
            ("insediamenti[0]/E1", "Gran Ghetto di Rignano"),
            ("insediamenti[0]/E2", "baracche"),
            ("insediamenti[0]/E2", "roulotte"),
            ("insediamenti[0]/E3", people),
            ("insediamenti[0]/E5", "2000"),
            ("op", "next"),
        ]
    };
    let r = post(&app, &c, &settlements, &fields("25000")).await;
    assert_eq!(r.status(), 422);
    let r = post(&app, &c, &settlements, &fields("2100")).await;
    assert_eq!(r.status(), 303);
    let last = location(&r);
    let r = post(&app, &c, &last, &[("F1", "2"), ("op", "next")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{base}/riepilogo"));

    // Summary without issues; the totals note is filled in; submit.
    let page = app.get(&c, &format!("{base}/riepilogo")).await.text().await.unwrap();
    assert!(!page.contains("form-errors"), "{page}");
    assert!(page.contains("2100"), "the closing note shows the computed total: {page}");
    let r = post(&app, &c, &format!("{base}/invia"), &[]).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &format!("{base}/riepilogo")).await.text().await.unwrap();
    assert!(page.contains("census-submitted"), "{page}");
    assert!(page.contains(&format!("{base}/ricevuta.pdf")), "{page}");

    // The PDF receipt, read back by a real reader: the answers as the Comune saw them (labels,
    // not codes), the repeat instance, and the fingerprint of what was stored.
    let r = app.get(&c, &format!("{base}/ricevuta.pdf")).await;
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "application/pdf"));
    let bytes = r.bytes().await.unwrap();
    if let Some(text) = pdf_text(&app, &bytes) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let stored = census::response_of(&mut conn, inv).await.unwrap().unwrap().answers;
        let fingerprint = argine_domain::crypto::sha256_hex(
            serde_json::to_string(&serde_json::from_str::<Answers>(&stored).unwrap()).unwrap().as_bytes(),
        );
        for expected in ["Ricevuta di invio", "San Severo", "Rita Esposito", "I158", "Gran Ghetto di Rignano", "2100"] {
            assert!(flat.contains(expected), "{expected:?} not in the receipt:\n{text}");
        }
        assert!(flat.contains("Baracche") || flat.contains("baracche"), "{text}");
        assert!(!flat.contains(" stab "), "codes are shown as labels: {text}");
        assert!(text.replace(['\n', ' '], "").contains(&fingerprint), "the fingerprint {fingerprint}: {text}");
    }
    // The compilation guide from the form and from the version page: every section.
    let guide = app.get(&c, &format!("{base}/guida.pdf")).await.bytes().await.unwrap();
    if let Some(text) = pdf_text(&app, &guide) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in ["Guida alla compilazione", "San Severo", "Sezione A", "Codice Catastale", "Pagina 1 di"] {
            assert!(flat.contains(expected), "{expected:?} not in the guide:\n{text}");
        }
    }

    // Stored as submitted, finalised; counted; no more changes.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let resp = census::response_of(&mut conn, inv).await.unwrap().unwrap();
    assert!(resp.is_submitted());
    let a: Answers = serde_json::from_str(&resp.answers).unwrap();
    assert_eq!(a.value("A1a"), "I158");
    assert_eq!(a.repeat("insediamenti")[0].value("E3"), "2100");
    assert_eq!(a.repeat("insediamenti")[0].value("anni_insediamento"), "21");
    assert!(a.repeat("strutture").is_empty());
    let (total, _) = census::progress_by_region(&mut conn, campaign_id).await.unwrap();
    assert_eq!((total.invited, total.started, total.submitted), (61, 1, 1));
    drop(conn);
    let r = post(&app, &c, &p0, &[("A1", "Altro"), ("op", "save")]).await;
    assert_eq!(r.status(), 409);
    let r = app.get(&c, &base).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("{base}/riepilogo")));

    // The secretariat reopens it, with a reason that goes to the audit log; the Comune corrects
    // and submits again through the same link.
    let sec = app.login_as("secretariat").await;
    let reopen = format!("/censimento/campagne/{campaign_id}/comuni/{inv}/riapri");
    let r = post(&app, &sec, &reopen, &[("reason", "")]).await;
    assert_eq!(r.status(), 400, "a reason is required");
    let r = post(&app, &sec, &reopen, &[("reason", "Il Comune segnala un errore nel numero di persone")]).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &location(&r)).await;
    assert_eq!(page.status(), 200, "the page the reopening leads to");
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("census.response.reopen".into()),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].details.contains("errore nel numero di persone"));
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(!census::response_of(&mut conn, inv).await.unwrap().unwrap().is_submitted());
    let (total, _) = census::progress_by_region(&mut conn, campaign_id).await.unwrap();
    assert_eq!(total.submitted, 0);
    drop(conn);
    let page = app.get(&c, &settlements).await.text().await.unwrap();
    assert!(page.contains("value=\"2100\""), "the answers are still there");
    let r = post(&app, &c, &settlements, &fields("2050")).await;
    assert_eq!(r.status(), 303);
    let r = post(&app, &c, &format!("{base}/invia"), &[]).await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let resp = census::response_of(&mut conn, inv).await.unwrap().unwrap();
    assert!(resp.is_submitted());
    let a: Answers = serde_json::from_str(&resp.answers).unwrap();
    assert_eq!(a.repeat("insediamenti")[0].value("E3"), "2050");
    // A viewer cannot reopen.
    let viewer = app.login_as("viewer").await;
    let r = post(&app, &viewer, &reopen, &[("reason", "non autorizzato")]).await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn submitting_with_missing_answers_lists_them_and_stores_nothing() {
    let app = spawn().await;
    let (_, link, inv) = campaign(&app).await;
    let c = app.client();
    let r = post(&app, &c, &format!("/risposta/{link}/pagina/0"), &[("A1", "San Severo"), ("op", "save")]).await;
    assert_eq!(r.status(), 200);
    let r = post(&app, &c, &format!("/risposta/{link}/invia"), &[]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("form-errors") && page.contains("A1a"), "{page}");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(!census::response_of(&mut conn, inv).await.unwrap().unwrap().is_submitted());
}

#[tokio::test]
async fn unknown_revoked_and_closed_links_say_why() {
    let app = spawn().await;
    let (campaign_id, link, inv) = campaign(&app).await;
    let c = app.client();
    let r = app.get(&c, "/risposta/not-a-real-link").await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("non corrisponde a nessun invito"));
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    census::revoke_link(&mut conn, inv).await.unwrap();
    let r = app.get(&c, &format!("/risposta/{link}")).await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("non è più valido"));
    sqlx::query("UPDATE census_campaigns SET status = 'closed' WHERE id = $1")
        .bind(campaign_id)
        .execute(&mut *conn)
        .await
        .unwrap();
    census::set_link(&mut conn, inv, &argine_domain::auth::token::digest("fresh"), argine_storage::now() + 60)
        .await
        .unwrap();
    let r = app.get(&c, "/risposta/fresh").await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("La rilevazione è chiusa"));
}

#[tokio::test]
async fn the_live_preview_shows_what_becomes_relevant_and_saves_nothing() {
    let app = spawn().await;
    let (_, link, inv) = campaign(&app).await;
    let c = app.client();
    let page = app.get(&c, &format!("/risposta/{link}/pagina/0")).await.text().await.unwrap();
    assert!(!page.contains("name=\"A3a\""));
    // A3 drives the relevance of A3a, so its inputs carry the htmx round-trip; A2 does not.
    assert!(page.contains("name=\"A3\" id=\"q-A3-0\" value=\"1\" hx-post="), "{page}");
    let a2 = &page[page.find("id=\"q-A2\"").unwrap()..];
    let a2 = &a2[..a2.find('>').unwrap()];
    assert!(!a2.contains("hx-post"), "{a2}");
    let r =
        post(&app, &c, &format!("/risposta/{link}/pagina/0"), &[("A2", "Rita"), ("A3", "2"), ("op", "preview")]).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("name=\"A3a\"") && page.contains("value=\"Rita\""), "{page}");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    assert!(census::response_of(&mut conn, inv).await.unwrap().is_none(), "a preview is not a save");
}

/// Responses collected elsewhere (a LimeSurvey-style CSV with question-code headings) are
/// checked whole, refused with every problem located, then imported all or nothing.
#[tokio::test]
async fn responses_collected_elsewhere_are_imported_all_or_nothing() {
    let app = spawn().await;
    let (campaign_id, _link, inv) = campaign(&app).await;
    let sec = app.login_as("secretariat").await;
    let path = format!("/censimento/campagne/{campaign_id}/importa");
    assert_eq!(app.get(&sec, &path).await.status(), 200);
    let bad = "id;submitdate;comune;A1;A1a;A2;A3;B1\n\
               1;2026-11-20 10:00:00;San Severo;San Severo;h501;Rita Esposito;1;2\n\
               2;2026-11-20 11:00:00;071029;Manfredonia;E885;Mario Rossi;1;forse\n\
               3;2026-11-21 09:00:00;Atlantide;Atlantide;A000;Nessuno;1;2\n";
    let r = upload(&app, &sec, &path, "limesurvey.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("LimeSurvey"), "the format is recognised: {page}");
    // The cadastral code is the most precise mention of the Comune: a wrong one is reported.
    assert!(page.contains("«h501» non è tra i Comuni della campagna"), "{page}");
    assert!(page.contains("«forse» non è una delle risposte possibili"), "{page}");
    assert!(page.contains("«A000» non è tra i Comuni della campagna"), "{page}");
    assert!(!page.contains("import-confirm"), "no confirmation with errors");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let (total, _) = census::progress_by_region(&mut conn, campaign_id).await.unwrap();
    assert_eq!(total.submitted, 0);
    drop(conn);

    let good = "id;submitdate;comune;A1;A1a;A2;A3;B1\n\
                1;2026-11-20 10:00:00;San Severo;San Severo;I158;Rita Esposito;1;2\n\
                2;2026-11-20 11:00:00;071029;Manfredonia;E885;Mario Rossi;1;2\n";
    let r = upload(&app, &sec, &path, "limesurvey.csv", good.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let action = page.split("action=\"").find(|s| s.starts_with(&format!("{path}/"))).unwrap();
    let confirm = action.split('"').next().unwrap().to_owned();
    let r = app.post(&sec, &confirm, &[]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let (total, _) = census::progress_by_region(&mut conn, campaign_id).await.unwrap();
    assert_eq!(total.submitted, 2);
    let resp = census::response_of(&mut conn, inv).await.unwrap().unwrap();
    assert!(resp.is_submitted());
    let a: Answers = serde_json::from_str(&resp.answers).unwrap();
    assert_eq!((a.value("A1a"), a.value("A2"), a.value("B1")), ("I158", "Rita Esposito", "2"));
    let (source,): (String,) = sqlx::query_as("SELECT source FROM census_responses WHERE invitation_id = $1")
        .bind(inv)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(source, "import");
    drop(conn);
    // The same file again: already applied; a new upload conflicts with the submitted ones and
    // imports nothing.
    assert_eq!(app.post(&sec, &confirm, &[]).await.status(), 404);
    let r = upload(&app, &sec, &path, "limesurvey.csv", good.as_bytes().to_vec()).await;
    let page = r.text().await.unwrap();
    let action = page.split("action=\"").find(|s| s.starts_with(&format!("{path}/"))).unwrap();
    let confirm = action.split('"').next().unwrap().to_owned();
    let r = app.post(&sec, &confirm, &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("ha già inviato il questionario"));
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("census.responses.import".into()),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    // Viewers cannot import.
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, &path).await.status(), 403);
}

/// A Comune's referent fills in its questionnaire through the account: the list shows the
/// open campaign of San Severo only, and opening it leads to the same form as the link.
#[tokio::test]
async fn a_referent_answers_through_the_account() {
    let app = spawn().await;
    let (campaign_id, link, inv) = campaign(&app).await;
    let referent = app.login_as("referent").await;
    let page = app.get(&referent, "/censimento/da-compilare").await.text().await.unwrap();
    assert!(page.contains("San Severo") && page.contains("Prova"), "{page}");
    assert!(!page.contains("Manfredonia"), "only the referent's own Comune: {page}");
    let r = app.post(&referent, &format!("/censimento/da-compilare/{inv}"), &[]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("/risposta/{link}")));
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let other = census::invitations(&mut conn, campaign_id)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.comune_code == "071029")
        .unwrap();
    drop(conn);
    assert_eq!(app.post(&referent, &format!("/censimento/da-compilare/{}", other.id), &[]).await.status(), 403);
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter {
            action: Some("census.response.open_by_account".into()),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    let viewer = app.login_as("viewer").await;
    let page = app.get(&viewer, "/censimento/da-compilare").await.text().await.unwrap();
    assert!(page.contains("census-mine-none"), "{page}");
    assert_eq!(app.post(&viewer, &format!("/censimento/da-compilare/{inv}"), &[]).await.status(), 403);
}
