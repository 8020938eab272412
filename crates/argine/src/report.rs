//! `argine report build`: a census report from the command line, with a progress bar.

use crate::config::Config;
use crate::startup;
use anyhow::{Context, Result};
use std::io::Write as _;
use std::path::PathBuf;

/// What to build.
#[derive(Debug)]
pub struct Options {
    pub campaign: i64,
    pub template: String,
    pub template_file: Option<PathBuf>,
    pub out: PathBuf,
    pub html: Option<PathBuf>,
    pub annex: Option<PathBuf>,
    pub date: Option<String>,
}

/// What each stage of [`argine_web::reports::build`] has just finished.
const STAGE_NAMES: [&str; 6] = ["template", "indicators", "chapters", "figures", "PDF", "HTML and annex"];

/// A one-line progress bar on standard error: `[########------------] 4/6 figures`.
fn bar(done: u32, of: u32, what: &str) {
    let width = 24;
    let filled = (done * width / of.max(1)) as usize;
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r[{}{}] {done}/{of} {what:<16}", "#".repeat(filled), "-".repeat(width as usize - filled));
    if done == of {
        let _ = writeln!(err);
    }
    let _ = err.flush();
}

/// Builds the report and writes its files; prints the PDF's path, pages and size.
///
/// # Errors
/// An unknown campaign or template, a template error (every one with its line), a file that
/// cannot be written.
pub async fn build(cfg: &Config, o: Options) -> Result<()> {
    let template = match &o.template_file {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => argine_web::reports::shipped(&o.template)
            .with_context(|| format!("no template «{}»: the shipped ones are finale and preliminare", o.template))?
            .to_owned(),
    };
    let db = startup::open_db(cfg).await?;
    let territory =
        argine_web::territory::Territory::load(&db).await.context("reading the territorial reference data")?;
    let mut conn = db.pool().acquire().await?;
    let campaign = argine_storage::census::campaign(&mut conn, o.campaign)
        .await
        .with_context(|| format!("campaign {}", o.campaign))?;
    drop(conn);
    bar(0, argine_web::reports::STAGES, "reading answers");
    let inputs = argine_web::reports::inputs(&db, &territory, o.campaign).await?;
    let date = o.date.clone().unwrap_or_else(|| argine_domain::report::fmt::date_long(&campaign.deadline));
    let built = tokio::task::spawn_blocking(move || {
        let pdf = argine_reports::pdf::Pdf::new()?;
        argine_web::reports::build(&pdf, &inputs, &template, &date, &|done| {
            bar(done, argine_web::reports::STAGES, STAGE_NAMES[done as usize - 1]);
        })
        .map_err(anyhow::Error::from)
    })
    .await
    .context("the report task")??;
    std::fs::write(&o.out, &built.pdf).with_context(|| format!("writing {}", o.out.display()))?;
    if let Some(p) = &o.html {
        let page = format!(
            "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>{}</body></html>\n",
            argine_reports::report::esc(&built.report.title),
            built.html
        );
        std::fs::write(p, page).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &o.annex {
        std::fs::write(p, &built.annex).with_context(|| format!("writing {}", p.display()))?;
    }
    let mut tx = db.begin().await?;
    argine_storage::audit::append(
        &mut tx,
        &crate::cli::cli_entry(
            "report.build",
            "census_campaign",
            o.campaign.to_string(),
            serde_json::json!({"template": o.template, "pages": built.pages, "tables": built.report.tables().len()}),
        ),
    )
    .await?;
    tx.commit().await?;
    db.close().await;
    println!("{}", o.out.display());
    eprintln!(
        "{}: {} pages, {} tables, {} figures, {} KB",
        o.out.display(),
        built.pages,
        built.report.tables().len(),
        built.report.figures_list().len(),
        built.pdf.len() / 1024
    );
    Ok(())
}

/// Writes the open-data package of a campaign into `out` (created; must be new or empty) and
/// prints the files written.
///
/// # Errors
/// An unknown campaign, a non-empty directory, a file that cannot be written.
pub async fn opendata(
    cfg: &Config,
    campaign: i64,
    out: &std::path::Path,
    publisher: &argine_domain::report::opendata::Publisher,
) -> Result<()> {
    use argine_domain::report::opendata;
    if !publisher.base_url.ends_with('/') {
        anyhow::bail!("--base-url must end with / (it is the folder the files are downloaded from)");
    }
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        anyhow::bail!("{} is not empty", out.display());
    }
    let db = startup::open_db(cfg).await?;
    let territory =
        argine_web::territory::Territory::load(&db).await.context("reading the territorial reference data")?;
    let mut conn = db.pool().acquire().await?;
    let c =
        argine_storage::census::campaign(&mut conn, campaign).await.with_context(|| format!("campaign {campaign}"))?;
    drop(conn);
    let inputs = argine_web::reports::inputs(&db, &territory, campaign).await?;
    let template = argine_web::reports::shipped("finale").context("the final report's template")?;
    let report =
        argine_web::reports::compose(&inputs, template, &argine_domain::report::fmt::date_long(&c.deadline), &|_| {})?;
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string();
    let mut files = opendata::package(&report, &inputs, publisher, &today, &["tavole.xlsx", "comuni.xlsx"]);
    files.push(opendata::File { name: "tavole.xlsx".into(), bytes: argine_reports::report::annex(&report)? });
    files.push(opendata::File {
        name: "comuni.xlsx".into(),
        bytes: argine_reports::xlsx::write_workbook(&[("comuni".to_owned(), opendata::comuni_rows(&inputs))])?,
    });
    std::fs::create_dir_all(out)?;
    for f in &files {
        let path = out.join(&f.name);
        std::fs::write(&path, &f.bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    let mut tx = db.begin().await?;
    argine_storage::audit::append(
        &mut tx,
        &crate::cli::cli_entry(
            "report.opendata",
            "census_campaign",
            campaign.to_string(),
            serde_json::json!({"files": files.len(), "ipa": publisher.ipa}),
        ),
    )
    .await?;
    tx.commit().await?;
    db.close().await;
    Ok(())
}
