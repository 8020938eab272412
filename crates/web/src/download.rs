//! Small tables as downloads: CSV as Excel opens it in Italy (UTF-8 with BOM, `;`) or XLSX.
//! The caller passes cells already neutralised against formulas
//! ([`argine_domain::sheet::safe_cell`]) where they hold what users typed.

use crate::error::{WebError, WebResult};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The two table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Xlsx,
}

impl TableFormat {
    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// `rows` (the first is the header) as a file named `stem.csv` or `stem.xlsx`; the XLSX has
/// one sheet named `sheet`. Not cached: these tables hold contacts.
///
/// # Errors
/// Only if the writer fails (an invalid sheet name).
pub fn table(format: TableFormat, stem: &str, sheet: &str, rows: Vec<Vec<String>>) -> WebResult<Response> {
    let (content_type, bytes) = match format {
        TableFormat::Csv => {
            let mut w = csv::WriterBuilder::new().delimiter(b';').flexible(true).from_writer(b"\xEF\xBB\xBF".to_vec());
            for r in &rows {
                w.write_record(r).map_err(|e| WebError::Internal(e.into()))?;
            }
            ("text/csv; charset=utf-8", w.into_inner().map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?)
        }
        TableFormat::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            argine_reports::xlsx::write_workbook(&[(sheet.to_owned(), rows)])
                .map_err(|e| WebError::Internal(anyhow::anyhow!("xlsx: {e}")))?,
        ),
    };
    let mut res = attachment(content_type, &format!("{stem}.{}", format.extension()), bytes);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// `bytes` as a file to save, named `filename` (ASCII; the caller names it), not kept in shared
/// caches.
pub fn attachment(media: &str, filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-cache".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Typesets `source` (a typst document that reads everything it shows from `data.json`, see
/// [`argine_reports::pdf`]) on the blocking pool: a page takes tens of milliseconds of CPU.
///
/// # Errors
/// Internal: the template does not compile or the PDF cannot be written (logged with typst's
/// diagnostics under `what`).
pub async fn typeset(
    pdf: &argine_reports::pdf::Pdf,
    source: &'static str,
    data: &serde_json::Value,
    what: &'static str,
) -> WebResult<Vec<u8>> {
    let json = serde_json::to_vec(data).map_err(|e| WebError::Internal(e.into()))?;
    let pdf = pdf.clone();
    tokio::task::spawn_blocking(move || pdf.render(source, &[("data.json", json.as_slice())]))
        .await
        .map_err(|e| WebError::Internal(e.into()))?
        .map_err(|e| {
            tracing::error!(error = %e, what, "PDF failed");
            WebError::Internal(anyhow::anyhow!("PDF ({what}): {e}"))
        })
}

/// A PDF as a file to save, not kept in any cache.
pub fn pdf(filename: &str, bytes: Vec<u8>) -> Response {
    let mut res = attachment("application/pdf", filename, bytes);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    res
}
