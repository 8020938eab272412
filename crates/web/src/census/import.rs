//! Import of responses collected elsewhere — exports of KoboToolbox or LimeSurvey, or argine's
//! own — into a campaign. The file is checked first (every row, with sheet, row and column of
//! each problem, and the Comune each row belongs to, matched by ISTAT code, cadastral code or
//! name); ambiguous Comuni are settled by a person on the review screen; then the whole file is
//! imported in one transaction, or nothing.

use super::forms::definition;
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::pairs;
use crate::network::import::read_upload;
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_domain::census::import::{self, ComuneMatch, ComuneRef, ImportOptions, ImportPlan};
use argine_domain::census::xlsform::Form;
use argine_storage::census::{self, Campaign, Invitation};
use argine_storage::{StorageError, network};
use askama::Template;
use axum::extract::{Multipart, Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;

pub struct ProblemRow {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

pub struct AmbiguousRow {
    pub row: usize,
    pub candidates: Vec<(String, String)>,
    pub chosen: String,
}

pub struct Report {
    pub summary: String,
    pub format: String,
    pub importable: usize,
    pub errors: Vec<ProblemRow>,
    pub warnings: Vec<ProblemRow>,
    pub ambiguous: Vec<AmbiguousRow>,
}

#[derive(Template)]
#[template(path = "census/import.html")]
struct ImportPage {
    chrome: Chrome,
    id: i64,
    campaign: String,
    filename: String,
    report: Option<Report>,
    staged: Option<i64>,
    error: Option<String>,
}

async fn load(state: &AppState, id: i64) -> WebResult<(Campaign, Form, Vec<Invitation>)> {
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let invitations = census::invitations(&mut conn, id).await?;
    drop(conn);
    let form = definition(&v)?;
    Ok((c, form, invitations))
}

fn refs(state: &AppState, invitations: &[Invitation]) -> Vec<ComuneRef> {
    let territory = state.territory();
    invitations
        .iter()
        .map(|i| {
            let current = territory.resolve(&i.comune_code);
            ComuneRef {
                istat: i.comune_code.clone(),
                belfiore: current.as_ref().map(|r| r.current.belfiore.clone()).unwrap_or_default(),
                name: i.comune_name.clone(),
                province_code: territory.province(&i.province_code).map(|p| p.sigla.clone()).unwrap_or_default(),
                active: true,
            }
        })
        .collect()
}

fn today() -> time::Date {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date()
}

fn make_plan(
    state: &AppState,
    tr: &Tr,
    form: &Form,
    invitations: &[Invitation],
    bytes: &[u8],
    resolutions: BTreeMap<usize, String>,
) -> Result<(ImportPlan, Vec<ComuneRef>), String> {
    let comuni = refs(state, invitations);
    let mut options = ImportOptions::new(today());
    options.lang = form.language_for(tr.lang());
    options.resolutions = resolutions;
    import::plan_bytes(form, bytes, &comuni, &options)
        .map(|p| (p, comuni))
        .map_err(|e| tr.t1("census-import-unreadable", "reason", e.to_string()))
}

fn report(tr: &Tr, plan: &ImportPlan, comuni: &[ComuneRef], resolutions: &BTreeMap<usize, String>) -> Report {
    let message = |code: &str, args: &[(&'static str, String)]| {
        let text = tr.args(&format!("census-{code}"), args);
        match args.iter().find(|(k, v)| *k == "suggestions" && !v.is_empty()) {
            Some((_, s)) => format!("{text} {}", tr.t1("census-import-suggestions", "suggestions", s.clone())),
            None => text,
        }
    };
    let describe = |istat: &str| {
        comuni
            .iter()
            .find(|c| c.istat == istat)
            .map_or_else(|| istat.to_owned(), |c| format!("{} ({})", c.name, c.province_code))
    };
    let format = tr.t(&format!("census-import-format-{:?}", plan.format).to_lowercase());
    Report {
        summary: tr.args(
            "census-import-summary",
            &[
                ("format", format.clone()),
                ("rows", plan.rows.len().to_string()),
                ("errors", plan.errors.len().to_string()),
            ],
        ),
        format,
        importable: plan.rows.len(),
        errors: plan
            .errors
            .iter()
            .map(|e| ProblemRow {
                sheet: e.sheet.clone(),
                row: e.row.to_string(),
                column: e.column.clone().unwrap_or_default(),
                message: message(e.kind.code(), &e.kind.args()),
            })
            .collect(),
        warnings: plan
            .warnings
            .iter()
            .map(|w| ProblemRow {
                sheet: w.sheet.clone(),
                row: w.row.map(|r| r.to_string()).unwrap_or_default(),
                column: w.column.clone().unwrap_or_default(),
                message: message(w.kind.code(), &w.kind.args()),
            })
            .collect(),
        ambiguous: plan
            .rows
            .iter()
            .filter_map(|r| match &r.comune {
                ComuneMatch::Ambiguous(codes) => Some(AmbiguousRow {
                    row: r.row,
                    candidates: codes.iter().map(|c| (c.clone(), describe(c))).collect(),
                    chosen: resolutions.get(&r.row).cloned().unwrap_or_default(),
                }),
                _ => None,
            })
            .collect(),
    }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let (c, _, _) = load(&state, id).await?;
    render(ImportPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        campaign: c.name,
        filename: String::new(),
        report: None,
        staged: None,
        error: None,
    })
}

/// Upload: check the file and show the report; a file without errors is kept for confirmation.
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (c, form, invitations) = load(&state, id).await?;
    let chrome = Chrome::for_user(&state, &ctx, &user);
    let Some((filename, bytes)) = read_upload(mp, "file").await? else {
        let error = Some(tr.t("import-error-no-file"));
        return render(ImportPage {
            chrome,
            id,
            campaign: c.name,
            filename: String::new(),
            report: None,
            staged: None,
            error,
        });
    };
    let (plan, comuni) = match make_plan(&state, &tr, &form, &invitations, &bytes, BTreeMap::new()) {
        Ok(p) => p,
        Err(error) => {
            return render(ImportPage {
                chrome,
                id,
                campaign: c.name,
                filename,
                report: None,
                staged: None,
                error: Some(error),
            });
        }
    };
    let staged = if plan.errors.is_empty() {
        let mut tx = state.db.begin().await?;
        let staged =
            network::stage(&mut tx, &format!("census_responses:{id}"), user.user.id, &filename, &bytes).await?;
        tx.commit().await.map_err(StorageError::from)?;
        Some(staged)
    } else {
        None
    };
    tracing::info!(campaign = id, rows = plan.rows.len(), errors = plan.errors.len(), "census response import checked");
    let report = report(&tr, &plan, &comuni, &BTreeMap::new());
    let mut res =
        render(ImportPage { chrome, id, campaign: c.name, filename, report: Some(report), staged, error: None })?;
    if staged.is_none() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// Confirmation: the staged file is checked again with the person's choices for ambiguous
/// Comuni, then imported whole — or, at the first conflict, not at all.
pub async fn apply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, staged_id)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (c, form, invitations) = load(&state, id).await?;
    let mut conn = state.db.pool().acquire().await?;
    let staged = network::staged(&mut conn, staged_id, user.user.id).await?;
    drop(conn);
    if staged.kind != format!("census_responses:{id}") || staged.applied {
        return Err(WebError::NotFound);
    }
    let resolutions: BTreeMap<usize, String> = pairs(&body)
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("riga-")?.parse().ok()?, v)))
        .filter(|(_, v): &(usize, String)| !v.is_empty())
        .collect();
    let chrome = Chrome::for_user(&state, &ctx, &user);
    let (plan, comuni) = match make_plan(&state, &tr, &form, &invitations, &staged.content, resolutions.clone()) {
        Ok(p) => p,
        Err(error) => {
            let filename = staged.filename;
            return render(ImportPage {
                chrome,
                id,
                campaign: c.name,
                filename,
                report: None,
                staged: None,
                error: Some(error),
            });
        }
    };
    if !plan.is_importable() {
        let report = report(&tr, &plan, &comuni, &resolutions);
        let error = Some(tr.t("census-import-unresolved"));
        let staged_again = plan.errors.is_empty().then_some(staged_id);
        let filename = staged.filename;
        let mut res = render(ImportPage {
            chrome,
            id,
            campaign: c.name,
            filename,
            report: Some(report),
            staged: staged_again,
            error,
        })?;
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let by_code: BTreeMap<&str, i64> = invitations.iter().map(|i| (i.comune_code.as_str(), i.id)).collect();
    let mut tx = state.db.begin().await?;
    let mut conflicts = Vec::new();
    for row in &plan.rows {
        let Some(code) = row.comune.istat() else { continue };
        let Some(inv) = by_code.get(code) else { continue };
        let json = serde_json::to_string(&row.answers).map_err(|e| WebError::Internal(e.into()))?;
        match census::import_response(&mut tx, *inv, c.form_version_id, &json).await {
            Ok(()) => {}
            Err(StorageError::Conflict(_)) => conflicts.push(tr.args(
                "census-import-already-submitted",
                &[
                    ("row", row.row.to_string()),
                    ("comune", comuni.iter().find(|r| r.istat == code).map_or(code, |r| &r.name).to_owned()),
                ],
            )),
            Err(e) => return Err(e.into()),
        }
    }
    if !conflicts.is_empty() {
        drop(tx);
        let mut report = report(&tr, &plan, &comuni, &resolutions);
        report.errors = conflicts
            .into_iter()
            .map(|m| ProblemRow { sheet: String::new(), row: String::new(), column: String::new(), message: m })
            .collect();
        let error = Some(tr.t("census-import-nothing"));
        let filename = staged.filename;
        let mut res =
            render(ImportPage { chrome, id, campaign: c.name, filename, report: Some(report), staged: None, error })?;
        *res.status_mut() = axum::http::StatusCode::CONFLICT;
        return Ok(res);
    }
    network::mark_applied(&mut tx, staged_id).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.responses.import",
        ("census_campaign", id),
        json!({"rows": plan.rows.len(), "file_sha256": staged.sha256, "format": format!("{:?}", plan.format)}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    tracing::info!(campaign = id, rows = plan.rows.len(), "census responses imported");
    Ok(Redirect::to(&format!("/censimento/campagne/{id}?importate={}", plan.rows.len())).into_response())
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, Tr};
    use argine_domain::census::import::{ImportWarningKind, RowErrorKind};

    /// Every problem the importer can report has a message in both languages.
    #[test]
    fn every_import_problem_is_translated() {
        let s = || "x".to_owned();
        let errors = [
            RowErrorKind::Empty,
            RowErrorKind::InvalidForm { message: s() },
            RowErrorKind::NoComuneColumn,
            RowErrorKind::ComuneColumnNotFound { column: s() },
            RowErrorKind::NoLinkColumn { repeat: s() },
            RowErrorKind::ComuneMissing,
            RowErrorKind::ComuneNotFound { value: s(), suggestions: vec![s()] },
            RowErrorKind::DuplicateComune { comune: s(), first_row: 2 },
            RowErrorKind::BadResolution { istat: s() },
            RowErrorKind::Incomplete,
            RowErrorKind::OrphanRow { parent: s() },
            RowErrorKind::BadInstanceNumber { value: s() },
            RowErrorKind::DuplicateInstance { number: 1 },
            RowErrorKind::TooManyInstances { max: 1 },
            RowErrorKind::Required { field: s() },
            RowErrorKind::Constraint { field: s(), value: s(), message: s() },
            RowErrorKind::BadInteger { value: s() },
            RowErrorKind::BadDecimal { value: s() },
            RowErrorKind::BadDate { value: s() },
            RowErrorKind::UnknownChoice { value: s() },
            RowErrorKind::BadGeopoint { value: s() },
            RowErrorKind::BadFlag { value: s() },
            RowErrorKind::TooLong { max: 1 },
        ];
        let warnings = [
            ImportWarningKind::UnknownColumn,
            ImportWarningKind::DuplicateColumn { field: s() },
            ImportWarningKind::UnknownSheet,
            ImportWarningKind::SkippedIncomplete,
        ];
        let all = errors.iter().map(|e| (e.code(), e.args())).chain(warnings.iter().map(|w| (w.code(), w.args())));
        for (code, args) in all {
            for lang in Lang::ALL {
                let id = format!("census-{code}");
                let m = Tr::new(lang).args(&id, &args);
                assert!(m != id && !m.is_empty() && !m.contains("{ $"), "{id} in {lang:?}: {m}");
            }
        }
    }
}
