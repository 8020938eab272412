//! The census questionnaire as PDF: the compilation guide (attached to invitations, and
//! downloadable from the version page and the response form) and the receipt of a submitted
//! response. Both are typeset by the embedded typst engine from `templates/pdf/census_document.typ`
//! with every text passed as JSON.

use crate::i18n::Tr;
use argine_domain::census::answers::Answers;
use argine_domain::census::document::{self, Document};
use argine_domain::census::xlsform::Form;
use argine_reports::pdf::{Pdf, PdfError};
use serde_json::{Value, json};

const TEMPLATE: &str = include_str!("../../templates/pdf/census_document.typ");

const KINDS: [&str; 11] = [
    "text",
    "integer",
    "decimal",
    "date",
    "time",
    "datetime",
    "select_one",
    "select_multiple",
    "acknowledge",
    "geopoint",
    "other",
];

fn labels(tr: &Tr) -> Value {
    let kinds: serde_json::Map<String, Value> =
        KINDS.iter().map(|k| ((*k).to_owned(), Value::String(tr.t(&format!("census-doc-kind-{k}"))))).collect();
    json!({
        "kinds": kinds,
        "conditional": tr.t("census-doc-conditional"),
        "repeat_hint": tr.t("census-doc-repeat-hint"),
        "empty": tr.t("census-doc-empty"),
    })
}

/// What the guide says about the campaign it goes with.
pub struct GuideContext<'a> {
    pub campaign: &'a str,
    /// ISO date.
    pub deadline: &'a str,
    /// The Comune it is addressed to, when it is.
    pub comune: Option<&'a str>,
}

/// The receipt's facts.
pub struct ReceiptContext<'a> {
    pub campaign: &'a str,
    pub comune: &'a str,
    /// Unix seconds.
    pub submitted_at: i64,
    pub revision: i64,
    /// The form version the response answers.
    pub version: &'a str,
}

/// What a guide and a receipt put around the questionnaire.
struct Frame {
    subtitle: String,
    facts: Vec<(String, String)>,
    intro: Vec<String>,
    receipt: bool,
    closing: Option<String>,
}

fn data(tr: &Tr, doc: &Document, instance: &str, frame: Frame) -> Value {
    let Frame { subtitle, facts, intro, receipt, closing } = frame;
    json!({
        "lang": tr.lang(),
        "title": doc.title,
        "subtitle": subtitle,
        "author": instance,
        "footer": format!("argine · {instance}"),
        "labels": labels(tr),
        "facts": facts.into_iter().map(|(k, v)| vec![k, v]).collect::<Vec<_>>(),
        "intro": intro,
        "sections": doc.sections,
        "receipt": receipt,
        "closing": closing,
    })
}

/// The compilation guide of `form` as typst data.
pub fn guide_data(tr: &Tr, form: &Form, instance: &str, ctx: Option<&GuideContext<'_>>) -> Value {
    let lang = form.language_for(tr.lang());
    let doc = document::guide(form, &lang);
    let mut facts = Vec::new();
    if let Some(c) = ctx {
        facts.push((tr.t("census-doc-campaign"), c.campaign.to_owned()));
        if let Some(comune) = c.comune {
            facts.push((tr.t("census-doc-comune"), comune.to_owned()));
        }
        facts.push((tr.t("census-doc-deadline"), tr.date(c.deadline)));
    }
    facts.push((tr.t("census-doc-questions"), document::question_count(&doc).to_string()));
    let intro = ["census-doc-guide-intro-1", "census-doc-guide-intro-2", "census-doc-guide-intro-3"]
        .iter()
        .map(|k| tr.t(k))
        .collect();
    let frame = Frame { subtitle: tr.t("census-doc-guide"), facts, intro, receipt: false, closing: None };
    data(tr, &doc, instance, frame)
}

/// The receipt of a submitted response as typst data.
pub fn receipt_data(tr: &Tr, form: &Form, answers: &Answers, instance: &str, ctx: &ReceiptContext<'_>) -> Value {
    let lang = form.language_for(tr.lang());
    let doc = document::receipt(form, answers, &lang);
    let canonical = serde_json::to_vec(answers).unwrap_or_default();
    let fingerprint = argine_domain::crypto::sha256_hex(&canonical);
    let facts = vec![
        (tr.t("census-doc-campaign"), ctx.campaign.to_owned()),
        (tr.t("census-doc-comune"), ctx.comune.to_owned()),
        (tr.t("census-doc-submitted"), tr.datetime(ctx.submitted_at)),
        (tr.t("census-doc-revision"), ctx.revision.to_string()),
        (tr.t("census-doc-version"), ctx.version.to_owned()),
        (tr.t("census-doc-answered"), document::question_count(&doc).to_string()),
    ];
    let frame = Frame {
        subtitle: tr.t("census-doc-receipt"),
        facts,
        intro: Vec::new(),
        receipt: true,
        closing: Some(tr.t1("census-doc-receipt-closing", "fingerprint", fingerprint)),
    };
    data(tr, &doc, instance, frame)
}

/// Typesets document data to PDF (tens of milliseconds of CPU: call off the async threads).
pub fn render(pdf: &Pdf, data: &Value) -> Result<Vec<u8>, PdfError> {
    let json = serde_json::to_vec(data).unwrap_or_default();
    pdf.render(TEMPLATE, &[("data.json", json.as_slice())])
}

/// [`render`] on the blocking pool, with errors as web errors.
pub async fn render_async(pdf: &Pdf, data: Value) -> crate::error::WebResult<Vec<u8>> {
    let pdf = pdf.clone();
    tokio::task::spawn_blocking(move || render(&pdf, &data))
        .await
        .map_err(|e| crate::error::WebError::Internal(e.into()))?
        .map_err(|e| {
            tracing::error!(error = %e, "census PDF failed");
            crate::error::WebError::Internal(anyhow::anyhow!("PDF: {e}"))
        })
}

/// A PDF download response.
pub fn pdf_response(bytes: Vec<u8>, filename: &str) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
