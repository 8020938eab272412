//! The census indicators a report is made of: named figures for the prose, tables and figure
//! data, computed from the campaign's Comuni through the statistics engine.
//!
//! Question names are those of the default questionnaire (`data/census/incas_2021.xlsx`):
//! `B1` workers present (1 = yes), `B3a`/`B3b` estimated stable and seasonal workers, `C1`
//! where they live (`private`, `strutture`, `informali`), the repeats `strutture` (`D1` type,
//! `D3` guests, `D4` services) and `insediamenti` (`E1` name, `E3` people, `E4` stable or
//! seasonal, `anni_insediamento` age in years, `E6` services, `E9` gangmastering).

use super::fmt::{int, percent};
use super::{Chart, SUPPRESSED, Symbol, Table};
use crate::census::answers::Answers;
use crate::stats::data::{Dataset, GroupKey, Grouping, MacroArea, RegionCode, Unit, Value};
use crate::stats::describe::{Dimension, crosstab, response_rates};
use crate::stats::disclosure::{Cell, SdcRules, protect};
use crate::stats::poststrat::post_stratified_total;
use crate::stats::{StatsError, describe};
use std::collections::{BTreeMap, BTreeSet};

/// One Comune of the campaign's universe.
#[derive(Debug, Clone)]
pub struct ComuneInput {
    pub istat: String,
    pub name: String,
    pub region: String,
    pub province: String,
    /// The province's name as published (e.g. "Foggia").
    pub province_name: String,
    pub population: u32,
    /// Its point on the map (lon, lat), for proportional symbols.
    pub point: Option<(f64, f64)>,
    /// The (clean) answers when it responded.
    pub answers: Option<Answers>,
}

/// What went wrong computing the indicators.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    #[error(transparent)]
    Stats(#[from] StatsError),
    #[error("the campaign has no Comuni")]
    Empty,
}

/// Everything a census report can refer to by name.
#[derive(Debug, Clone, Default)]
pub struct Indicators {
    /// Placeholder values for the prose, formatted.
    pub values: BTreeMap<String, String>,
    pub tables: BTreeMap<String, Table>,
    /// Figure data with its default caption.
    pub charts: BTreeMap<String, (String, Chart)>,
    /// Regions (code, name) in code order, for the regional profiles.
    pub regions: Vec<(String, String)>,
}

/// The disclosure threshold of published cross-tabulations: cells under it are withheld.
pub const MIN_CELL: u64 = 3;

/// The age classes of informal settlements, in years since they formed.
const AGE_CLASSES: [(&str, u32, u32); 6] = [
    ("meno di 1 anno", 0, 0),
    ("da 1 a 3 anni", 1, 3),
    ("da 4 a 6 anni", 4, 6),
    ("da 7 a 10 anni", 7, 10),
    ("da 11 a 20 anni", 11, 20),
    ("oltre 20 anni", 21, u32::MAX),
];

/// Services asked about in structures (`D4`) and settlements (`E6`).
const SERVICES: [(&str, &str); 6] = [
    ("acqua", "Acqua"),
    ("elettr", "Elettricità"),
    ("igien", "Servizi igienici"),
    ("mediaz", "Mediazione culturale"),
    ("alfab", "Alfabetizzazione"),
    ("nessuno", "Nessun servizio"),
];

const STRUCTURE_TYPES: [(&str, &str); 3] =
    [("sai", "Rete SAI/SIPROIMI/SPRAR"), ("cas", "Centri di accoglienza straordinaria (CAS)"), ("altro", "Altro")];

fn selected(a: &Answers, name: &str, code: &str) -> bool {
    a.value(name).split_whitespace().any(|c| c == code)
}

