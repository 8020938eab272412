//! `argine bench census`: the census workload of the issue, measured on a fresh temporary
//! SQLite database through the real code paths.
//!
//! 1. **Submissions.** A questionnaire of `--questions` questions
//!    ([`argine_domain::census::synth::large`]) is imported and published as an upload would
//!    be, an open campaign gets `--submissions` invitations with a secret link and a complete
//!    draft each, and `--clients` HTTP clients submit them (`POST /risposta/{link}/invia`, the
//!    web submission: the link is opened, the engine validates and finalises the draft,
//!    draft, submission and audit entry are stored in one transaction, 303 to the receipt).
//! 2. **Form pages.** `--page-clients` clients request `GET /risposta/{link}/pagina/{n}` of
//!    100 other drafts of the same campaign, every page in turn, `--page-requests` times after
//!    a warm-up of 200: latency per request (p50, p99, max) and throughput.
//! 3. **Exports.** A second questionnaire whose main sheet has `--columns` columns gets a
//!    closed campaign of `--responses` submitted responses (stored with the batched
//!    `add_responses`, as the synthetic census is); then CSV (main sheet), XLSX and JSON exports
//!    are written by `argine_web::census::export::write` (what the download handlers run), each
//!    in a child process of its own (`argine bench census-export`) whose peak resident memory
//!    (`VmHWM`) is the export's.
//!
//! The server runs in this process on 127.0.0.1 (port 0) and shares the machine's cores with
//! the clients, as `scripts/bench.sh` shares them with wrk.

use crate::config::{Config, Overrides};
use anyhow::{Context, bail};
use argine_domain::auth::token;
use argine_domain::census::synth::large;
use argine_storage::census::{self, NewCampaign, NewInvitation, NewResponse};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What to run (the command's options).
#[derive(Debug, Clone)]
pub struct Options {
    pub responses: usize,
    pub questions: usize,
    pub columns: usize,
    pub submissions: usize,
    pub clients: usize,
    pub page_requests: usize,
    pub page_clients: usize,
    /// Keep the database and the exports here (a temporary directory otherwise).
    pub out: Option<PathBuf>,
}

/// Drafts whose pages are requested.
const PAGE_LINKS: usize = 100;
/// Page requests before the measured ones.
const PAGE_WARMUP: usize = 200;
/// Responses generated and stored per transaction when loading the export campaign.
const LOAD_BATCH: usize = 10_000;
/// Seed of the generated answers.
const SEED: u64 = 2026;

/// One export as its child process measured it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExportFigures {
    pub format: String,
    pub responses: usize,
    pub seconds: f64,
    pub bytes: u64,
    /// Peak resident memory of the exporting process, KiB.
    pub peak_rss_kib: u64,
}

/// Everything measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub questions: usize,
    pub submissions: usize,
    pub clients: usize,
    pub submit_seconds: f64,
    /// CPU time of this process (server and clients) while submitting.
    pub submit_cpu_seconds: f64,
    pub page_clients: usize,
    pub page_latencies: Vec<Duration>,
    pub page_seconds: f64,
    pub page_cpu_seconds: f64,
    pub export_questions: usize,
    pub export_columns: usize,
    pub responses: usize,
    pub load_seconds: f64,
    pub database_bytes: u64,
    pub exports: Vec<ExportFigures>,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Runs the benchmark and prints its table.
pub async fn census(opts: Options) -> anyhow::Result<Report> {
    if opts.submissions == 0 || opts.page_requests == 0 || opts.clients == 0 || opts.page_clients == 0 {
        bail!("--submissions, --clients, --page-requests and --page-clients must be at least 1");
    }
    let temp;
    let root = match &opts.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            if std::fs::read_dir(dir)?.next().is_some() {
                bail!("{} is not empty: the benchmark needs a fresh directory", dir.display());
            }
            dir.clone()
        }
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_owned()
        }
    };
    let data = root.join("data");
    let mut cfg =
        Config::load_from(None, std::iter::empty(), &Overrides { data_dir: Some(data.clone()), ..Default::default() })?;
    cfg.listen = "127.0.0.1:0".into();
    eprintln!("bench: starting the server on a fresh database in {}", data.display());
    let app = crate::Application::build(cfg).await?;
    let url = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_with_shutdown(async move {
        let _ = stopped.await;
    }));

    // 1. Submissions, 2. form pages.
    let questions = opts.questions.max(large::MIN_QUESTIONS);
    let version = import_form(&state, questions).await?;
    eprintln!("bench: form of {questions} questions imported; preparing {} drafts", opts.submissions + PAGE_LINKS);
    let links = open_campaign(&state, version, questions, opts.submissions + PAGE_LINKS).await?;
    let (to_submit, to_view) = links.split_at(opts.submissions);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    eprintln!("bench: {} submissions by {} clients", opts.submissions, opts.clients);
    let cpu = cpu_seconds();
    let submit_time = submit_all(&client, &url, to_submit, opts.clients).await?;
    let submit_cpu = cpu_seconds() - cpu;
    let submitted = count_submitted(&state.db, version).await?;
    if submitted != to_submit.len() {
        bail!("{submitted} of {} responses are stored as submitted", to_submit.len());
    }
    let paths: Vec<String> =
        to_view.iter().enumerate().map(|(i, link)| format!("/risposta/{link}/pagina/{}", i % large::GROUPS)).collect();
    eprintln!("bench: {} form pages by {} clients", opts.page_requests, opts.page_clients);
    let _ = get_all(&client, &url, &paths, PAGE_WARMUP, opts.page_clients).await?;
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let mut page_latencies = get_all(&client, &url, &paths, opts.page_requests, opts.page_clients).await?;
    let (page_time, page_cpu) = (started.elapsed(), cpu_seconds() - cpu);
    page_latencies.sort_unstable();

    // 3. Exports.
    let export_questions = large::questions_for_columns(opts.columns);
    let export_version = import_form(&state, export_questions).await?;
    eprintln!(
        "bench: loading {} responses of the {}-column form",
        opts.responses,
        large::columns_for_questions(export_questions)
    );
    let started = Instant::now();
    let campaign = load_responses(&state.db, export_version, export_questions, opts.responses).await?;
    let load_time = started.elapsed();
    let _ = stop.send(());
    server.await??;
    let database_bytes = ["argine.db", "argine.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(data.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let exports_dir = root.join("exports");
    std::fs::create_dir_all(&exports_dir)?;
    let mut exports = Vec::new();
    for format in ["csv", "xlsx", "json"] {
        eprintln!("bench: {format} export");
        let out = opts.out.as_ref().map(|_| exports_dir.join(format!("risposte.{format}")));
        exports.push(export_in_child(&data, campaign, format, out.as_deref())?);
    }
    let report = Report {
        questions,
        submissions: opts.submissions,
        clients: opts.clients,
        submit_seconds: secs(submit_time),
        submit_cpu_seconds: submit_cpu,
        page_clients: opts.page_clients,
        page_latencies,
        page_seconds: secs(page_time),
        page_cpu_seconds: page_cpu,
        export_questions,
        export_columns: large::columns_for_questions(export_questions),
        responses: opts.responses,
        load_seconds: secs(load_time),
        database_bytes,
        exports,
    };
    print!("{}", table(&report));
    Ok(report)
}

