//! Census invitations and reminders through a real SMTP server (aiosmtpd): the schedule queues
//! the invitation of every Comune with an address once the campaign opens, the worker sends it
//! with the compilation guide attached; after `reminder_days` a reminder goes to the Comuni that
//! have not submitted — and none to the one that has. Messages are read back with Python's
//! `email` package (MIME decoding, attachments).

use crate::helpers::*;
use crate::mail_smtp::{Smtp, delivered, start_smtp};
use argine_storage::census::{self, NewCampaign, NewInvitation};
use std::process::Command;

/// A delivered message, decoded by Python's `email` package.
#[derive(Debug, serde::Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<(String, String, String)>,
}

pub fn decode(app: &TestApp, raw: &str) -> Mail {
    let file = app.dir.path().join(format!("m-{}.eml", raw.len()));
    std::fs::write(&file, raw).unwrap();
    let out_dir = app.dir.path().join(format!("att-{}", raw.len()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let script = r#"
import email, email.policy, json, sys, os
m = email.message_from_file(open(sys.argv[1], encoding="utf-8"), policy=email.policy.default)
text = m.get_body(preferencelist=("plain",)).get_content()
atts = []
for part in m.iter_attachments():
    path = os.path.join(sys.argv[2], part.get_filename())
    open(path, "wb").write(part.get_payload(decode=True))
    atts.append((part.get_filename(), part.get_content_type(), path))
print(json.dumps({"to": str(m["To"]), "subject": str(m["Subject"]), "text": text, "attachments": atts}))
"#;
    let python = std::env::var("ARGINE_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(python).args(["-c", script]).arg(&file).arg(&out_dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub async fn wait_for(smtp: &Smtp, n: usize) -> Vec<String> {
    for _ in 0..300 {
        let mails = delivered(smtp.maildir.path());
        if mails.len() >= n {
            return mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{n} messages expected, {} delivered", delivered(smtp.maildir.path()).len());
}

#[tokio::test]
async fn invitations_then_reminders_only_to_who_has_not_submitted() {
    let smtp = start_smtp().await;
    let port = smtp.port;
    let app = spawn_with(move |cfg| {
        cfg.mail.transport = "smtp".into();
        cfg.mail.smtp_host = "127.0.0.1".into();
        cfg.mail.smtp_port = port;
        cfg.mail.smtp_tls = "none".into();
        cfg.mail.from = "Segreteria InCaS <incas@argine.test>".into();
        cfg.mail.census_schedule_secs = 1;
    })
    .await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let version = census::forms(&mut conn).await.unwrap()[0].published_version_id.unwrap();
    drop(conn);
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date();
    let mut tx = app.state.db.begin().await.unwrap();
    let campaign = census::create_campaign(
        &mut tx,
        &NewCampaign {
            name: "Rilevazione di prova",
            form_version_id: version,
            universe: r#"{"kind":"list"}"#,
            opens_on: &today.to_string(),
            deadline: &(today + time::Duration::days(30)).to_string(),
            status: "open",
            reminders: 1,
            reminder_days: 7,
            accept_late: false,
        },
        None,
    )
    .await
    .unwrap();
    let inv = |code: &str, name: &str, pec: Option<&str>, email: Option<&str>| NewInvitation {
        comune_code: code.into(),
        comune_name: name.into(),
        province_code: "071".into(),
        region_code: "16".into(),
        email: email.map(str::to_owned),
        pec: pec.map(str::to_owned),
        invited_at: None,
    };
    let ids = census::add_invitations(
        &mut tx,
        campaign,
        &[
            inv("071051", "San Severo", Some("protocollo@pec.comune.sansevero.fg.it"), None),
            inv("071029", "Manfredonia", None, Some("segreteria@comune.manfredonia.fg.it")),
            inv("071024", "Foggia", None, None),
        ],
    )
    .await
    .unwrap();
    let expires = argine_storage::now() + 60 * 86_400;
    for id in &ids {
        argine_web::census::mailing::issue_link(&mut tx, &app.state.keyring, *id, expires).await.unwrap();
    }
    tx.commit().await.unwrap();

    // The invitations: one per Comune with an address, PEC first; Foggia has none.
    let mails: Vec<Mail> = wait_for(&smtp, 2).await.iter().map(|m| decode(&app, m)).collect();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(delivered(smtp.maildir.path()).len(), 2, "no mail to a Comune without address");
    let to_sansevero = mails.iter().find(|m| m.to.contains("sansevero")).expect("San Severo's invitation");
    let to_manfredonia = mails.iter().find(|m| m.to.contains("manfredonia")).expect("Manfredonia's invitation");
    assert!(to_sansevero.to.contains("protocollo@pec.comune.sansevero.fg.it"));
    assert_eq!(to_sansevero.subject, "Rilevazione di prova: questionario per il Comune di San Severo");
    assert!(to_sansevero.text.contains("Gentile Comune di San Severo"), "{}", to_sansevero.text);
    let deadline = (today + time::Duration::days(30)).format(time::macros::format_description!("[day]/[month]/[year]"));
    assert!(to_sansevero.text.contains(&deadline.unwrap()), "the deadline: {}", to_sansevero.text);
    // The links work, and are each Comune's own.
    let link_of = |m: &Mail| link_in(&m.text, &format!("{}/risposta/", app.url));
    let (l1, l2) = (link_of(to_sansevero), link_of(to_manfredonia));
    assert_ne!(l1, l2);
    let c = app.client();
    let page = app.get(&c, l1.trim_start_matches(&app.url)).await.text().await.unwrap();
    assert!(page.contains("San Severo"), "{page}");
    // The compilation guide is attached, addressed to the Comune.
    assert_eq!(to_sansevero.attachments.len(), 1);
    let (name, kind, path) = &to_sansevero.attachments[0];
    assert_eq!((name.as_str(), kind.as_str()), ("guida-alla-compilazione.pdf", "application/pdf"));
    let pdf = std::fs::read(path).unwrap();
    if let Some(text) = pdf_text(&app, &pdf) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Guida alla compilazione") && flat.contains("San Severo"), "{text}");
    }

    // Manfredonia submits; a week passes (the recorded sending time moves back 8 days).
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    census::save_draft(&mut conn, ids[1], version, r#"{"A1":"Manfredonia"}"#).await.unwrap();
    census::submit(&mut conn, ids[1], r#"{"A1":"Manfredonia"}"#).await.unwrap();
    sqlx::query("UPDATE census_invitations SET invited_at = invited_at - 8 * 86400 WHERE campaign_id = $1")
        .bind(campaign)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let mails = wait_for(&smtp, 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let all = delivered(smtp.maildir.path());
    assert_eq!(all.len(), 3, "one reminder only, and none to the Comune that submitted");
    let reminder = mails.iter().map(|m| decode(&app, m)).find(|m| m.subject.starts_with("Promemoria")).unwrap();
    assert!(reminder.to.contains("sansevero"), "{reminder:?}");
    assert_eq!(link_of(&reminder), l1, "the reminder carries the same link");
    assert_eq!(reminder.attachments.len(), 1);

    // The campaign keeps the record of every e-mail and the state of its job.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let sent = census::mailings(&mut conn, campaign, false, 10).await.unwrap();
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|m| m.job_status.as_deref() == Some("done")), "{sent:?}");
    assert_eq!(sent.iter().filter(|m| m.channel == "pec").count(), 2);
}
