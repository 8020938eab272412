//! Case work across three organisations through the pages: an NGO records a person, assesses
//! indicators, records consent and refers to the anti-trafficking body, which sees only the
//! shared fields and accepts; a union desk outside the case gets 403, logged.

use crate::helpers::*;
use argine_storage::audit::{self, Filter};
use argine_storage::orgs;

async fn org_id(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    orgs::find_by_name(&mut conn, name).await.unwrap().unwrap().id
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    audit::search(&app.state.db, &Filter { limit: 500, ..Filter::default() })
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.record_type, e.actor_label))
        .collect()
}

#[tokio::test]
async fn a_referral_shares_only_what_the_consent_covers() {
    let app = spawn().await;
    let ngo = app.login_as("operator").await;
    let body = org_id(&app, "Ente anti-tratta Lombardia").await;
    let body_s = body.to_string();
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string();
    let due = (argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date() + time::Duration::days(5))
        .to_string();

    // Bad input: refused with the field named, nothing typed lost, nothing stored.
    let person = [
        ("given_names", "Blessing"),
        ("family_name", "Okonkwo-Zanardi"),
        ("birth_date", "1999-02-30"),
        ("sex", "f"),
        ("nationality", "NGA"),
        ("languages", "en, pcm"),
        ("phone", "+39 347 555 0199"),
        ("residence_status", "none"),
        ("sector", "agriculture"),
        ("employer", "Azienda agricola Fittizia"),
        ("comune", "Castiglione delle Stiviere"),
    ];
    let r = app.post(&ngo, "/casi/nuovo", &person).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("la data non è valida"), "{html}");
    assert!(html.contains("value=\"Okonkwo-Zanardi\""));
    let mut fixed = person.to_vec();
    fixed[2] = ("birth_date", "1999-02-20");
    let r = app.post(&ngo, "/casi/nuovo", &fixed).await;
    assert_eq!(r.status(), 303);
    let case_url = location(&r);
    assert!(case_url.starts_with("/casi/"), "{case_url}");
    let html = app.get(&ngo, &case_url).await.text().await.unwrap();
    assert!(html.contains("Okonkwo-Zanardi") && html.contains("+39 347 555 0199"));
    assert!(html.contains("Castiglione delle Stiviere"));

    // No consent: the referral is blocked and says why.
    let referral = [
        ("to_org", body_s.as_str()),
        ("fields", "names"),
        ("fields", "residence"),
        ("due_on", due.as_str()),
        ("reason", "Indicatori di sfruttamento, chiede protezione"),
    ];
    let r = app.post(&ngo, &format!("{case_url}/invii"), &referral).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("non ha dato alcun consenso"));

    // An indicator marked present needs its evidence.
    let assess = |evidence: &'static str| {
        vec![
            ("checklist", "ilo_forced_labour"),
            ("a-retention_of_documents", "yes"),
            ("e-retention_of_documents", evidence),
            ("s-retention_of_documents", "self_report"),
            ("a-withholding_of_wages", "yes"),
            ("e-withholding_of_wages", "Paga 3 euro l'ora, trattenuti 'per il trasporto'"),
            ("outcome", "presumed_victim"),
            ("reasoning", "Due indicatori forti, racconto coerente"),
        ]
    };
    let r = app.post(&ngo, &format!("{case_url}/valutazioni"), &assess("")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("richiede gli elementi"));
    // Nothing typed is lost: the answers, the evidence given and the reasoning come back.
    assert!(html.contains("value=\"Paga 3 euro l&#39;ora, trattenuti &#39;per il trasporto&#39;\""), "{html}");
    assert!(html.contains("id=\"a-withholding_of_wages-yes\" name=\"a-withholding_of_wages\" value=\"yes\" checked"));
    assert!(html.contains("Due indicatori forti, racconto coerente</textarea>"));
    let r = app.post(&ngo, &format!("{case_url}/valutazioni"), &assess("Il passaporto è tenuto dal caporale")).await;
    assert_eq!(r.status(), 303);

    // Consent in English, explained by a mediator: names and residence, to the body only.
    let consent = [
        ("purposes", "case_work"),
        ("purposes", "referral"),
        ("fields", "names"),
        ("fields", "residence"),
        ("recipients", body_s.as_str()),
        ("language", "en"),
        ("mediator", "Grace (mediatrice)"),
        ("given_on", today.as_str()),
    ];
    assert_eq!(app.post(&ngo, &format!("{case_url}/consensi"), &consent).await.status(), 303);
    // Asking for the phone too is not covered.
    let mut with_phone = referral.to_vec();
    with_phone.push(("fields", "phone"));
    let r = app.post(&ngo, &format!("{case_url}/invii"), &with_phone).await;
    assert_eq!(r.status(), 422);
    let html_after_refusal = r.text().await.unwrap();
    assert!(html_after_refusal.contains("non comprende questi dati: Telefono"));
    assert!(html_after_refusal.contains("Indicatori di sfruttamento, chiede protezione</textarea>"), "reason kept");
    // A directory service of another organisation than the one chosen is refused, the form kept.
    let (body_service, union_service) = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let all = argine_storage::services::list(&mut conn).await.unwrap();
        let of = |org: i64| all.iter().find(|s| s.org_id == org).unwrap().id.to_string();
        (of(body), of(org_id(&app, "FLAI CGIL Mantova").await))
    };
    let mut wrong = referral.to_vec();
    wrong.push(("service", union_service.as_str()));
    let r = app.post(&ngo, &format!("{case_url}/invii"), &wrong).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("non è un servizio attivo dell&#39;organizzazione destinataria"), "{html}");
    assert!(html.contains(&format!("value=\"{union_service}\" selected")), "service kept");
    assert!(html.contains("value=\"residence\" checked"), "fields kept");
    // The service alone names the organisation that offers it.
    let mut to_service: Vec<(&str, &str)> = referral.iter().filter(|(k, _)| *k != "to_org").copied().collect();
    to_service.push(("service", body_service.as_str()));
    assert_eq!(app.post(&ngo, &format!("{case_url}/invii"), &to_service).await.status(), 303);
    let html = app.get(&ngo, &case_url).await.text().await.unwrap();
    assert!(html.contains("Identificazione preliminare"), "the presumed-victim outcome moves the stage");
    assert!(html.contains("Emersione e presa in carico vittime di tratta"), "the service is on the referral");

    // The anti-trafficking body: sees the case in its list, the names and residence, not the
    // phone, the employer or the assessment; accepts.
    let at = app.login_as("antitratta").await;
    let list = app.get(&at, "/casi").await.text().await.unwrap();
    assert!(list.contains(&case_url), "referred case listed");
    let html = app.get(&at, &case_url).await.text().await.unwrap();
    assert!(html.contains("Blessing") && html.contains("Okonkwo-Zanardi"));
    assert!(!html.contains("347 555"), "phone not shared");
    assert!(!html.contains("Fittizia"), "employer not shared");
    assert!(!html.contains("passaporto è tenuto"), "assessment evidence not shared");
    assert!(!html.contains("Grace"), "consent details stay with the owner");
    let rid: String = html.split("/invii/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let r = app.post(&at, &format!("{case_url}/invii/{rid}/risposta"), &[("decision", "decline"), ("note", "")]).await;
    assert_eq!(r.status(), 422, "declining needs a reason");
    let r = app
        .post(&at, &format!("{case_url}/invii/{rid}/risposta"), &[("decision", "accept"), ("note", "Presa in carico")])
        .await;
    assert_eq!(r.status(), 303);
    // The body cannot change the case.
    let r = app.post(&at, &format!("{case_url}/fase"), &[("action", "close"), ("reason", "other")]).await;
    assert_eq!(r.status(), 403);
    let html = app.get(&ngo, &case_url).await.text().await.unwrap();
    assert!(html.contains("Invio accettato") && html.contains("Presa in carico"));

    // A third organisation: 403 on the page and on its forms, and the attempt is logged.
    let union = app.login_as("union").await;
    assert_eq!(app.get(&union, &case_url).await.status(), 403);
    assert_eq!(app.post(&union, &format!("{case_url}/consensi"), &consent).await.status(), 403);
    assert!(!app.get(&union, "/casi").await.text().await.unwrap().contains(&case_url));

    let log = audit_actions(&app).await;
    let union_email = app.account("union").email.clone();
    assert!(log.iter().any(|(a, t, who)| a == "access.denied" && t == "case" && *who == union_email), "{log:?}");
    let at_email = app.account("antitratta").email.clone();
    assert!(log.iter().any(|(a, t, who)| a == "person.read" && t == "person" && *who == at_email));
    for action in ["case.open", "case.assess", "case.consent", "case.refer", "case.referral_response"] {
        assert!(log.iter().any(|(a, _, _)| a == action), "{action} audited");
    }

    // Withdrawing the consent withdraws the referral: the body loses access.
    let html = app.get(&ngo, &case_url).await.text().await.unwrap();
    let cid: String = html.split("/consensi/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    assert_eq!(app.post(&ngo, &format!("{case_url}/consensi/{cid}/revoca"), &[]).await.status(), 303);
    assert_eq!(app.get(&at, &case_url).await.status(), 403);
}

#[tokio::test]
async fn plan_formal_identification_break_the_glass_and_reminders() {
    let app = spawn().await;
    // Demo case 1: the NGO's, referred with consent (names, residence, assessment) to the
    // anti-trafficking body, which accepted. Case 2: the NGO's, not shared.
    let at = app.login_as("antitratta").await;
    let r = app.post(&at, "/casi/1/identificazione", &[("outcome", "presumed_victim"), ("on", "2999-01-01")]).await;
    assert_eq!(r.status(), 400, "a date in the future is refused");
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date();
    let t = today.to_string();
    let r = app.post(&at, "/casi/1/identificazione", &[("outcome", "presumed_victim"), ("on", t.as_str())]).await;
    assert_eq!(r.status(), 303);
    let html = app.get(&at, "/casi/1").await.text().await.unwrap();
    assert!(html.contains("Identificazione formale registrata") && html.contains("id=\"formal-done\""));
    // Notes are not shared with the body: it cannot add to the plan.
    let r = app.post(&at, "/casi/1/piano", &[("kind", "followup"), ("text", "Colloquio")]).await;
    assert_eq!(r.status(), 403);

    // The owner adds a task already overdue.
    let ngo = app.login_as("operator").await;
    let yesterday = (today - time::Duration::days(1)).to_string();
    let r = app
        .post(
            &ngo,
            "/casi/1/piano",
            &[("kind", "task"), ("text", "Accompagnare in Questura"), ("due_on", yesterday.as_str())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = app.get(&ngo, "/casi/1").await.text().await.unwrap();
    assert!(html.contains("Accompagnare in Questura") && html.contains("scaduto"));
    // The union cannot record an identification.
    let union = app.login_as("union").await;
    let r = app.post(&union, "/casi/1/identificazione", &[("outcome", "presumed_victim"), ("on", t.as_str())]).await;
    assert_eq!(r.status(), 403);

    // Break the glass: the Prefettura's coordinator has no access to case 2 until it gives a
    // reason; then reads it (not changes it) for a limited time; the NGO's supervisor reviews.
    let coord = app.login_as("coordinator").await;
    assert_eq!(app.get(&coord, "/casi/2").await.status(), 403);
    assert_eq!(app.get(&coord, "/casi/2/accesso-straordinario").await.status(), 200);
    let r = app.post(&coord, "/casi/2/accesso-straordinario", &[("reason", "urgente")]).await;
    assert_eq!(r.status(), 422);
    let reason = "Segnalazione dei Carabinieri: rischio immediato per la persona";
    assert_eq!(app.post(&coord, "/casi/2/accesso-straordinario", &[("reason", reason)]).await.status(), 303);
    let html = app.get(&coord, "/casi/2").await.text().await.unwrap();
    assert!(html.contains("Demo-Mensah"));
    assert_eq!(app.post(&coord, "/casi/2/fase", &[("action", "close"), ("reason", "other")]).await.status(), 403);
    assert_eq!(app.get(&ngo, "/casi/accessi").await.status(), 403, "operators do not review");
    let sup = app.login_as("supervisor").await;
    let html = app.get(&sup, "/casi/accessi").await.text().await.unwrap();
    assert!(html.contains(reason));
    let grant: String = html.split("/casi/accessi/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(app.post(&sup, &format!("/casi/accessi/{grant}"), &[("review", "justified")]).await.status(), 303);
    assert!(!app.get(&sup, "/casi/accessi").await.text().await.unwrap().contains(reason));
    let log = audit_actions(&app).await;
    assert!(log.iter().any(|(a, _, _)| a == "case.break_glass"));
    assert!(log.iter().any(|(a, _, _)| a == "case.break_glass_review"));

    // Reminders the day before the answer is due, escalation once overdue; each once.
    let body = org_id(&app, "Ente anti-tratta Lombardia").await;
    sqlx::query("UPDATE organisations SET email = 'antitratta@example.org' WHERE id = $1")
        .bind(body)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let c2 = argine_storage::cases::case(&mut tx, 2).await.unwrap();
    let consent = argine_storage::cases::add_consent(
        &mut tx,
        &argine_storage::cases::NewConsent {
            person: c2.person_id,
            purposes: "referral",
            fields: "names",
            recipients: &[body],
            language: "en",
            mediator: "",
            given_on: &t,
            by: 1,
        },
    )
    .await
    .unwrap();
    let tomorrow = (today + time::Duration::days(1)).to_string();
    let rid = argine_storage::cases::add_referral(
        &mut tx,
        &argine_storage::cases::NewReferral {
            case: 2,
            from_org: c2.owner_org,
            to_org: body,
            service: None,
            consent,
            fields: "names",
            due_on: &tomorrow,
            by: 1,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mails = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'email'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        n
    };
    let before = mails().await;
    assert_eq!(argine_web::cases::work::schedule_reminders(&app.state).await.unwrap(), (1, 0));
    assert_eq!(mails().await, before + 1);
    assert_eq!(argine_web::cases::work::schedule_reminders(&app.state).await.unwrap(), (0, 0));
    sqlx::query("UPDATE referrals SET due_on = $1 WHERE id = $2")
        .bind(yesterday.as_str())
        .bind(rid)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(argine_web::cases::work::schedule_reminders(&app.state).await.unwrap(), (0, 1));
    // The body has an address; the NGO has none in the demo: one message.
    assert_eq!(mails().await, before + 2);
    let html = app.get(&ngo, "/casi/2").await.text().await.unwrap();
    assert!(html.contains("Invio scaduto senza risposta"));
}
