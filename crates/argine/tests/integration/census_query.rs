//! Querying a Comune during data control, through a real SMTP server (aiosmtpd): the
//! secretariat asks about an issue of a closed campaign, the e-mail arrives with the query's own
//! link, the Comune opens it with no account, answers with a proposed value (a typed answer
//! survives an error), the secretariat sees the answer and applies it — the clean value changes,
//! the correction has source `ricontatto`, the raw answer stays, the audit log has it all. Then
//! the closed link, an unknown link, a Comune with no address, closing without change, and a
//! viewer refused.

use crate::census_mail::{decode, wait_for};
use crate::helpers::*;
use crate::mail_smtp::{delivered, start_smtp};
use argine_domain::census::answers::Answers;
use argine_storage::census::{self, NewCampaign, NewInvitation, NewResponse};

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/").replace("&#61;", "=").replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

/// The value of the hidden field `name` in the form whose id is `form`.
fn hidden_in(page: &str, form: &str, name: &str) -> String {
    let rest = &page[page.find(&format!(r#"id="{form}""#)).unwrap()..];
    let key = format!(r#"name="{name}" value=""#);
    let rest = &rest[rest.find(&key).unwrap() + key.len()..];
    unescape(&rest[..rest.find('"').unwrap()])
}

async fn clean_of(app: &TestApp, campaign: i64) -> (Answers, Answers) {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let clean = census::clean_page(&mut conn, campaign, "071050", 1).await.unwrap();
    let raw = census::submitted_page(&mut conn, campaign, "071050", 1).await.unwrap();
    assert_eq!(clean[0].comune_code, "071051");
    (serde_json::from_str(&raw[0].answers).unwrap(), serde_json::from_str(&clean[0].answers).unwrap())
}

async fn audit(app: &TestApp, action: &str) -> Vec<argine_domain::audit::StoredEntry> {
    argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some(action.into()), limit: 20, ..Default::default() },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn census_query_from_issue_to_answer_to_correction() {
    let smtp = start_smtp().await;
    let port = smtp.port;
    let app = spawn_with(move |cfg| {
        cfg.mail.transport = "smtp".into();
        cfg.mail.smtp_host = "127.0.0.1".into();
        cfg.mail.smtp_port = port;
        cfg.mail.smtp_tls = "none".into();
        cfg.mail.from = "Segreteria InCaS <incas@argine.test>".into();
    })
    .await;

    // A closed campaign (data control comes after closing): San Severo, with a PEC, reported a
    // settlement of 20,000 people; Foggia, with no address, answered too.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let version = census::forms(&mut conn).await.unwrap()[0].published_version_id.unwrap();
    drop(conn);
    let mut tx = app.state.db.begin().await.unwrap();
    let campaign = census::create_campaign(
        &mut tx,
        &NewCampaign {
            name: "Rilevazione 2026",
            form_version_id: version,
            universe: r#"{"kind":"list"}"#,
            opens_on: "2026-01-10",
            deadline: "2026-02-10",
            status: "closed",
            reminders: 0,
            reminder_days: 7,
            accept_late: false,
        },
        None,
    )
    .await
    .unwrap();
    let inv = |code: &str, name: &str, pec: Option<&str>| NewInvitation {
        comune_code: code.into(),
        comune_name: name.into(),
        province_code: "071".into(),
        region_code: "16".into(),
        email: None,
        pec: pec.map(str::to_owned),
        invited_at: Some(1_768_000_000),
    };
    let ids = census::add_invitations(
        &mut tx,
        campaign,
        &[inv("071024", "Foggia", None), inv("071051", "San Severo", Some("protocollo@pec.comune.sansevero.fg.it"))],
    )
    .await
    .unwrap();
    let answers = |people: &str| {
        format!(
            r#"{{"B1":"1","C1":"informali","n_insediamenti":"1","insediamenti":[{{"E1":"Borgo","E3":"{people}"}}],"tot_persone_insediamenti":"{people}"}}"#
        )
    };
    let responses: Vec<NewResponse> = ids
        .iter()
        .zip(["30", "20000"])
        .map(|(id, people)| NewResponse {
            invitation_id: *id,
            form_version_id: version,
            answers: answers(people),
            submitted_at: Some(1_768_100_000),
            source: "import",
        })
        .collect();
    census::add_responses(&mut tx, &responses).await.unwrap();
    tx.commit().await.unwrap();
    let (foggia, sansevero) = (ids[0], ids[1]);

    // The issue list offers to ask the Comune.
    let sec = app.login_as("secretariat").await;
    let issues = format!("/censimento/campagne/{campaign}/controllo?regola=e3-range");
    let page = unescape(&app.get(&sec, &issues).await.text().await.unwrap());
    let ask = format!(
        "/censimento/campagne/{campaign}/comuni/{sansevero}/richiesta?regola=e3-range&soggetto=insediamenti%5B0%5D"
    );
    assert!(page.contains(&ask), "{page}");
    assert!(page.contains(&format!("/censimento/campagne/{campaign}/richieste")));

    // The form: the issue, the recipient, the question, the message prefilled in Italian.
    let r = app.get(&sec, &ask).await;
    assert_eq!(r.status(), 200);
    let page = unescape(&r.text().await.unwrap());
    assert!(page.contains("protocollo@pec.comune.sansevero.fg.it"), "{page}");
    assert!(
        page.contains("Gentile Comune di San Severo")
            && page.contains("fuori dall'intervallo atteso (1–10.000): E3 = 20000"),
        "{page}"
    );
    assert!(page.contains(r#"<option value="insediamenti[0]/E3" selected>"#), "the issue's question is chosen");
    let (rule, subject, fingerprint) = (
        hidden_in(&page, "query-form", "rule"),
        hidden_in(&page, "query-form", "subject"),
        hidden_in(&page, "query-form", "fingerprint"),
    );
    assert_eq!(
        (rule.as_str(), subject.as_str(), fingerprint.as_str()),
        ("e3-range", "insediamenti[0]", "insediamenti[0]/E3=20000")
    );

    // An empty message is refused, with the question kept.
    let create = format!("/censimento/campagne/{campaign}/comuni/{sansevero}/richiesta");
    let form = |message: &'static str| {
        vec![
            ("rule", rule.clone()),
            ("subject", subject.clone()),
            ("fingerprint", fingerprint.clone()),
            ("path", "insediamenti[0]/E3".to_owned()),
            ("message", message.to_owned()),
        ]
    };
    let f = form("   ");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&sec, &create, &f).await;
    assert_eq!(r.status(), 422);
    let page = unescape(&r.text().await.unwrap());
    assert!(page.contains("Il messaggio al Comune è obbligatorio"), "{page}");
    assert!(page.contains(r#"<option value="insediamenti[0]/E3" selected>"#));

    // Sent: the e-mail arrives at the Comune's PEC with the query's own link.
    let message = "Gentile Comune di San Severo,\nrisultano 20000 persone nell'insediamento Borgo: è corretto?";
    let f = form(message);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&sec, &create, &f).await;
    assert_eq!(r.status(), 303);
    let sent = location(&r);
    assert!(sent.starts_with(&format!("/censimento/campagne/{campaign}/richieste/")), "{sent}");
    let page = app.get(&sec, &sent).await.text().await.unwrap();
    let detail = sent.split('?').next().unwrap().to_owned();
    assert!(page.contains("Richiesta inviata") && page.contains(r#"data-status="open""#), "{page}");
    let mails: Vec<_> = wait_for(&smtp, 1).await.iter().map(|m| decode(&app, m)).collect();
    let mail = &mails[0];
    assert!(mail.to.contains("protocollo@pec.comune.sansevero.fg.it"), "{mail:?}");
    assert_eq!(mail.subject, "Rilevazione 2026: richiesta di verifica per il Comune di San Severo");
    assert!(mail.text.contains("risultano 20000 persone nell'insediamento Borgo"), "{}", mail.text);
    let link = link_in(&mail.text, &format!("{}/richiesta/", app.url));
    let link = link.trim_start_matches(&app.url).to_owned();
    // No token in the database, only its hash.
    let token = link.trim_start_matches("/richiesta/");
    let stored: (String,) =
        sqlx::query_as("SELECT token_hash FROM census_queries").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(stored.0, argine_domain::auth::token::digest(token));
    assert!(!stored.0.contains(token));

    // The issue list says it is waiting; no second "ask" for it.
    let page = unescape(&app.get(&sec, &issues).await.text().await.unwrap());
    assert!(page.contains("in attesa di risposta") && !page.contains(&ask), "{page}");

    // The Comune opens the link (no account): the message, the question, its current value.
    let comune = app.client();
    let r = app.get(&comune, &link).await;
    assert_eq!(r.status(), 200);
    let page = unescape(&r.text().await.unwrap());
    assert!(page.contains("risultano 20000 persone nell'insediamento Borgo") && page.contains("San Severo"), "{page}");
    assert!(page.contains("(scheda 1)") && page.contains(r#"id="query-current">20000<"#), "{page}");

    // An empty answer: an Italian error, the proposed value kept; a bad number keeps the text.
    let r = app.post(&comune, &link, &[("answer", "  "), ("proposed", "2.000")]).await;
    assert_eq!(r.status(), 422);
    let page = unescape(&r.text().await.unwrap());
    assert!(page.contains("Scrivete la vostra risposta") && page.contains(r#"value="2.000""#), "{page}");
    let typed = "Abbiamo ricontato: sono circa duemila, il 20000 è un errore di battitura";
    let r = app.post(&comune, &link, &[("answer", typed), ("proposed", "duemila")]).await;
    assert_eq!(r.status(), 422);
    let page = unescape(&r.text().await.unwrap());
    assert!(page.contains("numero intero") && page.contains(typed), "{page}");

    // The answer, with the proposed value (Italian thousands separator): the receipt.
    let r = app.post(&comune, &link, &[("answer", typed), ("proposed", "2.000")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{link}/ricevuta"));
    let page = unescape(&app.get(&comune, &location(&r)).await.text().await.unwrap());
    assert!(page.contains("Risposta ricevuta") && page.contains(typed) && page.contains("2000"), "{page}");

    // The secretariat sees it: on the issue list, the list of queries, the query's page.
    let page = app.get(&sec, &issues).await.text().await.unwrap();
    assert!(page.contains("risposta ricevuta"), "{page}");
    let list = app.get(&sec, &format!("/censimento/campagne/{campaign}/richieste")).await;
    assert_eq!(list.status(), 200);
    let list = list.text().await.unwrap();
    assert!(list.contains(r#"data-status="answered""#) && list.contains("San Severo"), "{list}");
    let waiting = app.get(&sec, &format!("/censimento/campagne/{campaign}/richieste?stato=in-attesa")).await;
    assert!(waiting.text().await.unwrap().contains(r#"id="query-none""#), "the filter: none waiting");
    let page = unescape(&app.get(&sec, &detail).await.text().await.unwrap());
    assert!(page.contains(typed) && page.contains(r#"id="query-proposed">2000<"#), "{page}");
    assert!(page.contains(r#"id="query-current">20000<"#));
    let answered_at = hidden_in(&page, "query-apply", "answered_at");
    assert!(!answered_at.is_empty());

    // A stale page cannot apply; the page's own answer is applied as a correction.
    let apply = format!("{detail}/applica");
    let r = app.post(&sec, &apply, &[("answered_at", "1")]).await;
    assert_eq!(r.status(), 409);
    let r = app.post(&sec, &apply, &[("answered_at", &answered_at)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let page = app.get(&sec, &detail).await.text().await.unwrap();
    assert!(page.contains("chiusa con correzione") && page.contains(r#"id="query-correction""#), "{page}");
    let (raw, clean) = clean_of(&app, campaign).await;
    assert_eq!(raw.repeat("insediamenti")[0].value("E3"), "20000", "the raw answer stays");
    assert_eq!(clean.repeat("insediamenti")[0].value("E3"), "2000");
    assert_eq!(clean.value("tot_persone_insediamenti"), "2000", "the total follows");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let corrections = census::clean::corrections_of(&mut conn, sansevero).await.unwrap();
    drop(conn);
    assert_eq!(corrections.len(), 1);
    let c = &corrections[0];
    assert_eq!(
        (c.source.as_str(), c.path.as_str(), c.old_value.as_str(), c.new_value.as_str()),
        ("ricontatto", "insediamenti[0]/E3", "20000", "2000")
    );
    assert!(c.reason.starts_with("Risposta del Comune alla richiesta n. ") && c.reason.contains(typed), "{}", c.reason);
    let by: (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(&app.account("secretariat").email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(c.created_by, Some(by.0));
    // The issue is gone from the list.
    let page = app.get(&sec, &issues).await.text().await.unwrap();
    assert!(!page.contains(r#"data-comune="071051""#), "{page}");

    // The audit log: who asked, the Comune's answer through its link, the correction, the
    // closing, and the reads of the pages that show answers.
    let created = audit(&app, "census.query.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].actor_label, app.account("secretariat").email);
    assert!(created[0].details.contains("e3-range") && created[0].details.contains("20000 persone"));
    let answered = audit(&app, "census.query.answer").await;
    assert_eq!(answered.len(), 1, "only the stored answer, not the refused ones");
    assert_eq!(answered[0].actor_label, "link:071051");
    let added = audit(&app, "census.correction.add").await;
    assert_eq!(added.len(), 1);
    assert!(added[0].details.contains("ricontatto"));
    assert_eq!(audit(&app, "census.query.close").await.len(), 1);
    for read in ["census_query.read", "census_queries.read"] {
        let reads = audit(&app, read).await;
        assert!(!reads.is_empty() && reads.iter().all(|e| e.personal), "{read}");
    }

    // The closed link says so; an unknown one is a 404 page, in Italian.
    let r = app.get(&comune, &link).await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("La segreteria ha chiuso questa richiesta"));
    let r = app.post(&comune, &link, &[("answer", "ancora")]).await;
    assert_eq!(r.status(), 410);
    let r = app.get(&comune, "/richiesta/non-esiste-questo-link").await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("non corrisponde a nessuna richiesta"));

    // Foggia has no address: nothing is sent, the form says why.
    let r = app.get(&sec, &format!("/censimento/campagne/{campaign}/comuni/{foggia}/richiesta")).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("né PEC né e-mail"));
    let r = app
        .post(&sec, &format!("/censimento/campagne/{campaign}/comuni/{foggia}/richiesta"), &[("message", "Domanda")])
        .await;
    assert_eq!(r.status(), 422);

    // A free query from the Comune's data page, closed without change (a note is required).
    let page =
        app.get(&sec, &format!("/censimento/campagne/{campaign}/comuni/{sansevero}/dati")).await.text().await.unwrap();
    assert!(unescape(&page).contains(&create) && page.contains("clean-queries"), "{page}");
    let r =
        app.post(&sec, &create, &[("path", ""), ("message", "Potete mandarci la delibera sugli insediamenti?")]).await;
    assert_eq!(r.status(), 303);
    let second = location(&r);
    assert_eq!(wait_for(&smtp, 2).await.len(), 2);
    let close = format!("{}/chiudi", second.split('?').next().unwrap());
    let r = app.post(&sec, &close, &[("answered_at", ""), ("note", " ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("serve una nota"));
    let r = app.post(&sec, &close, &[("answered_at", ""), ("note", "Delibera ricevuta per PEC")]).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &location(&r)).await.text().await.unwrap();
    assert!(page.contains("chiusa senza modifiche") && page.contains("Delibera ricevuta per PEC"), "{page}");
    assert_eq!(delivered(smtp.maildir.path()).len(), 2, "no e-mail to Foggia");

    // A viewer sees none of it.
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, &format!("/censimento/campagne/{campaign}/richieste")).await.status(), 403);
    assert_eq!(app.get(&viewer, &detail).await.status(), 403);
    assert_eq!(app.post(&viewer, &create, &[("message", "x")]).await.status(), 403);
}