/// Imports and publishes the generated questionnaire as an upload does; returns the version.
async fn import_form(state: &argine_web::AppState, questions: usize) -> anyhow::Result<i64> {
    use argine_web::census::forms;
    let bytes = argine_reports::xlsx::write_workbook(&large::sheets(questions))?;
    let prepared = forms::prepare(&bytes, "bench.xlsx")
        .map_err(|e| anyhow::anyhow!("the generated form does not parse: {e:?}"))?;
    let mut tx = state.db.begin().await?;
    let entry = argine_storage::audit::NewEntry { actor_label: "bench".into(), ..Default::default() };
    let id = forms::store(&mut tx, &prepared, &bytes, None, entry)
        .await
        .map_err(|e| anyhow::anyhow!("storing the generated form: {e:?}"))?;
    census::publish(&mut tx, id, None).await?;
    tx.commit().await?;
    Ok(id)
}

fn invitation(n: usize, prefix: char) -> NewInvitation {
    NewInvitation {
        comune_code: format!("{prefix}{n:06}"),
        comune_name: format!("Comune di prova {n}"),
        province_code: "071".into(),
        region_code: "16".into(),
        email: None,
        pec: Some(format!("protocollo@pec.comune-{n}.invalid")),
        invited_at: Some(argine_storage::now()),
    }
}

/// An open campaign of `version` with `n` invitations, each with a secret link and a complete
/// draft; returns the links.
async fn open_campaign(
    state: &argine_web::AppState,
    version: i64,
    questions: usize,
    n: usize,
) -> anyhow::Result<Vec<String>> {
    let mut tx = state.db.begin().await?;
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date();
    let id = census::create_campaign(
        &mut tx,
        &NewCampaign {
            name: "Benchmark (invii e pagine)",
            form_version_id: version,
            universe: r#"{"kind":"bench"}"#,
            opens_on: &today.to_string(),
            deadline: &(today + time::Duration::days(60)).to_string(),
            status: "open",
            reminders: 0,
            reminder_days: 7,
            accept_late: true,
        },
        None,
    )
    .await?;
    let list: Vec<NewInvitation> = (0..n).map(|i| invitation(i, 'B')).collect();
    let ids = census::add_invitations(&mut tx, id, &list).await?;
    let expires = argine_storage::now() + 30 * 86_400;
    let mut links = Vec::with_capacity(n);
    let mut drafts = Vec::with_capacity(n);
    for (i, inv) in ids.iter().enumerate() {
        let secret = token::new_secret("");
        census::set_link(&mut tx, *inv, &token::digest(&secret), expires).await?;
        links.push(secret);
        drafts.push(NewResponse {
            invitation_id: *inv,
            form_version_id: version,
            answers: serde_json::to_string(&large::answers(questions, SEED, i as u64))?,
            submitted_at: None,
            source: "web",
        });
    }
    census::add_responses(&mut tx, &drafts).await?;
    tx.commit().await?;
    Ok(links)
}

