//! Coding open answers on the synthetic national census: the free-text "other" questions are
//! listed with their counts, codes are added through the form (errors keep what was typed), a
//! group of answers is coded through the assign form, a spelling variant of it then gets that
//! code suggested and preselected, the frequency table and the clean CSV export carry the codes
//! (column `A3_altro_codice`, the raw export has none), recoding keeps the history, and every
//! read and write is in the audit log.

use crate::helpers::*;
use argine_domain::census::answers::Answers;
use argine_domain::census::coding::normalise;
use argine_storage::census;

/// The row number of the answer group with normalised text `key` on a question page.
fn row_of(page: &str, key: &str) -> Option<String> {
    let rest = &page[page.find(&format!(r#"data-key="{key}""#))?..];
    let start = r#"name="sel" value=""#;
    let rest = &rest[rest.find(start)? + start.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The HTML of the answer group `key`'s row.
fn row_html<'a>(page: &'a str, key: &str) -> &'a str {
    let at = page.find(&format!(r#"data-key="{key}""#)).unwrap();
    let rest = &page[at..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn audit(app: &TestApp, action: &str) -> Vec<argine_domain::audit::StoredEntry> {
    argine_storage::audit::search(
        &app.state.db,
        &argine_storage::audit::Filter { action: Some(action.into()), limit: 50, ..Default::default() },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn census_coding_codebook_suggestions_export_and_audit() {
    let app = spawn().await;
    let out = argine::demo::seed_synthetic_census(&app.state).await.unwrap();
    let id = out.campaign_id;

    // The A3_altro answers of the synthetic census, by Comune.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let all = census::submitted_page(&mut conn, id, "", 10_000).await.unwrap();
    drop(conn);
    let roles: Vec<(String, String)> = all
        .iter()
        .filter_map(|r| {
            let a: Answers = serde_json::from_str(&r.answers).unwrap();
            let t = a.value("A3_altro");
            (!t.is_empty()).then(|| (r.comune_code.clone(), t.to_owned()))
        })
        .collect();
    let vice: Vec<&(String, String)> =
        roles.iter().filter(|(_, t)| matches!(normalise(t).as_str(), "vicesindaco" | "vice sindaco")).collect();
    let joined = roles.iter().filter(|(_, t)| normalise(t) == "vicesindaco").count();
    assert!(joined > 0 && vice.len() > joined, "the synthetic census has both spellings: {roles:?}");

    // The list of questions, linked from the data-control page.
    let sec = app.login_as("secretariat").await;
    let control = app.get(&sec, &format!("/censimento/campagne/{id}/controllo")).await.text().await.unwrap();
    assert!(control.contains(&format!("/censimento/campagne/{id}/codifica")));
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/codifica")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-question="A3_altro""#) && page.contains(r#"data-question="D1_altro""#), "{page}");
    assert!(page.contains(&format!(r#"<td class="text-end coding-uncoded">{}</td>"#, roles.len())));

    // Codes through the form: one typed, one made from its label; a duplicate and a missing
    // label come back with what was typed and the problem in Italian.
    let q = format!("/censimento/campagne/{id}/codifica/A3_altro");
    let add = format!("{q}/codici");
    let r = app.post(&sec, &add, &[("code", "vicesindaco"), ("label", "Vicesindaco"), ("description", "")]).await;
    assert_eq!(r.status(), 303);
    let r = app.post(&sec, &add, &[("code", ""), ("label", "Segretario comunale"), ("description", "")]).await;
    assert_eq!(r.status(), 303);
    let r = app.post(&sec, &add, &[("code", "VICESINDACO"), ("label", "Doppione"), ("description", "")]).await;
    assert_eq!(r.status(), 422);
    let text = r.text().await.unwrap();
    assert!(text.contains("Il codice VICESINDACO esiste già") && text.contains(r#"value="Doppione""#), "{text}");
    let r = app.post(&sec, &add, &[("code", "ALTRO"), ("label", " "), ("description", "x")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("L&#39;etichetta è obbligatoria"));
    let codes: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, code FROM census_codes WHERE campaign_id = $1 AND question = 'A3_altro' ORDER BY code",
    )
    .bind(id)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(codes.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(), ["SEGRETARIO_COMUNALE", "VICESINDACO"]);
    let vice_id = codes[1].0.to_string();

    // Code the answers written "Vicesindaco" through the assign form.
    let page = app.get(&sec, &q).await.text().await.unwrap();
    let n = row_of(&page, "vicesindaco").unwrap();
    let (t, c) = (format!("t{n}"), format!("c{n}"));
    let r = app
        .post(&sec, &format!("{q}/assegna"), &[("sel", &n), (&t, "vicesindaco"), (&c, &vice_id), ("tutti", "")])
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &location(&r)).await.text().await.unwrap();
    assert!(page.contains(&format!("Codificate {joined} risposte")) || joined == 1, "{page}");

    // A spelling variant ("vice sindaco", "Vice-Sindaco") now gets VICESINDACO suggested and
    // preselected.
    let row = row_html(&page, "vice sindaco");
    assert!(row.contains("VICESINDACO ("), "{row}");
    assert!(row.contains(&format!(r#"<option value="{vice_id}" selected>"#)), "{row}");
    // Coded with the code for all ticked rows.
    let n = row_of(&page, "vice sindaco").unwrap();
    let t = format!("t{n}");
    let r = app.post(&sec, &format!("{q}/assegna"), &[("sel", &n), (&t, "vice sindaco"), ("tutti", &vice_id)]).await;
    assert_eq!(r.status(), 303);
    // Nothing ticked: nothing changes, and the page says so.
    let r = app.post(&sec, &format!("{q}/assegna"), &[("tutti", &vice_id)]).await;
    assert!(app.get(&sec, &location(&r)).await.text().await.unwrap().contains("Nessuna risposta spuntata"));

    // The frequency table.
    let page = app.get(&sec, &q).await.text().await.unwrap();
    let freq = &page[page.find(r#"id="coding-frequencies""#).unwrap()..];
    let freq = &freq[freq.find(r#"data-code="VICESINDACO""#).unwrap()..];
    assert!(freq.contains(&format!(r#"<td class="text-end coding-count">{}</td>"#, vice.len())), "{freq}");
    let list = app.get(&sec, &format!("/censimento/campagne/{id}/codifica")).await.text().await.unwrap();
    assert!(list.contains(&format!(r#"<td class="text-end coding-coded">{}</td>"#, vice.len())));

    // The clean CSV has A3_altro_codice right after A3_altro, with the code; the raw one has not.
    let r = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.csv?dati=puliti")).await;
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    let mut csv = csv::ReaderBuilder::new().delimiter(b';').from_reader(&body[3..]);
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    let (at, code_at) = (
        header.iter().position(|h| h == "A3_altro").unwrap(),
        header.iter().position(|h| h == "A3_altro_codice").unwrap(),
    );
    assert_eq!(code_at, at + 1);
    let mut seen = 0;
    for rec in csv.records() {
        let rec = rec.unwrap();
        let expected =
            if matches!(normalise(&rec[at]).as_str(), "vicesindaco" | "vice sindaco") { "VICESINDACO" } else { "" };
        assert_eq!(&rec[code_at], expected, "{}", &rec[0]);
        seen += usize::from(!expected.is_empty());
    }
    assert_eq!(seen, vice.len());
    let raw = app.get(&sec, &format!("/censimento/campagne/{id}/risposte.csv")).await.text().await.unwrap();
    assert!(!raw.contains("A3_altro_codice"));

    // Recoding one Comune's answer keeps the history.
    let (code, text) = vice[0];
    let inv: (i64,) = sqlx::query_as("SELECT id FROM census_invitations WHERE campaign_id = $1 AND comune_code = $2")
        .bind(id)
        .bind(code)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let new = [argine_storage::census::coding::NewAssignment {
        invitation_id: inv.0,
        path: "A3_altro",
        coded_text: text,
        code_id: codes[0].0,
    }];
    argine_storage::census::coding::assign(&mut tx, id, "A3_altro", &new, None).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let history = argine_storage::census::coding::history(&mut conn, inv.0, "A3_altro").await.unwrap();
    drop(conn);
    assert_eq!(history.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), ["VICESINDACO", "SEGRETARIO_COMUNALE"]);

    // The audit log: who added which code, who coded how many answers, and the reads.
    let added = audit(&app, "census.code.add").await;
    assert_eq!(added.len(), 2);
    assert!(added.iter().all(|e| e.actor_label == app.account("secretariat").email));
    assert!(added.iter().any(|e| e.details.contains("VICESINDACO")));
    let assigned = audit(&app, "census.code.assign").await;
    assert_eq!(assigned.len(), 2, "the form with nothing ticked writes nothing");
    assert!(assigned.iter().any(|e| e.details.contains(&format!(r#""assigned":{joined}"#))), "{assigned:?}");
    let reads = audit(&app, "census_responses.read").await;
    assert!(reads.iter().any(|e| e.personal && e.details.contains(r#""view":"coding""#)));

    // Retiring: no longer offered, the answers keep it.
    let r = app.post(&sec, &format!("{q}/codici/{vice_id}/ritira"), &[]).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&sec, &q).await.text().await.unwrap();
    assert!(!page.contains(&format!(r#"<option value="{vice_id}""#)));
    assert!(page.contains(r#"data-code="VICESINDACO""#) && page.contains("ritirato"));
    assert_eq!(audit(&app, "census.code.retire").await.len(), 1);

    // A viewer sees none of it and changes nothing; an unknown question is not found.
    let viewer = app.login_as("viewer").await;
    assert_eq!(app.get(&viewer, &q).await.status(), 403);
    assert_eq!(app.get(&viewer, &format!("/censimento/campagne/{id}/codifica")).await.status(), 403);
    assert_eq!(app.post(&viewer, &add, &[("code", "X"), ("label", "X")]).await.status(), 403);
    assert_eq!(app.get(&sec, &format!("/censimento/campagne/{id}/codifica/A2")).await.status(), 404);
}
