//! Data-control rules: what the secretariat checks in the clean answers of a campaign.
//!
//! Two kinds of rule. **Expression rules** ([`Check::Holds`]) are written in the forms' own
//! expression language and evaluated by the one evaluator ([`super::expr`]) over one response,
//! or over each instance of one repeat: ranges (`${E3} >= 1 and ${E3} <= 10000`), cross-question
//! consistency, totals against repeat counts (`${n_insediamenti} = count(${insediamenti})`).
//! As XLSForm constraints, an expression rule is not checked while a question it names directly
//! is unanswered (node-sets — a repeat, a field of another repeat — never count as unanswered).
//! **Aggregate rules** look beyond one answer: people in settlements and structures against the
//! Comune's resident population ([`Check::OverPopulation`]), the same settlement reported twice
//! within a Comune — same name, or coordinates within a distance — ([`Check::Duplicate`]) or by a
//! neighbouring Comune ([`Check::NeighbourDuplicate`]), and robust outliers across the campaign
//! ([`Check::Outlier`]: the modified z-score of Iglewicz and Hoaglin, `0.6745 (x − median) / MAD`,
//! on `ln(1 + x)`, since counts of people are skewed).
//!
//! [`run`] gives one [`Finding`] per problem: the rule, the Comune, a *subject* (the repeat
//! instance or question it is about, so that the secretariat's decision on it can be found again
//! on the next run), a Fluent message id with its arguments, and the values involved with their
//! [`FieldPath`]s. [`Finding::fingerprint`] is the values: an accepted finding stays accepted
//! while they are the same.

use super::answers::Answers;
use super::engine::FieldPath;
use super::expr::{self, Context, Expr, Value};
use super::xlsform::{Form, Kind};
use crate::territory::search::normalise;
use std::collections::{BTreeMap, HashMap};
use time::Date;

/// One rule: a stable id (decisions are stored against it; Fluent message
/// `census-rule-<id>`) and what it checks.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub check: Check,
}

#[derive(Debug, Clone)]
pub enum Check {
    /// `expr` must be true for each response (`scope` `None`) or each instance of the repeat
    /// `scope`.
    Holds { scope: Option<String>, expr: Expr },
    /// The sum of these fields over their repeats' instances must not exceed `max_share` × the
    /// Comune's resident population.
    OverPopulation { fields: Vec<(String, String)>, max_share: f64 },
    /// No two instances of `repeat` with the same normalised `name` or, when `geo` is given,
    /// geopoints within `within_m` metres.
    Duplicate { repeat: String, name: String, geo: Option<String>, within_m: f64 },
    /// No instance of `repeat` with the same normalised `name` as one in a neighbouring Comune.
    NeighbourDuplicate { repeat: String, name: String },
    /// `field` (in `scope`'s instances, or top-level) is not a robust outlier across the
    /// campaign: |modified z| ≤ `threshold`; with `per_1000`, per 1,000 residents.
    Outlier { scope: Option<String>, field: String, per_1000: bool, threshold: f64 },
}

/// A rule that does not fit the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("rule {rule}: {source}")]
    Parse { rule: String, source: expr::ParseError },
    #[error("rule {rule}: the questionnaire has no question or repeat `{name}`")]
    UnknownName { rule: String, name: String },
}

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub comune_code: String,
    /// What the finding is about: "" (the response), a repeat instance (`insediamenti[1]`) or a
    /// question (`insediamenti[1]/E3`).
    pub subject: String,
    /// Fluent id of the message (`census-rule-<id>`).
    pub message: String,
    pub args: Vec<(&'static str, String)>,
    /// The values involved, by path.
    pub values: Vec<(FieldPath, String)>,
}

impl Finding {
    /// The values involved as one string: a decision taken on these values holds while they
    /// do not change.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        self.values.iter().map(|(p, v)| format!("{p}={v}")).collect::<Vec<_>>().join("; ")
    }
}

/// One clean response as the rules read it.
pub struct Response<'a> {
    pub comune_code: &'a str,
    pub comune_name: &'a str,
    pub answers: &'a Answers,
}

/// Reference data: resident population and neighbours by ISTAT code.
#[derive(Debug, Default, Clone)]
pub struct Reference {
    pub population: HashMap<String, i64>,
    pub neighbours: HashMap<String, Vec<String>>,
}

