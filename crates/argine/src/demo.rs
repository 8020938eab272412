//! `argine demo`: a fresh database with the network's organisations and one account per role,
//! the credentials printed and written to `DIR/demo-credentials.txt`, then served.

use crate::config::Config;
use crate::startup::{self, Application};
use anyhow::Context;
use argine_domain::access::{Role, TokenScope};
use argine_domain::auth::{password, token, totp};
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::accounts::{self, NewUser, UserStatus};
use argine_storage::audit::{self, NewEntry};
use argine_storage::{orgs, tokens};
use argine_web::AppState;
use std::fmt::Write as _;
use std::path::Path;

/// One demo account as printed.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub who: &'static str,
    pub email: String,
    pub name: String,
    pub password: String,
    pub totp_secret: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DemoCredentials {
    pub url: String,
    pub accounts: Vec<DemoAccount>,
    pub api_token: String,
}

impl DemoCredentials {
    pub fn to_file_text(&self) -> String {
        let mut s = String::from("# argine demo credentials: for local testing only.\n");
        let _ = writeln!(s, "url={}", self.url);
        for a in &self.accounts {
            let _ = writeln!(s, "{}.email={}", a.who, a.email);
            let _ = writeln!(s, "{}.name={}", a.who, a.name);
            let _ = writeln!(s, "{}.password={}", a.who, a.password);
            if let Some(t) = &a.totp_secret {
                let _ = writeln!(s, "{}.totp_secret={t}", a.who);
            }
        }
        let _ = writeln!(s, "api_token={}", self.api_token);
        s
    }
}

fn units(list: &[&str]) -> Jurisdiction {
    Jurisdiction::Units(list.iter().filter_map(|u| TerritoryUnit::parse(u)).collect())
}

/// Organisations of the two programmes the demo shows: InCaS (national) and Multitasking (Mantova).
fn organisations() -> Vec<(&'static str, OrgType, Jurisdiction, Option<&'static str>)> {
    vec![
        (
            "ANCI - Fondazione Cittalia",
            OrgType::AnciCittalia,
            Jurisdiction::National,
            Some("cittalia@pec.demo.invalid"),
        ),
        (
            "Ministero del Lavoro e delle Politiche Sociali",
            OrgType::Ministero,
            Jurisdiction::National,
            Some("ministero@pec.demo.invalid"),
        ),
        (
            "Prefettura di Mantova",
            OrgType::Prefettura,
            units(&["provincia:020"]),
            Some("prefettura.mantova@pec.demo.invalid"),
        ),
        ("Ispettorato Territoriale del Lavoro di Mantova", OrgType::IspettoratoLavoro, units(&["provincia:020"]), None),
        ("Comune di Mantova", OrgType::Comune, units(&["comune:020030"]), Some("comune.mantova@pec.demo.invalid")),
        ("Associazione Lule", OrgType::TerzoSettore, units(&["provincia:020", "provincia:019"]), None),
        ("Ente anti-tratta Lombardia", OrgType::AntiTratta, units(&["regione:03"]), None),
        (
            "Prefettura di Foggia",
            OrgType::Prefettura,
            units(&["provincia:071"]),
            Some("prefettura.foggia@pec.demo.invalid"),
        ),
        ("Comune di San Severo", OrgType::Comune, units(&["comune:071051"]), Some("comune.sansevero@pec.demo.invalid")),
        ("Comune di Manfredonia", OrgType::Comune, units(&["comune:071029"]), None),
        ("FLAI CGIL Mantova", OrgType::Sindacato, units(&["provincia:020"]), None),
        ("Coldiretti Mantova", OrgType::AssociazioneDatoriale, units(&["provincia:020"]), None),
        ("ATS Val Padana", OrgType::AziendaSanitaria, units(&["provincia:020", "provincia:019"]), None),
        ("Centro per l'Impiego di Mantova", OrgType::Cpi, units(&["provincia:020"]), None),
        ("CPIA Mantova", OrgType::Cpia, units(&["provincia:020"]), None),
        ("Caritas diocesana di San Severo", OrgType::TerzoSettore, units(&["comune:071051"]), None),
    ]
}

