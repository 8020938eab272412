//! The data subject's rights (GDPR arts. 15 and 17): the access request is answered with a
//! complete export of everything about the person (identity, attributes, consents,
//! assessments with evidence, referrals, plan items, timeline) as JSON and PDF; erasure
//! anonymises the record at once, where the law allows it. Both are for the owner
//! organisation's supervisor (`Action::ManageCaseData`); the export is audited as a personal
//! read, the erasure as a write with its written reason.

use crate::AppState;
use crate::auth::{CurrentUser, audit_personal_read, check};
use crate::cases::retention::{self, By};
use crate::cases::vault::{self, Loaded, aad, open, open_text};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::message_text;
use argine_domain::access::{Action, Resource};
use argine_domain::cases::checklist::Assessment;
use argine_domain::cases::identity::Identity;
use argine_storage::cases as store;
use axum::extract::{Path, RawForm, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Where each free text is bound (`vault::aad`): table and column; the row id is added.
const AAD_ANSWERS: &str = "assessments.answers";
const AAD_REASON: &str = "referrals.reason";
const AAD_RESPONSE: &str = "referrals.response";
const AAD_ITEM: &str = "case_items.text";

async fn load_for_data(state: &AppState, ctx: &RequestCtx, user: &CurrentUser, id: i64) -> WebResult<Loaded> {
    check(state, ctx, &user.actor, user.label(), Action::ManageCaseData, &Resource::Cases).await?;
    let l = vault::load(state, id).await?;
    check(state, ctx, &user.actor, user.label(), Action::ManageCaseData, &l.resource()).await?;
    Ok(l)
}

async fn org_name(state: &AppState, id: i64) -> String {
    state.organisation(id).await.map(|o| o.name.clone()).unwrap_or_else(|_| id.to_string())
}

/// A ciphertext of the person's key, or a marker when it cannot be read (the export still
/// lists the record).
fn text_or_marker(key: Option<&argine_domain::crypto::DataKey>, stored: &str, aad: &str) -> Value {
    match key {
        None => Value::Null,
        Some(k) => match open_text(k, stored, aad) {
            Ok(t) => Value::String(t),
            Err(e) => {
                tracing::warn!(error = %e, "an encrypted text of the export could not be read");
                Value::String("[?]".into())
            }
        },
    }
}

/// Everything about the person, decrypted, after the personal read is audited.
async fn export_data(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    l: &Loaded,
    via: &str,
) -> WebResult<Value> {
    let key = vault::data_key(state, &l.person)?;
    audit_personal_read(
        state,
        ctx,
        (user.user.id, user.label()),
        ("person", l.person.id.to_string()),
        json!({"case": l.case.id, "fields": "all", "via": via}),
    )
    .await?;
    let p = &l.person;
    let identity: Identity = match &key {
        Some(k) => open(k, &p.identity_ct, &aad("persons.identity", p.id))?.unwrap_or_default(),
        None => Identity::default(),
    };
    let employment: vault::Employment = match &key {
        Some(k) => open(k, &p.employment_ct, &aad("persons.employment", p.id))?.unwrap_or_default(),
        None => vault::Employment::default(),
    };
    let mut conn = state.db.pool().acquire().await?;
    let assessments = store::assessments(&mut conn, l.case.id).await?;
    let items = store::items(&mut conn, l.case.id).await?;
    let events = store::events(&mut conn, l.case.id).await?;
    drop(conn);
    let mut out_assessments = Vec::new();
    for a in &assessments {
        let answers: Option<Assessment> = match &key {
            Some(k) => open(k, &a.answers_ct, &aad(AAD_ANSWERS, a.id)).unwrap_or_else(|e| {
                tracing::warn!(error = %e, assessment = a.id, "assessment answers could not be read");
                None
            }),
            None => None,
        };
        out_assessments.push(json!({
            "id": a.id, "checklist": a.checklist, "version": a.version, "outcome": a.outcome,
            "indicators_present": a.present, "organisation": org_name(state, a.org_id).await,
            "assessed_at": a.assessed_at, "answers": answers,
        }));
    }
    let mut referrals = Vec::new();
    for r in &l.referrals {
        referrals.push(json!({
            "id": r.id, "from": org_name(state, r.from_org).await, "to": org_name(state, r.to_org).await,
            "status": r.status, "fields_shared": r.fields, "consent": r.consent_id, "due_on": r.due_on,
            "created_at": r.created_at, "responded_at": r.responded_at,
            "reason": text_or_marker(key.as_ref(), &r.reason_ct, &aad(AAD_REASON, r.id)),
            "response": text_or_marker(key.as_ref(), &r.response_ct, &aad(AAD_RESPONSE, r.id)),
        }));
    }
    let mut plan = Vec::new();
    for i in &items {
        let org = match i.org_id {
            Some(o) => Some(org_name(state, o).await),
            None => None,
        };
        plan.push(json!({
            "id": i.id, "kind": i.item_kind, "organisation": org, "due_on": i.due_on, "done_at": i.done_at,
            "created_at": i.created_at, "text": text_or_marker(key.as_ref(), &i.text_ct, &aad(AAD_ITEM, i.id)),
        }));
    }
    let mut timeline = Vec::new();
    for e in &events {
        let org = match e.org_id {
            Some(o) => Some(org_name(state, o).await),
            None => None,
        };
        let detail: Value = serde_json::from_str(&e.detail).unwrap_or(Value::Null);
        timeline.push(json!({"at": e.at, "organisation": org, "kind": e.kind, "detail": detail}));
    }
    let c = &l.case;
    Ok(json!({
        "generated_at": argine_storage::now(),
        "controller": org_name(state, p.owner_org).await,
        "person": {
            "code": p.code,
            "anonymised_at": p.anonymised_at,
            "identity": identity,
            "attributes": {
                "sex": p.sex, "age_band": p.age_band, "nationality": p.nationality, "languages": p.languages,
                "residence_status": p.residence_status, "permit_expiry": p.permit_expiry, "sector": p.sector,
                "comune": p.comune_code, "created_at": p.created_at,
            },
            "employment": employment,
        },
        "case": {
            "id": c.id, "stage": c.stage, "outcome": c.outcome, "formal_outcome": c.formal_outcome,
            "formal_organisation": match c.formal_org { Some(o) => Some(org_name(state, o).await), None => None },
            "formal_on": c.formal_on, "opened_at": c.opened_at, "closed_at": c.closed_at,
            "close_reason": c.close_reason, "retention_until": c.retention_until,
        },
        "consents": l.consents.iter().map(|k| json!({
            "id": k.id, "purposes": k.purposes, "fields": k.fields, "recipients": k.recipient_ids(),
            "language": k.language, "mediator": k.mediator, "given_on": k.given_on,
            "recorded_at": k.recorded_at, "withdrawn_at": k.withdrawn_at,
        })).collect::<Vec<_>>(),
        "assessments": out_assessments,
        "referrals": referrals,
        "plan": plan,
        "timeline": timeline,
    }))
}

fn attachment(content_type: &str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `GET /casi/{id}/esporta.json`
pub async fn export_json(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let l = load_for_data(&state, &ctx, &user, id).await?;
    let data = export_data(&state, &ctx, &user, &l, "export.json").await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| WebError::Internal(e.into()))?;
    Ok(attachment("application/json", format!("{}.json", l.person.code), body))
}

/// The typst template of the export; every text comes from `data.json`.
const EXPORT_TYP: &str = include_str!("../../templates/pdf/subject_export.typ");

/// A value as one line of the PDF.
fn flat(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(flat).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| (k, flat(v)))
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The export as sections of (label, value) rows for the PDF.
fn pdf_sections(tr: &Tr, data: &Value) -> Value {
    let rows = |v: &Value| -> Vec<Value> {
        v.as_object()
            .map(|o| o.iter().map(|(k, v)| json!({"label": k, "value": flat(v)})).collect())
            .unwrap_or_default()
    };
    let list = |v: &Value| -> Vec<Value> {
        v.as_array().map(|a| a.iter().map(|x| json!({"rows": rows(x)})).collect()).unwrap_or_default()
    };
    let person = &data["person"];
    json!([
        {"title": tr.t("subject-section-identity"), "entries": [{"rows": rows(&person["identity"])}]},
        {"title": tr.t("subject-section-attributes"), "entries": [{"rows": rows(&person["attributes"])}]},
        {"title": tr.t("subject-section-employment"), "entries": [{"rows": rows(&person["employment"])}]},
        {"title": tr.t("subject-section-case"), "entries": [{"rows": rows(&data["case"])}]},
        {"title": tr.t("subject-section-consents"), "entries": list(&data["consents"])},
        {"title": tr.t("subject-section-assessments"), "entries": list(&data["assessments"])},
        {"title": tr.t("subject-section-referrals"), "entries": list(&data["referrals"])},
        {"title": tr.t("subject-section-plan"), "entries": list(&data["plan"])},
        {"title": tr.t("subject-section-timeline"), "entries": list(&data["timeline"])},
    ])
}

/// `GET /casi/{id}/esporta.pdf`
pub async fn export_pdf(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let l = load_for_data(&state, &ctx, &user, id).await?;
    let data = export_data(&state, &ctx, &user, &l, "export.pdf").await?;
    let tr = Tr::new(ctx.lang);
    let doc = json!({
        "lang": tr.lang(),
        "title": tr.t1("subject-export-title", "code", &l.person.code),
        "intro": tr.t1("subject-export-intro", "org", flat(&data["controller"])),
        "none": tr.t("none"),
        "footer": format!("argine · {} · {}", state.config.instance_name, tr.t("subject-export-footer")),
        "sections": pdf_sections(&tr, &data),
    });
    let json = serde_json::to_vec(&doc).map_err(|e| WebError::Internal(e.into()))?;
    let pdf = state.pdf.clone();
    let bytes = tokio::task::spawn_blocking(move || pdf.render(EXPORT_TYP, &[("data.json", json.as_slice())]))
        .await
        .map_err(|e| WebError::Internal(e.into()))?
        .map_err(|e| {
            tracing::error!(error = %e, "subject export PDF failed");
            WebError::Internal(anyhow::anyhow!("PDF: {e}"))
        })?;
    Ok(attachment("application/pdf", format!("{}.pdf", l.person.code), bytes))
}

/// `POST /casi/{id}/cancella` (form: `reason`): erasure, unless a formal identification is
/// recorded (judicial proceedings may need the record: the data is kept until retention).
pub async fn erase(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = load_for_data(&state, &ctx, &user, id).await?;
    let tr = Tr::new(ctx.lang);
    let reason = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let back = Some(("/casi", "subject-back"));
    let refuse = |status: StatusCode, id: &str| -> WebResult<Response> {
        let mut r = message_text(&state, &ctx, "subject-erase-title", tr.t(id), back)?;
        *r.status_mut() = status;
        Ok(r)
    };
    if reason.chars().count() < 10 || reason.chars().count() > 2000 {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "subject-erase-reason-needed");
    }
    if l.is_anonymised() {
        return refuse(StatusCode::CONFLICT, "subject-erase-already");
    }
    if l.case.formal_outcome.is_some() {
        let entry = argine_storage::audit::NewEntry {
            actor_user_id: Some(user.user.id),
            actor_label: user.label().to_owned(),
            action: "case.erase_refused".into(),
            outcome: "denied".into(),
            record_type: "case".into(),
            record_id: l.case.id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: json!({"why": "formal_identification"}).to_string(),
            ..Default::default()
        };
        argine_storage::audit::record(&state.db, &entry).await?;
        return refuse(StatusCode::CONFLICT, "subject-erase-formal");
    }
    let mut tx = state.db.begin().await?;
    let by = By {
        user_id: Some(user.user.id),
        org_id: Some(user.actor.org_id),
        label: user.label(),
        ip: &ctx.ip,
        request_id: &ctx.request_id,
    };
    // The written reason goes to the audit log only (the timeline holds codes).
    let details = json!({"written_reason": reason});
    retention::anonymise(&mut tx, &l.case, &by, ("case.erased", "erasure_request"), details).await?;
    tx.commit().await?;
    message_text(&state, &ctx, "subject-erase-title", tr.t1("subject-erase-done", "code", &l.person.code), back)
}