fn number(a: &Answers, name: &str) -> Option<f64> {
    a.value(name).trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// One row per region in code order; `f` gives the cells after the region's name.
fn region_names() -> Vec<(String, String)> {
    (1..=20)
        .filter_map(|n| RegionCode::parse(&format!("{n:02}")).ok())
        .map(|r| (r.code(), r.name().to_owned()))
        .collect()
}

impl Indicators {
    /// Computes every indicator of the campaign. `source` is the line under tables and figures.
    ///
    /// # Errors
    /// An empty universe, or a region code that is not one of the twenty.
    pub fn compute(comuni: &[ComuneInput], source: &str) -> Result<Self, IndicatorError> {
        if comuni.is_empty() {
            return Err(IndicatorError::Empty);
        }
        let mut b = Builder { out: Indicators { regions: region_names(), ..Default::default() }, source };
        let data = dataset(comuni)?;
        b.participation(&data);
        b.workers(comuni, &data)?;
        b.structures(comuni);
        b.settlements(comuni);
        b.estimate(&data);
        b.profiles(comuni);
        Ok(b.out)
    }
}

/// The statistics engine's view of the campaign: one unit per Comune with the variables the
/// report tabulates.
fn dataset(comuni: &[ComuneInput]) -> Result<Dataset, StatsError> {
    let units = comuni
        .iter()
        .map(|c| {
            let mut u = Unit::new(&c.istat, RegionCode::parse(&c.region)?, &c.province, c.population)
                .participation(true, c.answers.is_some());
            if let Some(a) = &c.answers {
                let workers = a.value("B1") == "1";
                u = u.with("lavoratori", Value::Code(if workers { "si" } else { "no" }.into()));
                if workers {
                    let total = number(a, "B3a").unwrap_or(0.0) + number(a, "B3b").unwrap_or(0.0);
                    u = u.with("n_lavoratori", Value::Number(total));
                    let housing = if selected(a, "C1", "informali") {
                        "informali"
                    } else if selected(a, "C1", "strutture") {
                        "strutture"
                    } else if selected(a, "C1", "private") {
                        "private"
                    } else {
                        "nd"
                    };
                    u = u.with("sistemazione", Value::Code(housing.into()));
                } else {
                    u = u.with("n_lavoratori", Value::Number(0.0));
                }
            }
            Ok(u)
        })
        .collect::<Result<Vec<_>, StatsError>>()?;
    Dataset::new(units)
}

struct Builder<'s> {
    out: Indicators,
    source: &'s str,
}

