//! Building and running the application: `Application::build(config)` binds the listener
//! (port 0 in tests) and reports the port; `run_until_stopped` serves until a signal.

use crate::config::{Config, redact_url};
use crate::worker::{self, Mailer};
use anyhow::Context;
use argine_domain::auth::password::HashCost;
use argine_storage::Db;
use argine_web::{AppState, WebConfig};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::net::TcpListener;

pub struct Application {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    state: AppState,
    mailer: Mailer,
    mail_from: String,
    census_schedule: Duration,
    port: u16,
}

/// Checks that the data directory exists (creating it) and is writable.
pub fn prepare_data_dir(cfg: &Config) -> anyhow::Result<()> {
    let dir = &cfg.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let probe = dir.join(".argine-write-test");
    std::fs::write(&probe, b"ok").with_context(|| format!("the data directory {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Opens (and migrates) the configured database, with an error that says which one.
pub async fn open_db(cfg: &Config) -> anyhow::Result<Db> {
    if cfg.is_sqlite() {
        prepare_data_dir(cfg)?;
    }
    let url = cfg.database_url();
    let db = tokio::time::timeout(Duration::from_secs(20), Db::open(&url, cfg.max_db_connections))
        .await
        .map_err(|_| anyhow::anyhow!("timed out connecting to the database at {}", redact_url(&url)))?
        .with_context(|| format!("cannot open the database at {}", redact_url(&url)))?;
    Ok(db)
}

pub fn web_config(cfg: &Config) -> WebConfig {
    WebConfig {
        public_url: cfg.public_url(),
        session_idle_secs: cfg.session.idle_minutes * 60,
        session_absolute_secs: cfg.session.absolute_hours * 3600,
        throttle_base_secs: cfg.login.throttle_base_seconds,
        max_failures_per_address: cfg.login.max_failures_per_address,
        hash_cost: HashCost { memory_kib: cfg.login.argon2_memory_kib, iterations: cfg.login.argon2_iterations },
        max_body_bytes: 2 * 1024 * 1024,
        max_upload_bytes: 20 * 1024 * 1024,
        instance_name: cfg.instance_name.clone(),
        open_data_ipa: cfg.open_data.ipa.clone(),
        open_data_publisher: cfg.open_data.publisher.clone(),
        case_retention_days: cfg.cases.retention_days,
    }
}

/// The application state for a configuration (also used by CLI commands).
pub async fn state(cfg: &Config) -> anyhow::Result<AppState> {
    let db = open_db(cfg).await?;
    let keyring = crate::secrets::load_or_create(&cfg.secrets_file())?;
    argine_storage::territory::ensure_loaded(&db).await.context("loading the territorial reference data")?;
    let territory =
        argine_web::territory::Territory::load(&db).await.context("reading the territorial reference data")?;
    Ok(AppState::new(db, web_config(cfg), keyring, territory)?)
}

fn prometheus() -> Option<&'static metrics_exporter_prometheus::PrometheusHandle> {
    static HANDLE: OnceLock<Option<metrics_exporter_prometheus::PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| match metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder() {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::warn!(error = %e, "metrics recorder not installed");
                None
            }
        })
        .as_ref()
}

impl Application {
    pub async fn build(cfg: Config) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let mut cfg = cfg;
        let addr: SocketAddr = cfg.listen.parse().context("listen address")?;
        let listener = TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let port = listener.local_addr()?.port();
        if cfg.public_url.is_none() {
            // Port 0 (tests) binds a free port: links must name the real one.
            cfg.public_url = Some(format!("http://{}:{port}", addr.ip()));
        }
        let state = state(&cfg).await?;
        let metrics_listener = match &cfg.metrics_listen {
            Some(m) => {
                prometheus();
                Some(TcpListener::bind(m).await.with_context(|| format!("cannot listen for metrics on {m}"))?)
            }
            None => None,
        };
        let mailer = Mailer::from_config(&cfg)?;
        // Compress the boundary files off the request path.
        tokio::task::spawn_blocking(argine_web::territory::api::prepare);
        tracing::info!(port, backend = ?state.db.backend(), startup_ms = started.elapsed().as_millis() as u64, "argine ready");
        Ok(Self {
            listener,
            metrics_listener,
            state,
            mailer,
            mail_from: cfg.mail.from.clone(),
            census_schedule: Duration::from_secs(cfg.mail.census_schedule_secs.max(1)),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_with_shutdown(shutdown_signal()).await
    }

    pub async fn run_with_shutdown(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(worker::run(
            self.state.clone(),
            self.mailer.clone(),
            self.mail_from.clone(),
            Duration::from_millis(500),
            self.census_schedule,
            stop_rx.clone(),
        ));
        let purge = tokio::spawn(purge_sessions(self.state.clone(), stop_rx.clone()));
        let reload = tokio::spawn(reload_territory(self.state.clone(), stop_rx.clone()));
        if let (Some(l), Some(handle)) = (self.metrics_listener, prometheus()) {
            let app =
                axum::Router::new().route("/metrics", axum::routing::get(move || std::future::ready(handle.render())));
            let mut rx = stop_rx.clone();
            tokio::spawn(async move {
                let _ = axum::serve(l, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.changed().await;
                    })
                    .await;
            });
        }
        let router = argine_web::router(self.state.clone());
        let served = axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(signal)
            .await;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        let _ = purge.await;
        let _ = reload.await;
        self.state.db.close().await;
        served.context("server error")
    }
}

async fn purge_sessions(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = stop.changed() => return,
        }
        match argine_storage::sessions::purge_expired(&state.db, state.config.session_idle_secs).await {
            Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "session purge failed"),
        }
    }
}

/// Picks up a territory update applied by `argine territory import` (possibly from another
/// process) within 30 seconds.
async fn reload_territory(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut seen = argine_storage::territory::import::revision(&state.db).await.unwrap_or_default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(30)) => {}
            _ = stop.changed() => return,
        }
        let Ok(rev) = argine_storage::territory::import::revision(&state.db).await else { continue };
        if rev != seen {
            match argine_web::territory::Territory::load(&state.db).await {
                Ok(t) => {
                    state.set_territory(t);
                    tracing::info!("territorial reference data reloaded after an update");
                    seen = rev;
                }
                Err(e) => tracing::error!(error = %e, "reloading the territorial reference data failed"),
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
