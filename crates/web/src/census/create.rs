//! A new campaign: a published questionnaire, a universe of Comuni (all current Comuni, or
//! some regions, provinces or a list of codes, optionally within a population class), the
//! schedule (opening day, deadline, reminders), and the Comuni's addresses from a CSV/XLSX
//! file. Everything is checked first; with any problem nothing is created and the form comes
//! back with what was typed and every problem listed.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_domain::census::import::{ComuneIndex, ComuneMatch, ComuneRef};
use argine_domain::email::Email;
use argine_domain::sheet::{self, Table};
use argine_storage::StorageError;
use argine_storage::census::{self, NewCampaign, NewInvitation};
use argine_storage::territory::Comune;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// What the person typed (kept on errors).
#[derive(Debug, Clone, Default)]
pub struct CampaignForm {
    pub name: String,
    pub version: String,
    pub scope: String,
    pub regions: BTreeSet<String>,
    pub provinces: BTreeSet<String>,
    pub codes: String,
    pub pop_min: String,
    pub pop_max: String,
    pub opens_on: String,
    pub deadline: String,
    pub reminders: String,
    pub reminder_days: String,
    pub accept_late: bool,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "census/campaign_new.html")]
struct NewPage {
    chrome: Chrome,
    form: CampaignForm,
    versions: Vec<Choice>,
    regions: Vec<Choice>,
    provinces: Vec<Choice>,
    errors: Vec<String>,
}

fn page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    versions: Vec<(String, String)>,
    form: CampaignForm,
    errors: Vec<String>,
) -> WebResult<Response> {
    let territory = state.territory();
    let regions = territory
        .regions
        .iter()
        .map(|r| Choice { selected: form.regions.contains(&r.code), value: r.code.clone(), label: r.name.clone() })
        .collect();
    let mut provinces: Vec<Choice> = territory
        .provinces
        .iter()
        .map(|p| Choice {
            selected: form.provinces.contains(&p.code),
            value: p.code.clone(),
            label: format!("{} ({})", p.name, p.sigla),
        })
        .collect();
    provinces.sort_by(|a, b| a.label.cmp(&b.label));
    let versions =
        versions.into_iter().map(|(id, label)| Choice { selected: form.version == id, value: id, label }).collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut res =
        render(NewPage { chrome: Chrome::for_user(state, ctx, user), form, versions, regions, provinces, errors })?;
    *res.status_mut() = status;
    Ok(res)
}

/// The published questionnaire versions: (id, "title (version)").
async fn published_versions(state: &AppState) -> WebResult<Vec<(String, String)>> {
    let mut conn = state.db.pool().acquire().await?;
    let mut out = Vec::new();
    for f in census::forms(&mut conn).await? {
        if let Some(id) = f.published_version_id {
            let v = census::version(&mut conn, id).await?;
            out.push((id.to_string(), format!("{} ({})", v.title, v.version)));
        }
    }
    Ok(out)
}

fn today() -> time::Date {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date()
}

pub async fn new(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let versions = published_versions(&state).await?;
    let t = today();
    let form = CampaignForm {
        version: versions.first().map(|v| v.0.clone()).unwrap_or_default(),
        scope: "all".into(),
        opens_on: t.to_string(),
        deadline: (t + time::Duration::days(45)).to_string(),
        reminders: "2".into(),
        reminder_days: "7".into(),
        accept_late: true,
        ..CampaignForm::default()
    };
    page(&state, &ctx, &user, versions, form, Vec::new())
}

/// Reads the multipart form: its text fields and the contacts file.
async fn read(mut mp: Multipart) -> WebResult<(CampaignForm, Option<Vec<u8>>)> {
    let mut f = CampaignForm::default();
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(|_| WebError::BadRequest("multipart"))? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "contacts" {
            let bytes = field.bytes().await.map_err(|_| WebError::BadRequest("multipart"))?;
            if !bytes.is_empty() {
                file = Some(bytes.to_vec());
            }
            continue;
        }
        let value = field.text().await.map_err(|_| WebError::BadRequest("multipart"))?;
        let value = value.trim().to_owned();
        match name.as_str() {
            "name" => f.name = value,
            "version" => f.version = value,
            "scope" => f.scope = value,
            "regions" => {
                f.regions.insert(value);
            }
            "provinces" => {
                f.provinces.insert(value);
            }
            "codes" => f.codes = value,
            "pop_min" => f.pop_min = value,
            "pop_max" => f.pop_max = value,
            "opens_on" => f.opens_on = value,
            "deadline" => f.deadline = value,
            "reminders" => f.reminders = value,
            "reminder_days" => f.reminder_days = value,
            "accept_late" => f.accept_late = true,
            _ => {}
        }
    }
    Ok((f, file))
}

