//! Shared application state.

use crate::territory::Territory;
use argine_domain::auth::password::HashCost;
use argine_domain::crypto::Keyring;
use argine_storage::Db;
use argine_storage::orgs::{self, Organisation};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Settings the web layer needs, taken from the main configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Public base URL, used in e-mail links and for the CSRF origin check.
    pub public_url: String,
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    /// Delay after the 5th failed login, doubling with each further failure.
    pub throttle_base_secs: i64,
    /// Failed logins from one address in 15 minutes before that address is refused.
    pub max_failures_per_address: i64,
    pub hash_cost: HashCost,
    pub max_body_bytes: usize,
    /// Largest accepted upload (documents, import files), for the routes that take files.
    pub max_upload_bytes: usize,
    /// Name of this deployment, shown in the header.
    pub instance_name: String,
    /// The open-data publisher's IPA code and name (`[open_data]`).
    pub open_data_ipa: String,
    pub open_data_publisher: String,
    /// Days a closed case keeps its person's data before the retention job anonymises it
    /// (`[cases] retention_days`).
    pub case_retention_days: i64,
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Name of the session cookie; `__Host-` binds it to this exact origin over HTTPS.
    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies() { "__Host-argine_session" } else { "argine_session" }
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub keyring: Arc<Keyring>,
    /// Bounds concurrent Argon2 computations (each takes ~19 MiB and tens of ms of CPU).
    pub hash_permits: Arc<Semaphore>,
    /// Pre-computed hash verified when an e-mail is unknown, so timing reveals nothing.
    pub dummy_hash: Arc<String>,
    /// The territorial reference data, replaced as a whole when an ISTAT update is applied.
    territory: Arc<RwLock<Arc<Territory>>>,
    /// Organisations by id, kept for [`ORG_CACHE_SECS`]: every request needs its user's
    /// organisation and jurisdiction, which change rarely. Writes in this process invalidate it;
    /// other processes see a change within the TTL.
    org_cache: Arc<Mutex<OrgCache>>,
    /// The PDF typesetter (fonts parsed once).
    pub pdf: argine_reports::pdf::Pdf,
    /// Questionnaire versions parsed, with their form engine (versions never change).
    pub census_forms: Arc<crate::census::form_cache::FormCache>,
    /// The settlement registry with its latest observations, kept while the database's
    /// fingerprint of the registry is unchanged (`crate::settlements::snapshot`).
    pub settlements: Arc<crate::settlements::SnapshotCache>,
    /// Case indicators by scope, kept while the case-work data are unchanged
    /// (`crate::cases::indicators::compute`).
    pub indicators: Arc<crate::cases::indicators::IndicatorCache>,
}

pub const ORG_CACHE_SECS: u64 = 30;

/// Organisation id → (when fetched, organisation).
type OrgCache = HashMap<i64, (Instant, Arc<Organisation>)>;

impl AppState {
    pub fn new(
        db: Db,
        config: WebConfig,
        keyring: Keyring,
        territory: Territory,
    ) -> Result<Self, argine_reports::pdf::PdfError> {
        let dummy = argine_domain::auth::password::dummy_hash(config.hash_cost);
        Ok(Self {
            db,
            config: Arc::new(config),
            keyring: Arc::new(keyring),
            hash_permits: Arc::new(Semaphore::new(2)),
            dummy_hash: Arc::new(dummy),
            territory: Arc::new(RwLock::new(Arc::new(territory))),
            org_cache: Arc::new(Mutex::new(HashMap::new())),
            pdf: argine_reports::pdf::Pdf::new()?,
            census_forms: Arc::default(),
            settlements: Arc::default(),
            indicators: Arc::default(),
        })
    }

    /// An organisation, from the short-lived cache or the database.
    pub async fn organisation(&self, id: i64) -> argine_storage::Result<Organisation> {
        if let Ok(cache) = self.org_cache.lock()
            && let Some((at, org)) = cache.get(&id)
            && at.elapsed() < Duration::from_secs(ORG_CACHE_SECS)
        {
            return Ok(Organisation::clone(org));
        }
        let mut conn = self.db.pool().acquire().await?;
        let org = orgs::get(&mut conn, id).await?;
        if let Ok(mut cache) = self.org_cache.lock() {
            cache.insert(id, (Instant::now(), Arc::new(org.clone())));
        }
        Ok(org)
    }

    /// Forgets cached organisations (after a change to one).
    pub fn invalidate_organisations(&self) {
        if let Ok(mut cache) = self.org_cache.lock() {
            cache.clear();
        }
    }

    /// A snapshot of the territorial reference data.
    pub fn territory(&self) -> Arc<Territory> {
        match self.territory.read() {
            Ok(t) => Arc::clone(&t),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the territorial reference data (after an ISTAT update).
    pub fn set_territory(&self, t: Territory) {
        let mut guard = match self.territory.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(t);
    }
}