/// Submits every link's draft, `clients` at a time; fails on any answer but the redirect to
/// the receipt.
async fn submit_all(client: &reqwest::Client, url: &str, links: &[String], clients: usize) -> anyhow::Result<Duration> {
    let links: Arc<Vec<String>> = Arc::new(links.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, links, next) = (client.clone(), url.to_owned(), Arc::clone(&links), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(link) = links.get(i) else { return Ok::<(), anyhow::Error>(()) };
                let r = client
                    .post(format!("{url}/risposta/{link}/invia"))
                    .header("Origin", url.as_str())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body("")
                    .send()
                    .await?;
                let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                if r.status() != 303 || !location.ends_with("/riepilogo") {
                    bail!("submission {i}: {} {location}", r.status());
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(started.elapsed())
}

async fn count_submitted(db: &argine_storage::Db, version: i64) -> anyhow::Result<usize> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM census_responses WHERE form_version_id = $1 AND status = 'submitted'")
            .bind(version)
            .fetch_one(db.pool())
            .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// `requests` GETs of `paths` in turn by `clients` clients; the latency of each.
async fn get_all(
    client: &reqwest::Client,
    url: &str,
    paths: &[String],
    requests: usize,
    clients: usize,
) -> anyhow::Result<Vec<Duration>> {
    let paths: Arc<Vec<String>> = Arc::new(paths.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, paths, next) = (client.clone(), url.to_owned(), Arc::clone(&paths), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let path = &paths[i % paths.len()];
                let started = Instant::now();
                let r = client.get(format!("{url}{path}")).send().await?;
                let status = r.status();
                let body = r.bytes().await?;
                latencies.push(started.elapsed());
                if status != 200 || body.len() < 1000 {
                    bail!("GET {path}: {status}, {} bytes", body.len());
                }
            }
        }));
    }
    let mut all = Vec::with_capacity(requests);
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

/// A closed campaign of `version` with `n` submitted responses, stored in batches; returns
/// its id.
async fn load_responses(db: &argine_storage::Db, version: i64, questions: usize, n: usize) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    let id = census::create_campaign(
        &mut tx,
        &NewCampaign {
            name: "Benchmark (esportazioni)",
            form_version_id: version,
            universe: r#"{"kind":"bench"}"#,
            opens_on: "2026-01-01",
            deadline: "2026-03-01",
            status: "closed",
            reminders: 0,
            reminder_days: 7,
            accept_late: true,
        },
        None,
    )
    .await?;
    let list: Vec<NewInvitation> = (0..n).map(|i| invitation(i, 'X')).collect();
    let ids = census::add_invitations(&mut tx, id, &list).await?;
    tx.commit().await?;
    drop(list);
    let submitted_at = argine_storage::now();
    for (b, chunk) in ids.chunks(LOAD_BATCH).enumerate() {
        let chunk = chunk.to_vec();
        let first = b * LOAD_BATCH;
        let responses = tokio::task::spawn_blocking(move || {
            chunk
                .iter()
                .enumerate()
                .map(|(k, inv)| {
                    Ok(NewResponse {
                        invitation_id: *inv,
                        form_version_id: version,
                        answers: serde_json::to_string(&large::answers(questions, SEED, (first + k) as u64))?,
                        submitted_at: Some(submitted_at),
                        source: "synthetic",
                    })
                })
                .collect::<Result<Vec<_>, serde_json::Error>>()
        })
        .await??;
        let mut tx = db.begin().await?;
        census::add_responses(&mut tx, &responses).await?;
        tx.commit().await?;
    }
    Ok(id)
}

/// Runs `argine bench census-export` on `campaign` in a child process and reads its figures.
fn export_in_child(data: &Path, campaign: i64, format: &str, out: Option<&Path>) -> anyhow::Result<ExportFigures> {
    let exe = std::env::current_exe().context("the argine executable")?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--data-dir").arg(data).args([
        "bench",
        "census-export",
        "--campaign",
        &campaign.to_string(),
        "--format",
        format,
    ]);
    if let Some(out) = out {
        cmd.arg("--out").arg(out);
    }
    let output = cmd.output().context("running the export process")?;
    if !output.status.success() {
        bail!("the {format} export failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let line = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(line.trim()).with_context(|| format!("the {format} export printed {line}"))
}

/// CPU time used by this process so far (user and system, all threads), from
/// `/proc/self/stat` in clock ticks of 1/100 s (0 where /proc is missing).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let ticks: u64 = rest.split_whitespace().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    ticks as f64 / 100.0
}

