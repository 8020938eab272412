//! Exports of a campaign's submitted responses: XLSX (a sheet for the questions outside
//! repeats, one per repeat), CSV (one of those sheets; UTF-8 with BOM and `;`, as Excel opens
//! it in Italy) and JSON (one object per response, repeats nested), with choice codes or
//! labels. The secretariat only; every export is audited as a read of personal data (the
//! referents' names and contacts).
//!
//! Memory does not grow with the number of responses: an async task reads the responses in
//! keyset pages of [`PAGE`] ([`census::submitted_page`]) and hands them through a channel of
//! [`IN_FLIGHT`] pages to a blocking thread, which parses each response and writes its rows
//! ([`Writer`], the same rows as the in-memory `export::sheets`) to an anonymous
//! temporary file — the XLSX through rust_xlsxwriter's constant-memory mode. The handler then
//! streams the file as the response body; the file disappears when the body is dropped.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use argine_domain::access::{Action, Resource};
use argine_domain::census::answers::Answers;
use argine_domain::census::export::{Labeller, Row, Sink, Values, Writer};
use argine_domain::census::xlsform::Form;
use argine_reports::xlsx::{StreamingWorkbook, XlsxError};
use argine_storage::census::{self, SubmittedResponse};
use argine_storage::{Db, StorageError};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::{BufWriter, Seek, SeekFrom, Write};

/// Responses read from the database at a time.
pub const PAGE: i64 = 500;
/// Pages read ahead of the writer.
const IN_FLIGHT: usize = 2;

/// The kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    /// One sheet, by its index among [`Writer::sheets`].
    Csv {
        sheet: usize,
    },
    Json,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv { .. } => "csv",
            Self::Json => "json",
        }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("response {id} is unreadable: {source}")]
    Unreadable { id: i64, source: serde_json::Error },
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("json: {0}")]
    Json(serde_json::Error),
    #[error("the export task failed: {0}")]
    Task(String),
}

/// What to export.
pub struct Request {
    pub campaign_id: i64,
    /// The campaign's questionnaire: its columns for every response.
    pub form: Form,
    /// The form language of the choice labels; codes when `None`.
    pub labels: Option<String>,
    pub format: Format,
    /// Version numbers by form version id (the JSON export names each response's version).
    pub versions: HashMap<i64, String>,
    /// The clean answers (corrections applied and codes of coded open answers, [`census::clean_page`])
    /// instead of the raw ones; `form` should then have the codes' columns
    /// (`argine_domain::census::coding::with_code_columns`).
    pub clean: bool,
}

/// A written export.
#[derive(Debug)]
pub struct Exported {
    /// The file, positioned at its start. Anonymous: it is gone once closed.
    pub file: std::fs::File,
    pub bytes: u64,
    pub responses: usize,
}

/// Writes an export to an anonymous file in `tempdir` (XLSX sheets also keep their rows in
/// temporary files there until the workbook is assembled).
///
/// # Errors
/// The database, an unreadable stored response, or the temporary files.
pub async fn write(db: &Db, req: Request, tempdir: &std::path::Path) -> Result<Exported, ExportError> {
    let campaign_id = req.campaign_id;
    let clean = req.clean;
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<SubmittedResponse>>(IN_FLIGHT);
    let dir = tempdir.to_owned();
    let writer = tokio::task::spawn_blocking(move || write_blocking(&req, rx, &dir));
    let read = async move {
        let mut after = String::new();
        loop {
            let mut conn = db.pool().acquire().await.map_err(StorageError::from)?;
            let page = if clean {
                census::clean_page(&mut conn, campaign_id, &after, PAGE).await?
            } else {
                census::submitted_page(&mut conn, campaign_id, &after, PAGE).await?
            };
            drop(conn);
            let last = usize::try_from(PAGE).is_ok_and(|p| page.len() < p);
            if let Some(r) = page.last() {
                after.clone_from(&r.comune_code);
            }
            // A closed channel: the writer stopped, and says why below.
            if tx.send(page).await.is_err() || last {
                return Ok::<(), ExportError>(());
            }
        }
    };
    let read = read.await;
    let written = writer.await.map_err(|e| ExportError::Task(e.to_string()))?;
    read?;
    written
}

