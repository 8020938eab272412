//! The synthetic national census: the published 2021 figures recomputed from the generated
//! answers (for several seeds), every response checked against the real questionnaire with the
//! expression evaluator, determinism, the rebuilt 2021 universe.

#![expect(clippy::panic, clippy::unwrap_used, reason = "test helpers report what went wrong")]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use argine_domain::census::answers::{Answer, Answers};
use argine_domain::census::expr::{self, Context, Value};
use argine_domain::census::synth::{
    self, Comune, PUBLISHED, REGIONS, SynthCensus, SynthError, comuni_from_csv, generate, universe_2021,
};
use argine_domain::census::xlsform::{Form, Item, Kind, MetaKind, parse_xlsx};

const SEEDS: [u64; 3] = [1, 42, 20_211_015];

fn data(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn universe() -> &'static [Comune] {
    static U: OnceLock<Vec<Comune>> = OnceLock::new();
    U.get_or_init(|| {
        universe_2021(&data("data/territory/comuni.csv"), &data("data/territory/anpr_comuni.csv"))
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn current_universe() -> Vec<Comune> {
    comuni_from_csv(&data("data/territory/comuni.csv")).unwrap()
}

fn form() -> &'static Form {
    static F: OnceLock<Form> = OnceLock::new();
    F.get_or_init(|| {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/census/incas_2021.xlsx");
        let bytes = std::fs::read(&p).unwrap();
        parse_xlsx(&bytes).unwrap_or_else(|e| panic!("{e:?}"))
    })
}

fn census(seed: u64) -> SynthCensus {
    generate(universe(), seed).unwrap_or_else(|e| panic!("seed {seed}: {e}"))
}

fn has(list: &str, choice: &str) -> bool {
    list.split(' ').any(|c| c == choice)
}

// ---------------------------------------------------------------------------------------------
// The published figures, recomputed from the answers only (plus the universe for places).

#[derive(Debug, Default)]
struct Figures {
    invited: usize,
    respondents: u32,
    with_workers: u32,
    private: u32,
    housing: u32,
    structures: u32,
    sai: u32,
    cas: u32,
    guests: u32,
    settlements: u32,
    settlement_comuni: u32,
    settlement_comuni_by_region: BTreeMap<String, u32>,
    settlement_comuni_by_province: BTreeMap<String, u32>,
    people: u32,
    largest: Vec<(u32, String, String)>, // (people, comune istat, name)
    stable: u32,
    with_year: u32,
    age_classes: Vec<u32>,
    worker_comuni_by_region: BTreeMap<String, u32>,
    worker_comuni_by_macroarea: BTreeMap<u8, u32>,
    structure_comuni_by_region: BTreeMap<String, u32>,
    structures_by_province: BTreeMap<String, u32>,
    housing_by_region: BTreeMap<String, u32>,
}

fn num(a: &Answers, name: &str) -> u32 {
    a.value(name).parse().unwrap_or_else(|_| panic!("{name} = {:?} is not a number", a.value(name)))
}

fn figures(universe: &[Comune], census: &SynthCensus) -> Figures {
    let mut f = Figures { invited: census.responses.len(), ..Figures::default() };
    f.age_classes = vec![0; PUBLISHED.age_classes.len()];
    let macro_of: HashMap<&str, u8> = REGIONS.iter().map(|r| (r.code, r.macroarea_code)).collect();
    assert_eq!(universe.len(), census.responses.len());
    for (c, r) in universe.iter().zip(&census.responses) {
        assert_eq!(c.istat, r.istat, "responses follow the universe");
        if !r.responded {
            continue;
        }
        let a = &r.answers;
        f.respondents += 1;
        if a.value("B1") != "1" {
            continue;
        }
        f.with_workers += 1;
        *f.worker_comuni_by_region.entry(c.region_code.clone()).or_default() += 1;
        *f.worker_comuni_by_macroarea.entry(macro_of[c.region_code.as_str()]).or_default() += 1;
        let c1 = a.value("C1");
        if has(c1, "private") {
            f.private += 1;
        }
        if has(c1, "strutture") || has(c1, "informali") {
            f.housing += 1;
            *f.housing_by_region.entry(c.region_code.clone()).or_default() += 1;
        }
        let structures = a.repeat("strutture");
        if !structures.is_empty() {
            *f.structure_comuni_by_region.entry(c.region_code.clone()).or_default() += 1;
        }
        for s in structures {
            f.structures += 1;
            *f.structures_by_province.entry(c.sigla.clone()).or_default() += 1;
            match s.value("D1") {
                "sai" => f.sai += 1,
                "cas" => f.cas += 1,
                _ => {}
            }
            f.guests += num(s, "D3");
        }
        let settlements = a.repeat("insediamenti");
        if !settlements.is_empty() {
            f.settlement_comuni += 1;
            *f.settlement_comuni_by_region.entry(c.region_code.clone()).or_default() += 1;
            *f.settlement_comuni_by_province.entry(c.sigla.clone()).or_default() += 1;
        }
        for s in settlements {
            f.settlements += 1;
            let n = num(s, "E3");
            f.people += n;
            f.largest.push((n, c.istat.clone(), s.value("E1").to_owned()));
            if s.value("E4") == "stabile" {
                f.stable += 1;
            }
            if !s.value("E5").is_empty() {
                f.with_year += 1;
                let age = 2021 - u16::try_from(num(s, "E5")).unwrap();
                let class = PUBLISHED.age_classes.iter().position(|k| k.contains(age)).unwrap();
                f.age_classes[class] += 1;
            }
        }
    }
    f.largest.sort_by_key(|b| std::cmp::Reverse(b.0));
    f
}

/// 1-based rank of `key` by value, and whether it is tied with another key.
fn rank<K: Ord>(map: &BTreeMap<K, u32>, key: &K) -> (usize, bool) {
    let v = map.get(key).copied().unwrap_or(0);
    let above = map.values().filter(|&&x| x > v).count();
    let tied = map.iter().filter(|(k, x)| **x == v && *k != key).count();
    (above + 1, tied > 0)
}

fn top<K: Ord + Clone>(map: &BTreeMap<K, u32>) -> (K, bool) {
    let (k, v) = map.iter().max_by_key(|(_, v)| **v).unwrap();
    (k.clone(), map.values().filter(|x| *x == v).count() > 1)
}

fn assert_published(universe: &[Comune], census: &SynthCensus, invited: usize) {
    let p = &PUBLISHED;
    let f = figures(universe, census);
    assert_eq!(f.invited, invited);
    assert_eq!(census.invited(), invited);
    assert_eq!(f.respondents, p.respondents);
    assert_eq!(census.respondents(), 3_851);
    assert_eq!(f.with_workers, p.with_workers);
    assert_eq!(f.with_workers, 608);
    assert_eq!(f.private, p.private_dwellings);
    assert_eq!(format!("{:.1}", f64::from(f.private) / f64::from(f.with_workers) * 100.0), "78.8");
    assert_eq!(f.housing, p.with_structures_or_settlements);
    let share = f64::from(f.housing) / f64::from(f.with_workers) * 100.0;
    assert!((21.5..22.0).contains(&share), "«poco meno del 22%»: {share}");
    assert_eq!(f.structures, p.structures);
    assert_eq!(f.sai, p.structures_sai);
    assert_eq!(f.cas, p.structures_cas);
    assert_eq!(format!("{:.1}", f64::from(f.sai) / f64::from(f.structures) * 100.0), "44.0");
    assert_eq!(format!("{:.1}", f64::from(f.cas) / f64::from(f.structures) * 100.0), "10.3");
    assert_eq!(f.guests, p.structure_guests);
    assert_eq!(f.guests, 7_000);
    assert_eq!(f.settlements, p.settlements);
    assert_eq!(f.settlements, 150);
    assert_eq!(f.settlement_comuni, p.settlement_comuni);
    assert_eq!(f.settlement_comuni, 38);
    assert_eq!(u32::try_from(f.settlement_comuni_by_region.len()).unwrap(), p.settlement_regions);
    let by_region: BTreeMap<String, u32> =
        p.settlement_comuni_by_region.iter().map(|&(r, n)| (r.to_owned(), n)).collect();
    assert_eq!(f.settlement_comuni_by_region, by_region);
    let names: HashMap<&str, &str> = REGIONS.iter().map(|r| (r.name, r.code)).collect();
    for (name, n) in [
        ("Puglia", 12),
        ("Sicilia", 8),
        ("Calabria", 5),
        ("Campania", 3),
        ("Piemonte", 2),
        ("Lazio", 2),
        ("Veneto", 2),
        ("Abruzzo", 1),
        ("Liguria", 1),
        ("Marche", 1),
        ("Toscana", 1),
    ] {
        assert_eq!(f.settlement_comuni_by_region.get(names[name]), Some(&n), "{name}");
    }
    for &(sigla, n) in p.settlement_comuni_by_province {
        assert_eq!(f.settlement_comuni_by_province.get(sigla), Some(&n), "{sigla}");
    }
    for (sigla, n) in &f.settlement_comuni_by_province {
        if !p.settlement_comuni_by_province.iter().any(|(s, _)| s == sigla) {
            assert!(*n <= 1, "{sigla} has {n} Comuni with settlements but is not in the published list");
        }
    }
    assert_eq!(f.settlement_comuni_by_province["FG"], 8);
    assert_eq!(f.people, p.settlement_people);
    assert!(f.people >= 10_000);
    let (bm_people, bm_comune, bm_name) = &f.largest[0];
    assert_eq!((*bm_people, bm_comune.as_str()), (p.borgo_mezzanone_people, "071029"));
    assert!(bm_name.starts_with("Borgo Mezzanone"));
    assert_eq!(*bm_people, 4_000);
    let (gg_people, gg_comune, gg_name) = &f.largest[1];
    assert_eq!((*gg_people, gg_comune.as_str()), (p.gran_ghetto_people, "071051"));
    assert!(gg_name.contains("Rignano") && *gg_people > 2_000);
    assert_eq!(f.stable, p.stable_settlements);
    assert_eq!(format!("{:.1}", f64::from(f.stable) / f64::from(f.settlements) * 100.0), "41.3");
    assert_eq!(f.with_year, p.settlements_with_year);
    let expected: Vec<u32> = p.age_classes.iter().map(|c| c.count).collect();
    assert_eq!(f.age_classes, expected);
    assert_eq!(f.age_classes, vec![11, 7, 16, 21, 27, 8]);
    let old: u32 = p.age_classes.iter().zip(&f.age_classes).filter(|(c, _)| c.min_age >= 7).map(|(_, n)| n).sum();
    assert_eq!(old, 34);
    assert_eq!(format!("{:.0}", f64::from(old) / f64::from(f.with_year) * 100.0), "38");
    assert_eq!(format!("{:.1}", f64::from(f.age_classes[0]) / f64::from(f.with_year) * 100.0), "12.2");
    // Rankings.
    let [first, second] = p.top_regions_by_worker_comuni;
    assert_eq!(rank(&f.worker_comuni_by_region, &first.to_owned()), (1, false), "Piemonte first");
    assert_eq!(rank(&f.worker_comuni_by_region, &second.to_owned()), (2, false), "Lombardia second");
    assert_eq!(top(&f.worker_comuni_by_macroarea), (p.top_macroarea_by_worker_comuni, false), "the Sud first");
    assert_eq!(top(&f.structure_comuni_by_region), (p.top_region_by_structure_comuni.to_owned(), false));
    assert_eq!(top(&f.structures_by_province), (p.top_province_by_structures.to_owned(), false), "Cuneo");
    let lombardia = rank(&f.housing_by_region, &"03".to_owned());
    assert_eq!(lombardia, (usize::try_from(p.lombardia_rank_by_housing_comuni).unwrap(), false));
}

#[test]
fn synth_universe_2021_has_the_7904_comuni_of_the_census() {
    let u = universe();
    assert_eq!(u.len(), 7_904);
    assert_eq!(u32::try_from(u.len()).unwrap(), PUBLISHED.invited_2021);
    let istat: BTreeSet<&str> = u.iter().map(|c| c.istat.as_str()).collect();
    let belfiore: BTreeSet<&str> = u.iter().map(|c| c.belfiore.as_str()).collect();
    assert_eq!((istat.len(), belfiore.len()), (7_904, 7_904), "codes are unique");
    for code in ["025002", "025070", "005079", "012095", "018002", "024103"] {
        assert!(istat.contains(code), "{code}, merged after 2021, is in the 2021 list");
    }
    for code in ["025075", "005122", "012144", "013256", "024128", "028108"] {
        assert!(!istat.contains(code), "{code}, created after 2021, is not");
    }
    let current = current_universe();
    assert_eq!(current.len(), 7_896);
    let total = |u: &[Comune]| u.iter().map(|c| u64::from(c.population)).sum::<u64>();
    assert_eq!(total(u), total(&current), "successors' populations are split, not invented");
    let by_istat: HashMap<&str, &Comune> = u.iter().map(|c| (c.istat.as_str(), c)).collect();
    assert_eq!(by_istat["018026"].name, "Campospinoso");
    assert_eq!(by_istat["028098"].name, "Vighizzolo d'Este");
    assert_eq!(by_istat["028098"].sigla, "PD");
    assert_eq!(by_istat["071029"].name, "Manfredonia");
    let sardinia = u.iter().filter(|c| c.region_code == "20").count();
    assert_eq!(sardinia, 377);
}

#[test]
fn synth_reproduces_every_published_figure_for_three_seeds() {
    for seed in SEEDS {
        assert_published(universe(), &census(seed), 7_904);
    }
}

#[test]
fn synth_published_figures_hold_for_many_seeds() {
    for seed in (0..24).chain([u64::MAX, 0xDEAD_BEEF]) {
        assert_published(universe(), &census(seed), 7_904);
    }
}

#[test]
fn synth_regions_match_the_reference_data() {
    let csv = data("data/territory/regioni.csv");
    let mut rows = csv.lines().skip(1).map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>()).collect::<Vec<_>>();
    rows.sort();
    assert_eq!(rows.len(), REGIONS.len());
    for (row, r) in rows.iter().zip(&REGIONS) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str(), row[2].as_str(), row[3].as_str()),
            (r.code, r.name, &*r.macroarea_code.to_string(), r.macroarea)
        );
    }
    let quota = |t: &[(&str, u32)]| t.iter().map(|x| x.1).sum::<u32>();
    assert_eq!(quota(&synth::WORKER_COMUNI_BY_REGION), PUBLISHED.with_workers);
    assert_eq!(quota(&synth::HOUSING_COMUNI_BY_REGION), PUBLISHED.with_structures_or_settlements);
}