/// (who, e-mail, name, organisation, roles)
const ACCOUNTS: &[(&str, &str, &str, &str, &[Role])] = &[
    ("admin", "admin@argine.demo.invalid", "Anna Amministratrice", "ANCI - Fondazione Cittalia", &[Role::Admin]),
    (
        "secretariat",
        "segreteria@argine.demo.invalid",
        "Sergio Segreteria",
        "ANCI - Fondazione Cittalia",
        &[Role::Secretariat],
    ),
    (
        "coordinator",
        "prefettura.mn@argine.demo.invalid",
        "Carla Coordinatrice",
        "Prefettura di Mantova",
        &[Role::Coordinator, Role::Admin],
    ),
    ("operator", "operatrice@argine.demo.invalid", "Olga Operatrice", "Associazione Lule", &[Role::Operator]),
    (
        "referent",
        "referente.sansevero@argine.demo.invalid",
        "Riccardo Referente",
        "Comune di San Severo",
        &[Role::Referent],
    ),
    ("viewer", "consultazione@argine.demo.invalid", "Vera Consultazione", "Comune di Mantova", &[Role::Viewer]),
    // Case work across organisations: the NGO's supervisor, the anti-trafficking body that
    // receives referrals, and a union desk that is not part of the case.
    ("supervisor", "supervisione@argine.demo.invalid", "Silvia Supervisora", "Associazione Lule", &[Role::Supervisor]),
    (
        "antitratta",
        "antitratta@argine.demo.invalid",
        "Antonio Antitratta",
        "Ente anti-tratta Lombardia",
        &[Role::Operator],
    ),
    ("union", "sportello.flai@argine.demo.invalid", "Ugo Sindacato", "FLAI CGIL Mantova", &[Role::Operator]),
];

