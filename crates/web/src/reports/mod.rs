//! Census reports: the campaign's Comuni and (clean) answers gathered from the database and
//! the territory, turned into a [`Report`] by a template, and rendered as PDF, HTML and an
//! XLSX annex. Used by the report pages and by `argine report build`.

pub mod job;
pub mod pages;
pub mod public;

use crate::territory::Territory;
use argine_domain::census::answers::Answers;
use argine_domain::report::census::{ComuneInput, Indicators};
use argine_domain::report::template::{Template, TemplateError};
use argine_domain::report::{Report, changes};
use argine_reports::pdf::{Conformance, Pdf, RenderOptions};
use argine_storage::{Db, StorageError, census};

/// The templates shipped with argine, by name.
pub const TEMPLATES: [(&str, &str); 2] = [
    ("finale", include_str!("../../../../templates/reports/finale.it.txt")),
    ("preliminare", include_str!("../../../../templates/reports/preliminare.it.txt")),
];

/// The shipped template `name`.
pub fn shipped(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("response {id} is unreadable: {source}")]
    Unreadable { id: i64, source: serde_json::Error },
    #[error("the template has errors: {}", list(.0))]
    Template(Vec<TemplateError>),
    #[error("indicators: {0}")]
    Indicators(#[from] argine_domain::report::census::IndicatorError),
    #[error(transparent)]
    Draw(#[from] argine_reports::report::DrawError),
    #[error("pdf: {0}")]
    Pdf(#[from] argine_reports::pdf::PdfError),
    #[error("xlsx: {0}")]
    Xlsx(#[from] argine_reports::xlsx::XlsxError),
    #[error("the build task stopped: {0}")]
    Task(String),
}

fn list(errors: &[TemplateError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The stages of a build, for progress bars: (done, of).
pub const STAGES: u32 = 6;

/// The campaign's Comuni with their submitted answers, located with the territory (population,
/// map point, province name). A Comune merged away since the campaign takes its successor's
/// population and point.
///
/// # Errors
/// The database, or a stored response that is not valid JSON.
pub async fn inputs(db: &Db, territory: &Territory, campaign_id: i64) -> Result<Vec<ComuneInput>, ReportError> {
    let mut conn = db.pool().acquire().await.map_err(StorageError::from)?;
    let invitations = census::invitations(&mut conn, campaign_id).await?;
    let mut answers: std::collections::HashMap<String, Answers> = std::collections::HashMap::new();
    let mut after = String::new();
    loop {
        let page = census::clean_page(&mut conn, campaign_id, &after, 1000).await?;
        let last = page.len() < 1000;
        for r in page {
            let a: Answers =
                serde_json::from_str(&r.answers).map_err(|source| ReportError::Unreadable { id: r.id, source })?;
            after.clone_from(&r.comune_code);
            answers.insert(r.comune_code, a);
        }
        if last {
            break;
        }
    }
    drop(conn);
    Ok(invitations
        .into_iter()
        .map(|i| {
            let place = territory.resolve(&i.comune_code).map(|r| r.current);
            ComuneInput {
                population: place.map_or(0, |c| u32::try_from(c.pop_total).unwrap_or(0)),
                point: place.and_then(|c| Some((c.lon?, c.lat?))),
                province_name: territory
                    .province(&i.province_code)
                    .map_or_else(|| i.province_code.clone(), |p| p.name.clone()),
                answers: answers.remove(&i.comune_code),
                istat: i.comune_code,
                name: i.comune_name,
                region: i.region_code,
                province: i.province_code,
            }
        })
        .collect())
}

/// A built report in its three forms.
pub struct Built {
    pub report: Report,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub html: String,
    pub annex: Vec<u8>,
}

/// Builds the report from `template` (its text) over `inputs`. CPU-bound: call it from a
/// blocking thread. `progress(done)` is called after each of [`STAGES`] stages.
///
/// # Errors
/// The template (every problem with its line), the indicators, a figure, typst, the annex.
pub fn build(
    pdf: &Pdf,
    inputs: &[ComuneInput],
    template: &str,
    date: &str,
    progress: &dyn Fn(u32),
) -> Result<Built, ReportError> {
    let report = compose(inputs, template, date, progress)?;
    let layers = crate::territory::svg::layers();
    let figures = argine_reports::report::draw_all(
        &report,
        &argine_reports::report::Layers { regions: &layers[0], provinces: &layers[1], comuni: &layers[2] },
    )?;
    progress(4);
    let rendered = argine_reports::report::pdf(
        pdf,
        &report,
        &figures,
        &RenderOptions { now: None, conformance: Conformance::Accessible },
    )?;
    progress(5);
    let html = argine_reports::report::html(&report, &figures);
    let annex = argine_reports::report::annex(&report)?;
    progress(6);
    Ok(Built { report, pdf: rendered.pdf, pages: rendered.pages, html, annex })
}

/// The report's content (text, tables, figure data) without typesetting it; `progress` is
/// called after the first three [`STAGES`].
///
/// # Errors
/// The template (every problem with its line), the indicators.
pub fn compose(
    inputs: &[ComuneInput],
    template: &str,
    date: &str,
    progress: &dyn Fn(u32),
) -> Result<Report, ReportError> {
    let template = Template::parse(template).map_err(ReportError::Template)?;
    progress(1);
    let indicators = Indicators::compute(inputs, &template.source)?;
    progress(2);
    let report = template.bind(&indicators, date, "it").map_err(ReportError::Template)?;
    progress(3);
    Ok(report)
}

/// What changed between two builds: keys of [`Report::figures`] with before and after.
pub fn changed(before: &Report, after: &Report) -> Vec<argine_domain::report::Change> {
    changes(&before.figures(), &after.figures())
}
