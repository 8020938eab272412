//! Import of organisations from CSV or a spreadsheet: upload → dry run with a row-by-row report
//! → confirm → applied all or nothing. The uploaded file is staged in the database between the
//! two steps, so the confirmed import is exactly the file that was checked.

use super::orgs::{OrgDraft, OrgProblem, ValidOrg, audit_write, validate};
use super::{Tab, tabs};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::sheet::{self, Table};
use argine_domain::territory::search::normalise;
use argine_storage::StorageError;
use argine_storage::network;
use argine_storage::orgs::{self, NewOrganisation, Organisation};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use serde_json::json;
use std::collections::HashMap;

/// Columns of the import file, in the order of the export (headers are matched without regard
/// to case, accents or punctuation; English names are accepted too).
pub const COLUMNS: [&str; 9] =
    ["nome", "tipo", "territorio", "pec", "email", "telefono", "indirizzo", "sito", "codice_ipa"];

const ALIASES: [&[&str]; 9] = [
    &["nome", "denominazione", "name", "organisation", "organizzazione", "ente"],
    &["tipo", "tipologia", "type"],
    &["territorio", "giurisdizione", "competenza", "territory", "jurisdiction"],
    &["pec", "posta certificata"],
    &["email", "e mail", "mail", "posta elettronica"],
    &["telefono", "tel", "phone"],
    &["indirizzo", "sede", "address"],
    &["sito", "sito web", "website", "web"],
    &["codice ipa", "ipa", "ipa code"],
];

/// What happens to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    New,
    Update,
    Unchanged,
    Error(Vec<String>),
}

pub struct RowReport {
    pub line: usize,
    pub name: String,
    pub outcome: Outcome,
}

impl RowReport {
    pub fn is_error(&self) -> bool {
        matches!(self.outcome, Outcome::Error(_))
    }
    pub fn errors(&self) -> &[String] {
        match &self.outcome {
            Outcome::Error(e) => e,
            _ => &[],
        }
    }
    pub fn label_key(&self) -> &'static str {
        match self.outcome {
            Outcome::New => "import-row-new",
            Outcome::Update => "import-row-update",
            Outcome::Unchanged => "import-row-unchanged",
            Outcome::Error(_) => "import-row-error",
        }
    }
}

pub struct Plan {
    pub rows: Vec<RowReport>,
    /// Valid rows to write: (existing id if an update, organisation).
    writes: Vec<(Option<i64>, ValidOrg)>,
    /// A problem with the file as a whole (missing columns, not a table).
    pub file_error: Option<String>,
}

impl Plan {
    pub fn error_count(&self) -> usize {
        self.rows.iter().filter(|r| r.is_error()).count() + usize::from(self.file_error.is_some())
    }
    fn count(&self, o: &Outcome) -> usize {
        self.rows.iter().filter(|r| &r.outcome == o).count()
    }
}