#[test]
fn synth_universe_2021_reports_what_it_cannot_rebuild() {
    let comuni = data("data/territory/comuni.csv");
    let header_only = "belfiore,name,name_alt,province,date_created,date_deleted\n";
    assert!(matches!(universe_2021(&comuni, header_only), Err(SynthError::Reconstruction(_))));
    let anpr = data("data/territory/anpr_comuni.csv");
    let without_manfredonia: String =
        comuni.lines().filter(|l| !l.starts_with("071029,")).map(|l| format!("{l}\n")).collect();
    assert!(
        matches!(universe_2021(&without_manfredonia, &anpr), Err(SynthError::Reconstruction(m)) if m.contains("E885"))
    );
    assert!(matches!(universe_2021("not,a\ncsv", &anpr), Err(SynthError::Csv { .. })));
}

#[test]
fn synth_works_on_the_current_universe_too() {
    let current = current_universe();
    let c = generate(&current, 7).unwrap();
    assert_published(&current, &c, 7_896);
    // Without the two Comuni merged in 2026 (the storage's 7,894 active Comuni).
    let fewer: Vec<Comune> = current.into_iter().filter(|c| c.istat != "018082" && c.istat != "024027").collect();
    let c = generate(&fewer, 7).unwrap();
    assert_published(&fewer, &c, 7_894);
}

