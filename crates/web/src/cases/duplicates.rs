//! Duplicates across organisations without revealing identities. The blind indexes of a new
//! or changed person are compared with everyone else's; each pair with a matching token owned
//! by two organisations becomes a *signal*, which both owners see on `/casi/duplicati` with
//! their own person's pseudonymous code, the other organisation's name and how likely the
//! match is — never the other record's data. Either owner may ask to link the records; the
//! link is made only when both persons consented (purpose `duplicate_link`) to linking with
//! the other organisation. A link shows each side a pointer (organisation and case code), no
//! fields; it is audited and can be undone.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::cases::vault::{self, Who, audit_case_write};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::cases::blind::{self, BlindKind, BlindToken, Likelihood};
use argine_domain::cases::consent::{self, Purpose};
use argine_storage::cases as store;
use argine_storage::cases_dup::{self as dup, LinkedRecord, Signal};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap};

/// Screens one person against everyone else after they were created or their identity
/// changed (call it in the same transaction, after `vault::create_person` or
/// `vault::store_secrets`). Records a signal for each person of another organisation sharing
/// a screening token, drops the open signals that no longer match. Returns the signals kept.
#[tracing::instrument(skip(_state, conn))]
pub async fn screen_person(_state: &AppState, conn: &mut AnyConnection, person_id: i64) -> WebResult<usize> {
    let me = store::person(conn, person_id).await?;
    let mut by_other: BTreeMap<i64, Vec<BlindKind>> = BTreeMap::new();
    for (other, kind) in store::blind_matches(conn, person_id).await? {
        if let Some(k) = BlindKind::from_code(&kind).filter(|k| k.screens()) {
            by_other.entry(other).or_default().push(k);
        }
    }
    let mut kept = Vec::new();
    for (other, mut kinds) in by_other {
        let o = store::person(conn, other).await?;
        // Within one organisation the records are found by name search, not signalled.
        if o.owner_org == me.owner_org || o.anonymised_at.is_some() {
            continue;
        }
        kinds.sort();
        kinds.dedup();
        let Some(likelihood) = Likelihood::of(&kinds) else { continue };
        dup::upsert_signal(conn, person_id, other, &kinds_code(&kinds), likelihood.code()).await?;
        kept.push(other);
    }
    dup::drop_stale_signals(conn, person_id, &kept).await?;
    Ok(kept.len())
}

fn kinds_code(kinds: &[BlindKind]) -> String {
    kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
}

/// What the full screening found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreenReport {
    pub people: usize,
    pub tokens: usize,
    /// Pairs across organisations (recorded as signals).
    pub signals: usize,
    /// Pairs within one organisation (not recorded).
    pub same_org: usize,
}

/// The full screening: every person against every other, in time linear in the tokens
/// (`blind::screen`), recording a signal for each pair across organisations. Safe to re-run.
pub async fn screen_all(conn: &mut AnyConnection) -> WebResult<ScreenReport> {
    let rows = store::all_blind(conn).await?;
    let owners: HashMap<i64, i64> = dup::person_owners(conn).await?.into_iter().collect();
    let mut people: Vec<(i64, Vec<BlindToken>)> = Vec::new();
    let tokens = rows.len();
    for (person, kind, digest) in rows {
        let Some(kind) = BlindKind::from_code(&kind) else { continue };
        match people.last_mut() {
            Some((p, ts)) if *p == person => ts.push(BlindToken { kind, digest }),
            _ => people.push((person, vec![BlindToken { kind, digest }])),
        }
    }
    let matches = blind::screen(people.iter().map(|(p, t)| (*p, t.as_slice())));
    let mut report = ScreenReport { people: people.len(), tokens, ..ScreenReport::default() };
    for m in matches {
        if owners.get(&m.a) == owners.get(&m.b) {
            report.same_org += 1;
            continue;
        }
        dup::upsert_signal(conn, m.a, m.b, &kinds_code(&m.kinds), m.likelihood.code()).await?;
        report.signals += 1;
    }
    Ok(report)
}

/// The live links of a person, for the case page's "linked record" pointer: the other
/// organisation's name and the other case's pseudonymous code, nothing else.
pub async fn linked_records(conn: &mut AnyConnection, person_id: i64) -> WebResult<Vec<LinkedRecord>> {
    Ok(dup::linked_records(conn, person_id).await?)
}

// --- The page ---

struct SignalRow {
    id: i64,
    own_code: String,
    own_case: i64,
    other_org: String,
    likelihood: String,
    kinds: String,
    found: String,
    linked: bool,
    /// The other case's code, once linked.
    other_code: String,
    can_act: bool,
}

