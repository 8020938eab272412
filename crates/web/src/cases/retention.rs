//! Retention and erasure. A closed case keeps its person's data for `[cases] retention_days`
//! (default 730) after closing; then the daily job `cases.retention` anonymises it: the
//! wrapped data key, every ciphertext and the blind indexes are destroyed, the coded columns
//! (sex, age band, nationality, sector, Comune, stages, outcomes, dates) stay, so the
//! indicators do not change. The same anonymisation answers an erasure request
//! (`crate::cases::subject`), where the law allows it.

use crate::AppState;
use crate::error::WebResult;
use argine_storage::audit::{self, NewEntry};
use argine_storage::cases as store;
use argine_storage::cases_dup as dup;
use argine_storage::jobs;
use serde_json::json;
use sqlx::AnyConnection;

pub const JOB_KIND: &str = "cases.retention";

/// When a case closed at `closed_at` (unix seconds) is to be anonymised.
pub fn retention_until(state: &AppState, closed_at: i64) -> i64 {
    closed_at + state.config.case_retention_days.max(1) * 86_400
}

/// Queues today's retention run (once a day: the day number is the job's dedup key). Called
/// by the worker's schedule; the payload carries no personal data.
pub async fn schedule(state: &AppState) -> WebResult<Option<i64>> {
    let day = argine_storage::now().div_euclid(86_400);
    let mut conn = state.db.pool().acquire().await?;
    let dedup = format!("{JOB_KIND}:{day}");
    let id = jobs::enqueue(&mut conn, JOB_KIND, &json!({"day": day}).to_string(), Some(dedup.as_str()), 3).await?;
    Ok(id)
}

/// Who anonymises: the retention job, or a supervisor answering an erasure request.
pub struct By<'a> {
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    pub label: &'a str,
    pub ip: &'a str,
    pub request_id: &'a str,
}

/// Anonymises a case's person, records the `anonymised` event on the timeline (`reason`: a
/// code, `retention` or `erasure_request`) and the audit entry (`action`: `case.anonymised`
/// or `case.erased`, with `details`), in the caller's transaction. Open duplicate signals of
/// the person are dropped (nothing is left to compare).
pub async fn anonymise(
    conn: &mut AnyConnection,
    case: &store::Case,
    by: &By<'_>,
    (action, reason): (&str, &str),
    mut details: serde_json::Value,
) -> WebResult<()> {
    store::anonymise_person(conn, case.person_id).await?;
    dup::drop_stale_signals(conn, case.person_id, &[]).await?;
    store::add_event(conn, case.id, by.org_id, by.user_id, "anonymised", &json!({"reason": reason})).await?;
    details["reason"] = json!(reason);
    audit::append(
        conn,
        &NewEntry {
            actor_user_id: by.user_id,
            actor_label: by.label.to_owned(),
            action: action.into(),
            outcome: "ok".into(),
            record_type: "case".into(),
            record_id: case.id.to_string(),
            ip: by.ip.to_owned(),
            request_id: by.request_id.to_owned(),
            details: details.to_string(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The job: anonymises every closed case past its retention limit, one transaction each (a
/// re-run after a crash finds only those not yet done). Returns how many were anonymised.
#[tracing::instrument(skip(state, _payload))]
pub async fn run(state: &AppState, _payload: &str) -> WebResult<usize> {
    let at = argine_storage::now();
    let expired = {
        let mut conn = state.db.pool().acquire().await?;
        store::expired_cases(&mut conn, at).await?
    };
    let by = By { user_id: None, org_id: None, label: "system", ip: "", request_id: "" };
    let mut n = 0;
    for (case_id, _) in expired {
        let mut tx = state.db.begin().await?;
        let case = store::case(&mut tx, case_id).await?;
        let details = json!({"retention_until": case.retention_until});
        anonymise(&mut tx, &case, &by, ("case.anonymised", "retention"), details).await?;
        tx.commit().await?;
        n += 1;
    }
    tracing::info!(anonymised = n, "case retention run");
    Ok(n)
}
