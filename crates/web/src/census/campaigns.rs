//! Campaigns: which questionnaire went to which Comuni, and how far they got — invited,
//! opened, started, submitted, by region and in total.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_storage::census::{self, Campaign, Progress};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use std::collections::HashMap;

pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub form: String,
    pub opens_on: String,
    pub deadline: String,
    pub status: String,
    pub status_code: String,
}

#[derive(Template)]
#[template(path = "census/campaigns.html")]
struct ListPage {
    chrome: Chrome,
    campaigns: Vec<CampaignRow>,
    can_create: bool,
}

fn status_label(tr: &Tr, c: &Campaign) -> String {
    tr.t(&format!("census-campaign-{}", c.status))
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let mut campaigns = Vec::new();
    for c in census::campaigns(&mut conn).await? {
        let v = census::version(&mut conn, c.form_version_id).await?;
        campaigns.push(CampaignRow {
            id: c.id,
            form: format!("{} ({})", v.title, v.version),
            opens_on: tr.date(&c.opens_on),
            deadline: tr.date(&c.deadline),
            status: status_label(&tr, &c),
            status_code: c.status.clone(),
            name: c.name,
        });
    }
    let can_create =
        argine_domain::access::authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed();
    render(ListPage { chrome: Chrome::for_user(&state, &ctx, &user), campaigns, can_create })
}

pub struct ProgressRow {
    pub code: String,
    pub name: String,
    pub p: Progress,
    pub rate: String,
}