impl Builder<'_> {
    fn value(&mut self, name: &str, v: impl Into<String>) {
        self.out.values.insert(name.to_owned(), v.into());
    }

    fn table(&mut self, key: &str, caption: &str, columns: &[&str], rows: Vec<Vec<String>>, total_row: bool) {
        let numeric = columns.iter().enumerate().map(|(i, _)| i > 0).collect();
        self.out.tables.insert(
            key.to_owned(),
            Table {
                key: key.to_owned(),
                caption: caption.to_owned(),
                source: self.source.to_owned(),
                columns: columns.iter().map(|c| (*c).to_owned()).collect(),
                numeric,
                rows,
                total_row,
                note: None,
            },
        );
    }

    fn chart(&mut self, key: &str, caption: &str, chart: Chart) {
        self.out.charts.insert(key.to_owned(), (caption.to_owned(), chart));
    }

    fn participation(&mut self, data: &Dataset) {
        let national = response_rates(data, Grouping::National);
        let n = national.first();
        let (invited, respondents) = n.map_or((0, 0), |r| (r.invited, r.respondents));
        self.value("invitati", int(invited as i64));
        self.value("rispondenti", int(respondents as i64));
        self.value("non_rispondenti", int((invited - respondents) as i64));
        self.value("tasso_risposta", percent(share(respondents as usize, invited as usize)));

        let rows_of = |by: Grouping| -> Vec<(String, u64, u64, f64)> {
            response_rates(data, by)
                .into_iter()
                .map(|r| (r.group.label(), r.invited, r.respondents, r.rate.unwrap_or(0.0)))
                .collect()
        };
        for (key, by, caption, first) in [
            ("risposte_regione", Grouping::Region, "Comuni invitati e rispondenti per regione", "Regione"),
            (
                "risposte_ripartizione",
                Grouping::MacroArea,
                "Comuni invitati e rispondenti per ripartizione",
                "Ripartizione",
            ),
            (
                "risposte_classe",
                Grouping::PopClass,
                "Comuni invitati e rispondenti per classe di popolazione",
                "Classe di popolazione",
            ),
        ] {
            let groups = rows_of(by);
            let mut rows: Vec<Vec<String>> = groups
                .iter()
                .map(|(label, i, r, rate)| vec![label.clone(), int(*i as i64), int(*r as i64), percent(*rate)])
                .collect();
            rows.push(vec![
                "Italia".into(),
                int(invited as i64),
                int(respondents as i64),
                percent(share(respondents as usize, invited as usize)),
            ]);
            self.table(key, caption, &[first, "Invitati", "Rispondenti", "Tasso di risposta"], rows, true);
            let chart_key = key.replace("risposte_", "tasso_");
            self.chart(
                &chart_key,
                &format!("Tasso di risposta per {}", first.to_lowercase()),
                Chart::Bars {
                    labels: groups.iter().map(|g| g.0.clone()).collect(),
                    values: groups.iter().map(|g| g.3 * 100.0).collect(),
                    unit: "%".into(),
                    percent: true,
                },
            );
        }
        let by_region: BTreeMap<String, f64> = response_rates(data, Grouping::Region)
            .into_iter()
            .filter_map(|r| match r.group {
                GroupKey::Region(code) => Some((code.code(), r.rate.unwrap_or(0.0) * 100.0)),
                _ => None,
            })
            .collect();
        self.chart(
            "mappa_tasso_regioni",
            "Tasso di risposta dei Comuni per regione",
            Chart::Choropleth {
                level: "regioni".into(),
                values: by_region,
                legend: "Tasso di risposta".into(),
                percent: true,
                scope: Vec::new(),
            },
        );
        let by_province: BTreeMap<String, f64> = response_rates(data, Grouping::Province)
            .into_iter()
            .filter_map(|r| match r.group {
                GroupKey::Province(code) => Some((code, r.rate.unwrap_or(0.0) * 100.0)),
                _ => None,
            })
            .collect();
        self.chart(
            "mappa_tasso_province",
            "Tasso di risposta dei Comuni per provincia",
            Chart::Choropleth {
                level: "province".into(),
                values: by_province,
                legend: "Tasso di risposta".into(),
                percent: true,
                scope: Vec::new(),
            },
        );
    }

    /// The foreign workers each Comune declared, Comune by Comune, in the region where the
    /// most were declared (its name in `regione_mappa_comuni`).
    fn comuni_map(&mut self, comuni: &[ComuneInput]) {
        let declared = |a: &Answers| {
            if a.value("B1") == "1" { number(a, "B3a").unwrap_or(0.0) + number(a, "B3b").unwrap_or(0.0) } else { 0.0 }
        };
        let mut by_region: BTreeMap<&str, f64> = BTreeMap::new();
        for c in comuni {
            if let Some(a) = &c.answers {
                *by_region.entry(c.region.as_str()).or_default() += declared(a);
            }
        }
        // The most workers; on a tie the first region in code order.
        let Some(region) = by_region
            .iter()
            .fold(None::<(&str, f64)>, |best, (r, n)| match best {
                Some((_, m)) if m >= *n => best,
                _ => Some((r, *n)),
            })
            .map(|(r, _)| r.to_owned())
        else {
            return;
        };
        let name =
            self.out.regions.iter().find(|(c, _)| *c == region).map_or_else(|| region.clone(), |(_, n)| n.clone());
        let inside: Vec<&ComuneInput> = comuni.iter().filter(|c| c.region == region).collect();
        let values: BTreeMap<String, f64> = inside
            .iter()
            .filter_map(|c| c.answers.as_ref().map(|a| (c.istat.clone(), declared(a))))
            .filter(|(_, n)| *n > 0.0)
            .collect();
        self.value("regione_mappa_comuni", name.clone());
        self.chart(
            "mappa_lavoratori_comuni",
            &format!("Lavoratori stranieri dichiarati dai Comuni: {name}"),
            Chart::Choropleth {
                level: "comuni".into(),
                values,
                legend: "Lavoratori dichiarati".into(),
                percent: false,
                scope: inside.iter().map(|c| c.istat.clone()).collect(),
            },
        );
    }

    fn workers(&mut self, comuni: &[ComuneInput], data: &Dataset) -> Result<(), StatsError> {
        let resp: Vec<(&ComuneInput, &Answers)> =
            comuni.iter().filter_map(|c| c.answers.as_ref().map(|a| (c, a))).collect();
        let with: Vec<&(&ComuneInput, &Answers)> = resp.iter().filter(|(_, a)| a.value("B1") == "1").collect();
        let private = with.iter().filter(|(_, a)| selected(a, "C1", "private")).count();
        let housed =
            with.iter().filter(|(_, a)| selected(a, "C1", "strutture") || selected(a, "C1", "informali")).count();
        self.value("comuni_con_lavoratori", int(with.len() as i64));
        self.value("quota_comuni_con_lavoratori", percent(share(with.len(), resp.len())));
        self.value("comuni_abitazioni_private", int(private as i64));
        self.value("quota_abitazioni_private", percent(share(private, with.len())));
        self.value("comuni_strutture_o_insediamenti", int(housed as i64));
        self.value("quota_strutture_o_insediamenti", percent(share(housed, with.len())));
        let stable: f64 = with.iter().filter_map(|(_, a)| number(a, "B3a")).sum();
        let seasonal: f64 = with.iter().filter_map(|(_, a)| number(a, "B3b")).sum();
        self.value("lavoratori_stabili_dichiarati", int(stable as i64));
        self.value("lavoratori_stagionali_dichiarati", int(seasonal as i64));

        // By region: Comuni with workers, and how they are housed.
        let mut per: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        for (c, a) in &resp {
            let e = per.entry(c.region.clone()).or_default();
            e[0] += 1;
            if a.value("B1") == "1" {
                e[1] += 1;
                e[2] += usize::from(selected(a, "C1", "private"));
                e[3] += usize::from(selected(a, "C1", "strutture"));
                e[4] += usize::from(selected(a, "C1", "informali"));
            }
        }
        let mut ranked: Vec<(String, usize)> =
            self.out.regions.iter().map(|(code, name)| (name.clone(), per.get(code).map_or(0, |e| e[1]))).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if let [first, second, ..] = ranked.as_slice() {
            self.value("prima_regione_lavoratori", first.0.clone());
            self.value("seconda_regione_lavoratori", second.0.clone());
        }
        let mut rows = Vec::new();
        let mut tot = [0usize; 5];
        for (code, name) in self.out.regions.clone() {
            let e = per.get(&code).copied().unwrap_or_default();
            for (t, v) in tot.iter_mut().zip(e) {
                *t += v;
            }
            rows.push(vec![
                name,
                int(e[0] as i64),
                int(e[1] as i64),
                percent(share(e[1], e[0])),
                int(e[2] as i64),
                int(e[3] as i64),
                int(e[4] as i64),
            ]);
        }
        rows.push(vec![
            "Italia".into(),
            int(tot[0] as i64),
            int(tot[1] as i64),
            percent(share(tot[1], tot[0])),
            int(tot[2] as i64),
            int(tot[3] as i64),
            int(tot[4] as i64),
        ]);
        self.table(
            "lavoratori_regione",
            "Comuni rispondenti con presenza di lavoratori stranieri nel settore agro-alimentare, per regione e sistemazione",
            &[
                "Regione",
                "Rispondenti",
                "Con lavoratori",
                "% dei rispondenti",
                "Abitazioni private",
                "Strutture",
                "Insediamenti informali",
            ],
            rows,
            true,
        );
        self.chart(
            "lavoratori_regione",
            "Comuni con presenza di lavoratori stranieri, per regione",
            Chart::Bars {
                labels: self.out.regions.iter().map(|r| r.1.clone()).collect(),
                values: self.out.regions.iter().map(|(c, _)| per.get(c).map_or(0.0, |e| e[1] as f64)).collect(),
                unit: "Comuni".into(),
                percent: false,
            },
        );
        self.chart(
            "sistemazione",
            "Sistemazione dei lavoratori nei Comuni con presenza (risposte multiple)",
            Chart::Bars {
                labels: vec![
                    "Abitazioni private".into(),
                    "Strutture temporanee o stabili".into(),
                    "Insediamenti informali".into(),
                ],
                values: vec![
                    share(tot[2], tot[1]) * 100.0,
                    share(tot[3], tot[1]) * 100.0,
                    share(tot[4], tot[1]) * 100.0,
                ],
                unit: "%".into(),
                percent: true,
            },
        );
        let mut by_province: BTreeMap<String, f64> = BTreeMap::new();
        for (c, a) in &resp {
            *by_province.entry(c.province.clone()).or_default() += f64::from(u8::from(a.value("B1") == "1"));
        }
        self.comuni_map(comuni);
        self.chart(
            "mappa_lavoratori_province",
            "Comuni con presenza di lavoratori stranieri, per provincia",
            Chart::Choropleth {
                level: "province".into(),
                values: by_province,
                legend: "Comuni con lavoratori".into(),
                percent: false,
                scope: Vec::new(),
            },
        );

        // Main housing by macro-area, a published cross-tabulation: disclosure control applies.
        let with_workers = data.filter(|u| matches!(u.value("lavoratori"), Value::Code(c) if c == "si"));
        let t = crosstab(
            &with_workers,
            &Dimension::Group(Grouping::MacroArea),
            &Dimension::Variable("sistemazione".into()),
        )?;
        let p = protect(&t, &SdcRules { min_count: MIN_CELL })?;
        let label_of = |code: &str| match code {
            "private" => "Abitazioni private",
            "strutture" => "Strutture",
            "informali" => "Insediamenti informali",
            _ => "Non indicato",
        };
        let mut columns = vec!["Ripartizione".to_owned()];
        columns.extend(t.cols.iter().map(|c| label_of(c).to_owned()));
        columns.push("Totale".into());
        let mut rows = Vec::new();
        let area_label = |code: &str| {
            code.parse::<u8>()
                .ok()
                .and_then(|n| MacroArea::ALL.iter().find(|m| m.code() == n))
                .map_or_else(|| code.to_owned(), |m| m.label().to_owned())
        };
        for (i, cells) in p.cells.iter().enumerate() {
            let head = t.rows.get(i).map_or_else(|| "Italia".to_owned(), |r| area_label(r));
            let mut row = vec![head];
            row.extend(cells.iter().map(|c| match c {
                Cell::Value(v) => int(*v as i64),
                Cell::Suppressed(_) => SUPPRESSED.to_owned(),
            }));
            rows.push(row);
        }
        let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
        self.table(
            "sistemazione_ripartizione",
            "Comuni con lavoratori per ripartizione e sistemazione prevalente",
            &cols,
            rows,
            true,
        );
        if let Some(t) = self.out.tables.get_mut("sistemazione_ripartizione") {
            t.note = Some(format!(
                "Sistemazione prevalente: la più precaria tra quelle indicate. «{SUPPRESSED}»: dato non pubblicato \
                 per la tutela della riservatezza (meno di {MIN_CELL} Comuni, o soppressione complementare)."
            ));
        }
        Ok(())
    }

    fn structures(&mut self, comuni: &[ComuneInput]) {
        let all: Vec<&Answers> =
            comuni.iter().filter_map(|c| c.answers.as_ref()).flat_map(|a| a.repeat("strutture")).collect();
        let guests: f64 = all.iter().filter_map(|s| number(s, "D3")).sum();
        self.value("strutture", int(all.len() as i64));
        self.value("ospiti_strutture", int(guests as i64));
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        let mut values = Vec::new();
        for (code, label) in STRUCTURE_TYPES {
            let of: Vec<&&Answers> = all.iter().filter(|s| s.value("D1") == code).collect();
            let g: f64 = of.iter().filter_map(|s| number(s, "D3")).sum();
            self.value(&format!("quota_strutture_{code}"), percent(share(of.len(), all.len())));
            rows.push(vec![label.to_owned(), int(of.len() as i64), percent(share(of.len(), all.len())), int(g as i64)]);
            labels.push(label.to_owned());
            values.push(of.len() as f64);
        }
        rows.push(vec!["Totale".into(), int(all.len() as i64), percent(1.0), int(guests as i64)]);
        self.table(
            "strutture_tipo",
            "Strutture di accoglienza che ospitano lavoratori stranieri, per tipologia",
            &["Tipologia", "Strutture", "% delle strutture", "Ospiti"],
            rows,
            true,
        );
        self.chart(
            "strutture_tipo",
            "Strutture per tipologia",
            Chart::Bars { labels, values, unit: "strutture".into(), percent: false },
        );
        self.services("servizi_strutture", "Servizi presenti nelle strutture", &all, "D4");
    }

    fn services(&mut self, key: &str, caption: &str, items: &[&Answers], name: &str) {
        let answered: Vec<&&Answers> = items.iter().filter(|s| !s.value(name).is_empty()).collect();
        let mut rows = Vec::new();
        let mut values = Vec::new();
        for (code, label) in SERVICES {
            let n = answered.iter().filter(|s| selected(s, name, code)).count();
            rows.push(vec![label.to_owned(), int(n as i64), percent(share(n, answered.len()))]);
            values.push(share(n, answered.len()) * 100.0);
        }
        rows.push(vec!["Con risposta".into(), int(answered.len() as i64), percent(1.0)]);
        self.table(key, caption, &["Servizio", "Numero", "% di quelli con risposta"], rows, true);
        self.chart(
            key,
            caption,
            Chart::Bars {
                labels: SERVICES.iter().map(|s| s.1.to_owned()).collect(),
                values,
                unit: "%".into(),
                percent: true,
            },
        );
    }

    fn settlements(&mut self, comuni: &[ComuneInput]) {
        let all: Vec<(&ComuneInput, &Answers)> = comuni
            .iter()
            .filter_map(|c| c.answers.as_ref().map(|a| (c, a)))
            .flat_map(|(c, a)| a.repeat("insediamenti").iter().map(move |s| (c, s)))
            .collect();
        let people = |s: &Answers| number(s, "E3").unwrap_or(0.0);
        let total: f64 = all.iter().map(|(_, s)| people(s)).sum();
        let comuni_with: BTreeSet<&str> = all.iter().map(|(c, _)| c.istat.as_str()).collect();
        let regions_with: BTreeSet<&str> = all.iter().map(|(c, _)| c.region.as_str()).collect();
        self.value("insediamenti", int(all.len() as i64));
        self.value("comuni_insediamenti", int(comuni_with.len() as i64));
        self.value("regioni_insediamenti", int(regions_with.len() as i64));
        self.value("persone_insediamenti", int(total as i64));
        let stable = all.iter().filter(|(_, s)| s.value("E4") == "stabile").count();
        self.value("insediamenti_stabili", int(stable as i64));
        self.value("quota_insediamenti_stabili", percent(share(stable, all.len())));
        let caporalato = all.iter().filter(|(_, s)| s.value("E9") == "1").count();
        self.value("insediamenti_caporalato", int(caporalato as i64));
        self.value("quota_insediamenti_caporalato", percent(share(caporalato, all.len())));
        let mut largest: Vec<&(&ComuneInput, &Answers)> = all.iter().collect();
        largest.sort_by(|a, b| people(b.1).total_cmp(&people(a.1)).then(a.0.istat.cmp(&b.0.istat)));
        for (i, (c, s)) in largest.iter().take(2).enumerate() {
            let n = i + 1;
            self.value(&format!("insediamento_{n}_nome"), s.value("E1").to_owned());
            self.value(&format!("insediamento_{n}_comune"), c.name.clone());
            self.value(&format!("insediamento_{n}_persone"), int(people(s) as i64));
        }

        // Age.
        let ages: Vec<u32> = all.iter().filter_map(|(_, s)| number(s, "anni_insediamento")).map(|x| x as u32).collect();
        self.value("insediamenti_anno_noto", int(ages.len() as i64));
        let at_least_7 = ages.iter().filter(|a| **a >= 7).count();
        let over_20 = ages.iter().filter(|a| **a > 20).count();
        self.value("insediamenti_7_anni", int(at_least_7 as i64));
        self.value("quota_insediamenti_7_anni", percent(share(at_least_7, ages.len())));
        self.value("insediamenti_oltre_20", int(over_20 as i64));
        self.value("quota_insediamenti_oltre_20", percent(share(over_20, ages.len())));
        let mut rows = Vec::new();
        let mut counts = Vec::new();
        for (label, lo, hi) in AGE_CLASSES {
            let n = ages.iter().filter(|a| (lo..=hi).contains(*a)).count();
            rows.push(vec![label.to_owned(), int(n as i64), percent(share(n, ages.len()))]);
            counts.push(n as f64);
        }
        rows.push(vec!["Con anno noto".into(), int(ages.len() as i64), percent(1.0)]);
        self.table(
            "eta_insediamenti",
            "Insediamenti informali per anzianità (anni dalla formazione)",
            &["Anzianità", "Insediamenti", "% di quelli con anno noto"],
            rows,
            true,
        );
        self.chart(
            "eta_insediamenti",
            "Anzianità degli insediamenti informali",
            Chart::Histogram {
                bins: AGE_CLASSES.iter().map(|a| a.0.to_owned()).collect(),
                counts,
                unit: "insediamenti".into(),
            },
        );

        // By region and province.
        let mut per_region: BTreeMap<&str, (BTreeSet<&str>, usize, f64, usize)> = BTreeMap::new();
        for (c, s) in &all {
            let e = per_region.entry(c.region.as_str()).or_default();
            e.0.insert(c.istat.as_str());
            e.1 += 1;
            e.2 += people(s);
            e.3 += usize::from(s.value("E4") == "stabile");
        }
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        let mut stable_series = Vec::new();
        let mut seasonal_series = Vec::new();
        for (code, name) in self.out.regions.clone() {
            let Some((cs, n, p, st)) = per_region.get(code.as_str()) else { continue };
            rows.push(vec![
                name.clone(),
                int(cs.len() as i64),
                percent(share(cs.len(), comuni_with.len())),
                int(*n as i64),
                int(*p as i64),
            ]);
            self.value(&format!("comuni_insediamenti_{code}"), int(cs.len() as i64));
            labels.push(name);
            stable_series.push(*st as f64);
            seasonal_series.push((*n - *st) as f64);
        }
        rows.sort_by(|a, b| {
            let n = |r: &Vec<String>| r[1].replace('.', "").parse::<i64>().unwrap_or(0);
            n(b).cmp(&n(a)).then(a[0].cmp(&b[0]))
        });
        rows.push(vec![
            "Italia".into(),
            int(comuni_with.len() as i64),
            percent(1.0),
            int(all.len() as i64),
            int(total as i64),
        ]);
        self.table(
            "insediamenti_regione",
            "Comuni con insediamenti informali, insediamenti e persone presenti, per regione",
            &["Regione", "Comuni", "% dei Comuni", "Insediamenti", "Persone (stima)"],
            rows,
            true,
        );
        self.chart(
            "insediamenti_regione",
            "Insediamenti informali per regione e carattere",
            Chart::StackedBars {
                labels,
                series: vec![("Stabili".into(), stable_series), ("Stagionali".into(), seasonal_series)],
                percent: false,
            },
        );
        let mut per_province: BTreeMap<(&str, &str), (BTreeSet<&str>, usize, f64)> = BTreeMap::new();
        for (c, s) in &all {
            let e = per_province.entry((c.province.as_str(), c.province_name.as_str())).or_default();
            e.0.insert(c.istat.as_str());
            e.1 += 1;
            e.2 += people(s);
        }
        let mut rows: Vec<(usize, Vec<String>)> = per_province
            .iter()
            .map(|((_, name), (cs, n, p))| {
                (cs.len(), vec![(*name).to_owned(), int(cs.len() as i64), int(*n as i64), int(*p as i64)])
            })
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
        self.table(
            "insediamenti_provincia",
            "Comuni con insediamenti informali per provincia",
            &["Provincia", "Comuni", "Insediamenti", "Persone (stima)"],
            rows.into_iter().map(|r| r.1).collect(),
            false,
        );
        let items: Vec<&Answers> = all.iter().map(|(_, s)| *s).collect();
        self.services("servizi_insediamenti", "Servizi presenti negli insediamenti informali", &items, "E6");
        let mut by_size = [0usize; 5];
        let bounds = [(0.0, 49.0), (50.0, 99.0), (100.0, 499.0), (500.0, 999.0), (1000.0, f64::MAX)];
        for (_, s) in &all {
            let p = people(s);
            if let Some(i) = bounds.iter().position(|(lo, hi)| p >= *lo && p <= *hi) {
                by_size[i] += 1;
            }
        }
        self.chart(
            "dimensione_insediamenti",
            "Insediamenti informali per numero di persone presenti",
            Chart::Histogram {
                bins: ["fino a 49", "50–99", "100–499", "500–999", "1.000 e più"].map(str::to_owned).to_vec(),
                counts: by_size.iter().map(|n| *n as f64).collect(),
                unit: "insediamenti".into(),
            },
        );
        let mut points: Vec<Symbol> = Vec::new();
        for (c, s) in &all {
            if let Some((lon, lat)) = c.point {
                points.push(Symbol { label: format!("{} ({})", s.value("E1"), c.name), lon, lat, value: people(s) });
            }
        }
        self.chart(
            "mappa_insediamenti",
            "Insediamenti informali per numero di persone presenti",
            Chart::Symbols { points, legend: "Persone presenti".into() },
        );
        let mut per_region_map: BTreeMap<String, f64> = BTreeMap::new();
        for (code, _) in &self.out.regions {
            per_region_map.insert(code.clone(), per_region.get(code.as_str()).map_or(0.0, |e| e.0.len() as f64));
        }
        self.chart(
            "mappa_insediamenti_regioni",
            "Comuni con insediamenti informali, per regione",
            Chart::Choropleth {
                level: "regioni".into(),
                values: per_region_map,
                legend: "Comuni con insediamenti".into(),
                percent: false,
                scope: Vec::new(),
            },
        );
    }

    /// The national number of foreign agri-food workers, from the respondents' estimates, with
    /// non-response corrected by post-stratification (region × population class).
    fn estimate(&mut self, data: &Dataset) {
        match post_stratified_total(data, "n_lavoratori") {
            Ok(e) => {
                self.value("stima_lavoratori", int(e.total.round() as i64));
                self.value("stima_lavoratori_min", int(e.ci_low.round() as i64));
                self.value("stima_lavoratori_max", int(e.ci_high.round() as i64));
                self.value("stima_lavoratori_errore", int(e.std_error.round() as i64));
                self.value("stima_strati", int(e.strata.len() as i64));
                let mut per: BTreeMap<MacroArea, (u64, u64, f64, f64)> = BTreeMap::new();
                for s in &e.strata {
                    let area = s.cells.first().map_or(MacroArea::Sud, |c| c.0.macro_area());
                    let x = per.entry(area).or_default();
                    x.0 += s.universe;
                    x.1 += s.respondents;
                    x.2 += s.total;
                    x.3 += s.variance;
                }
                let mut rows: Vec<Vec<String>> = per
                    .iter()
                    .map(|(area, (n, r, t, v))| {
                        vec![
                            area.label().to_owned(),
                            int(*n as i64),
                            int(*r as i64),
                            int(t.round() as i64),
                            int((crate::stats::poststrat::Z_95 * v.sqrt()).round() as i64),
                        ]
                    })
                    .collect();
                rows.push(vec![
                    "Italia".into(),
                    int(e.strata.iter().map(|s| s.universe).sum::<u64>() as i64),
                    int(e.strata.iter().map(|s| s.respondents).sum::<u64>() as i64),
                    int(e.total.round() as i64),
                    int((e.ci_high - e.total).round() as i64),
                ]);
                self.table(
                    "stima_lavoratori",
                    "Stima del numero di lavoratori stranieri nel settore agro-alimentare, corretta per la mancata risposta",
                    &["Ripartizione", "Comuni", "Rispondenti", "Stima", "± (IC 95%)"],
                    rows,
                    true,
                );
                if let Some(t) = self.out.tables.get_mut("stima_lavoratori") {
                    t.note = Some(
                        "Post-stratificazione per regione × classe di popolazione (strati con meno di due \
                         rispondenti accorpati); intervallo di confidenza al 95% con correzione per popolazione finita."
                            .into(),
                    );
                }
            }
            Err(e) => {
                self.value("stima_lavoratori", format!("non calcolabile ({e})"));
            }
        }
        let classes: Vec<(String, f64)> = describe::summarize(data, "n_lavoratori", Grouping::PopClass, &[0.5])
            .map(|s| s.into_iter().map(|s| (s.group.label(), s.mean.unwrap_or(0.0))).collect())
            .unwrap_or_default();
        self.chart(
            "lavoratori_classe",
            "Lavoratori stranieri dichiarati per Comune rispondente, media per classe di popolazione",
            Chart::Bars {
                labels: classes.iter().map(|c| c.0.clone()).collect(),
                values: classes.iter().map(|c| c.1).collect(),
                unit: "lavoratori".into(),
                percent: false,
            },
        );
    }

    /// One table per region: its provinces' participation and presence (the regional sheets).
    fn profiles(&mut self, comuni: &[ComuneInput]) {
        for (code, name) in self.out.regions.clone() {
            let mut per: BTreeMap<(&str, &str), [usize; 4]> = BTreeMap::new();
            for c in comuni.iter().filter(|c| c.region == code) {
                let e = per.entry((c.province.as_str(), c.province_name.as_str())).or_default();
                e[0] += 1;
                if let Some(a) = &c.answers {
                    e[1] += 1;
                    e[2] += usize::from(a.value("B1") == "1");
                    e[3] += a.repeat("insediamenti").len();
                }
            }
            let mut tot = [0usize; 4];
            let mut rows: Vec<Vec<String>> = per
                .iter()
                .map(|((_, pname), e)| {
                    for (t, v) in tot.iter_mut().zip(e) {
                        *t += v;
                    }
                    vec![
                        (*pname).to_owned(),
                        int(e[0] as i64),
                        int(e[1] as i64),
                        percent(share(e[1], e[0])),
                        int(e[2] as i64),
                        int(e[3] as i64),
                    ]
                })
                .collect();
            rows.push(vec![
                name.clone(),
                int(tot[0] as i64),
                int(tot[1] as i64),
                percent(share(tot[1], tot[0])),
                int(tot[2] as i64),
                int(tot[3] as i64),
            ]);
            self.value(&format!("invitati_{code}"), int(tot[0] as i64));
            self.value(&format!("rispondenti_{code}"), int(tot[1] as i64));
            self.value(&format!("tasso_risposta_{code}"), percent(share(tot[1], tot[0])));
            self.value(&format!("comuni_con_lavoratori_{code}"), int(tot[2] as i64));
            self.value(&format!("insediamenti_{code}"), int(tot[3] as i64));
            let (labels, rates): (Vec<String>, Vec<f64>) =
                per.iter().map(|((_, pname), e)| ((*pname).to_owned(), share(e[1], e[0]) * 100.0)).unzip();
            self.chart(
                &format!("scheda_{code}"),
                &format!("{name}: tasso di risposta dei Comuni per provincia"),
                Chart::Bars { labels, values: rates, unit: "%".into(), percent: true },
            );
            self.table(
                &format!("scheda_{code}"),
                &format!(
                    "{name}: Comuni invitati, rispondenti, con lavoratori stranieri e insediamenti, per provincia"
                ),
                &["Provincia", "Invitati", "Rispondenti", "Tasso di risposta", "Con lavoratori", "Insediamenti"],
                rows,
                true,
            );
        }
    }
}