#[test]
fn synth_is_deterministic_and_the_seed_changes_only_details() {
    let a = census(5);
    let b = census(5);
    assert_eq!(a, b);
    let c = census(6);
    assert_ne!(a, c);
    let respondents = |x: &SynthCensus| -> BTreeSet<String> {
        x.responses.iter().filter(|r| r.responded).map(|r| r.istat.clone()).collect()
    };
    assert_ne!(respondents(&a), respondents(&c), "another seed, other respondents");
    // The Comuni with settlements are the same.
    let settled = |x: &SynthCensus| -> BTreeSet<String> {
        x.responses.iter().filter(|r| !r.answers.repeat("insediamenti").is_empty()).map(|r| r.istat.clone()).collect()
    };
    assert_eq!(settled(&a), settled(&c));
}

#[test]
fn synth_errors_on_a_universe_without_the_calibration_comuni() {
    let without: Vec<Comune> = universe().iter().filter(|c| c.istat != "071029").cloned().collect();
    assert!(matches!(generate(&without, 1), Err(SynthError::MissingComune { istat: "071029", .. })));
    let tiny: Vec<Comune> = universe().iter().take(100).cloned().collect();
    assert!(matches!(generate(&tiny, 1), Err(SynthError::TooSmall { .. })));
    let mut dup = universe().to_vec();
    dup.push(dup[0].clone());
    assert!(matches!(generate(&dup, 1), Err(SynthError::DuplicateComune(_))));
}