#[derive(Template)]
#[template(path = "census/campaign.html")]
struct DetailPage {
    chrome: Chrome,
    name: String,
    form: String,
    form_version_id: i64,
    opens_on: String,
    deadline: String,
    status: String,
    total: ProgressRow,
    regions: Vec<ProgressRow>,
    id: i64,
    can_export: bool,
    can_manage: bool,
    is_open: bool,
    created: bool,
    imported: Option<String>,
    mail_counts: Vec<(String, i64)>,
    failed_mails: Vec<super::follow::MailRow>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DetailQuery {
    creata: String,
    importate: String,
}

/// Formats a percentage the Italian or English way (one decimal).
fn percent(tr: &Tr, rate: f64) -> String {
    let s = format!("{rate:.1}");
    if tr.lang() == "it" { format!("{}%", s.replace('.', ",")) } else { format!("{s}%") }
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<DetailQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let (total, by_region) = census::progress_by_region(&mut conn, id).await?;
    let mail_counts = census::mailing_counts(&mut conn, id)
        .await?
        .into_iter()
        .map(|(status, n)| (tr.t(&format!("census-mail-status-{status}")), n))
        .collect();
    let failed_mails =
        census::mailings(&mut conn, id, true, 200).await?.iter().map(|m| super::follow::mail_row(&tr, m)).collect();
    drop(conn);
    let territory = state.territory();
    let regions = by_region
        .into_iter()
        .map(|(code, p)| ProgressRow {
            name: territory.region(&code).map_or_else(|| code.clone(), |r| r.name.clone()),
            rate: percent(&tr, p.rate()),
            code,
            p,
        })
        .collect();
    render(DetailPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        form: format!("{} ({})", v.title, v.version),
        form_version_id: v.id,
        opens_on: tr.date(&c.opens_on),
        deadline: tr.date(&c.deadline),
        status: status_label(&tr, &c),
        total: ProgressRow {
            code: String::new(),
            name: tr.t("census-total"),
            rate: percent(&tr, total.rate()),
            p: total,
        },
        regions,
        id: c.id,
        can_export: argine_domain::access::authorize(&user.actor, Action::ViewCensusResponses, &Resource::Census)
            .is_allowed(),
        can_manage: argine_domain::access::authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        is_open: c.status == "open",
        created: !q.creata.is_empty(),
        imported: q.importate.parse::<usize>().ok().map(|n| tr.t1("census-import-done", "count", n)),
        mail_counts,
        failed_mails,
        name: c.name,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ComuniQuery {
    /// `da-sollecitare` (not submitted, the default), `in-corso` (started, not submitted),
    /// `inviati`, `tutti`.
    stato: String,
    /// ISTAT region code; all regions when empty.
    regione: String,
    /// Set after a reopening, to say so.
    riaperto: String,
}

/// The Fluent id of how far an invitation got: invited, opened, started, submitted.
pub fn status_key(i: &census::Invitation) -> &'static str {
    if i.submitted_at.is_some() {
        "census-status-submitted"
    } else if i.started_at.is_some() {
        "census-status-started"
    } else if i.opened_at.is_some() {
        "census-status-opened"
    } else {
        "census-status-invited"
    }
}

pub struct InvitationRow {
    pub id: i64,
    pub submitted: bool,
    pub code: String,
    pub name: String,
    pub province: String,
    pub region: String,
    pub status: String,
    pub pec: String,
    pub email: String,
    pub last_contact: Option<LastContact>,
}

/// The newest entry of a Comune's contact log, as shown.
#[derive(Default)]
pub struct LastContact {
    pub when: String,
    pub channel: String,
    pub outcome: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "census/comuni.html")]
struct ComuniPage {
    chrome: Chrome,
    id: i64,
    name: String,
    stato: String,
    regione: String,
    statuses: Vec<(&'static str, String)>,
    regions: Vec<(String, String)>,
    rows: Vec<InvitationRow>,
    can_reopen: bool,
    message: Option<String>,
    error: Option<String>,
}

/// The Comuni of a campaign by where they are (the follow-up list of the secretariat: who has
/// not answered yet, with the addresses to write to).
pub async fn comuni(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ComuniQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let sel = follow_up(&state, &tr, id, &q).await?;
    render(ComuniPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        name: sel.campaign.name,
        statuses: ["da-sollecitare", "in-corso", "inviati", "tutti"]
            .into_iter()
            .map(|s| (s, tr.t(&format!("census-filter-{s}"))))
            .collect(),
        stato: sel.stato,
        regione: q.regione,
        regions: sel.regions,
        rows: sel.rows,
        can_reopen: argine_domain::access::authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        message: (!q.riaperto.is_empty()).then(|| tr.t("census-reopened")),
        error: None,
    })
}

/// The Comuni that a follow-up list shows, with what filters it used.
struct FollowUp {
    campaign: census::Campaign,
    /// The status filter as applied (the default when the query named none or an unknown one).
    stato: String,
    /// Regions of the campaign's universe as (code, name), by name.
    regions: Vec<(String, String)>,
    rows: Vec<InvitationRow>,
}

/// The campaign's Comuni filtered by status and region, each with its addresses and the last
/// entry of its contact log: the list page and its export are the same rows.
async fn follow_up(state: &AppState, tr: &Tr, id: i64, q: &ComuniQuery) -> WebResult<FollowUp> {
    let mut conn = state.db.pool().acquire().await?;
    let campaign = census::campaign(&mut conn, id).await?;
    let all = census::invitations(&mut conn, id).await?;
    let last: HashMap<i64, census::Contact> =
        census::last_contacts(&mut conn, id).await?.into_iter().map(|k| (k.invitation_id, k)).collect();
    drop(conn);
    let stato = match q.stato.as_str() {
        "in-corso" | "inviati" | "tutti" => q.stato.clone(),
        _ => "da-sollecitare".to_owned(),
    };
    let territory = state.territory();
    let region_name = |code: &str| territory.region(code).map_or_else(|| code.to_owned(), |r| r.name.clone());
    let mut regions: Vec<(String, String)> = all
        .iter()
        .map(|i| i.region_code.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|code| (region_name(&code), code))
        .map(|(name, code)| (code, name))
        .collect();
    regions.sort_by(|a, b| a.1.cmp(&b.1));
    let rows = all
        .into_iter()
        .filter(|i| q.regione.is_empty() || i.region_code == q.regione)
        .filter(|i| match stato.as_str() {
            "in-corso" => i.started_at.is_some() && i.submitted_at.is_none(),
            "inviati" => i.submitted_at.is_some(),
            "tutti" => true,
            _ => i.submitted_at.is_none(),
        })
        .map(|i| {
            let status = status_key(&i);
            InvitationRow {
                id: i.id,
                submitted: i.submitted_at.is_some(),
                province: territory
                    .province(&i.province_code)
                    .map_or_else(|| i.province_code.clone(), |p| p.sigla.clone()),
                region: region_name(&i.region_code),
                status: tr.t(status),
                pec: i.pec.clone().unwrap_or_default(),
                email: i.email.clone().unwrap_or_default(),
                last_contact: last.get(&i.id).map(|k| LastContact {
                    when: tr.datetime(k.created_at),
                    channel: tr.t(&format!("census-contact-channel-{}", k.channel)),
                    outcome: tr.t(&format!("census-contact-outcome-{}", k.outcome)),
                    note: k.note.clone(),
                }),
                code: i.comune_code,
                name: i.comune_name,
            }
        })
        .collect();
    Ok(FollowUp { campaign, stato, regions, rows })
}

/// The follow-up list as a table to call from or to merge into letters: the rows of the page
/// with its filters, with region, ISTAT code and the last contact in full. The contact log's
/// notes may name the Comune's staff: the export is audited as a read of personal data.
pub async fn comuni_export(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    q: &ComuniQuery,
    format: crate::download::TableFormat,
) -> WebResult<Response> {
    use argine_domain::sheet::safe_cell;
    check(state, ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let sel = follow_up(state, &tr, id, q).await?;
    let header = [
        "census-export-istat",
        "census-comune",
        "census-province",
        "census-region",
        "census-status",
        "census-export-pec",
        "census-export-email",
        "census-export-last-contact",
        "census-contact-channel",
        "census-contact-outcome",
        "census-contact-note",
    ];
    let mut rows = vec![header.iter().map(|h| tr.t(h)).collect::<Vec<_>>()];
    let n = sel.rows.len();
    for r in sel.rows {
        let k = r.last_contact.unwrap_or_default();
        rows.push(vec![
            r.code,
            safe_cell(&r.name),
            r.province,
            r.region,
            r.status,
            safe_cell(&r.pec),
            safe_cell(&r.email),
            k.when,
            k.channel,
            k.outcome,
            safe_cell(&k.note),
        ]);
    }
    crate::auth::audit_personal_read(
        state,
        ctx,
        (user.user.id, user.label()),
        ("census_contacts", id.to_string()),
        serde_json::json!({"comuni": n, "stato": sel.stato, "regione": q.regione, "format": format!("{format:?}")}),
    )
    .await?;
    let stem = format!("campagna-{id}-comuni-{}", sel.stato);
    crate::download::table(format, &stem, &tr.t("census-comuni-title"), rows)
}

/// The follow-up list as CSV.
pub async fn comuni_csv(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ComuniQuery>,
) -> WebResult<Response> {
    comuni_export(&state, &ctx, &user, id, &q, crate::download::TableFormat::Csv).await
}

/// The follow-up list as XLSX.
pub async fn comuni_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ComuniQuery>,
) -> WebResult<Response> {
    comuni_export(&state, &ctx, &user, id, &q, crate::download::TableFormat::Xlsx).await
}

/// Reopens a Comune's submitted response, with the reason written in the audit log; the Comune
/// corrects it through its own link and submits again.
pub async fn reopen(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> WebResult<Response> {
    use axum::response::IntoResponse;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let f = crate::network::form::pairs(&body);
    let reason = crate::network::form::field(&f, "reason");
    let mut conn = state.db.pool().acquire().await?;
    let inv = census::invitation(&mut conn, invitation).await?;
    drop(conn);
    if inv.campaign_id != id {
        return Err(crate::error::WebError::NotFound);
    }
    if reason.chars().count() < 5 {
        return Err(crate::error::WebError::BadRequest("census-reopen-reason-required"));
    }
    let mut tx = state.db.begin().await?;
    census::reopen(&mut tx, invitation).await?;
    crate::network::orgs::audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.response.reopen",
        ("census_invitation", invitation),
        serde_json::json!({"campaign": id, "comune": inv.comune_code, "reason": reason}),
    )
    .await?;
    tx.commit().await.map_err(argine_storage::StorageError::from)?;
    Ok(axum::response::Redirect::to(&format!("/censimento/campagne/{id}/comuni?stato=in-corso&riaperto=1"))
        .into_response())
}
