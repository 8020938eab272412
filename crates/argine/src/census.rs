//! The synthetic national census: a campaign of the 2021 questionnaire to the 7,904 Comuni of
//! the 2021 list with the seeded answers of `argine_domain::census::synth`, which reproduce the
//! published InCaS figures. Used by `argine demo` and `argine census synth`.

use anyhow::Context;
use argine_domain::census::synth;
use argine_storage::census::{self, NewCampaign, NewInvitation, NewResponse};
use argine_storage::territory::reference::{ANPR_CSV, COMUNI_CSV};
use time::OffsetDateTime;

/// The newest published version of the questionnaire `form_key` (e.g. `incas_2021`).
pub async fn published_version(db: &argine_storage::Db, form_key: &str) -> anyhow::Result<Option<i64>> {
    let mut conn = db.pool().acquire().await?;
    Ok(census::forms(&mut conn)
        .await?
        .into_iter()
        .find(|f| f.form_key == form_key)
        .and_then(|f| f.published_version_id))
}

/// What was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthOutcome {
    pub campaign_id: i64,
    pub invited: usize,
    pub submitted: usize,
}

/// Creates a closed campaign "Censimento 2021 (dati sintetici)" of `form_version_id` with one
/// invitation per Comune of the 2021 list and the synthetic responses, in the caller's
/// transaction.
pub async fn load_synthetic(
    tx: &mut argine_storage::Tx,
    form_version_id: i64,
    seed: u64,
    by: Option<i64>,
) -> anyhow::Result<SynthOutcome> {
    let universe = synth::universe_2021(COMUNI_CSV, ANPR_CSV).context("the 2021 list of Comuni")?;
    let generated = synth::generate(&universe, seed).context("the synthetic census")?;
    let opened = synth::CAMPAIGN_OPENED;
    let deadline = opened + time::Duration::days(i64::from(synth::DEADLINE_DAY));
    let universe_json = serde_json::json!({"kind": "all", "list": "2021-10-01", "synthetic_seed": seed}).to_string();
    let id = census::create_campaign(
        tx,
        &NewCampaign {
            name: "Censimento 2021 (dati sintetici)",
            form_version_id,
            universe: &universe_json,
            opens_on: &opened.to_string(),
            deadline: &deadline.to_string(),
            status: "closed",
            reminders: 2,
            reminder_days: 7,
            accept_late: true,
        },
        by,
    )
    .await?;
    let opened_at = OffsetDateTime::new_utc(opened, time::Time::from_hms(9, 0, 0)?).unix_timestamp();
    let invitations: Vec<NewInvitation> = universe
        .iter()
        .map(|c| NewInvitation {
            comune_code: c.istat.clone(),
            comune_name: c.name.clone(),
            province_code: c.province_code.clone(),
            region_code: c.region_code.clone(),
            email: None,
            pec: Some(format!("protocollo@pec.comune-{}.invalid", c.belfiore.to_ascii_lowercase())),
            invited_at: Some(opened_at),
        })
        .collect();
    let ids = census::add_invitations(tx, id, &invitations).await?;
    let mut responses = Vec::new();
    for (inv_id, r) in ids.iter().zip(&generated.responses) {
        if !r.responded {
            continue;
        }
        let day = i64::from(r.submitted_day.unwrap_or(synth::DEADLINE_DAY));
        responses.push(NewResponse {
            invitation_id: *inv_id,
            form_version_id,
            answers: serde_json::to_string(&r.answers)?,
            submitted_at: Some(opened_at + day * 86_400 + (inv_id % 28_800)),
            source: "synthetic",
        });
    }
    census::add_responses(tx, &responses).await?;
    Ok(SynthOutcome { campaign_id: id, invited: ids.len(), submitted: responses.len() })
}

/// Opens a campaign of `form_version_id` to the current Comuni of `provinces`, with a secret
/// link for every invitation (valid 90 days). Returns the campaign id and each comune's
/// (ISTAT code, link token) — the tokens exist only here: the database keeps their hashes.
pub async fn open_campaign(
    tx: &mut argine_storage::Tx,
    state: &argine_web::AppState,
    name: &str,
    form_version_id: i64,
    provinces: &[&str],
    deadline: time::Date,
    by: Option<i64>,
) -> anyhow::Result<(i64, Vec<(String, String)>)> {
    let territory = state.territory();
    let today = argine_domain::calendar::rome_local(OffsetDateTime::now_utc()).date();
    let universe = serde_json::json!({"kind": "provinces", "codes": provinces}).to_string();
    let id = census::create_campaign(
        tx,
        &NewCampaign {
            name,
            form_version_id,
            universe: &universe,
            opens_on: &today.to_string(),
            deadline: &deadline.to_string(),
            status: "open",
            reminders: 2,
            reminder_days: 7,
            accept_late: true,
        },
        by,
    )
    .await?;
    let now = argine_storage::now();
    let comuni: Vec<_> = provinces.iter().flat_map(|p| territory.comuni_of(p)).collect();
    let list: Vec<NewInvitation> = comuni
        .iter()
        .map(|c| NewInvitation {
            comune_code: c.istat.clone(),
            comune_name: c.name.clone(),
            province_code: c.province_code.clone(),
            region_code: c.region_code.clone(),
            email: None,
            pec: Some(format!("protocollo@pec.comune-{}.invalid", c.belfiore.to_ascii_lowercase())),
            invited_at: Some(now),
        })
        .collect();
    let ids = census::add_invitations(tx, id, &list).await?;
    let mut links = Vec::with_capacity(ids.len());
    for (inv, c) in ids.iter().zip(&list) {
        let secret = argine_web::census::mailing::issue_link(tx, &state.keyring, *inv, now + 90 * 86_400).await?;
        links.push((c.comune_code.clone(), secret));
    }
    Ok((id, links))
}