#[test]
fn synth_answers_are_plausible() {
    let u = universe();
    let c = census(42);
    let email = regex::Regex::new(r"^[a-z]+\.[a-z]+@comune-[a-z0-9]+\.invalid$").unwrap();
    let mut days = Vec::new();
    for (comune, r) in u.iter().zip(&c.responses) {
        if !r.responded {
            assert!(r.answers.is_empty() && r.submitted_day.is_none());
            continue;
        }
        let a = &r.answers;
        assert_eq!(a.value("A1"), comune.name);
        assert_eq!(a.value("A1a"), comune.belfiore);
        let mail = a.value("A4_email");
        assert!(mail.is_empty() || email.is_match(mail), "{mail}");
        let day = r.submitted_day.unwrap();
        assert!(day <= synth::LAST_DAY);
        let submitted = synth::CAMPAIGN_OPENED + time::Duration::days(i64::from(day));
        assert!(a.value("end").starts_with(&submitted.to_string()), "{} on day {day}", a.value("end"));
        assert!(a.value("start") < a.value("end"));
        days.push(day);
        // Every settlement is in a Comune of the published provinces or regions, and the big
        // Comuni dominate workers.
        for s in a.repeat("insediamenti") {
            assert!(!s.value("E1").is_empty());
            assert!(num(s, "E3") >= 4);
        }
    }
    days.sort_unstable();
    let median = days[days.len() / 2];
    assert!((8..=20).contains(&median), "median day {median}");
    let by_deadline = days.iter().filter(|&&d| d <= synth::DEADLINE_DAY).count();
    assert!(by_deadline * 2 > days.len(), "most answered by the deadline");
    assert!(*days.last().unwrap() > 80, "a long tail");
    // Response rates grow with size.
    let rate = |lo: u32, hi: u32| {
        let (n, yes) = u
            .iter()
            .zip(&c.responses)
            .filter(|(c, _)| (lo..hi).contains(&c.population))
            .fold((0_u32, 0_u32), |(n, y), (_, r)| (n + 1, y + u32::from(r.responded)));
        f64::from(yes) / f64::from(n)
    };
    assert!(rate(0, 2_000) < rate(20_000, u32::MAX), "larger Comuni answer more often");
    // Workers and settlements concentrate in agricultural provinces.
    let workers_in = |sigla: &str| {
        u.iter().zip(&c.responses).filter(|(c, r)| c.sigla == sigla && r.answers.value("B1") == "1").count()
    };
    assert!(workers_in("FG") >= 8 && workers_in("CN") > workers_in("TO") / 2);
}

