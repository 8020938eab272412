//! Report builds as jobs: the page queues a build (row and job in one transaction), a worker
//! builds it off the request path, writing its progress as it goes, and stores the files —
//! the PDF, the HTML page, the XLSX annex and the open-data package — with every published
//! value, so the next build lists what changed.

use super::{ReportError, STAGES, build, inputs};
use crate::AppState;
use argine_domain::report::opendata::{self, Publisher};
use argine_storage::reports::{self as store, NewBuild, Outcome};
use argine_storage::{StorageError, jobs};
use serde::{Deserialize, Serialize};

pub const JOB_KIND: &str = "report.build";
/// A build that failed for a passing reason (the database) is tried once more; a build that
/// failed for a lasting one is marked failed on its page and not retried.
const MAX_ATTEMPTS: i64 = 2;

/// The job's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildJob {
    pub build: i64,
}

/// The names and media types of a build's files.
pub const PDF: (&str, &str) = ("rapporto.pdf", "application/pdf");
pub const HTML: (&str, &str) = ("rapporto.html", "text/html; charset=utf-8");
pub const ANNEX: (&str, &str) = ("allegato.xlsx", opendata::XLSX_MEDIA);
/// The open-data package's files are stored under this prefix.
pub const DATA_PREFIX: &str = "dati/";
/// `{file name: caption}` of the package's table files, for the public page.
pub const CAPTIONS: &str = "didascalie.json";

/// Queues a build and its job in `tx`; returns the build's id.
///
/// # Errors
/// The database.
pub async fn queue(tx: &mut argine_storage::Tx, b: &NewBuild<'_>) -> Result<i64, StorageError> {
    let id = store::queue_build(tx, b).await?;
    let payload = serde_json::to_string(&BuildJob { build: id }).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    jobs::enqueue(tx, JOB_KIND, &payload, Some(&format!("report-build:{id}")), MAX_ATTEMPTS).await?;
    Ok(id)
}

/// The public address of a build's open-data files (ends with `/`).
pub fn data_base_url(public_url: &str, build: i64) -> String {
    format!("{}/dati-aperti/{build}/", public_url.trim_end_matches('/'))
}

/// Runs the build of a job. A build already finished (the job ran again after a crash) is
/// left alone. A build that cannot be made is marked failed and the job is done; only a
/// database error is returned (the job is retried).
///
/// # Errors
/// The payload, the database.
pub async fn run(state: &AppState, payload: &str) -> Result<(), ReportError> {
    let job: BuildJob =
        serde_json::from_str(payload).map_err(|e| ReportError::Storage(StorageError::Corrupt(e.to_string())))?;
    let mut conn = state.db.pool().acquire().await.map_err(StorageError::from)?;
    match store::start(&mut conn, job.build).await {
        Ok(()) => {}
        Err(StorageError::NotFound) => {
            tracing::info!(build = job.build, "report build already finished: nothing to do");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    let b = store::build(&mut conn, job.build).await?;
    drop(conn);
    match make(state, &b).await {
        Ok(()) => Ok(()),
        Err(ReportError::Storage(e)) => Err(ReportError::Storage(e)),
        Err(e) => {
            tracing::warn!(build = b.id, error = %e, "report build failed");
            let mut conn = state.db.pool().acquire().await.map_err(StorageError::from)?;
            store::fail(&mut conn, b.id, &e.to_string()).await?;
            Ok(())
        }
    }
}

async fn make(state: &AppState, b: &store::Build) -> Result<(), ReportError> {
    let territory = state.territory();
    let inputs = inputs(&state.db, &territory, b.campaign_id).await?;
    // The blocking build reports its stages here; an async task writes them down.
    let (tx, mut rx) = tokio::sync::watch::channel(0_u32);
    let db = state.db.clone();
    let id = b.id;
    let writer = tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let done = *rx.borrow_and_update();
            if let Ok(mut conn) = db.pool().acquire().await
                && let Err(e) = store::set_progress(&mut conn, id, i64::from(done)).await
            {
                tracing::warn!(build = id, error = %e, "cannot record the report's progress");
            }
        }
    });
    let pdf = state.pdf.clone();
    let template = b.template_body.clone();
    let date = b.report_date.clone();
    let publisher = Publisher {
        ipa: state.config.open_data_ipa.clone(),
        name: state.config.open_data_publisher.clone(),
        base_url: data_base_url(&state.config.public_url, b.id),
    };
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string();
    let made = tokio::task::spawn_blocking(move || -> Result<_, ReportError> {
        let built = build(&pdf, &inputs, &template, &date, &|done| {
            let _ = tx.send(done);
        })?;
        let files = files(&built, &inputs, &publisher, &today)?;
        Ok((built, files))
    })
    .await;
    let _ = writer.await;
    let (built, files) = match made {
        Ok(r) => r?,
        Err(e) => return Err(ReportError::Task(e.to_string())),
    };
    let values = serde_json::to_string(&built.report.figures())
        .map_err(|e| ReportError::Storage(StorageError::Corrupt(e.to_string())))?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let mut tx = state.db.begin().await?;
    store::finish(
        &mut tx,
        b.id,
        &Outcome {
            title: &built.report.title,
            pages: count(built.pages),
            tables: count(built.report.tables().len()),
            figures: count(built.report.figures_list().len()),
            values_json: &values,
            progress: i64::from(STAGES),
            files: &files,
        },
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    tracing::info!(build = b.id, pages = built.pages, "report built");
    Ok(())
}

/// Every file a build stores: the report in its three forms and the open-data package.
fn files(
    built: &super::Built,
    inputs: &[argine_domain::report::census::ComuneInput],
    publisher: &Publisher,
    today: &str,
) -> Result<Vec<(String, String, Vec<u8>)>, ReportError> {
    let mut out = vec![
        (PDF.0.to_owned(), PDF.1.to_owned(), built.pdf.clone()),
        (HTML.0.to_owned(), HTML.1.to_owned(), built.html.clone().into_bytes()),
        (ANNEX.0.to_owned(), ANNEX.1.to_owned(), built.annex.clone()),
    ];
    let media = |name: &str| {
        match name.rsplit('.').next() {
            Some("csv") => "text/csv; charset=utf-8",
            Some("geojson") => "application/geo+json",
            Some("jsonld") => "application/ld+json",
            Some("xlsx") => opendata::XLSX_MEDIA,
            _ => "application/octet-stream",
        }
        .to_owned()
    };
    let captions: std::collections::BTreeMap<String, String> = built
        .report
        .tables()
        .iter()
        .enumerate()
        .map(|(i, t)| (opendata::table_file_name(i, t), t.caption.clone()))
        .collect();
    out.push((
        CAPTIONS.to_owned(),
        "application/json".to_owned(),
        serde_json::to_vec(&captions).map_err(|e| ReportError::Storage(StorageError::Corrupt(e.to_string())))?,
    ));
    let mut package = opendata::package(&built.report, inputs, publisher, today, &["tavole.xlsx", "comuni.xlsx"]);
    package.push(opendata::File { name: "tavole.xlsx".into(), bytes: built.annex.clone() });
    package.push(opendata::File {
        name: "comuni.xlsx".into(),
        bytes: argine_reports::xlsx::write_workbook(&[("comuni".to_owned(), opendata::comuni_rows(inputs))])?,
    });
    out.extend(package.into_iter().map(|f| (format!("{DATA_PREFIX}{}", f.name), media(&f.name), f.bytes)));
    Ok(out)
}