/// The peak resident memory of this process (`VmHWM`, KiB; 0 where /proc is missing).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// `argine bench census-export`: one export of a campaign, as the download handlers write it;
/// prints its figures as one JSON line.
pub async fn export_one(cfg: &Config, campaign: i64, format: &str, out: Option<&Path>) -> anyhow::Result<()> {
    use argine_web::census::export::{self, Format, Request};
    let format = match format {
        "csv" => Format::Csv { sheet: 0 },
        "xlsx" => Format::Xlsx,
        "json" => Format::Json,
        other => bail!("--format {other}: csv, xlsx or json"),
    };
    let db = crate::startup::open_db(cfg).await?;
    let mut conn = db.pool().acquire().await?;
    let c = census::campaign(&mut conn, campaign).await.with_context(|| format!("campaign {campaign}"))?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let versions = census::versions(&mut conn, v.form_id).await?.into_iter().map(|v| (v.id, v.version)).collect();
    drop(conn);
    let form = argine_web::census::forms::definition(&v).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let started = Instant::now();
    let mut exported = export::write(
        &db,
        Request { campaign_id: campaign, form, labels: None, format, versions, clean: false },
        &std::env::temp_dir(),
    )
    .await?;
    let seconds = secs(started.elapsed());
    let peak_rss_kib = peak_rss_kib();
    if let Some(out) = out {
        let mut file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
        std::io::copy(&mut exported.file, &mut file)?;
    }
    db.close().await;
    let figures = ExportFigures {
        format: format.code().to_owned(),
        responses: exported.responses,
        seconds,
        bytes: exported.bytes,
        peak_rss_kib,
    };
    println!("{}", serde_json::to_string(&figures)?);
    Ok(())
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // Nearest rank; the lengths here are far below 2^52.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The results as a Markdown table (measure, result, target).
pub fn table(r: &Report) -> String {
    let rate = r.submissions as f64 / r.submit_seconds.max(1e-9);
    let lat = &r.page_latencies;
    let mut rows = vec![
        (
            format!("submissions, {}-question form, {} clients (POST /risposta/…/invia)", r.questions, r.clients),
            format!(
                "{}/s ({} in {:.2} s; {:.1} cores busy)",
                thousands(rate.round() as u64),
                thousands(r.submissions as u64),
                r.submit_seconds,
                r.submit_cpu_seconds / r.submit_seconds.max(1e-9)
            ),
            "≥ 1,000/s".to_owned(),
        ),
        (
            format!("form page, {} clients (GET /risposta/…/pagina/n, 25 questions)", r.page_clients),
            format!(
                "p50 {}, p99 {}, max {}; {}/s over {} requests; {:.1} cores busy",
                ms(percentile(lat, 50.0)),
                ms(percentile(lat, 99.0)),
                ms(lat.last().copied().unwrap_or_default()),
                thousands((lat.len() as f64 / r.page_seconds.max(1e-9)).round() as u64),
                thousands(lat.len() as u64),
                r.page_cpu_seconds / r.page_seconds.max(1e-9)
            ),
            "p99 < 20 ms".to_owned(),
        ),
        (
            format!(
                "load {} submitted responses, {}-column form (add_responses)",
                thousands(r.responses as u64),
                r.export_columns
            ),
            format!("{:.1} s; database {}", r.load_seconds, mb(r.database_bytes)),
            "—".to_owned(),
        ),
    ];
    for e in &r.exports {
        let target = match e.format.as_str() {
            "csv" => "< 30 s, bounded memory",
            "xlsx" => "< 120 s, bounded memory",
            _ => "bounded memory",
        };
        let what = match e.format.as_str() {
            "csv" => format!("CSV export (main sheet, {} columns)", r.export_columns),
            "xlsx" => "XLSX export (main sheet and repeat sheet)".to_owned(),
            _ => "JSON export".to_owned(),
        };
        rows.push((
            format!("{what}, {} responses", thousands(e.responses as u64)),
            format!("{:.1} s, {}, peak RSS {:.0} MiB", e.seconds, mb(e.bytes), e.peak_rss_kib as f64 / 1024.0),
            target.to_owned(),
        ));
    }
    let mut out = String::from("| measure | result | target |\n|---|---|---|\n");
    for (m, res, t) in rows {
        out.push_str(&format!("| {m} | {res} | {t} |\n"));
    }
    out
}

/// A server on a free local port with the demo's accounts, on a fresh data directory (cheap
/// password hashing: the benches log in many times).
struct DemoServer {
    url: String,
    state: argine_web::AppState,
    creds: crate::demo::DemoCredentials,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl DemoServer {
    async fn start(data: PathBuf) -> anyhow::Result<Self> {
        let mut cfg =
            Config::load_from(None, std::iter::empty(), &Overrides { data_dir: Some(data), ..Default::default() })?;
        cfg.listen = "127.0.0.1:0".into();
        cfg.login.argon2_memory_kib = 1024;
        cfg.login.argon2_iterations = 1;
        let app = crate::Application::build(cfg).await?;
        let url = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_with_shutdown(async move {
            let _ = stopped.await;
        }));
        let creds = crate::demo::seed(&state, &url).await?;
        Ok(Self { url, state, creds, stop, server })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

/// `argine bench settlements`: the map layer of `n` settlements (one observation each) spread
/// over the Comuni, served by the running server to a national reader allowed to see the exact
/// points — the registry read, the positions decided, the GeoJSON written — timed over
/// `requests` requests after a warm-up; prints min, median, p95 and max.
///
/// # Errors
/// The server, the database, a request that does not answer 200.
pub async fn settlements(n: usize, requests: usize) -> anyhow::Result<()> {
    use argine_storage::settlements as store;
    let temp = tempfile::tempdir()?;
    let data = temp.path().join("data");
    let demo = DemoServer::start(data).await?;
    let (url, state, creds) = (demo.url.clone(), demo.state.clone(), &demo.creds);
    let territory = state.territory();
    let comuni: Vec<_> = territory.current().filter(|c| c.lon.is_some()).collect();
    eprintln!("bench: {n} settlements over {} Comuni", comuni.len());
    let mut tx = state.db.begin().await?;
    for i in 0..n {
        let c = comuni[(i * 7919) % comuni.len()];
        let (lon, lat) = (c.lon.unwrap_or(12.5) + (i % 13) as f64 * 0.001, c.lat.unwrap_or(42.0));
        let key = format!("bench:{i}");
        let id = store::create(
            &mut tx,
            &store::NewSettlement {
                kind: if i % 3 == 0 { "formal" } else { "informal" },
                settlement_type: if i % 3 == 0 { "cas" } else { "baracche" },
                name: &format!("Insediamento {i}"),
                comune_code: &c.istat,
                point: (i % 2 == 0).then_some((lon, lat)),
                position_source: if i % 2 == 0 { "gps" } else { "comune" },
                match_key: &key,
                ..Default::default()
            },
        )
        .await?;
        store::observe(
            &mut tx,
            &store::NewObservation {
                settlement_id: id,
                observed_on: "2026-08-01",
                source: "visita",
                people: Some((i % 400) as i64),
                services: "acqua",
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    // The secretariat's token: national, may see exact points.
    let secret = argine_domain::auth::token::new_secret("argn_");
    let mut conn = state.db.pool().acquire().await?;
    let who = creds.accounts.iter().find(|a| a.who == "secretariat").context("demo secretariat")?;
    let user = argine_storage::accounts::find_by_email(&mut conn, &who.email).await?.context("secretariat")?;
    let digest = argine_domain::auth::token::digest(&secret);
    argine_storage::tokens::create(&mut conn, user.id, "bench", &digest, "read", argine_storage::now() + 3600).await?;
    drop(conn);
    let client = reqwest::Client::new();
    let get = || async {
        let t = std::time::Instant::now();
        let r = client.get(format!("{url}/api/v1/settlements")).bearer_auth(&secret).send().await?;
        anyhow::ensure!(r.status() == 200, "status {}", r.status());
        let body = r.bytes().await?;
        Ok::<_, anyhow::Error>((t.elapsed(), body.len()))
    };
    // The first request reads the registry from the database; the next ones find it cached
    // (until a write changes the registry's fingerprint).
    let (cold, _) = get().await?;
    for _ in 0..2 {
        get().await?;
    }
    let mut times = Vec::with_capacity(requests);
    let mut size = 0;
    for _ in 0..requests.max(1) {
        let (d, s) = get().await?;
        times.push(d);
        size = s;
    }
    times.sort();
    println!(
        "settlement map layer: {n} settlements, {} KB JSON; first request {}; then over {} requests: min {}, median {}, p95 {}, max {}",
        size / 1024,
        ms(cold),
        times.len(),
        ms(times[0]),
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0)),
        ms(times[times.len() - 1])
    );
    demo.stop().await;
    Ok(())
}

/// What `argine bench cases` runs.
#[derive(Debug, Clone)]
pub struct CasesOptions {
    /// People recorded (contacts); the first `cases` of them have a case and encrypted identity.
    pub contacts: usize,
    pub cases: usize,
    /// Concurrent API users searching cases.
    pub users: usize,
    /// Searches per user.
    pub searches: usize,
    /// Mean pause of a user between two searches in the paced run (uniform over half to one and
    /// a half of it); the saturation run has none.
    pub think_ms: u64,
    /// Where to keep the database; a temporary directory (removed) if `None`.
    pub keep: Option<PathBuf>,
}

/// Rows per multi-row INSERT when loading.
const CASE_ROWS: usize = 500;

/// A deterministic pseudo-random generator (SplitMix64): the same data on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const GIVEN: [&str; 24] = [
    "Amina",
    "Fatou",
    "Moussa",
    "Ibrahim",
    "Aisha",
    "Mamadou",
    "Kofi",
    "Sunita",
    "Rajesh",
    "Harpreet",
    "Gurpreet",
    "Mohammed",
    "Youssef",
    "Ion",
    "Elena",
    "Nicolae",
    "Oumar",
    "Awa",
    "Seydou",
    "Mariam",
    "Karim",
    "Salif",
    "Binta",
    "Abdoulaye",
];
const FAMILY: [&str; 24] = [
    "Diallo", "Traore", "Singh", "Kaur", "Kumar", "Sow", "Ba", "Diop", "Ndiaye", "Popescu", "Ionescu", "Rahman",
    "Hossain", "Camara", "Keita", "Cisse", "Toure", "Kone", "Sanogo", "Barry", "Bah", "Sylla", "Fofana", "Mensah",
];
const NATIONS: [&str; 12] = ["SEN", "MLI", "IND", "PAK", "BGD", "ROU", "MAR", "NGA", "GHA", "GMB", "CIV", "TUN"];

/// Runs a batch of rows as one multi-row INSERT: `cols` columns, values bound in order.
async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    cols: &str,
    rows: &[Vec<BenchValue>],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = rows[0].len();
    let mut sql = format!("INSERT INTO {table} ({cols}) VALUES ");
    let mut n = 0;
    for (i, _) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for j in 0..width {
            n += 1;
            if j > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for r in rows {
        for v in r {
            q = match v {
                BenchValue::I(i) => q.bind(*i),
                BenchValue::N(i) => q.bind(*i),
                BenchValue::S(s) => q.bind(s.clone()),
            };
        }
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

enum BenchValue {
    I(i64),
    N(Option<i64>),
    S(String),
}

/// `argine bench cases`: `contacts` people (the first `cases` with a case, an identity
/// encrypted with the real keyring under a data key each, and blind indexes), referrals,
/// consents and closures, loaded with multi-row INSERTs in one transaction into a fresh SQLite
/// database; then (1) `users` concurrent API users each issuing `searches` case searches
/// (`GET /api/v1/cases` with random filters: none, stage, code prefix, name through the blind
/// index) against the running server, paced (a pause of about `think_ms` between two searches
/// of a user) and then back to back (saturation); (2) duplicate screening of every person with
/// a case (`storage::cases::all_blind` → `blind::screen`); (3) the dashboard indicators,
/// nationally and for one province and year, computed (as after any write) and from memory,
/// directly and over HTTP.
///
/// # Errors
/// The server, the database, a request that does not answer 200.
pub async fn cases(opts: CasesOptions) -> anyhow::Result<()> {
    use argine_domain::cases::blind::{self, BlindKind, BlindToken};
    use argine_domain::cases::identity::Identity;
    use argine_web::cases::vault;
    anyhow::ensure!(opts.cases <= opts.contacts && opts.users > 0, "--cases must not exceed --contacts");
    let temp = tempfile::tempdir()?;
    let data = match &opts.keep {
        Some(dir) => {
            anyhow::ensure!(
                !dir.exists() || std::fs::read_dir(dir)?.next().is_none(),
                "{} is not empty",
                dir.display()
            );
            dir.clone()
        }
        None => temp.path().join("data"),
    };
    let demo = DemoServer::start(data).await?;
    let (url, state, creds) = (demo.url.clone(), demo.state.clone(), &demo.creds);
    let mut conn = state.db.pool().acquire().await?;
    let mut users = Vec::new();
    for who in ["operator", "supervisor", "antitratta", "union"] {
        let acc = creds.accounts.iter().find(|a| a.who == who).context("demo account")?;
        let user = argine_storage::accounts::find_by_email(&mut conn, &acc.email).await?.context("demo user")?;
        let secret = token::new_secret("argn_");
        argine_storage::tokens::create(
            &mut conn,
            user.id,
            "bench",
            &token::digest(&secret),
            "read",
            argine_storage::now() + 7200,
        )
        .await?;
        users.push((user.org_id, user.id, secret));
    }
    let mut orgs: Vec<i64> = users.iter().map(|u| u.0).collect();
    orgs.dedup();
    let opener = users[0].1;
    drop(conn);
    let territory = state.territory();
    let comuni: Vec<String> = territory.current().map(|c| c.istat.clone()).filter(|c| c.len() == 6).collect();
    // A third of the people in the province of Mantova, the rest anywhere.
    let mantova: Vec<String> = comuni.iter().filter(|c| c.starts_with("020")).cloned().collect();
    let indexer = vault::indexer(&state).map_err(|e| anyhow::anyhow!("{e}"))?;
    let keyring = &state.keyring;

    eprintln!("bench: loading {} contacts, {} with a case", opts.contacts, opts.cases);
    let load_start = Instant::now();
    let mut rng = Rng(SEED);
    let now = argine_storage::now();
    let year = 365 * 86_400;
    let mut tx = state.db.begin().await?;
    let person_cols = "id, code, owner_org, wrapped_key, identity_ct, sex, age_band, nationality, languages, \
                       residence_status, sector, comune_code, created_by, created_at, updated_at";
    let mut persons = Vec::with_capacity(CASE_ROWS);
    let mut blinds = Vec::with_capacity(CASE_ROWS * 6);
    let mut cases = Vec::with_capacity(CASE_ROWS);
    let mut consents = Vec::new();
    let mut referrals = Vec::new();
    let mut codes = Vec::new();
    let mut names = Vec::new();
    let stages = ["contact", "preliminary", "formal", "protection", "assistance", "closed"];
    let outcomes = ["presumed_victim", "not_victim", "unclear"];
    let reasons = ["goals_reached", "transferred", "declined", "lost_contact", "moved", "not_victim", "other"];
    let bands = ["u18", "18_24", "25_34", "35_49", "50", "unknown"];
    let base = 1_000_000_i64;
    let mut encrypt_time = Duration::ZERO;
    for i in 0..opts.contacts {
        let id = base + i as i64;
        // The pseudonym's first group, then the row number: unique over a million rows.
        let code = format!("{}-{i:07}", &argine_domain::cases::pseudonym("AR", rng.next().to_le_bytes())[..7]);
        let owner = *rng.pick(&orgs);
        let comune = if rng.below(3) == 0 && !mantova.is_empty() { rng.pick(&mantova) } else { rng.pick(&comuni) };
        let created = now - (rng.below(2 * year as usize) as i64);
        let nat = *rng.pick(&NATIONS);
        let (wrapped, identity_ct) = if i < opts.cases {
            let t = Instant::now();
            // Every 50th person is registered twice with a spelling variant (a likely duplicate).
            let twin = i % 50 == 1;
            let seed = if twin { i - 1 } else { i };
            let mut r = Rng(SEED ^ seed as u64);
            let mut given = (*r.pick(&GIVEN)).to_owned();
            let family = *r.pick(&FAMILY);
            if twin {
                given = given.replacen('a', "aa", 1);
            }
            let identity = Identity {
                given_names: format!("{given} {}", i % 997),
                family_name: family.to_owned(),
                birth_date: Some(format!("{}-{:02}-{:02}", 1970 + r.below(35), 1 + r.below(12), 1 + r.below(28))),
                phone: format!("+39 3{:09}", r.next() % 1_000_000_000),
                ..Identity::default()
            };
            let (key, wrapped) =
                keyring.new_data_key(&vault::aad("persons.dek", id)).map_err(|e| anyhow::anyhow!("{e}"))?;
            let ct = vault::seal(&key, &identity, &vault::aad("persons.identity", id))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for t in indexer.tokens(&identity, nat) {
                blinds.push(vec![BenchValue::I(id), BenchValue::S(t.kind.code().into()), BenchValue::S(t.digest)]);
            }
            encrypt_time += t.elapsed();
            if names.len() < 200 && owner == users[0].0 {
                names.push(identity.given_names.clone());
            }
            if codes.len() < 200 {
                codes.push(code[..5].to_owned());
            }
            let stage = *rng.pick(&stages);
            let opened = created;
            let closed = (stage == "closed").then(|| opened + rng.below(200 * 86_400) as i64);
            cases.push(vec![
                BenchValue::I(id),
                BenchValue::I(id),
                BenchValue::I(owner),
                BenchValue::S(stage.into()),
                if rng.below(3) == 0 {
                    BenchValue::S(String::new())
                } else {
                    BenchValue::S(rng.pick(&outcomes).to_string())
                },
                BenchValue::S(comune.clone()),
                BenchValue::I(opener),
                BenchValue::I(opened),
                BenchValue::N(closed),
                if closed.is_some() {
                    BenchValue::S(rng.pick(&reasons).to_string())
                } else {
                    BenchValue::S(String::new())
                },
                BenchValue::I(closed.unwrap_or(opened)),
            ]);
            // One case in five is referred to another organisation, with a consent.
            if rng.below(5) == 0 {
                let to = *orgs.iter().find(|o| **o != owner).unwrap_or(&owner);
                consents.push(vec![
                    BenchValue::I(id),
                    BenchValue::I(id),
                    BenchValue::S("case_work,referral".into()),
                    BenchValue::S("names,residence".into()),
                    BenchValue::S(to.to_string()),
                    BenchValue::S("fr".into()),
                    BenchValue::S("2026-01-01".into()),
                    BenchValue::I(opened),
                ]);
                let status = *rng.pick(&["pending", "accepted", "accepted", "declined"]);
                let responded = (status != "pending").then(|| opened + 3600 + rng.below(30 * 86_400) as i64);
                referrals.push(vec![
                    BenchValue::I(id),
                    BenchValue::I(id),
                    BenchValue::I(owner),
                    BenchValue::I(to),
                    BenchValue::I(id),
                    BenchValue::S("names,residence".into()),
                    BenchValue::S(status.into()),
                    BenchValue::S("2030-01-01".into()),
                    BenchValue::I(opened),
                    BenchValue::N(responded),
                ]);
            }
            (wrapped, ct)
        } else {
            (String::new(), String::new())
        };
        persons.push(vec![
            BenchValue::I(id),
            BenchValue::S(code),
            BenchValue::I(owner),
            BenchValue::S(wrapped),
            BenchValue::S(identity_ct),
            BenchValue::S(rng.pick(&["f", "m", "m", "x", "unknown"]).to_string()),
            BenchValue::S(rng.pick(&bands).to_string()),
            BenchValue::S(nat.into()),
            BenchValue::S("fr,en".into()),
            BenchValue::S(rng.pick(&["none", "asylum_seeker", "work", "unknown"]).to_string()),
            BenchValue::S("agriculture".into()),
            BenchValue::S(comune.clone()),
            BenchValue::I(opener),
            BenchValue::I(created),
            BenchValue::I(created),
        ]);
        if persons.len() == CASE_ROWS || i + 1 == opts.contacts {
            insert_rows(&mut tx, "persons", person_cols, &persons).await?;
            persons.clear();
            for chunk in blinds.chunks(CASE_ROWS) {
                insert_rows(&mut tx, "person_blind_index", "person_id, kind, digest", chunk).await?;
            }
            blinds.clear();
            // Empty texts stand for NULL outcome and close reason (set right after).
            insert_rows(
                &mut tx,
                "cases",
                "id, person_id, owner_org, stage, outcome, comune_code, opened_by, opened_at, closed_at, close_reason, updated_at",
                &cases,
            )
            .await?;
            cases.clear();
            insert_rows(
                &mut tx,
                "consents",
                "id, person_id, purposes, fields, recipients, language, given_on, recorded_at",
                &consents,
            )
            .await?;
            consents.clear();
            insert_rows(
                &mut tx,
                "referrals",
                "id, case_id, from_org, to_org, consent_id, fields, status, due_on, created_at, responded_at",
                &referrals,
            )
            .await?;
            referrals.clear();
        }
        if i > 0 && i % 100_000 == 0 {
            eprintln!("bench: {i} people loaded");
        }
    }
    sqlx::query("UPDATE cases SET outcome = NULL WHERE outcome = ''").execute(&mut *tx).await?;
    sqlx::query("UPDATE cases SET close_reason = NULL WHERE close_reason = ''").execute(&mut *tx).await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(state.db.pool()).await?;
    let load = load_start.elapsed();
    eprintln!("bench: loaded in {} (encryption and blind indexes {})", ms(load), ms(encrypt_time));

    // 1. Case search at `users` concurrent API users.
    let client = reqwest::Client::new();
    let names = Arc::new(names);
    let codes = Arc::new(codes);
    let users = Arc::new(users);
    let search = |n: usize, seed: u64, think_ms: u64| {
        let (client, url, names, codes, users) =
            (client.clone(), url.clone(), Arc::clone(&names), Arc::clone(&codes), Arc::clone(&users));
        async move {
            let mut rng = Rng(seed);
            let mut times = Vec::with_capacity(n);
            for _ in 0..n {
                let who = rng.below(users.len());
                let secret = &users[who].2;
                let kind = rng.below(4);
                let q = match kind {
                    0 => String::new(),
                    1 => format!("?stage={}", rng.pick(&["contact", "preliminary", "protection", "closed"])),
                    2 => format!("?code={}", rng.pick(&codes)),
                    _ => match names.is_empty() {
                        true => String::new(),
                        false => format!("?name={}", rng.pick(&names).replace(' ', "%20")),
                    },
                };
                let t = Instant::now();
                let r = client.get(format!("{url}/api/v1/cases{q}")).bearer_auth(secret).send().await?;
                anyhow::ensure!(r.status() == 200, "status {} for {q}", r.status());
                r.bytes().await?;
                times.push((t.elapsed(), kind, who));
                if think_ms > 0 {
                    let pause = think_ms / 2 + rng.below(think_ms as usize + 1) as u64;
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
            Ok::<_, anyhow::Error>(times)
        }
    };
    // Warm-up.
    search(50, 1, 0).await?;
    let run = |think_ms: u64| {
        let tasks: Vec<_> =
            (0..opts.users).map(|u| tokio::spawn(search(opts.searches, 100 + u as u64, think_ms))).collect();
        async move {
            let started = Instant::now();
            let mut times = Vec::new();
            for t in tasks {
                times.extend(t.await??);
            }
            times.sort_by_key(|t| t.0);
            Ok::<_, anyhow::Error>((times, started.elapsed()))
        }
    };
    eprintln!(
        "bench: {} case searches by {} concurrent users, paced ({} ms between two of a user), then back to back",
        opts.users * opts.searches,
        opts.users,
        opts.think_ms
    );
    let (paced, paced_wall) = run(opts.think_ms).await?;
    let (times, wall) = run(0).await?;

    // 2. Duplicate screening.
    let t = Instant::now();
    let mut conn = state.db.pool().acquire().await?;
    let rows = argine_storage::cases::all_blind(&mut conn).await?;
    drop(conn);
    let read = t.elapsed();
    let mut people: Vec<(i64, Vec<BlindToken>)> = Vec::new();
    for (id, kind, digest) in rows {
        let Some(kind) = BlindKind::from_code(&kind) else { continue };
        match people.last_mut() {
            Some((last, tokens)) if *last == id => tokens.push(BlindToken { kind, digest }),
            _ => people.push((id, vec![BlindToken { kind, digest }])),
        }
    }
    let matches = blind::screen(people.iter().map(|(id, t)| (*id, t.as_slice())));
    let screen = t.elapsed();

    // 3. Indicators.
    use argine_storage::cases_stats::Scope;
    let min = argine_domain::report::opendata::MIN_PEOPLE;
    let province = Scope { from: Some(now - year), to: None, provinces: Some(vec!["020".into()]) };
    // Computed: each round starts with a write (the counter moved, as by any change to case work).
    let (mut national, mut local, mut national_kept, mut local_kept) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        sqlx::query("UPDATE data_versions SET version = version + 1 WHERE name = 'casework'")
            .execute(state.db.pool())
            .await?;
        for (scope, computed, kept) in
            [(&Scope::default(), &mut national, &mut national_kept), (&province, &mut local, &mut local_kept)]
        {
            for out in [computed, kept] {
                let t = Instant::now();
                argine_web::cases::indicators::compute(&state, scope, min).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                out.push(t.elapsed());
            }
        }
    }
    for v in [&mut national, &mut local, &mut national_kept, &mut local_kept] {
        v.sort();
    }
    let mut http = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let r = client.get(format!("{url}/api/v1/cases/indicators")).bearer_auth(&users[0].2).send().await?;
        anyhow::ensure!(r.status() == 200, "indicators status {}", r.status());
        r.bytes().await?;
        http.push(t.elapsed());
    }
    http.sort();

    println!(
        "case work: {} contacts, {} cases (load {})",
        thousands(opts.contacts as u64),
        thousands(opts.cases as u64),
        ms(load)
    );
    for (label, runs, wall) in [("paced", &paced, paced_wall), ("back to back", &times, wall)] {
        let times: Vec<Duration> = runs.iter().map(|t| t.0).collect();
        let times = &times;
        println!(
            "case search (GET /api/v1/cases), {} users {label}: {} requests, {:.0} req/s: p50 {}, p99 {}, max {}",
            opts.users,
            times.len(),
            times.len() as f64 / secs(wall),
            ms(percentile(times, 50.0)),
            ms(percentile(times, 99.0)),
            ms(times[times.len() - 1])
        );
        // Where the tail is: by filter and by the user's account.
        let part = |keep: &dyn Fn(&(Duration, usize, usize)) -> bool| {
            let t: Vec<Duration> = runs.iter().filter(|t| keep(t)).map(|t| t.0).collect();
            match t.is_empty() {
                true => "none".to_owned(),
                false => {
                    format!("{} requests, p50 {}, p99 {}", t.len(), ms(percentile(&t, 50.0)), ms(percentile(&t, 99.0)))
                }
            }
        };
        for (k, name) in ["no filter", "stage", "code prefix", "name"].iter().enumerate() {
            println!("  {name}: {}", part(&|t| t.1 == k));
        }
        for (u, name) in ["operator", "supervisor", "antitratta", "union"].iter().enumerate() {
            println!("  {name}: {}", part(&|t| t.2 == u));
        }
    }
    println!(
        "duplicate screening of {} people: {} (read {}), {} likely or possible pairs",
        thousands(people.len() as u64),
        ms(screen),
        ms(read),
        matches.len()
    );
    println!(
        "indicators computed (median of 5, each after a write): Italy, all time {}; province of Mantova, last year {}",
        ms(national[2]),
        ms(local[2])
    );
    println!(
        "indicators from memory (median of 5): Italy {}; Mantova {}; over HTTP (Italy) {}",
        ms(national_kept[2]),
        ms(local_kept[2]),
        ms(http[2])
    );
    demo.stop().await;
    Ok(())
}