/// Checks a whole file against the directory and the importer's rights, writing nothing.
pub fn plan(state: &AppState, tr: &Tr, user: &CurrentUser, bytes: &[u8], existing: &[Organisation]) -> Plan {
    let fail = |msg: String| Plan { rows: Vec::new(), writes: Vec::new(), file_error: Some(msg) };
    let table: Table = match sheet::read(bytes) {
        Ok(t) => t,
        Err(e) => {
            tracing::info!(error = %e, "organisation import: unreadable file");
            return fail(match e {
                sheet::SheetError::Empty => tr.t("import-error-empty"),
                sheet::SheetError::Format(_) => tr.t("import-error-format"),
                sheet::SheetError::Csv { row, .. } => tr.t1("import-error-csv", "row", row),
                sheet::SheetError::TooManyRows(n, max) => {
                    tr.args("import-error-too-many", &[("rows", n.to_string()), ("max", max.to_string())])
                }
                sheet::SheetError::TooManyColumns(n, max) => {
                    tr.args("import-error-too-many-columns", &[("columns", n.to_string()), ("max", max.to_string())])
                }
            });
        }
    };
    let cols: Vec<Option<usize>> = ALIASES.iter().map(|a| table.column(a)).collect();
    let missing: Vec<&str> = [0, 1, 2].into_iter().filter(|i| cols[*i].is_none()).map(|i| COLUMNS[i]).collect();
    if !missing.is_empty() {
        return fail(tr.t1("import-error-columns", "columns", missing.join(", ")));
    }
    let by_name: HashMap<String, &Organisation> = existing.iter().map(|o| (normalise(&o.name), o)).collect();
    let t = state.territory();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut writes = Vec::new();
    for (line, cells) in &table.rows {
        let c = |i: usize| Table::cell(cells, cols[i]).to_owned();
        let draft = OrgDraft {
            name: c(0),
            org_type: c(1),
            places: c(2),
            pec: c(3),
            email: c(4),
            phone: c(5),
            address: c(6),
            website: c(7),
            ipa_code: c(8),
        };
        let key = normalise(&draft.name);
        let mut errors: Vec<String> = Vec::new();
        if let Some(first) = seen.get(&key).filter(|_| !key.is_empty()) {
            errors.push(tr.t1("import-error-duplicate", "row", first));
        } else {
            seen.insert(key.clone(), *line);
        }
        let valid = match validate(&t, &draft) {
            Ok(v) => Some(v),
            Err(problems) => {
                errors.extend(problems.iter().map(|p: &OrgProblem| p.message(tr)));
                None
            }
        };
        let current = by_name.get(&key).copied();
        if let Some(v) = &valid {
            // Both the organisation as it is and as it will be must be inside the importer's reach.
            let after =
                Resource::Organisation { id: current.map_or(0, |o| o.id), jurisdiction: v.jurisdiction.clone() };
            let before_ok = current.is_none_or(|o| {
                authorize(&user.actor, Action::ManageOrganisations, &super::org_resource(o)).is_allowed()
            });
            if !before_ok || !authorize(&user.actor, Action::ManageOrganisations, &after).is_allowed() {
                errors.push(tr.t("import-error-out-of-reach"));
            }
        }
        let outcome = match (errors.is_empty(), valid) {
            (true, Some(v)) => {
                let outcome = match current {
                    None => Outcome::New,
                    Some(o)
                        if o.org_type == v.org_type
                            && o.jurisdiction == v.jurisdiction
                            && o.contacts == v.contacts
                            && o.name == v.name =>
                    {
                        Outcome::Unchanged
                    }
                    Some(_) => Outcome::Update,
                };
                if outcome != Outcome::Unchanged {
                    writes.push((current.map(|o| o.id), v));
                }
                outcome
            }
            _ => Outcome::Error(errors),
        };
        rows.push(RowReport { line: *line, name: draft.name, outcome });
    }
    let file_error = rows.is_empty().then(|| tr.t("import-error-empty"));
    Plan { rows, writes, file_error }
}

#[derive(Template)]
#[template(path = "network/import.html")]
struct ImportPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    columns: Vec<&'static str>,
    types: Vec<(String, String)>,
    filename: String,
    staged_id: Option<i64>,
    report: Option<Plan>,
    summary: String,
    has_errors: bool,
    message: Option<String>,
}

fn page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    filename: String,
    staged_id: Option<i64>,
    report: Option<Plan>,
    message: Option<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let counts = report.as_ref().map_or((0, 0, 0, 0), |p| {
        (p.count(&Outcome::New), p.count(&Outcome::Update), p.count(&Outcome::Unchanged), p.error_count())
    });
    let bad = report.as_ref().is_some_and(|p| p.error_count() > 0);
    let mut res = render(ImportPage {
        chrome: Chrome::for_user(state, ctx, user),
        tabs: tabs(&tr, &ctx.path),
        columns: COLUMNS.to_vec(),
        types: argine_domain::network::OrgType::ALL
            .iter()
            .map(|t| (t.code().to_owned(), tr.t(&t.label_key())))
            .collect(),
        filename,
        staged_id,
        report,
        summary: tr.args(
            "import-summary",
            &[
                ("new", counts.0.to_string()),
                ("updated", counts.1.to_string()),
                ("unchanged", counts.2.to_string()),
                ("errors", counts.3.to_string()),
            ],
        ),
        has_errors: counts.3 > 0,
        message,
    })?;
    if bad {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn may_import(user: &CurrentUser) -> Resource {
    // Importing creates organisations: the same question as the creation form.
    Resource::Organisation { id: 0, jurisdiction: user.actor.jurisdiction.clone() }
}

pub async fn form(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOrganisations, &may_import(&user)).await?;
    page(&state, &ctx, &user, String::new(), None, None, None)
}