fn write_blocking(
    req: &Request,
    mut pages: tokio::sync::mpsc::Receiver<Vec<SubmittedResponse>>,
    dir: &std::path::Path,
) -> Result<Exported, ExportError> {
    let mut file = tempfile::tempfile_in(dir)?;
    let values = match &req.labels {
        Some(lang) => Values::Labels(lang),
        None => Values::Codes,
    };
    let mut out = BufWriter::with_capacity(256 * 1024, &mut file);
    let responses = match req.format {
        Format::Csv { sheet } => {
            out.write_all(b"\xEF\xBB\xBF")?;
            let mut sink = CsvSink(csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out));
            let n = rows(req, values, Some(sheet), &mut pages, &mut sink)?;
            sink.0.flush()?;
            n
        }
        Format::Xlsx => {
            let names: Vec<String> = Writer::new(&req.form, values).sheets().iter().map(|s| s.name.clone()).collect();
            let mut sink = XlsxSink(StreamingWorkbook::new(names.iter().map(String::as_str), dir)?);
            let n = rows(req, values, None, &mut pages, &mut sink)?;
            sink.0.finish(&mut out)?;
            n
        }
        Format::Json => json(req, values, &mut pages, &mut out)?,
    };
    out.flush()?;
    drop(out);
    let bytes = file.seek(SeekFrom::End(0))?;
    file.rewind()?;
    Ok(Exported { file, bytes, responses })
}

fn parse(r: &SubmittedResponse) -> Result<Answers, ExportError> {
    serde_json::from_str(&r.answers).map_err(|source| ExportError::Unreadable { id: r.id, source })
}

/// Every response as rows of the sheets (of one sheet only with `only`); returns how many
/// responses there were.
fn rows<S: Sink<Error = ExportError>>(
    req: &Request,
    values: Values<'_>,
    only: Option<usize>,
    pages: &mut tokio::sync::mpsc::Receiver<Vec<SubmittedResponse>>,
    sink: &mut S,
) -> Result<usize, ExportError> {
    let mut writer = Writer::new(&req.form, values);
    if let Some(sheet) = only {
        writer = writer.only(sheet);
    }
    writer.headers(sink)?;
    let mut n = 0;
    while let Some(page) = pages.blocking_recv() {
        for r in &page {
            let answers = parse(r)?;
            writer
                .response(&Row { comune_code: &r.comune_code, comune_name: &r.comune_name, answers: &answers }, sink)?;
            n += 1;
        }
    }
    Ok(n)
}

struct CsvSink<W: Write>(csv::Writer<W>);

impl<W: Write> Sink for CsvSink<W> {
    type Error = ExportError;
    fn row(&mut self, _sheet: usize, cells: &[String]) -> Result<(), ExportError> {
        Ok(self.0.write_record(cells)?)
    }
}

struct XlsxSink(StreamingWorkbook);

impl Sink for XlsxSink {
    type Error = ExportError;
    fn row(&mut self, sheet: usize, cells: &[String]) -> Result<(), ExportError> {
        Ok(self.0.row(sheet, cells)?)
    }
}

/// One response as the JSON export and the API give it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JsonResponse {
    /// ISTAT code of the Comune.
    pub comune_istat: String,
    pub comune: String,
    /// RFC 3339, UTC.
    pub submitted_at: Option<String>,
    pub form_version_id: i64,
    pub form_version: Option<String>,
    /// The answers by question name, with choice codes or labels; repeats as arrays of objects.
    #[schema(value_type = Object)]
    pub answers: Answers,
}

impl JsonResponse {
    /// A stored response with its choices as `values` asks.
    ///
    /// # Errors
    /// The stored answers are not readable.
    pub fn new(
        r: &SubmittedResponse,
        labeller: &Labeller<'_>,
        values: Values<'_>,
        versions: &HashMap<i64, String>,
    ) -> Result<Self, ExportError> {
        use time::format_description::well_known::Rfc3339;
        let stored = parse(r)?;
        // Codes: the stored answers themselves, not a copy.
        let relabelled = match labeller.answers(&stored, values) {
            std::borrow::Cow::Owned(a) => Some(a),
            std::borrow::Cow::Borrowed(_) => None,
        };
        Ok(Self {
            comune_istat: r.comune_code.clone(),
            comune: r.comune_name.clone(),
            submitted_at: r
                .submitted_at
                .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
                .and_then(|t| t.format(&Rfc3339).ok()),
            form_version_id: r.form_version_id,
            form_version: versions.get(&r.form_version_id).cloned(),
            answers: relabelled.unwrap_or(stored),
        })
    }
}