/// A rule set checked against a questionnaire, ready to run.
pub struct RuleSet {
    rules: Vec<Rule>,
    names: HashMap<String, Name>,
}

#[derive(Debug, Clone)]
enum Name {
    Repeat,
    /// A field and the repeats around it (outermost first).
    Field(Vec<String>),
}

/// `(id, scope, expression)` of the default expression rules.
const DEFAULT_EXPRESSIONS: &[(&str, Option<&str>, &str)] = &[
    ("b3a-range", None, "${B3a} >= 0 and ${B3a} <= 20000"),
    ("b3b-range", None, "${B3b} >= 0 and ${B3b} <= 50000"),
    ("d3-range", Some("strutture"), "${D3} >= 0 and ${D3} <= 2000"),
    ("e3-range", Some("insediamenti"), "${E3} >= 1 and ${E3} <= 10000"),
    ("e7-range", Some("insediamenti"), "${E7} >= 0 and ${E7} <= 100"),
    ("e5-future", Some("insediamenti"), "${E5} <= format-date(today(), '%Y')"),
    ("housing-without-workers", None, "${B1} = '1' or count(${insediamenti}) + count(${strutture}) = 0"),
    ("informali-without-settlements", None, "not(selected(${C1}, 'informali')) or count(${insediamenti}) > 0"),
    ("strutture-without-structures", None, "not(selected(${C1}, 'strutture')) or count(${strutture}) > 0"),
    ("n-insediamenti-count", None, "${n_insediamenti} = count(${insediamenti})"),
    ("n-strutture-count", None, "${n_strutture} = count(${strutture})"),
    ("tot-persone-sum", None, "${tot_persone_insediamenti} = sum(${E3})"),
    ("tot-ospiti-sum", None, "${tot_ospiti_strutture} = sum(${D3})"),
];

impl RuleSet {
    /// The default rules for the default questionnaire (`data/census/incas_2021.xlsx`); rules
    /// naming questions `form` does not have are left out, so the set fits any version.
    #[must_use]
    pub fn default_for(form: &Form) -> Self {
        let mut rules: Vec<Rule> = DEFAULT_EXPRESSIONS
            .iter()
            .filter_map(|(id, scope, src)| {
                Some(Rule {
                    id: (*id).to_owned(),
                    check: Check::Holds { scope: scope.map(str::to_owned), expr: expr::parse(src).ok()? },
                })
            })
            .collect();
        rules.push(Rule {
            id: "people-over-population".into(),
            check: Check::OverPopulation {
                fields: vec![("insediamenti".into(), "E3".into()), ("strutture".into(), "D3".into())],
                max_share: 1.0,
            },
        });
        rules.push(Rule {
            id: "settlement-twice".into(),
            check: Check::Duplicate { repeat: "insediamenti".into(), name: "E1".into(), geo: None, within_m: 200.0 },
        });
        rules.push(Rule {
            id: "settlement-in-neighbour".into(),
            check: Check::NeighbourDuplicate { repeat: "insediamenti".into(), name: "E1".into() },
        });
        rules.push(Rule {
            id: "e3-outlier".into(),
            check: Check::Outlier {
                scope: Some("insediamenti".into()),
                field: "E3".into(),
                per_1000: false,
                threshold: 3.5,
            },
        });
        rules.push(Rule {
            id: "b3b-outlier".into(),
            check: Check::Outlier { scope: None, field: "B3b".into(), per_1000: true, threshold: 3.5 },
        });
        let mut set = Self { rules: Vec::new(), names: names(form) };
        let all = std::mem::take(&mut rules);
        set.rules = all.into_iter().filter(|r| set.check_rule(r).is_ok()).collect();
        set
    }