/// Seeds organisations, accounts (with TOTP for the roles that need it) and an API token.
pub async fn seed(state: &AppState, url: &str) -> anyhow::Result<DemoCredentials> {
    let cost = state.config.hash_cost;
    let mut tx = state.db.begin().await?;
    for (name, t, j, pec) in organisations() {
        orgs::create(
            &mut tx,
            orgs::NewOrganisation {
                name,
                org_type: t,
                jurisdiction: &j,
                contacts: orgs::Contacts { pec: pec.map(str::to_owned), ..Default::default() },
            },
        )
        .await?;
    }
    let mut accounts_out = Vec::new();
    for (who, email, name, org, roles) in ACCOUNTS {
        let pw = format!("demo-{}", &token::new_secret("")[..16]);
        let phc = password::hash(&pw, cost).map_err(|e| anyhow::anyhow!("{e}"))?;
        let o = orgs::find_by_name(&mut tx, org).await?.context("demo organisation")?;
        let id = accounts::create(
            &mut tx,
            NewUser {
                email,
                display_name: name,
                org_id: o.id,
                status: UserStatus::Active,
                password_hash: Some(&phc),
                roles,
            },
        )
        .await?;
        let totp_secret = if roles.iter().any(|r| r.requires_mfa()) {
            let secret = totp::new_secret();
            let enc = state.keyring.encrypt(&secret, &format!("users.totp_secret.{id}"))?;
            let hashes: Vec<String> = totp::new_recovery_codes().iter().map(|c| token::digest(c)).collect();
            accounts::enable_totp(&mut tx, id, &enc, 0, &hashes).await?;
            Some(totp::secret_base32(&secret))
        } else {
            None
        };
        accounts_out.push(DemoAccount {
            who,
            email: (*email).to_owned(),
            name: (*name).to_owned(),
            password: pw,
            totp_secret,
        });
    }
    let coordinator = accounts::find_by_email(&mut tx, ACCOUNTS[2].1).await?.context("demo coordinator")?;
    seed_network(&mut tx, coordinator.id).await?;
    let operator = accounts::find_by_email(&mut tx, ACCOUNTS[3].1).await?.context("demo operator")?;
    seed_outreach(&mut tx, operator.id).await?;
    let secretariat = accounts::find_by_email(&mut tx, ACCOUNTS[1].1).await?.context("demo secretariat")?;
    seed_census(&mut tx, secretariat.id).await?;
    seed_cases(state, &mut tx).await?;
    let admin = accounts::find_by_email(&mut tx, ACCOUNTS[0].1).await?.context("demo admin")?;
    let api_token = token::new_secret("argn_");
    tokens::create(
        &mut tx,
        admin.id,
        "demo",
        &token::digest(&api_token),
        TokenScope::Read.code(),
        argine_storage::now() + 30 * 86400,
    )
    .await?;
    audit::append(
        &mut tx,
        &NewEntry {
            actor_label: "demo".into(),
            action: "demo.seed".into(),
            outcome: "ok".into(),
            record_type: "system".into(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DemoCredentials { url: url.to_owned(), accounts: accounts_out, api_token })
}

/// The default questionnaire of the census, as shipped in the repository.
pub const INCAS_2021_XLSX: &[u8] = include_bytes!("../../../data/census/incas_2021.xlsx");

/// The 2021 InCaS questionnaire, imported and published by the secretariat.
async fn seed_census(tx: &mut argine_storage::Tx, by: i64) -> anyhow::Result<i64> {
    use argine_web::census::forms::{self, ImportFailure};
    let prepared = forms::prepare(INCAS_2021_XLSX, "incas_2021.xlsx")
        .map_err(|e| anyhow::anyhow!("the shipped questionnaire is invalid: {} problems", e.len()))?;
    let entry =
        argine_storage::audit::NewEntry { actor_user_id: Some(by), actor_label: "demo".into(), ..Default::default() };
    let id = match forms::store(tx, &prepared, INCAS_2021_XLSX, Some(by), entry).await {
        Ok(id) => id,
        Err(ImportFailure::Storage(e)) => return Err(e.into()),
        Err(e) => anyhow::bail!("storing the shipped questionnaire: {e:?}"),
    };
    argine_storage::census::publish(tx, id, Some(by)).await?;
    Ok(id)
}

/// The synthetic 2021 census on the shipped questionnaire (seed 2021). Not part of [`seed`],
/// which every integration test runs: the tests that need it call
/// [`crate::census::load_synthetic`] themselves.
pub async fn seed_synthetic_census(state: &AppState) -> anyhow::Result<crate::census::SynthOutcome> {
    let version = crate::census::published_version(&state.db, "incas_2021").await?.context("the demo questionnaire")?;
    let mut tx = state.db.begin().await?;
    let secretariat = accounts::find_by_email(&mut tx, ACCOUNTS[1].1).await?.context("demo secretariat")?;
    let out = crate::census::load_synthetic(&mut tx, version, 2021, Some(secretariat.id)).await?;
    tx.commit().await?;
    Ok(out)
}

/// The settlement registry fed from the synthetic census, as the secretariat does it from the
/// registry page; a field visit to the Gran Ghetto of Rignano (San Severo) adds a summer
/// observation with the position taken on site.
/// Three people met by the NGO's listening point in Castiglione delle Stiviere: one referred
/// with consent to the anti-trafficking body, which accepted; one just met; one closed.
/// Invented names: no real person.
async fn seed_cases(state: &AppState, tx: &mut argine_storage::Tx) -> anyhow::Result<()> {
    use argine_domain::access::Actor;
    use argine_domain::cases::identity::Identity;
    use argine_storage::cases::{self as store, NewConsent, NewReferral, PersonAttributes};
    use argine_web::cases::vault::{self, Employment, NewPerson, Who};
    use serde_json::json;

    let operator = accounts::find_by_email(tx, ACCOUNTS[3].1).await?.context("demo operator")?;
    let lule = orgs::find_by_name(tx, "Associazione Lule").await?.context("Lule")?;
    let body = orgs::find_by_name(tx, "Ente anti-tratta Lombardia").await?.context("anti-tratta")?;
    let actor = Actor {
        user_id: operator.id,
        org_id: lule.id,
        jurisdiction: lule.jurisdiction.clone(),
        roles: vec![Role::Operator],
        mfa_verified: true,
        mfa_enrolled: true,
        token_scope: None,
    };
    let who = Who { actor: &actor, user_id: operator.id, label: "demo" };
    let ctx = argine_web::RequestCtx {
        request_id: "demo".into(),
        lang: argine_web::i18n::Lang::It,
        ip: String::new(),
        user_agent: String::new(),
        path: String::new(),
        is_api: false,
    };
    let people = [
        ("Joy", "Demo-Uwadiae", "1997-05-11", "NGA", "f", "en", "+39 320 000 0001", "none"),
        ("Kwame", "Demo-Mensah", "1991-09-02", "GHA", "m", "en,tw", "", "asylum_seeker"),
        ("Arjun", "Demo-Singh", "1988-01-23", "IND", "m", "pa,hi", "", "work"),
    ];
    let mut cases = Vec::new();
    for (given, family, birth, nat, sex, langs, phone, residence) in people {
        let p = NewPerson {
            identity: Identity {
                given_names: given.into(),
                family_name: family.into(),
                birth_date: Some(birth.into()),
                phone: phone.into(),
                ..Identity::default()
            },
            employment: Employment {
                employer: "Azienda agricola (dimostrativa)".into(),
                conditions: "Raccolta del melone, 12 ore al giorno".into(),
            },
            attributes: PersonAttributes {
                sex: sex.into(),
                age_band: "25_34".into(),
                nationality: nat.into(),
                languages: langs.into(),
                residence_status: residence.into(),
                sector: "agriculture".into(),
                comune_code: "020017".into(),
                ..PersonAttributes::default()
            },
            outreach_session: None,
        };
        let (person, case, _) =
            vault::create_person(state, tx, &ctx, &who, lule.id, &p).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        cases.push((person, case));
    }
    // The first: consent in English explained by a mediator, referral accepted.
    let (person, case) = cases[0];
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date();
    let consent = store::add_consent(
        tx,
        &NewConsent {
            person,
            purposes: "case_work,referral",
            fields: "names,residence,assessment",
            recipients: &[body.id],
            language: "en",
            mediator: "Mediatrice (dimostrativa)",
            given_on: &today.to_string(),
            by: operator.id,
        },
    )
    .await?;
    store::add_event(tx, case, Some(lule.id), Some(operator.id), "consent", &json!({"consent": consent})).await?;
    store::set_outcome(tx, case, "presumed_victim").await?;
    store::set_stage(tx, case, "preliminary").await?;
    store::add_event(tx, case, Some(lule.id), Some(operator.id), "stage", &json!({"stage": "preliminary"})).await?;
    let due = (today + time::Duration::days(7)).to_string();
    let referral = store::add_referral(
        tx,
        &NewReferral {
            case,
            from_org: lule.id,
            to_org: body.id,
            service: None,
            consent,
            fields: "names,residence,assessment",
            due_on: &due,
            by: operator.id,
        },
    )
    .await?;
    store::add_event(
        tx,
        case,
        Some(lule.id),
        Some(operator.id),
        "referral",
        &json!({"referral": referral, "to": body.id}),
    )
    .await?;
    let receiver = accounts::find_by_email(tx, ACCOUNTS[7].1).await?.context("demo anti-trafficking operator")?;
    store::respond_referral(tx, referral, "accepted", receiver.id, "").await?;
    store::add_event(
        tx,
        case,
        Some(body.id),
        Some(receiver.id),
        "referral_accepted",
        &json!({"referral": referral, "to": body.id}),
    )
    .await?;
    // The third: closed, goals reached.
    store::close_case(tx, cases[2].1, "goals_reached", argine_storage::now() + 730 * 86_400).await?;
    store::add_event(tx, cases[2].1, Some(lule.id), Some(operator.id), "closed", &json!({"reason": "goals_reached"}))
        .await?;
    Ok(())
}

pub async fn seed_settlements(
    state: &AppState,
    campaign_id: i64,
) -> anyhow::Result<argine_storage::settlements::CensusImport> {
    use argine_storage::settlements as store;
    let mut tx = state.db.begin().await?;
    let secretariat = accounts::find_by_email(&mut tx, ACCOUNTS[1].1).await?.context("demo secretariat")?;
    let out = store::import_census(&mut tx, campaign_id, Some(secretariat.id)).await?;
    let rignano = store::list(&mut tx, Some("informal"))
        .await?
        .into_iter()
        .find(|s| s.comune_code == "071051" && s.name.to_lowercase().contains("rignano"));
    if let Some(s) = rignano {
        store::observe(
            &mut tx,
            &store::NewObservation {
                settlement_id: s.id,
                observed_on: "2022-08-18",
                source: "visita",
                people: Some(2600),
                women: "si",
                minors: "si",
                families: "si",
                services: "acqua",
                risks: "incendi sfruttamento",
                note: "Visita dell'unità di strada: presenze stagionali al massimo della raccolta del pomodoro.",
                point: Some((15.4431, 41.5853)),
                ..Default::default()
            },
        )
        .await?;
        store::set_position(&mut tx, s.id, (15.4431, 41.5853), "gps").await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// The final report of the synthetic census, built as the report page builds it (queued, then
/// worked here rather than waiting for the worker) and its open data published; returns the
/// build's id.
pub async fn seed_final_report(state: &AppState, campaign_id: i64) -> anyhow::Result<i64> {
    use argine_web::reports::job;
    let mut tx = state.db.begin().await?;
    let secretariat = accounts::find_by_email(&mut tx, ACCOUNTS[1].1).await?.context("demo secretariat")?;
    let template = argine_web::reports::shipped("finale").context("the final report's template")?;
    let build = job::queue(
        &mut tx,
        &argine_storage::reports::NewBuild {
            campaign_id,
            template_name: "finale",
            template_version: None,
            template_body: template,
            report_date: "luglio 2022",
            requested_by: Some(secretariat.id),
        },
    )
    .await?;
    tx.commit().await?;
    job::run(state, &serde_json::to_string(&job::BuildJob { build })?).await?;
    let mut conn = state.db.pool().acquire().await?;
    let b = argine_storage::reports::build(&mut conn, build).await?;
    anyhow::ensure!(b.status == "done", "the demo report failed: {}", b.error);
    let cfg = &state.config;
    argine_storage::reports::publish(
        &mut conn,
        build,
        &cfg.open_data_ipa,
        &cfg.open_data_publisher,
        Some(secretariat.id),
    )
    .await?;
    Ok(build)
}

/// An open campaign of the shipped questionnaire to the Comuni of the provinces of Foggia and
/// Mantova; returns San Severo's secret link token.
pub async fn seed_open_campaign(state: &AppState) -> anyhow::Result<String> {
    let version = crate::census::published_version(&state.db, "incas_2021").await?.context("the demo questionnaire")?;
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date();
    let mut tx = state.db.begin().await?;
    let (_, links) = crate::census::open_campaign(
        &mut tx,
        state,
        "Rilevazione 2026 - Province di Foggia e Mantova",
        version,
        &["071", "020"],
        today + time::Duration::days(30),
        None,
    )
    .await?;
    tx.commit().await?;
    links.into_iter().find(|(code, _)| code == "071051").map(|(_, t)| t).context("San Severo's link")
}

async fn org_id(tx: &mut argine_storage::Tx, name: &str) -> anyhow::Result<i64> {
    Ok(orgs::find_by_name(tx, name).await?.with_context(|| format!("demo organisation {name}"))?.id)
}

/// The local ISO date `days` from today (negative: in the past).
fn date_in(days: i64) -> String {
    let now = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc());
    (now.date() + time::Duration::days(days)).to_string()
}

/// The service directory of the Mantova network (a listening point and an itinerant team of
/// Associazione Lule, ATS health service, FLAI CGIL union desk, the anti-trafficking body, the
/// job centre, the CPIA's Italian courses) and four months of the team's outreach sessions with
/// anonymous counts. A few dozen rows: the demo stays fast.
async fn seed_outreach(tx: &mut argine_storage::Tx, operator: i64) -> anyhow::Result<()> {
    use argine_domain::outreach::{self as o, ContactRow, MaterialRow, SessionInput};
    use argine_storage::outreach as out;
    use argine_storage::services::{self, ServiceFields};
    let week = [
        o::parse_day(1, "09:00-13:00").unwrap_or_default(),
        o::parse_day(3, "14:00-18:00").unwrap_or_default(),
        o::parse_day(5, "09:00-13:00").unwrap_or_default(),
    ]
    .concat();
    // (organisation, kind, name, languages, eligibility, place, address, comune, point, listening point)
    type Entry = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        (f64, f64),
        bool,
    );
    let entries: [Entry; 6] = [
        (
            "Associazione Lule",
            "social_desk",
            "Sportello di ascolto Lule",
            "it ar pa hi ur",
            "Lavoratrici e lavoratori stranieri, con o senza documenti",
            "Sportello di Castiglione delle Stiviere",
            "Via Cesare Battisti 1",
            "020017",
            (10.4866, 45.3897),
            true,
        ),
        (
            "ATS Val Padana",
            "health",
            "Ambulatorio per stranieri temporaneamente presenti (STP)",
            "it en fr ar",
            "Persone straniere senza iscrizione al Servizio sanitario",
            "Poliambulatorio di Mantova",
            "Via dei Toscani 1",
            "020030",
            (10.7914, 45.1564),
            false,
        ),
        (
            "FLAI CGIL Mantova",
            "union_desk",
            "Sportello sindacale lavoratori agricoli",
            "it pa hi ro",
            "Lavoratrici e lavoratori dell'agricoltura",
            "Camera del Lavoro di Mantova",
            "Via Altobelli 5",
            "020030",
            (10.7983, 45.1602),
            true,
        ),
        (
            "Ente anti-tratta Lombardia",
            "anti_trafficking",
            "Emersione e presa in carico vittime di tratta e sfruttamento",
            "it en fr ar ro sq",
            "Presunte vittime di tratta e grave sfruttamento lavorativo",
            "Sede regionale",
            "Via Dante 1",
            "015146",
            (9.1859, 45.4654),
            false,
        ),
        (
            "Centro per l'Impiego di Mantova",
            "job_centre",
            "Incrocio domanda offerta di lavoro (IDOL)",
            "it en",
            "Persone in cerca di lavoro regolare, ospiti CAS compresi",
            "Centro per l'Impiego",
            "Via Don Maraglio 4",
            "020030",
            (10.7870, 45.1560),
            false,
        ),
        (
            "CPIA Mantova",
            "language_courses",
            "Corsi di italiano per stranieri",
            "it",
            "Adulti stranieri, anche senza permesso",
            "CPIA sede di Castiglione",
            "Via Ugo Foscolo 2",
            "020017",
            (10.4870, 45.3920),
            false,
        ),
    ];
    let mut desk = None;
    for (org, kind, name, langs, elig, place, address, comune, point, lp) in entries {
        let org = org_id(tx, org).await?;
        let f = ServiceFields { kind, name, eligibility: elig, languages: langs, ..Default::default() };
        let sid = services::create(tx, org, &f, Some(operator)).await?;
        let loc = services::create_location(tx, org, place, address, comune, Some(point)).await?;
        let sal = services::offer_at(tx, sid, loc, lp, "", if lp { &week[..] } else { &[] }).await?;
        if desk.is_none() && lp {
            desk = Some(sal);
        }
    }
    let lule = org_id(tx, "Associazione Lule").await?;
    let team = out::create_team(
        tx,
        &out::NewTeam {
            org_id: lule,
            service_id: None,
            name: "Unità mobile Lule — Alto Mantovano",
            comune_code: "020017",
            languages: "it pa hi ar",
            mediators: "2: punjabi, arabo",
            members: &[operator],
            created_by: Some(operator),
        },
    )
    .await?;
    let places = ["020017", "020028", "020065", "020066"];
    for (i, c) in places.iter().enumerate() {
        let days = 3 + 7 * i64::try_from(i).unwrap_or(0);
        out::add_stop(tx, team, &date_in(days), c, None, "Campi e cascine", "18:00-20:30").await?;
    }
    // Sixteen past sessions over four months: one a week of the team, one a month at the desk.
    let nats = ["IN", "MA", "PK", "RO", "SN"];
    for k in 0..16i64 {
        let comune = places[usize::try_from(k).unwrap_or(0) % places.len()];
        let n = |base: i64| base + (k * 7 + base) % 5;
        let nat = |j: usize| nats[(usize::try_from(k).unwrap_or(0) + j) % nats.len()];
        let row = |sex: &str, age: &str, j: usize, count: i64| ContactRow {
            sex: sex.into(),
            age_band: age.into(),
            nationality: nat(j).into(),
            sector: "agricoltura".into(),
            count,
        };
        let at_desk = k % 4 == 3;
        let input = SessionInput {
            client_uuid: format!("de300000-0000-4000-8000-{k:012x}"),
            held_on: date_in(-7 * k - 2),
            comune: if at_desk { "020017".into() } else { comune.into() },
            team_id: if at_desk { None } else { Some(team) },
            desk_id: if at_desk { desk } else { None },
            contacts: vec![
                row("m", "25_34", 0, n(4)),
                row("m", "35_44", 1, n(2)),
                row("f", "25_34", 2, n(1)),
                row("m", "18_24", 0, n(1)),
            ],
            materials: vec![
                MaterialRow { material: "volantino".into(), language: "pa".into(), quantity: n(6) },
                MaterialRow { material: "kit_igiene".into(), language: String::new(), quantity: n(2) },
            ],
            needs: vec![
                "salario".into(),
                "documenti".into(),
                if k % 3 == 0 { "sfruttamento".into() } else { "sanita".into() },
            ],
            ..Default::default()
        };
        let checked = o::check_session(&input, &date_in(0)).map_err(|e| anyhow::anyhow!("demo session: {e:?}"))?;
        out::record(tx, lule, &checked, "web", Some(operator)).await?;
    }
    Ok(())
}

/// Rome wall-clock time `days` from now at `hour`:00.
fn day_at(days: i64, hour: u8) -> String {
    let now = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc());
    let d = now.date() + time::Duration::days(days);
    format!("{}T{hour:02}:00", &argine_domain::calendar::format_local(d.midnight())[..10])
}

/// The Multitasking network of Mantova and a local plan's working group in San Severo: people,
/// protocols, working groups, a past meeting with approved minutes and decisions, and upcoming
/// meetings.
async fn seed_network(tx: &mut argine_storage::Tx, by: i64) -> anyhow::Result<()> {
    use argine_domain::network::{Attendance, GroupKind, MemberRole, PartyRole, ProtocolKind};
    use argine_storage::network::{self, NewGroup, NewMeeting, NewPerson, NewProtocol, Party};
    let prefettura = org_id(tx, "Prefettura di Mantova").await?;
    let itl = org_id(tx, "Ispettorato Territoriale del Lavoro di Mantova").await?;
    let lule = org_id(tx, "Associazione Lule").await?;
    let comune_mn = org_id(tx, "Comune di Mantova").await?;
    let flai = org_id(tx, "FLAI CGIL Mantova").await?;
    let coldiretti = org_id(tx, "Coldiretti Mantova").await?;
    let ats = org_id(tx, "ATS Val Padana").await?;
    let cpi = org_id(tx, "Centro per l'Impiego di Mantova").await?;
    let san_severo = org_id(tx, "Comune di San Severo").await?;
    let caritas = org_id(tx, "Caritas diocesana di San Severo").await?;
    let foggia = org_id(tx, "Prefettura di Foggia").await?;
    // Fictitious people (the demo's domain is .invalid).
    for (org, name, role, email) in [
        (prefettura, "Paola Bianchi", "Viceprefetto vicario, coordinatrice della task force", "p.bianchi@demo.invalid"),
        (prefettura, "Marco Ferri", "Area IV - Diritti civili, immigrazione", "m.ferri@demo.invalid"),
        (itl, "Giorgio Neri", "Responsabile vigilanza", "g.neri@demo.invalid"),
        (lule, "Elena Gallo", "Coordinatrice unità di strada", "e.gallo@demo.invalid"),
        (flai, "Luca Conti", "Segretario provinciale", "l.conti@demo.invalid"),
        (san_severo, "Rita Esposito", "Assessora alle politiche sociali", "r.esposito@demo.invalid"),
    ] {
        network::add_person(
            tx,
            &NewPerson {
                org_id: org,
                full_name: name,
                role_title: role,
                email: Some(email),
                phone: Some("+39 0376 000000"),
            },
        )
        .await?;
    }
    let p = network::create_protocol(
        tx,
        &NewProtocol {
            title: "Protocollo operativo per la prevenzione e il contrasto dello sfruttamento lavorativo in agricoltura",
            kind: ProtocolKind::Operativo,
            unit: Some("provincia:020"),
            summary: "Task force multi-agenzia (progetto Multitasking): unità di strada e punti di ascolto, \
                      identificazione e invio delle vittime tra gli enti, formazione degli operatori.",
            signed_on: Some("2024-05-17"),
            valid_from: Some("2024-05-17"),
            valid_until: Some("2027-05-16"),
        },
        by,
    )
    .await?;
    for (org, role, who) in [
        (prefettura, PartyRole::Promoter, "Il Prefetto"),
        (itl, PartyRole::Signatory, "Il Direttore"),
        (lule, PartyRole::Signatory, "La Presidente"),
        (comune_mn, PartyRole::Signatory, "Il Sindaco"),
        (flai, PartyRole::Adherent, ""),
        (ats, PartyRole::Signatory, "Il Direttore generale"),
    ] {
        let party = Party {
            org_id: org,
            org_name: String::new(),
            role,
            signatory_name: who.into(),
            signatory_title: String::new(),
            signed_on: (!who.is_empty()).then(|| "2024-05-17".to_owned()),
        };
        network::set_party(tx, p, &party).await?;
    }
    let idol = network::create_protocol(
        tx,
        &NewProtocol {
            title: "Protocollo per l'inserimento lavorativo regolare dei migranti in agricoltura",
            kind: ProtocolKind::Inserimento,
            unit: Some("provincia:020"),
            summary: "Incontro tra domanda e offerta di lavoro agricolo attraverso il Centro per l'Impiego.",
            signed_on: Some("2025-02-10"),
            valid_from: Some("2025-02-10"),
            valid_until: None,
        },
        by,
    )
    .await?;
    for (org, role) in [
        (prefettura, PartyRole::Promoter),
        (cpi, PartyRole::Signatory),
        (coldiretti, PartyRole::Signatory),
        (flai, PartyRole::Signatory),
    ] {
        let party = Party {
            org_id: org,
            org_name: String::new(),
            role,
            signatory_name: String::new(),
            signatory_title: String::new(),
            signed_on: None,
        };
        network::set_party(tx, idol, &party).await?;
    }
    let tf = network::create_group(
        tx,
        &NewGroup {
            name: "Task force Multitasking",
            kind: GroupKind::TaskForce,
            unit: Some("provincia:020"),
            lead_org_id: Some(prefettura),
            description: "Coordinamento delle unità di strada, dei punti di ascolto e degli invii tra gli enti.",
        },
    )
    .await?;
    for (org, role, delegate) in [
        (itl, MemberRole::Member, "Giorgio Neri"),
        (lule, MemberRole::Member, "Elena Gallo"),
        (comune_mn, MemberRole::Member, ""),
        (flai, MemberRole::Member, "Luca Conti"),
        (ats, MemberRole::Member, ""),
        (prefettura, MemberRole::Chair, "Paola Bianchi"),
    ] {
        network::set_member(tx, tf, org, role, delegate).await?;
    }
    let past = network::create_meeting(
        tx,
        tf,
        &NewMeeting {
            title: "Riunione di avvio della stagione estiva",
            starts_at: &day_at(-30, 10),
            ends_at: &day_at(-30, 12),
            place: "Prefettura di Mantova, sala riunioni",
            agenda: "Calendario delle uscite delle unità di strada\nPunti di ascolto nei comuni dell'Oltrepò\nVarie ed eventuali",
        },
    )
    .await?;
    network::set_attendance(
        tx,
        past,
        &[
            (prefettura, Attendance::Present, "Paola Bianchi".into()),
            (itl, Attendance::Present, "Giorgio Neri".into()),
            (lule, Attendance::Present, "Elena Gallo".into()),
            (flai, Attendance::Excused, String::new()),
            (comune_mn, Attendance::Present, String::new()),
            (ats, Attendance::Absent, String::new()),
        ],
    )
    .await?;
    network::set_minutes(
        tx,
        past,
        "La coordinatrice apre la riunione e illustra il calendario delle uscite.\n\n\
         L'Associazione Lule riferisce sui contatti dell'ultimo mese nei comuni dell'Oltrepò.\n\n\
         Si concorda di attivare un punto di ascolto presso il Comune di Mantova.",
    )
    .await?;
    network::approve_minutes(tx, past, by).await?;
    network::add_decision(
        tx,
        past,
        "Attivare un punto di ascolto presso il Comune di Mantova",
        Some(comune_mn),
        Some(&day_at(30, 0)[..10]),
    )
    .await?;
    network::add_decision(
        tx,
        past,
        "Calendario condiviso delle uscite delle unità di strada",
        Some(lule),
        Some(&day_at(-5, 0)[..10]),
    )
    .await?;
    network::create_meeting(
        tx,
        tf,
        &NewMeeting {
            title: "Verifica del primo mese di attività",
            starts_at: &day_at(14, 10),
            ends_at: &day_at(14, 12),
            place: "Prefettura di Mantova, sala riunioni",
            agenda: "Esiti delle uscite\nInvii alla rete anti-tratta\nSessioni informative per i lavoratori",
        },
    )
    .await?;
    let plm = network::create_group(
        tx,
        &NewGroup {
            name: "Gruppo di lavoro locale del PLM di San Severo",
            kind: GroupKind::PlmWorkingGroup,
            unit: Some("comune:071051"),
            lead_org_id: Some(san_severo),
            description: "Stesura del piano locale multisettoriale a partire dal Masterplan.",
        },
    )
    .await?;
    for (org, role) in [(caritas, MemberRole::Member), (foggia, MemberRole::Observer)] {
        network::set_member(tx, plm, org, role, "").await?;
    }
    network::create_meeting(
        tx,
        plm,
        &NewMeeting {
            title: "Prima riunione del gruppo di lavoro locale",
            starts_at: &day_at(7, 15),
            ends_at: &day_at(7, 17),
            place: "Comune di San Severo, sala consiliare",
            agenda: "Presentazione del Masterplan\nAnalisi dei bisogni del territorio",
        },
    )
    .await?;
    Ok(())
}

fn remove_previous(dir: &Path) -> anyhow::Result<()> {
    for name in ["argine.db", "argine.db-wal", "argine.db-shm", "demo-credentials.txt"] {
        let p = dir.join(name);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    let mail = dir.join("mail");
    if mail.exists() {
        std::fs::remove_dir_all(&mail).with_context(|| format!("removing {}", mail.display()))?;
    }
    Ok(())
}

pub async fn run(mut cfg: Config, serve: bool) -> anyhow::Result<()> {
    if !cfg.is_sqlite() {
        anyhow::bail!("the demo runs on embedded SQLite: do not pass --database-url");
    }
    startup::prepare_data_dir(&cfg)?;
    remove_previous(&cfg.data_dir)?;
    cfg.mail.transport = "file".into();
    let app = Application::build(cfg.clone()).await?;
    let host = cfg.listen.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    let url = cfg.public_url.clone().unwrap_or_else(|| format!("http://{host}:{}", app.port()));
    let creds = seed(app.state(), &url).await?;
    let census = seed_synthetic_census(app.state()).await?;
    let census_link = seed_open_campaign(app.state()).await?;
    let report = seed_final_report(app.state(), census.campaign_id).await?;
    let registry = seed_settlements(app.state(), census.campaign_id).await?;
    let path = cfg.data_dir.join("demo-credentials.txt");
    write_private(&path, &format!("{}census_link={url}/risposta/{census_link}\n", creds.to_file_text()))?;
    println!("argine demo — {url}");
    println!();
    for a in &creds.accounts {
        println!(
            "  {:<12} {:<42} password {}{}",
            a.who,
            a.email,
            a.password,
            a.totp_secret.as_ref().map(|t| format!("  TOTP secret {t}")).unwrap_or_default()
        );
    }
    println!("  API token (read): {}", creds.api_token);
    println!();
    println!(
        "Synthetic census 2021: {} Comuni invited, {} responses (campaign {}).",
        census.invited, census.submitted, census.campaign_id
    );
    println!("Census 2026 (open), the Comune of San Severo answers at {url}/risposta/{census_link}");
    println!("Settlement registry fed from the 2021 census: {} settlements ({url}/insediamenti).", registry.created);
    println!("Final report of the 2021 census: {url}/rapporti/{report}; its open data: {url}/dati-aperti/{report}");
    println!();
    println!("Credentials written to {}. Outgoing e-mail is written to {}.", path.display(), cfg.mail_dir().display());
    if serve {
        println!("Serving on {url} — press Ctrl+C to stop.");
        app.run_until_stopped().await
    } else {
        Ok(())
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