// ---------------------------------------------------------------------------------------------
// Every response against the questionnaire, with the real evaluator.

/// Answers seen from the node being evaluated: top level, or one instance of a repeat.
struct Ctx<'a> {
    top: &'a Answers,
    /// (repeat name, instance, 1-based position)
    instance: Option<(&'a str, &'a Answers, usize)>,
    /// Field name → enclosing repeat (None at top level).
    fields: &'a HashMap<String, Option<String>>,
    repeats: &'a BTreeSet<String>,
    current: Value,
}

impl Context for Ctx<'_> {
    fn resolve(&self, name: &str) -> Option<Value> {
        if self.repeats.contains(name) {
            return Some(Value::Nodes(vec![String::new(); self.top.repeat(name).len()]));
        }
        match self.fields.get(name)? {
            None => Some(Value::Str(self.top.value(name).to_owned())),
            Some(repeat) => match self.instance {
                Some((r, inst, _)) if r == repeat => Some(Value::Str(inst.value(name).to_owned())),
                _ => Some(Value::Nodes(self.top.repeat(repeat).iter().map(|i| i.value(name).to_owned()).collect())),
            },
        }
    }
    fn current(&self) -> Value {
        self.current.clone()
    }
    fn position(&self) -> Option<usize> {
        self.instance.map(|(_, _, p)| p)
    }
    fn today(&self) -> time::Date {
        time::macros::date!(2021 - 10 - 15)
    }
}