    /// A rule set of one's own, checked against `form`.
    ///
    /// # Errors
    /// Every rule naming something the questionnaire does not have.
    pub fn new(form: &Form, rules: Vec<Rule>) -> Result<Self, Vec<RuleError>> {
        let set = Self { rules: Vec::new(), names: names(form) };
        let errors: Vec<RuleError> = rules.iter().filter_map(|r| set.check_rule(r).err()).collect();
        if errors.is_empty() { Ok(Self { rules, ..set }) } else { Err(errors) }
    }

    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    fn check_rule(&self, r: &Rule) -> Result<(), RuleError> {
        let unknown = |name: &str| RuleError::UnknownName { rule: r.id.clone(), name: name.to_owned() };
        let known = |name: &str| if self.names.contains_key(name) { Ok(()) } else { Err(unknown(name)) };
        match &r.check {
            Check::Holds { scope, expr } => {
                if let Some(s) = scope {
                    known(s)?;
                }
                expr.references().iter().try_for_each(|n| known(n))
            }
            Check::OverPopulation { fields, .. } => fields.iter().try_for_each(|(r, f)| known(r).and(known(f))),
            Check::Duplicate { repeat, name, geo, .. } => {
                known(repeat)?;
                known(name)?;
                geo.as_deref().map_or(Ok(()), known)
            }
            Check::NeighbourDuplicate { repeat, name } => known(repeat).and(known(name)),
            Check::Outlier { scope, field, .. } => scope.as_deref().map_or(Ok(()), known).and(known(field)),
        }
    }
}

fn names(form: &Form) -> HashMap<String, Name> {
    let mut out: HashMap<String, Name> = form
        .fields()
        .into_iter()
        .map(|(repeats, item)| (item.name.clone(), Name::Field(repeats.iter().map(|s| (*s).to_owned()).collect())))
        .collect();
    for item in form.all_items() {
        if item.kind == Kind::Repeat {
            out.insert(item.name.clone(), Name::Repeat);
        }
    }
    out
}

/// What an expression rule sees: one response, from the top or from one repeat instance.
struct Ctx<'a> {
    names: &'a HashMap<String, Name>,
    top: &'a Answers,
    instance: Option<(&'a str, usize, &'a Answers)>,
    today: Date,
}

impl Context for Ctx<'_> {
    fn resolve(&self, name: &str) -> Option<Value> {
        Some(match self.names.get(name)? {
            Name::Repeat => Value::Nodes(vec![String::new(); self.top.repeat(name).len()]),
            Name::Field(repeats) => match repeats.first() {
                None => Value::Str(self.top.value(name).to_owned()),
                Some(r) => match self.instance {
                    Some((scope, _, a)) if scope == r => Value::Str(a.value(name).to_owned()),
                    // Nested repeats are not in the census questionnaires: one level is read.
                    _ => Value::Nodes(self.top.repeat(r).iter().map(|i| i.value(name).to_owned()).collect()),
                },
            },
        })
    }

    fn current(&self) -> Value {
        Value::Str(String::new())
    }

    fn position(&self) -> Option<usize> {
        self.instance.map(|(_, i, _)| i + 1)
    }

    fn today(&self) -> Date {
        self.today
    }
}

/// Runs every rule over the clean responses of a campaign. Findings come out by rule, then
/// in the order of `responses`.
#[must_use]
pub fn run(set: &RuleSet, responses: &[Response<'_>], reference: &Reference, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in &set.rules {
        match &rule.check {
            Check::Holds { scope, expr } => holds(set, rule, scope.as_deref(), expr, responses, today, &mut out),
            Check::OverPopulation { fields, max_share } => {
                over_population(rule, fields, *max_share, responses, reference, &mut out);
            }
            Check::Duplicate { repeat, name, geo, within_m } => {
                duplicates(rule, repeat, name, geo.as_deref(), *within_m, responses, &mut out);
            }
            Check::NeighbourDuplicate { repeat, name } => {
                neighbours(rule, repeat, name, responses, reference, &mut out)
            }
            Check::Outlier { scope, field, per_1000, threshold } => {
                outliers(rule, scope.as_deref(), field, *per_1000, *threshold, responses, reference, &mut out);
            }
        }
    }
    out
}

fn finding(rule: &Rule, r: &Response<'_>, subject: String, args: Vec<(&'static str, String)>) -> Finding {
    let mut args = args;
    args.push(("comune", r.comune_name.to_owned()));
    Finding {
        rule: rule.id.clone(),
        comune_code: r.comune_code.to_owned(),
        subject,
        message: format!("census-rule-{}", rule.id),
        args,
        values: Vec::new(),
    }
}