#[derive(Template)]
#[template(path = "cases/duplicates.html")]
struct DuplicatesPage {
    chrome: Chrome,
    signals: Vec<SignalRow>,
    error: Option<String>,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    error: Option<String>,
    notice: Option<String>,
) -> WebResult<Response> {
    check(state, ctx, &user.actor, user.label(), Action::ViewCases, &Resource::Cases).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let mut rows = Vec::new();
    for s in dup::signals_for_org(&mut conn, user.actor.org_id).await? {
        let own = vault::load_on(&mut conn, &t, s.own_case).await?;
        if !authorize(&user.actor, Action::ViewCase, &own.resource()).is_allowed() {
            continue;
        }
        let linked = s.status == "linked";
        rows.push(SignalRow {
            id: s.id,
            own_code: s.own_code,
            own_case: s.own_case,
            other_org: s.other_org_name,
            likelihood: tr.t(&format!("dup-likelihood-{}", s.likelihood)),
            kinds: s
                .kinds
                .split(',')
                .filter(|k| !k.is_empty())
                .map(|k| tr.t(&format!("dup-kind-{k}")))
                .collect::<Vec<_>>()
                .join(", "),
            found: tr.datetime(s.found_at),
            linked,
            other_code: if linked { s.other_code } else { String::new() },
            can_act: authorize(&user.actor, Action::ManageCase, &own.resource()).is_allowed(),
        });
    }
    drop(conn);
    let status = if error.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let mut res = render(DuplicatesPage { chrome: Chrome::for_user(state, ctx, user), signals: rows, error, notice })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    let q = q.unwrap_or_default();
    let notice = if q.contains("collegati=1") && !q.contains("scollegati=1") {
        Some("dup-notice-linked")
    } else if q.contains("scollegati=1") {
        Some("dup-notice-unlinked")
    } else {
        None
    };
    let notice = notice.map(|id| Tr::new(ctx.lang).t(id));
    page(&state, &ctx, &user, None, notice).await
}

/// The signal and the side (person, case) of the acting organisation, after checking that
/// the actor may manage that case.
async fn own_side(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    conn: &mut AnyConnection,
    id: i64,
) -> WebResult<(Signal, [store::Person; 2])> {
    check(state, ctx, &user.actor, user.label(), Action::ManageCase, &Resource::Cases).await?;
    let s = dup::signal(conn, id).await?;
    let a = store::person(conn, s.person_a).await?;
    let b = store::person(conn, s.person_b).await?;
    let own = if a.owner_org == user.actor.org_id {
        &a
    } else if b.owner_org == user.actor.org_id {
        &b
    } else {
        // Not a party to the signal: the same answer as for a case outside one's team.
        let case = store::case_of_person(conn, a.id).await?;
        let outside = vault::load_on(conn, &state.territory(), case.id).await?;
        check(state, ctx, &user.actor, user.label(), Action::ManageCase, &outside.resource()).await?;
        return Err(WebError::Forbidden);
    };
    let case = store::case_of_person(conn, own.id).await?;
    let loaded = vault::load_on(conn, &state.territory(), case.id).await?;
    check(state, ctx, &user.actor, user.label(), Action::ManageCase, &loaded.resource()).await?;
    Ok((s, [a, b]))
}

/// Links the two records of a signal, when both persons consented to it.
pub async fn link(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut tx = state.db.begin().await?;
    let (s, [a, b]) = own_side(&state, &ctx, &user, &mut tx, id).await?;
    if s.status != "open" {
        drop(tx);
        return page(&state, &ctx, &user, Some(tr.t("dup-error-not-open")), None).await;
    }
    let consents_a = vault::domain_consents(&store::consents(&mut tx, a.id).await?);
    let consents_b = vault::domain_consents(&store::consents(&mut tx, b.id).await?);
    let ca = consent::covering(&consents_a, Purpose::DuplicateLink, b.owner_org, &[]);
    let cb = consent::covering(&consents_b, Purpose::DuplicateLink, a.owner_org, &[]);
    let who = Who::from(&user);
    let case_a = store::case_of_person(&mut tx, a.id).await?;
    let case_b = store::case_of_person(&mut tx, b.id).await?;
    let (Ok(consent_a), Ok(consent_b)) = (&ca, &cb) else {
        let own_case = if a.owner_org == user.actor.org_id { case_a.id } else { case_b.id };
        let gaps = json!({"signal": s.id, "gap_a": ca.as_ref().err().map(|g| g.code()),
                          "gap_b": cb.as_ref().err().map(|g| g.code())});
        audit_case_write(&mut tx, &ctx, &who, "case.link_refused", own_case, gaps).await?;
        tx.commit().await?;
        return page(&state, &ctx, &user, Some(tr.t("dup-error-consent")), None).await;
    };
    let Some(link_id) = dup::link(&mut tx, &s, *consent_a, *consent_b, user.user.id).await? else {
        drop(tx);
        return page(&state, &ctx, &user, Some(tr.t("dup-error-not-open")), None).await;
    };
    for (case, other) in [(&case_a, &b), (&case_b, &a)] {
        let detail = json!({"signal": s.id, "link": link_id, "other_org": other.owner_org});
        store::add_event(&mut tx, case.id, Some(user.actor.org_id), Some(user.user.id), "linked", &detail).await?;
        audit_case_write(&mut tx, &ctx, &who, "case.link", case.id, detail).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/casi/duplicati?collegati=1").into_response())
}

/// Undoes the link of a signal (either owner).
pub async fn unlink(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut tx = state.db.begin().await?;
    let (s, [a, b]) = own_side(&state, &ctx, &user, &mut tx, id).await?;
    let Some(link_id) = dup::unlink(&mut tx, s.id, user.user.id).await? else {
        drop(tx);
        return page(&state, &ctx, &user, Some(tr.t("dup-error-not-linked")), None).await;
    };
    let who = Who::from(&user);
    for (p, other) in [(&a, &b), (&b, &a)] {
        let case = store::case_of_person(&mut tx, p.id).await?;
        let detail = json!({"signal": s.id, "link": link_id, "other_org": other.owner_org});
        store::add_event(&mut tx, case.id, Some(user.actor.org_id), Some(user.user.id), "unlinked", &detail).await?;
        audit_case_write(&mut tx, &ctx, &who, "case.unlink", case.id, detail).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/casi/duplicati?scollegati=1").into_response())
}
