//! Data control on the synthetic national census: a planted bad value is found by the rules
//! with the right Comune, corrected through the web form (what was typed survives an error),
//! the clean pages carry the correction while the raw ones do not, the audit log says who and
//! why, withdrawing restores the value, and an accepted issue stays accepted on a rerun.

use crate::helpers::*;
use argine_domain::census::answers::{Answer, Answers};
use argine_storage::census;

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/").replace("&#61;", "=").replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

/// The hidden `fingerprint` of the accept form of `rule` for `comune` on an issues page.
fn fingerprint_in(page: &str, rule: &str, comune: &str) -> Option<String> {
    let start = format!(r#"name="rule" value="{rule}"><input type="hidden" name="comune" value="{comune}">"#);
    let rest = &page[page.find(&start)? + start.len()..];
    let key = r#"name="fingerprint" value=""#;
    let rest = &rest[rest.find(key)? + key.len()..];
    Some(unescape(&rest[..rest.find('"')?]))
}

async fn clean_answers(app: &TestApp, campaign: i64, code: &str) -> (Answers, Answers) {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let before = format!("{:06}", code.parse::<u32>().unwrap() - 1);
    let clean = census::clean_page(&mut conn, campaign, &before, 1).await.unwrap();
    let raw = census::submitted_page(&mut conn, campaign, &before, 1).await.unwrap();
    assert_eq!((clean[0].comune_code.as_str(), raw[0].comune_code.as_str()), (code, code));
    (serde_json::from_str(&raw[0].answers).unwrap(), serde_json::from_str(&clean[0].answers).unwrap())
}

#[tokio::test]
async fn census_clean_rules_corrections_withdraw_and_accepted_issues() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let id = out.campaign_id;

    // Plant a bad value: the first settlement of a Comune with settlements gets more people
    // than the Comune has residents (the total follows, so only the population rule fires).
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let all = census::submitted_page(&mut conn, id, "", 10_000).await.unwrap();
    let target = all
        .iter()
        .find(|r| {
            let a: Answers = serde_json::from_str(&r.answers).unwrap();
            a.repeat("insediamenti").len() == 1
        })
        .unwrap()
        .clone();
    let population = app.state.territory().resolve(&target.comune_code).unwrap().current.pop_total;
    let mut a: Answers = serde_json::from_str(&target.answers).unwrap();
    let original = a.repeat("insediamenti")[0].value("E3").to_owned();
    let planted = (population + 1000).to_string();
    let mut s = a.take_repeat("insediamenti");
    s[0].set("E3", planted.clone());
    a.set_repeat("insediamenti", s);
    a.set("tot_persone_insediamenti", planted.clone());
    assert!(matches!(a.0.get("insediamenti"), Some(Answer::Repeat(_))));
    sqlx::query("UPDATE census_responses SET answers = $1 WHERE id = $2")
        .bind(serde_json::to_string(&a).unwrap())
        .bind(target.id)
        .execute(&mut *conn)
        .await
        .unwrap();
    let inv: i64 = sqlx::query_as::<_, (i64,)>("SELECT invitation_id FROM census_responses WHERE id = $1")
        .bind(target.id)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .0;
    drop(conn);
    let code = target.comune_code.clone();

    // The rules find it, with the right Comune; the campaign page links to the page.
    let sec = app.login_as("secretariat").await;
    let campaign = app.get(&sec, &format!("/censimento/campagne/{id}")).await.text().await.unwrap();
    assert!(campaign.contains(&format!("/censimento/campagne/{id}/controllo")));
    let issues = format!("/censimento/campagne/{id}/controllo?regola=people-over-population");
    let r = app.get(&sec, &issues).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!(r#"data-rule="people-over-population" data-comune="{code}""#)), "{page}");
    assert!(page.contains(&target.comune_name) && page.contains(&format!("{population} residenti")));

    // The Comune's page shows raw and clean values.
    let data = format!("/censimento/campagne/{id}/comuni/{inv}/dati");
    let r = app.get(&sec, &format!("{data}?campo=insediamenti%5B0%5D%2FE3")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!(r#"value="{planted}""#)), "the form starts from the current value");

    // A form error keeps what was typed, in Italian.
    let corr = format!("/censimento/campagne/{id}/comuni/{inv}/correzioni");
    let r = app
        .post(
            &sec,
            &corr,
            &[("path", "insediamenti[0]/E3"), ("value", "12345"), ("reason", " "), ("source", "telefonata")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Il motivo della correzione è obbligatorio"), "{page}");
    assert!(page.contains(r#"value="12345""#) && page.contains(r#"value="insediamenti[0]/E3""#));
    let r = app
        .post(
            &sec,
            &corr,
            &[("path", "insediamenti[9]/E3"), ("value", "1"), ("reason", "Prova"), ("source", "documento")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("La domanda indicata non esiste"));

    // The correction, through the form.
    let why = "Telefonata con l'ufficio tecnico: erano i residenti, non le persone nell'insediamento";
    let r = app
        .post(
            &sec,
            &corr,
            &[("path", "insediamenti[0]/E3"), ("value", &original), ("reason", why), ("source", "telefonata")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &location(&r)).await.text().await.unwrap();
    assert!(page.contains("Correzione salvata") && page.contains("clean-history"));
    let (raw, clean) = clean_answers(&app, id, &code).await;
    assert_eq!(raw.repeat("insediamenti")[0].value("E3"), planted, "the raw response is unchanged");
    assert_eq!(clean.repeat("insediamenti")[0].value("E3"), original);
    assert_eq!(clean.value("tot_persone_insediamenti"), original, "the total follows the correction");
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("census.correction.add".into()), limit: 5, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_label, app.account("secretariat").email);
    assert!(audit[0].details.contains("erano i residenti") && audit[0].details.contains("telefonata"));
    let reads = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("census_response.read".into()), limit: 10, ..Default::default() },
    )
    .await
    .unwrap();
    assert!(!reads.is_empty() && reads.iter().all(|e| e.personal), "the response page is an audited read");

    // The rerun no longer finds it.
    let page = app.get(&sec, &issues).await.text().await.unwrap();
    assert!(!page.contains(&format!(r#"data-comune="{code}""#)));

    // Withdrawing restores the planted value, and the issue is back.
    let cid: i64 = sqlx::query_as::<_, (i64,)>("SELECT id FROM census_corrections WHERE invitation_id = $1")
        .bind(inv)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
        .0;
    let r = app
        .post(&sec, &format!("/censimento/campagne/{id}/comuni/{inv}/correzioni/{cid}/ritira"), &[("reason", "")])
        .await;
    assert_eq!(r.status(), 303);
    let (_, clean) = clean_answers(&app, id, &code).await;
    assert_eq!(clean.repeat("insediamenti")[0].value("E3"), planted);
    let history = app.get(&sec, &data).await.text().await.unwrap();
    assert!(unescape(&history).contains(why), "the withdrawn correction stays in the history");
    let page = app.get(&sec, &issues).await.text().await.unwrap();
    let fingerprint = fingerprint_in(&page, "people-over-population", &code).unwrap();

    // Accepting needs a note; accepted, it stays accepted on a rerun.
    let accept = format!("/censimento/campagne/{id}/controllo/accetta");
    let form = |note: &'static str| {
        vec![
            ("rule", "people-over-population".to_owned()),
            ("comune", code.clone()),
            ("subject", String::new()),
            ("fingerprint", fingerprint.clone()),
            ("note", note.to_owned()),
        ]
    };
    let f = form("");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&sec, &accept, &f).await;
    assert_eq!(r.status(), 303);
    assert!(app.get(&sec, &location(&r)).await.text().await.unwrap().contains("serve una nota"));
    let f = form("Insediamento stagionale con lavoratori da tutta la provincia");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post(&sec, &accept, &f).await.status(), 303);
    for _ in 0..2 {
        let page = app.get(&sec, &issues).await.text().await.unwrap();
        assert!(!page.contains(&format!(r#"data-comune="{code}""#)), "not among the open issues");
        let page = app.get(&sec, &format!("{issues}&stato=accettate")).await.text().await.unwrap();
        assert!(page.contains(&format!(r#"data-comune="{code}""#)) && page.contains("da tutta la provincia"));
    }
    let audit = argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some("census.issue.accept".into()), limit: 5, ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);

    // A viewer sees none of it and changes nothing.
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, &issues).await.status(), 403);
    assert_eq!(app.get(&viewer, &data).await.status(), 403);
    let r = app
        .post(&viewer, &corr, &[("path", "insediamenti[0]/E3"), ("value", "1"), ("reason", "x"), ("source", "altro")])
        .await;
    assert_eq!(r.status(), 403);
}