fn values_text(values: &[(FieldPath, String)]) -> String {
    values.iter().map(|(p, v)| format!("{} = {}", p.name, v)).collect::<Vec<_>>().join(", ")
}

fn holds(
    set: &RuleSet,
    rule: &Rule,
    scope: Option<&str>,
    expr: &Expr,
    responses: &[Response<'_>],
    today: Date,
    out: &mut Vec<Finding>,
) {
    let refs = expr.references();
    for r in responses {
        let instances: Vec<Option<(&str, usize, &Answers)>> = match scope {
            None => vec![None],
            Some(s) => r.answers.repeat(s).iter().enumerate().map(|(i, a)| Some((s, i, a))).collect(),
        };
        for instance in instances {
            let ctx = Ctx { names: &set.names, top: r.answers, instance, today };
            // The questions named directly (single values from here), with their paths.
            let mut values = Vec::new();
            let mut unanswered = false;
            for name in &refs {
                if let Some(Value::Str(v)) = ctx.resolve(name) {
                    unanswered |= v.is_empty();
                    let path = match (instance, set.names.get(name)) {
                        (Some((s, i, _)), Some(Name::Field(rs))) if !rs.is_empty() => FieldPath::new(&[(s, i)], name),
                        _ => FieldPath::top(name),
                    };
                    values.push((path, v));
                }
            }
            if unanswered || expr.eval_bool(&ctx).unwrap_or(true) {
                continue;
            }
            let subject = instance.map(|(s, i, _)| format!("{s}[{i}]")).unwrap_or_default();
            let mut f = finding(
                rule,
                r,
                subject,
                vec![
                    ("values", values_text(&values)),
                    ("instance", instance.map(|(_, i, _)| (i + 1).to_string()).unwrap_or_default()),
                ],
            );
            f.values = values;
            out.push(f);
        }
    }
}

/// An integer count as written ("" and non-numbers: `None`).
fn count(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn over_population(
    rule: &Rule,
    fields: &[(String, String)],
    max_share: f64,
    responses: &[Response<'_>],
    reference: &Reference,
    out: &mut Vec<Finding>,
) {
    for r in responses {
        let Some(&population) = reference.population.get(r.comune_code) else { continue };
        let mut values = Vec::new();
        let mut people = 0.0;
        for (repeat, field) in fields {
            for (i, a) in r.answers.repeat(repeat).iter().enumerate() {
                if let Some(n) = count(a.value(field)) {
                    people += n;
                    values.push((FieldPath::new(&[(repeat, i)], field), a.value(field).to_owned()));
                }
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "populations are far below 2^52")]
        let limit = population as f64 * max_share;
        if people > limit {
            let mut f = finding(
                rule,
                r,
                String::new(),
                vec![("people", format!("{people}")), ("population", population.to_string())],
            );
            f.values = values;
            out.push(f);
        }
    }
}

/// Latitude and longitude of a geopoint answer (`lat lon [alt acc]`).
fn geopoint(v: &str) -> Option<(f64, f64)> {
    let mut it = v.split_whitespace().map(str::parse::<f64>);
    Some((it.next()?.ok()?, it.next()?.ok()?))
}

/// Great-circle distance in metres (haversine, mean Earth radius).
fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

fn duplicates(
    rule: &Rule,
    repeat: &str,
    name: &str,
    geo: Option<&str>,
    within_m: f64,
    responses: &[Response<'_>],
    out: &mut Vec<Finding>,
) {
    for r in responses {
        let instances = r.answers.repeat(repeat);
        for j in 1..instances.len() {
            for i in 0..j {
                let (a, b) = (&instances[i], &instances[j]);
                let same_name =
                    !normalise(a.value(name)).is_empty() && normalise(a.value(name)) == normalise(b.value(name));
                let near = geo.is_some_and(|g| {
                    matches!((geopoint(a.value(g)), geopoint(b.value(g))), (Some(p), Some(q)) if distance_m(p, q) <= within_m)
                });
                if !(same_name || near) {
                    continue;
                }
                let mut f = finding(
                    rule,
                    r,
                    format!("{repeat}[{j}]"),
                    vec![
                        ("name", b.value(name).to_owned()),
                        ("first", (i + 1).to_string()),
                        ("second", (j + 1).to_string()),
                    ],
                );
                f.values = vec![
                    (FieldPath::new(&[(repeat, i)], name), a.value(name).to_owned()),
                    (FieldPath::new(&[(repeat, j)], name), b.value(name).to_owned()),
                ];
                if let Some(g) = geo {
                    f.values.push((FieldPath::new(&[(repeat, i)], g), a.value(g).to_owned()));
                    f.values.push((FieldPath::new(&[(repeat, j)], g), b.value(g).to_owned()));
                }
                out.push(f);
                break;
            }
        }
    }
}

/// A response and its instances' normalised names (instance index, name).
type Named<'r, 'a> = (&'r Response<'a>, Vec<(usize, String)>);

fn neighbours(
    rule: &Rule,
    repeat: &str,
    name: &str,
    responses: &[Response<'_>],
    reference: &Reference,
    out: &mut Vec<Finding>,
) {
    // Normalised settlement names by Comune.
    let mut by_comune: HashMap<&str, Named<'_, '_>> = HashMap::new();
    for r in responses {
        let names: Vec<(usize, String)> = r
            .answers
            .repeat(repeat)
            .iter()
            .enumerate()
            .map(|(i, a)| (i, normalise(a.value(name))))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        if !names.is_empty() {
            by_comune.insert(r.comune_code, (r, names));
        }
    }
    for r in responses {
        let Some((_, mine)) = by_comune.get(r.comune_code) else { continue };
        let Some(around) = reference.neighbours.get(r.comune_code) else { continue };
        for (i, n) in mine {
            // Reported on the Comune whose code is greater, once per pair.
            let other = around
                .iter()
                .filter(|c| c.as_str() < r.comune_code)
                .filter_map(|c| by_comune.get(c.as_str()))
                .find_map(|(o, theirs)| theirs.iter().find(|(_, m)| m == n).map(|(j, _)| (o, *j)));
            let Some((o, j)) = other else { continue };
            let mine_v = r.answers.repeat(repeat)[*i].value(name).to_owned();
            let theirs_v = o.answers.repeat(repeat)[j].value(name).to_owned();
            let mut f = finding(
                rule,
                r,
                format!("{repeat}[{i}]"),
                vec![("name", mine_v.clone()), ("other", o.comune_name.to_owned()), ("other_name", theirs_v)],
            );
            f.values = vec![(FieldPath::new(&[(repeat, *i)], name), mine_v)];
            out.push(f);
        }
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 { sorted[n / 2] } else { f64::midpoint(sorted[n / 2 - 1], sorted[n / 2]) }
}

/// Median and MAD (median absolute deviation) of `xs`.
#[must_use]
pub fn median_mad(xs: &[f64]) -> (f64, f64) {
    let mut s: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    s.sort_by(f64::total_cmp);
    let m = median(&s);
    let mut d: Vec<f64> = s.iter().map(|x| (x - m).abs()).collect();
    d.sort_by(f64::total_cmp);
    (m, median(&d))
}

#[expect(clippy::too_many_arguments, reason = "one call site, each argument a field of the rule")]
fn outliers(
    rule: &Rule,
    scope: Option<&str>,
    field: &str,
    per_1000: bool,
    threshold: f64,
    responses: &[Response<'_>],
    reference: &Reference,
    out: &mut Vec<Finding>,
) {
    // (response, path, written value, transformed value)
    let mut points: Vec<(&Response<'_>, FieldPath, String, f64)> = Vec::new();
    for r in responses {
        let population = reference.population.get(r.comune_code).copied().filter(|p| *p > 0);
        if per_1000 && population.is_none() {
            continue;
        }
        let mut push = |path: FieldPath, v: &str| {
            let Some(mut x) = count(v) else { return };
            if let Some(p) = population.filter(|_| per_1000) {
                #[expect(clippy::cast_precision_loss, reason = "populations are far below 2^52")]
                let p = p as f64;
                x = x * 1000.0 / p;
            }
            if x >= 0.0 {
                points.push((r, path, v.to_owned(), x.ln_1p()));
            }
        };
        match scope {
            None => push(FieldPath::top(field), r.answers.value(field)),
            Some(s) => {
                for (i, a) in r.answers.repeat(s).iter().enumerate() {
                    push(FieldPath::new(&[(s, i)], field), a.value(field));
                }
            }
        }
    }
    if points.len() < 10 {
        return;
    }
    let (m, mad) = median_mad(&points.iter().map(|p| p.3).collect::<Vec<_>>());
    if mad.is_nan() || mad <= 0.0 {
        return;
    }
    let median_written = (m.exp_m1() * 10.0).round() / 10.0;
    for (r, path, v, x) in points {
        let z = 0.6745 * (x - m) / mad;
        if z.abs() > threshold {
            let mut f = finding(
                rule,
                r,
                path.to_string(),
                vec![("value", v.clone()), ("median", format!("{median_written}")), ("z", format!("{z:.1}"))],
            );
            f.values = vec![(path, v)];
            out.push(f);
        }
    }
}

/// Findings counted by rule id (for the overview).
#[must_use]
pub fn count_by_rule(findings: &[&Finding]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in findings {
        *m.entry(f.rule.clone()).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::census::xlsform::parse_xlsx;

    fn form() -> Form {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/census/incas_2021.xlsx")).unwrap();
        parse_xlsx(&bytes).unwrap()
    }

    fn today() -> Date {
        time::macros::date!(2021 - 11 - 01)
    }

    fn settlement(name: &str, people: &str) -> Answers {
        Answers::new().with("E1", name).with("E3", people)
    }

    fn comune(settlements: Vec<Answers>) -> Answers {
        let total: u32 = settlements.iter().filter_map(|s| s.value("E3").parse::<u32>().ok()).sum();
        Answers::new()
            .with("B1", "1")
            .with("C1", "informali")
            .with("n_insediamenti", settlements.len().to_string())
            .with("tot_persone_insediamenti", total.to_string())
            .with("n_strutture", "0")
            .with("tot_ospiti_strutture", "0")
            .with_repeat("insediamenti", settlements)
    }

    fn rules_of(findings: &[Finding], code: &str) -> Vec<String> {
        findings.iter().filter(|f| f.comune_code == code).map(|f| f.rule.clone()).collect()
    }

    #[test]
    fn the_default_rules_fit_the_default_questionnaire() {
        let set = RuleSet::default_for(&form());
        assert_eq!(set.rules().len(), DEFAULT_EXPRESSIONS.len() + 5, "every default rule names real questions");
        let bad = RuleSet::new(
            &form(),
            vec![Rule {
                id: "x".into(),
                check: Check::Holds { scope: None, expr: expr::parse("${nope} = 1").unwrap() },
            }],
        );
        assert!(matches!(bad.err().unwrap()[0], RuleError::UnknownName { ref name, .. } if name == "nope"));
    }

    #[test]
    fn ranges_totals_and_population() {
        let set = RuleSet::default_for(&form());
        let good = comune(vec![settlement("Borgo Mezzanone", "4000")]);
        let mut bad = comune(vec![settlement("Tre Titoli", "20000"), settlement("Pozzo", "30")]);
        bad.set("tot_persone_insediamenti", "999");
        let responses = [
            Response { comune_code: "071029", comune_name: "Manfredonia", answers: &good },
            Response { comune_code: "071020", comune_name: "Cerignola", answers: &bad },
        ];
        let reference = Reference {
            population: [("071029".into(), 55_000), ("071020".into(), 10_000)].into_iter().collect(),
            ..Default::default()
        };
        let found = run(&set, &responses, &reference, today());
        assert!(rules_of(&found, "071029").is_empty(), "{found:?}");
        let bad_rules = rules_of(&found, "071020");
        assert!(bad_rules.contains(&"e3-range".to_owned()), "{bad_rules:?}");
        assert!(bad_rules.contains(&"tot-persone-sum".to_owned()));
        assert!(bad_rules.contains(&"people-over-population".to_owned()));
        let range = found.iter().find(|f| f.rule == "e3-range").unwrap();
        assert_eq!(range.subject, "insediamenti[0]");
        assert_eq!(range.values, [(FieldPath::new(&[("insediamenti", 0)], "E3"), "20000".to_owned())]);
        assert_eq!(range.fingerprint(), "insediamenti[0]/E3=20000");
        let pop = found.iter().find(|f| f.rule == "people-over-population").unwrap();
        assert!(pop.args.contains(&("population", "10000".into())) && pop.args.contains(&("people", "20030".into())));
    }

    #[test]
    fn unanswered_questions_are_not_checked_but_consistency_is() {
        let set = RuleSet::default_for(&form());
        let no = Answers::new().with("B1", "2").with_repeat("insediamenti", vec![settlement("X", "")]);
        let found =
            run(&set, &[Response { comune_code: "1", comune_name: "A", answers: &no }], &Reference::default(), today());
        let rules: Vec<_> = found.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["housing-without-workers"], "E3 empty: no range issue; B1 = No with a settlement");
    }

    #[test]
    fn the_same_settlement_twice_within_and_across_neighbours() {
        let set = RuleSet::default_for(&form());
        let a = comune(vec![settlement("Borgo Mezzanone", "400"), settlement("borgo  mezzanone!", "400")]);
        let b = comune(vec![settlement("Borgo Mezzanone", "100")]);
        let c = comune(vec![settlement("Borgo Mezzanone", "100")]);
        let responses = [
            Response { comune_code: "071029", comune_name: "Manfredonia", answers: &a },
            Response { comune_code: "071043", comune_name: "Foggia", answers: &b },
            Response { comune_code: "001001", comune_name: "Lontano", answers: &c },
        ];
        let reference = Reference {
            neighbours: [("071029".into(), vec!["071043".into()]), ("071043".into(), vec!["071029".into()])]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let found = run(&set, &responses, &reference, today());
        let twice: Vec<_> = found.iter().filter(|f| f.rule == "settlement-twice").collect();
        assert_eq!(twice.len(), 1);
        assert_eq!((twice[0].comune_code.as_str(), twice[0].subject.as_str()), ("071029", "insediamenti[1]"));
        let near: Vec<_> = found.iter().filter(|f| f.rule == "settlement-in-neighbour").collect();
        assert_eq!(near.len(), 1, "once per pair of Comuni, on the greater code: {near:?}");
        assert_eq!((near[0].comune_code.as_str(), near[0].subject.as_str()), ("071043", "insediamenti[0]"));
        assert!(near[0].args.contains(&("other", "Manfredonia".into())), "Lontano is not a neighbour");
    }

    #[test]
    fn geopoints_close_together_are_the_same_settlement() {
        let form = form();
        let set = RuleSet {
            rules: vec![Rule {
                id: "geo".into(),
                check: Check::Duplicate {
                    repeat: "insediamenti".into(),
                    name: "E1".into(),
                    geo: Some("E7".into()),
                    within_m: 200.0,
                },
            }],
            names: names(&form),
        };
        assert!((distance_m((41.5, 15.7), (41.5, 15.7012)) - 100.0).abs() < 5.0);
        let a = comune(vec![
            settlement("A", "1").with("E7", "41.5 15.7"),
            settlement("B", "1").with("E7", "41.5 15.7012"),
            settlement("C", "1").with("E7", "41.6 15.7"),
        ]);
        let found =
            run(&set, &[Response { comune_code: "1", comune_name: "X", answers: &a }], &Reference::default(), today());
        assert_eq!(found.iter().map(|f| f.subject.as_str()).collect::<Vec<_>>(), ["insediamenti[1]"]);
    }

    #[test]
    fn robust_outliers_by_median_and_mad() {
        assert_eq!(median_mad(&[1.0, 2.0, 3.0, 4.0, 100.0]), (3.0, 1.0));
        let set = RuleSet::default_for(&form());
        let people = ["100", "120", "90", "80", "150", "110", "95", "130", "105", "85", "99999"];
        let answers: Vec<Answers> = people.iter().map(|p| comune(vec![settlement("S", p)])).collect();
        let codes: Vec<String> = (0..people.len()).map(|i| format!("{i:06}")).collect();
        let responses: Vec<Response<'_>> =
            answers.iter().zip(&codes).map(|(a, c)| Response { comune_code: c, comune_name: c, answers: a }).collect();
        let found = run(&set, &responses, &Reference::default(), today());
        let out: Vec<_> = found.iter().filter(|f| f.rule == "e3-outlier").collect();
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].comune_code, "000010");
        assert_eq!(out[0].subject, "insediamenti[0]/E3");
    }
}