/// A checked campaign, ready to store.
struct Checked<'t> {
    version_id: i64,
    reminders: i64,
    reminder_days: i64,
    universe: serde_json::Value,
    comuni: Vec<&'t Comune>,
    /// ISTAT code → (e-mail, PEC) from the file.
    contacts: BTreeMap<String, (Option<String>, Option<String>)>,
}

fn date(s: &str) -> Option<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn int_in(s: &str, lo: i64, hi: i64) -> Option<i64> {
    s.parse::<i64>().ok().filter(|n| (lo..=hi).contains(n))
}

/// Checks the form against the territory; every problem, in the user's language.
fn check_form<'t>(
    tr: &Tr,
    territory: &'t crate::territory::Territory,
    versions: &[(String, String)],
    f: &CampaignForm,
    file: Option<&[u8]>,
) -> Result<Checked<'t>, Vec<String>> {
    let mut errors = Vec::new();
    if f.name.is_empty() || f.name.chars().count() > 200 {
        errors.push(tr.t("census-new-error-name"));
    }
    let version_id = versions.iter().find(|v| v.0 == f.version).and_then(|v| v.0.parse::<i64>().ok());
    if version_id.is_none() {
        errors.push(tr.t("census-new-error-version"));
    }
    let (opens, deadline) = (date(&f.opens_on), date(&f.deadline));
    match (opens, deadline) {
        (None, _) => errors.push(tr.t("census-new-error-opens")),
        (_, None) => errors.push(tr.t("census-new-error-deadline")),
        (Some(o), Some(d)) if d < o => errors.push(tr.t("census-new-error-order")),
        _ => {}
    }
    let reminders = int_in(&f.reminders, 0, 5);
    let reminder_days = int_in(&f.reminder_days, 1, 60);
    if reminders.is_none() {
        errors.push(tr.t("census-new-error-reminders"));
    }
    if reminder_days.is_none() {
        errors.push(tr.t("census-new-error-reminder-days"));
    }
    let pop = |s: &str| if s.is_empty() { Ok(None) } else { s.parse::<i64>().map(Some).map_err(|_| ()) };
    let (pop_min, pop_max) = match (pop(&f.pop_min), pop(&f.pop_max)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => {
            errors.push(tr.t("census-new-error-population"));
            (None, None)
        }
    };

    // The universe.
    let mut comuni: Vec<&Comune> = Vec::new();
    let universe = match f.scope.as_str() {
        "all" => {
            comuni.extend(territory.current());
            json!({"kind": "all"})
        }
        "regions" => {
            if f.regions.is_empty() {
                errors.push(tr.t("census-new-error-no-regions"));
            }
            comuni.extend(territory.current().filter(|c| f.regions.contains(&c.region_code)));
            json!({"kind": "regions", "codes": f.regions})
        }
        "provinces" => {
            if f.provinces.is_empty() {
                errors.push(tr.t("census-new-error-no-provinces"));
            }
            comuni.extend(territory.current().filter(|c| f.provinces.contains(&c.province_code)));
            json!({"kind": "provinces", "codes": f.provinces})
        }
        "list" => {
            let mut seen = BTreeSet::new();
            for code in f.codes.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|s| !s.is_empty()) {
                match territory.resolve(code) {
                    Some(r) => {
                        if seen.insert(r.current.istat.clone()) {
                            comuni.push(r.current);
                        }
                    }
                    None => errors.push(tr.t1("census-new-error-unknown-code", "code", code.to_owned())),
                }
            }
            if seen.is_empty() {
                errors.push(tr.t("census-new-error-no-codes"));
            }
            json!({"kind": "list", "codes": seen})
        }
        _ => {
            errors.push(tr.t("census-new-error-scope"));
            json!({})
        }
    };
    comuni.retain(|c| pop_min.is_none_or(|m| c.pop_total >= m) && pop_max.is_none_or(|m| c.pop_total <= m));
    let mut universe = universe;
    if pop_min.is_some() || pop_max.is_some() {
        universe["population"] = json!({"min": pop_min, "max": pop_max});
    }
    if comuni.is_empty() && errors.is_empty() {
        errors.push(tr.t("census-new-error-empty"));
    }

    // The addresses, matched to the Comuni of the universe.
    let mut contacts = BTreeMap::new();
    if let Some(bytes) = file {
        match sheet::read(bytes) {
            Err(e) => errors.push(tr.t1("census-new-error-file", "reason", e.to_string())),
            Ok(table) => contacts = match_contacts(tr, &table, &comuni, &mut errors),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Checked {
        version_id: version_id.unwrap_or_default(),
        reminders: reminders.unwrap_or_default(),
        reminder_days: reminder_days.unwrap_or_default(),
        universe,
        comuni,
        contacts,
    })
}