/// Reads the one file field of a multipart form.
pub async fn read_upload(mut mp: Multipart, name: &str) -> WebResult<Option<(String, Vec<u8>)>> {
    while let Some(f) = mp.next_field().await.map_err(|_| WebError::BadRequest("multipart"))? {
        if f.name() == Some(name) {
            let filename = f.file_name().unwrap_or("").chars().filter(|c| !c.is_control()).take(200).collect();
            let bytes = f.bytes().await.map_err(|_| WebError::BadRequest("multipart"))?;
            return Ok((!bytes.is_empty()).then(|| (filename, bytes.to_vec())));
        }
    }
    Ok(None)
}

/// Upload: stage the file and show the dry run.
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    mp: Multipart,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOrganisations, &may_import(&user)).await?;
    let tr = Tr::new(ctx.lang);
    let Some((filename, bytes)) = read_upload(mp, "file").await? else {
        let p = Plan { rows: Vec::new(), writes: Vec::new(), file_error: Some(tr.t("import-error-no-file")) };
        return page(&state, &ctx, &user, String::new(), None, Some(p), None);
    };
    let existing = orgs::list(&state.db).await?;
    let report = plan(&state, &tr, &user, &bytes, &existing);
    let staged_id = if report.error_count() == 0 {
        let mut tx = state.db.begin().await?;
        let id = network::stage(&mut tx, "organisations", user.user.id, &filename, &bytes).await?;
        tx.commit().await.map_err(StorageError::from)?;
        Some(id)
    } else {
        None
    };
    tracing::info!(rows = report.rows.len(), errors = report.error_count(), "organisation import dry run");
    page(&state, &ctx, &user, filename, staged_id, Some(report), None)
}

/// Confirm: check the staged file again (the directory may have changed) and apply it in one
/// transaction, or nothing.
pub async fn apply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOrganisations, &may_import(&user)).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let staged = network::staged(&mut conn, id, user.user.id).await.map_err(|e| match e {
        StorageError::NotFound => WebError::NotFound,
        e => e.into(),
    })?;
    drop(conn);
    if staged.applied {
        return Err(WebError::Conflict("import-already-applied"));
    }
    let existing = orgs::list(&state.db).await?;
    let report = plan(&state, &tr, &user, &staged.content, &existing);
    if report.error_count() > 0 {
        return page(&state, &ctx, &user, staged.filename, None, Some(report), None);
    }
    let mut tx = state.db.begin().await?;
    network::mark_applied(&mut tx, id).await.map_err(|e| match e {
        StorageError::Conflict(_) => WebError::Conflict("import-already-applied"),
        e => e.into(),
    })?;
    let (mut created, mut updated) = (0, 0);
    for (existing_id, v) in &report.writes {
        let new = NewOrganisation {
            name: &v.name,
            org_type: v.org_type,
            jurisdiction: &v.jurisdiction,
            contacts: v.contacts.clone(),
        };
        match existing_id {
            Some(oid) => {
                orgs::update(&mut tx, *oid, new).await?;
                updated += 1;
            }
            None => {
                orgs::create(&mut tx, new).await?;
                created += 1;
            }
        }
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "organisation.import",
        ("staged_import", id),
        json!({"file": staged.filename, "sha256": staged.sha256, "created": created, "updated": updated}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    state.invalidate_organisations();
    tracing::info!(created, updated, "organisation import applied");
    let msg = tr.args("import-applied", &[("created", created.to_string()), ("updated", updated.to_string())]);
    page(&state, &ctx, &user, String::new(), None, None, Some(msg))
}