/// A JSON array written one response at a time: `[`, the objects separated by commas and
/// newlines, `]`.
fn json<W: Write>(
    req: &Request,
    values: Values<'_>,
    pages: &mut tokio::sync::mpsc::Receiver<Vec<SubmittedResponse>>,
    out: &mut W,
) -> Result<usize, ExportError> {
    let labeller = Labeller::new(&req.form);
    let mut n = 0;
    out.write_all(b"[")?;
    while let Some(page) = pages.blocking_recv() {
        for r in &page {
            let item = JsonResponse::new(r, &labeller, values, &req.versions)?;
            out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *out, &item).map_err(ExportError::Json)?;
            n += 1;
        }
    }
    out.write_all(if n == 0 { b"]\n" } else { b"\n]\n" })?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// Handlers

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    /// `etichette` for choice labels (in the page's language), codes otherwise.
    valori: String,
    /// For CSV: which sheet (the form id, or a repeat's name); the first by default.
    foglio: String,
    /// `puliti` for the clean answers (corrections applied); the raw answers otherwise.
    dati: String,
}

/// Authorizes, loads the campaign and its form, writes the export, audits it. `format` picks
/// the file; for CSV the sheet is looked up by the name in `?foglio=` (404 when unknown).
async fn export(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    q: &ExportQuery,
    format: Format,
) -> WebResult<(String, Exported)> {
    check(state, ctx, &user.actor, user.label(), Action::ViewCensusResponses, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let versions = census::versions(&mut conn, v.form_id).await?.into_iter().map(|v| (v.id, v.version)).collect();
    let clean = q.dati == "puliti";
    // The clean data: each question with a codebook gets its `<question>_codice` column.
    let coded = if clean { census::coding::coded_questions(&mut conn, id).await? } else { Vec::new() };
    drop(conn);
    let form = super::forms::definition(&v)?;
    let form = if coded.is_empty() {
        form
    } else {
        let coded: Vec<&str> = coded.iter().map(String::as_str).collect();
        argine_domain::census::coding::with_code_columns(&form, &coded)
    };
    let labels = (q.valori == "etichette").then(|| form.language_for(ctx.lang.code()));
    let format = match format {
        Format::Csv { .. } if !q.foglio.is_empty() => {
            let Some(sheet) = Writer::new(&form, Values::Codes).sheet_index(&q.foglio) else {
                return Err(WebError::NotFound);
            };
            Format::Csv { sheet }
        }
        f => f,
    };
    let name = match format {
        Format::Csv { sheet } => {
            let sheets = Writer::new(&form, Values::Codes);
            let sheet = sheets.sheets().get(sheet).map(|s| s.name.clone()).unwrap_or_default();
            format!("{}-campagna-{id}-{sheet}.csv", v.form_key)
        }
        f => format!("{}-campagna-{id}.{}", v.form_key, f.code()),
    };
    let req = Request { campaign_id: id, form, labels, format, versions, clean };
    let exported = write(&state.db, req, &std::env::temp_dir())
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("response export: {e}")))?;
    crate::auth::audit_personal_read(
        state,
        ctx,
        (user.user.id, user.label()),
        ("census_responses", id.to_string()),
        serde_json::json!({"responses": exported.responses, "format": format.code(), "clean": clean}),
    )
    .await?;
    Ok((name, exported))
}

/// The export file as a download, streamed from disk.
fn attachment(content_type: &str, filename: &str, exported: Exported) -> Response {
    use axum::http::header;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        tokio::fs::File::from_std(exported.file),
        64 * 1024,
    ));
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_LENGTH, exported.bytes.to_string()),
        ],
        body,
    )
        .into_response()
}

/// Every sheet as one workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let (name, exported) = export(&state, &ctx, &user, id, &q, Format::Xlsx).await?;
    Ok(attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name, exported))
}

/// One sheet as CSV (UTF-8 with BOM and `;`, as Excel opens it in Italy): the first, or
/// `?foglio=`.
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let (name, exported) = export(&state, &ctx, &user, id, &q, Format::Csv { sheet: 0 }).await?;
    Ok(attachment("text/csv; charset=utf-8", &name, exported))
}

/// Every response as one JSON object (comune, submission time, form version, answers with
/// repeats nested), in one array.
pub async fn export_json(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let (name, exported) = export(&state, &ctx, &user, id, &q, Format::Json).await?;
    Ok(attachment("application/json", &name, exported))
}