/// Reads the contacts table: a Comune column (ISTAT code, cadastral code or name), `pec`,
/// `email`. Every row must match one Comune of the universe and have a valid address.
fn match_contacts(
    tr: &Tr,
    table: &Table,
    comuni: &[&Comune],
    errors: &mut Vec<String>,
) -> BTreeMap<String, (Option<String>, Option<String>)> {
    let mut out = BTreeMap::new();
    let col_comune = table.column(&[
        "comune",
        "codice istat",
        "istat",
        "codice comune",
        "pro com t",
        "belfiore",
        "codice catastale",
        "denominazione",
        "nome comune",
    ]);
    let col_pec = table.column(&["pec", "indirizzo pec", "posta certificata"]);
    let col_email = table.column(&["email", "e mail", "posta elettronica", "mail"]);
    if col_comune.is_none() || (col_pec.is_none() && col_email.is_none()) {
        errors.push(tr.t("census-new-error-columns"));
        return out;
    }
    let refs: Vec<ComuneRef> = comuni
        .iter()
        .map(|c| ComuneRef {
            istat: c.istat.clone(),
            belfiore: c.belfiore.clone(),
            name: c.name.clone(),
            province_code: c.sigla.clone(),
            active: true,
        })
        .collect();
    let index = ComuneIndex::new(&refs);
    let mut first_row: BTreeMap<String, usize> = BTreeMap::new();
    for (line, cells) in &table.rows {
        let cell = Table::cell(cells, col_comune);
        let istat = match index.find(cell) {
            ComuneMatch::Matched(code) => code,
            ComuneMatch::Ambiguous(codes) => {
                let names: Vec<String> = codes.iter().map(|c| index.describe(c)).collect();
                errors.push(tr.args(
                    "census-new-error-ambiguous",
                    &[("row", line.to_string()), ("value", cell.to_owned()), ("candidates", names.join(", "))],
                ));
                continue;
            }
            ComuneMatch::NotFound { .. } => {
                errors.push(tr.args(
                    "census-new-error-not-in-universe",
                    &[("row", line.to_string()), ("value", cell.to_owned())],
                ));
                continue;
            }
        };
        if let Some(first) = first_row.insert(istat.clone(), *line) {
            errors.push(tr.args(
                "census-new-error-duplicate",
                &[("row", line.to_string()), ("first", first.to_string()), ("value", cell.to_owned())],
            ));
            continue;
        }
        let mut address = |col: Option<usize>| -> Option<String> {
            let raw = Table::cell(cells, col);
            if raw.is_empty() {
                return None;
            }
            match Email::parse(raw) {
                Ok(e) => Some(e.to_string()),
                Err(_) => {
                    errors.push(
                        tr.args("census-new-error-address", &[("row", line.to_string()), ("value", raw.to_owned())]),
                    );
                    None
                }
            }
        };
        let (email, pec) = (address(col_email), address(col_pec));
        out.insert(istat, (email, pec));
    }
    out
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    mp: Multipart,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (form, file) = read(mp).await?;
    let versions = published_versions(&state).await?;
    let territory = state.territory();
    let checked = match check_form(&tr, &territory, &versions, &form, file.as_deref()) {
        Ok(c) => c,
        Err(errors) => {
            tracing::info!(problems = errors.len(), "census campaign refused");
            return page(&state, &ctx, &user, versions, form, errors);
        }
    };
    let universe = checked.universe.to_string();
    let mut tx = state.db.begin().await?;
    let id = census::create_campaign(
        &mut tx,
        &NewCampaign {
            name: &form.name,
            form_version_id: checked.version_id,
            universe: &universe,
            opens_on: &form.opens_on,
            deadline: &form.deadline,
            status: "open",
            reminders: checked.reminders,
            reminder_days: checked.reminder_days,
            accept_late: form.accept_late,
        },
        Some(user.user.id),
    )
    .await?;
    let list: Vec<NewInvitation> = checked
        .comuni
        .iter()
        .map(|c| {
            let (email, pec) = checked.contacts.get(&c.istat).cloned().unwrap_or_default();
            NewInvitation {
                comune_code: c.istat.clone(),
                comune_name: c.name.clone(),
                province_code: c.province_code.clone(),
                region_code: c.region_code.clone(),
                email,
                pec,
                invited_at: None,
            }
        })
        .collect();
    let ids = census::add_invitations(&mut tx, id, &list).await?;
    // Links last until 60 days after the deadline (late answers, corrections after reopening).
    let deadline = date(&form.deadline).unwrap_or_else(today);
    let expires = (deadline + time::Duration::days(60)).midnight().assume_utc().unix_timestamp();
    for inv in &ids {
        super::mailing::issue_link(&mut tx, &state.keyring, *inv, expires)
            .await
            .map_err(|e| WebError::Internal(e.into()))?;
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.campaign.create",
        ("census_campaign", id),
        json!({"invited": ids.len(), "with_address": checked.contacts.len(), "universe": checked.universe}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    tracing::info!(campaign = id, invited = ids.len(), "census campaign created");
    Ok(Redirect::to(&format!("/censimento/campagne/{id}?creata=1")).into_response())
}