struct Checker<'a> {
    form: &'a Form,
    fields: HashMap<String, Option<String>>,
    repeats: BTreeSet<String>,
    exprs: HashMap<String, expr::Expr>,
}

impl<'a> Checker<'a> {
    fn new(form: &'a Form) -> Self {
        let mut fields = HashMap::new();
        for (path, item) in form.fields() {
            fields.insert(item.name.clone(), path.last().map(|s| (*s).to_owned()));
        }
        let repeats = form.all_items().iter().filter(|i| i.kind == Kind::Repeat).map(|i| i.name.clone()).collect();
        let mut exprs = HashMap::new();
        for item in form.all_items() {
            for src in [&item.relevant, &item.constraint, &item.calculation, &item.required].into_iter().flatten() {
                exprs.entry(src.clone()).or_insert_with(|| expr::parse(src).unwrap_or_else(|e| panic!("{src}: {e}")));
            }
        }
        Self { form, fields, repeats, exprs }
    }

    fn eval(&self, src: &str, ctx: &Ctx<'_>) -> Value {
        self.exprs[src].eval(ctx).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn ctx<'b>(&'b self, top: &'b Answers, instance: Option<(&'b str, &'b Answers, usize)>, current: &str) -> Ctx<'b> {
        Ctx { top, instance, fields: &self.fields, repeats: &self.repeats, current: Value::Str(current.to_owned()) }
    }

    /// Problems of one response (empty = valid).
    fn check(&self, answers: &Answers) -> Vec<String> {
        let mut errors = Vec::new();
        self.walk(&self.form.items, answers, None, true, &mut errors);
        // Nothing but the form's own names, at the right level.
        let top_names: BTreeSet<String> = self
            .form
            .all_items()
            .iter()
            .filter(|i| i.kind == Kind::Repeat || self.fields.get(&i.name).is_some_and(Option::is_none))
            .map(|i| i.name.clone())
            .collect();
        for (name, answer) in &answers.0 {
            if !top_names.contains(name) {
                errors.push(format!("{name}: not a top-level field of the form"));
            }
            if let Answer::Repeat(instances) = answer {
                for inst in instances {
                    for inner in inst.0.keys() {
                        if self.fields.get(inner) != Some(&Some(name.clone())) {
                            errors.push(format!("{name}/{inner}: not a field of the repeat"));
                        }
                    }
                }
            }
        }
        errors
    }

    fn walk(
        &self,
        items: &[Item],
        top: &Answers,
        instance: Option<(&str, &Answers, usize)>,
        parent_relevant: bool,
        errors: &mut Vec<String>,
    ) {
        let here = instance.map_or(top, |(_, i, _)| i);
        for item in items {
            let ctx = self.ctx(top, instance, "");
            let relevant =
                parent_relevant && item.relevant.as_ref().is_none_or(|src| self.eval(src, &ctx).to_boolean());
            let name = item.name.as_str();
            match &item.kind {
                Kind::Group => self.walk(&item.children, top, instance, relevant, errors),
                Kind::Repeat => {
                    let instances = top.repeat(name);
                    if !relevant && !instances.is_empty() {
                        errors.push(format!("{name}: instances of an irrelevant repeat"));
                    }
                    for (k, inst) in instances.iter().enumerate() {
                        if inst.is_empty() {
                            errors.push(format!("{name}[{k}]: empty instance"));
                        }
                        self.walk(&item.children, top, Some((name, inst, k + 1)), relevant, errors);
                    }
                }
                Kind::Note => {
                    if here.0.contains_key(name) {
                        errors.push(format!("{name}: a note has an answer"));
                    }
                }
                Kind::Calculate => {
                    let src = item.calculation.as_deref().unwrap_or("");
                    let want = self.eval(src, &ctx).to_xpath_string();
                    if here.value(name) != want {
                        errors.push(format!("{name}: {:?}, the form computes {want:?}", here.value(name)));
                    }
                }
                Kind::Meta(MetaKind::Start | MetaKind::End) => {
                    let v = here.value(name);
                    let ok =
                        v.len() == 29 && self.eval_str(&format!("decimal-date-time('{v}')")).to_number().is_finite();
                    if !ok {
                        errors.push(format!("{name}: {v:?} is not an ODK date-time"));
                    }
                }
                _ => {
                    let value = here.value(name);
                    if !relevant {
                        if here.0.contains_key(name) {
                            errors.push(format!("{name}: answered but not relevant"));
                        }
                        continue;
                    }
                    let required = match item.required.as_deref() {
                        None => false,
                        Some("yes" | "true" | "TRUE" | "Yes") => true,
                        Some(src) => self.eval(src, &ctx).to_boolean(),
                    };
                    if value.is_empty() {
                        if required {
                            errors.push(format!("{name}: required but empty"));
                        }
                        continue;
                    }
                    self.check_type(item, value, errors);
                    if let Some(src) = &item.constraint {
                        let cctx = self.ctx(top, instance, value);
                        if !self.eval(src, &cctx).to_boolean() {
                            errors.push(format!("{name}: {value:?} fails {src}"));
                        }
                    }
                }
            }
        }
    }

    fn eval_str(&self, src: &str) -> Value {
        let empty = Answers::new();
        let ctx = self.ctx(&empty, None, "");
        expr::parse(src).unwrap().eval(&ctx).unwrap()
    }

    fn check_type(&self, item: &Item, value: &str, errors: &mut Vec<String>) {
        let name = &item.name;
        let choices = |list: &str| -> BTreeSet<&str> {
            self.form.choices.get(list).map(|cs| cs.iter().map(|c| c.name.as_str()).collect()).unwrap_or_default()
        };
        match &item.kind {
            Kind::Integer => {
                if value.parse::<i64>().is_err() || value.starts_with('+') {
                    errors.push(format!("{name}: {value:?} is not an integer"));
                }
            }
            Kind::Decimal => {
                if value.parse::<f64>().is_err() {
                    errors.push(format!("{name}: {value:?} is not a decimal"));
                }
            }
            Kind::SelectOne { list, .. } => {
                if !choices(list).contains(value) {
                    errors.push(format!("{name}: {value:?} is not a choice of {list}"));
                }
            }
            Kind::SelectMultiple { list, .. } => {
                let names = choices(list);
                let picked: Vec<&str> = value.split(' ').collect();
                let distinct: BTreeSet<&str> = picked.iter().copied().collect();
                if picked.iter().any(|p| !names.contains(p)) || distinct.len() != picked.len() {
                    errors.push(format!("{name}: {value:?} is not a list of distinct choices of {list}"));
                }
            }
            Kind::Text => {
                if value.trim() != value {
                    errors.push(format!("{name}: {value:?} has surrounding spaces"));
                }
            }
            other => errors.push(format!("{name}: unexpected answer to a {other:?}")),
        }
    }
}

#[test]
fn synth_every_response_fits_the_questionnaire() {
    let form = form();
    let checker = Checker::new(form);
    // The names the generator uses are the form's.
    for name in ["A1", "A1a", "B1", "B2", "B3a", "B3b", "B4", "C1", "D1", "D3", "E1", "E3", "E5", "F1", "F2"] {
        assert!(checker.fields.contains_key(name), "{name} is in the form");
    }
    for seed in [1, 42] {
        let c = census(seed);
        let mut checked = 0;
        for r in c.responses.iter().filter(|r| r.responded) {
            let errors = checker.check(&r.answers);
            assert!(errors.is_empty(), "seed {seed}, {}: {errors:#?}", r.istat);
            // Sections C–F only when B1 = yes; a selected housing kind has its cards.
            let c1 = r.answers.value("C1");
            assert_eq!(has(c1, "strutture"), !r.answers.repeat("strutture").is_empty());
            assert_eq!(has(c1, "informali"), !r.answers.repeat("insediamenti").is_empty());
            checked += 1;
        }
        assert_eq!(checked, 3_851);
    }
}

#[test]
fn synth_checker_catches_bad_answers() {
    let checker = Checker::new(form());
    let c = census(1);
    let good = c.responses.iter().find(|r| !r.answers.repeat("insediamenti").is_empty()).unwrap();
    assert!(checker.check(&good.answers).is_empty());
    let mut bad = good.answers.clone();
    bad.set("A1a", "e885");
    bad.set("B2", "");
    let mut settlements = bad.take_repeat("insediamenti");
    settlements[0].set("E3", "25000");
    settlements[0].set("E5", "1900");
    bad.set_repeat("insediamenti", settlements);
    let errors = checker.check(&bad);
    for needle in ["A1a", "B2: required", "E3", "E5", "tot_persone_insediamenti"] {
        assert!(errors.iter().any(|e| e.contains(needle)), "{needle} not caught: {errors:#?}");
    }
    let no = c.responses.iter().find(|r| r.responded && r.answers.value("B1") == "2").unwrap();
    let mut bad = no.answers.clone();
    bad.set("C1", "private");
    assert!(checker.check(&bad).iter().any(|e| e.contains("C1: answered but not relevant")));
}

#[test]
fn synth_generation_time() {
    let u = universe();
    let start = Instant::now();
    let c = generate(u, 2021).unwrap();
    let elapsed = start.elapsed();
    let instances: usize =
        c.responses.iter().map(|r| r.answers.repeat("strutture").len() + r.answers.repeat("insediamenti").len()).sum();
    println!(
        "synthetic census: {} invited, {} responses, {instances} structure/settlement cards in {:.1} ms ({} build)",
        c.invited(),
        c.respondents(),
        elapsed.as_secs_f64() * 1_000.0,
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
}
