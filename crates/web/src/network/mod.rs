//! The network: organisations with contacts and people, import of organisations from CSV/XLSX,
//! protocols and agreements, working groups with meetings, minutes (PDF), decisions and an
//! iCalendar feed; and the matching read API.

pub mod api;
pub mod groups;
pub mod import;
pub mod meetings;
pub mod orgs;
pub mod protocols;

use crate::i18n::Tr;
use crate::territory::Territory;
use argine_domain::access::Resource;
use argine_domain::territory::search::normalise;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::network::{Protocol, WorkingGroup};
use argine_storage::orgs::Organisation;

/// Form helpers: urlencoded bodies that may repeat keys (checkbox lists).
pub(crate) mod form {
    pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
        form_urlencoded::parse(body).into_owned().collect()
    }

    /// A field, trimmed; "" when absent.
    pub fn field(p: &[(String, String)], name: &str) -> String {
        p.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
    }

    /// A posted form kept to be shown again after an error, so that nothing typed is lost:
    /// which form it was (pages with several forms reopen that one) and what it held.
    #[derive(Debug, Default, Clone)]
    pub struct Posted {
        form: &'static str,
        pairs: Vec<(String, String)>,
    }

    impl Posted {
        pub fn new(form: &'static str, pairs: Vec<(String, String)>) -> Self {
            Self { form, pairs }
        }

        /// Whether this is what `form` posted.
        pub fn is(&self, form: &str) -> bool {
            !self.form.is_empty() && self.form == form
        }

        /// What was typed in `name` of `form`, or `default` when that form was not posted or
        /// had no such field.
        pub fn value<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
            if !self.is(form) {
                return default;
            }
            self.pairs.iter().find(|(k, _)| k == name).map_or(default, |(_, v)| v.as_str())
        }

        /// [`Posted::value`] of the field named `prefix` followed by `key` (one per item).
        pub fn value_of<'a>(&'a self, form: &str, prefix: &str, key: &str, default: &'a str) -> &'a str {
            self.value(form, &format!("{prefix}{key}"), default)
        }

        /// Whether `value` was ticked or selected in `name` of `form`.
        pub fn chose(&self, form: &str, name: &str, value: &dyn std::fmt::Display) -> bool {
            let value = value.to_string();
            self.is(form) && self.pairs.iter().any(|(k, v)| k == name && *v == value)
        }
    }

    /// Every value of a repeated field.
    pub fn fields(p: &[(String, String)], name: &str) -> Vec<String> {
        p.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// `Some(value)` when not empty.
    pub fn opt(v: &str) -> Option<&str> {
        Some(v.trim()).filter(|s| !s.is_empty())
    }

    /// A `YYYY-MM-DD` date, empty allowed; `Err(())` when present and malformed.
    pub fn date(v: &str) -> Result<Option<String>, ()> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(v, fmt).map(|_| Some(v.to_owned())).map_err(|_| ())
    }
}

pub fn org_resource(o: &Organisation) -> Resource {
    Resource::Organisation { id: o.id, jurisdiction: o.jurisdiction.clone() }
}

/// The jurisdiction of a record placed on one unit key (`None` = national).
pub fn unit_jurisdiction(unit: Option<&str>) -> Jurisdiction {
    match unit {
        None => Jurisdiction::National,
        Some(k) => TerritoryUnit::parse(k).map_or(Jurisdiction::Nowhere, |u| Jurisdiction::Units(vec![u])),
    }
}

pub fn protocol_resource(p: &Protocol) -> Resource {
    Resource::Protocol {
        id: p.id,
        jurisdiction: unit_jurisdiction(p.unit.as_deref()),
        parties: p.parties.iter().map(|x| x.org_id).collect(),
    }
}

pub fn group_resource(g: &WorkingGroup) -> Resource {
    Resource::WorkingGroup {
        id: g.id,
        jurisdiction: unit_jurisdiction(g.unit.as_deref()),
        lead_org: g.lead_org_id,
        members: g.member_ids(),
    }
}

/// Why a place typed by a person could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceError {
    Unknown(String),
    Ambiguous(String, Vec<String>),
}

impl PlaceError {
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            Self::Unknown(s) => tr.t1("place-error-unknown", "place", s),
            Self::Ambiguous(s, options) => {
                tr.args("place-error-ambiguous", &[("place", s.clone()), ("options", options.join("; "))])
            }
        }
    }
}

/// Resolves what a person typed for a place: `nazionale`/`national` (→ `None`), a unit key
/// (`provincia:020`), a comune's ISTAT or Belfiore code (old codes follow the comune's history),
/// a province's code or sigla (`MN`), or the name of a region, province or comune (accents and
/// case forgiven; a name shared by a province and its capoluogo means the province unless
/// prefixed with "Comune di").
pub fn resolve_place(t: &Territory, input: &str) -> Result<Option<TerritoryUnit>, PlaceError> {
    let s = input.trim();
    let n = normalise(s);
    if n.is_empty() || n == "nazionale" || n == "national" || n == "italia" || n == "italy" {
        return Ok(None);
    }
    if let Some(u) = TerritoryUnit::parse(s) {
        return match &u {
            TerritoryUnit::Region(c) if t.region(c).is_some() => Ok(Some(u)),
            TerritoryUnit::Province(c) if t.province(c).is_some() => Ok(Some(u)),
            TerritoryUnit::Comune(c) => t
                .resolve(c)
                .map(|r| Some(TerritoryUnit::Comune(Territory::key(r.current).to_owned())))
                .ok_or_else(|| PlaceError::Unknown(s.to_owned())),
            _ => Err(PlaceError::Unknown(s.to_owned())),
        };
    }
    let digits = s.bytes().all(|b| b.is_ascii_digit());
    // A comune's ISTAT code that lost its leading zero in a spreadsheet (20030 → 020030).
    if digits && (s.len() == 5 || s.len() == 6) {
        let code = format!("{s:0>6}");
        return t
            .resolve(&code)
            .map(|r| Some(TerritoryUnit::Comune(Territory::key(r.current).to_owned())))
            .ok_or_else(|| PlaceError::Unknown(s.to_owned()));
    }
    if s.len() == 4
        && s.as_bytes()[0].is_ascii_alphabetic()
        && s[1..].bytes().all(|b| b.is_ascii_digit())
        && let Some(r) = t.resolve(s)
    {
        return Ok(Some(TerritoryUnit::Comune(Territory::key(r.current).to_owned())));
    }
    if ((digits && s.len() == 3) || (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())))
        && let Some(p) = t.province(s)
    {
        return Ok(Some(TerritoryUnit::Province(p.code.clone())));
    }
    let (n, comune_only) = match n.strip_prefix("comune di ") {
        Some(rest) => (rest.to_owned(), true),
        None => (n, false),
    };
    let n = n.strip_prefix("provincia di ").map(str::to_owned).unwrap_or(n);
    if !comune_only {
        if let Some(r) = t.regions.iter().find(|r| normalise(&r.name) == n) {
            return Ok(Some(TerritoryUnit::Region(r.code.clone())));
        }
        if let Some(p) = t.provinces.iter().find(|p| normalise(&p.name) == n) {
            return Ok(Some(TerritoryUnit::Province(p.code.clone())));
        }
    }
    let matches: Vec<_> = t
        .current()
        .filter(|c| normalise(&c.name) == n || (!c.name_other.is_empty() && normalise(&c.name_other) == n))
        .collect();
    match matches.as_slice() {
        [one] => Ok(Some(TerritoryUnit::Comune(Territory::key(one).to_owned()))),
        [] => Err(PlaceError::Unknown(s.to_owned())),
        many => Err(PlaceError::Ambiguous(
            s.to_owned(),
            many.iter().map(|c| format!("{} ({}) {}", c.name, c.sigla, Territory::key(c))).collect(),
        )),
    }
}

/// Resolves a list of places separated by `,` `;` or new lines.
pub fn resolve_places(t: &Territory, input: &str) -> Result<Jurisdiction, PlaceError> {
    let mut units = Vec::new();
    for part in input.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        match resolve_place(t, part)? {
            None => return Ok(Jurisdiction::National),
            Some(u) => {
                if !units.contains(&u) {
                    units.push(u);
                }
            }
        }
    }
    Ok(Jurisdiction::from_units(units))
}

/// A unit's name: "Lombardia", "Provincia di Mantova (MN)", "Mantova (MN)".
pub fn unit_label(t: &Territory, tr: &Tr, u: &TerritoryUnit) -> String {
    match u {
        TerritoryUnit::Region(c) => t.region(c).map_or_else(|| tr.t1("unit-region", "code", c), |r| r.name.clone()),
        TerritoryUnit::Province(c) => t.province(c).map_or_else(
            || tr.t1("unit-province", "code", c),
            |p| tr.args("unit-province-named", &[("name", p.name.clone()), ("sigla", p.sigla.clone())]),
        ),
        TerritoryUnit::Comune(c) => t
            .resolve(c)
            .map_or_else(|| tr.t1("unit-comune", "code", c), |r| format!("{} ({})", r.current.name, r.current.sigla)),
    }
}

/// The link of a unit's profile page.
pub fn unit_href(u: &TerritoryUnit) -> String {
    match u {
        TerritoryUnit::Region(c) => format!("/territorio/regioni/{c}"),
        TerritoryUnit::Province(c) => format!("/territorio/province/{c}"),
        TerritoryUnit::Comune(c) => format!("/territorio/comuni/{c}"),
    }
}

/// What a form field shows for a unit key (`None` = national).
pub fn unit_input(t: &Territory, tr: &Tr, unit: Option<&str>) -> String {
    match unit.and_then(TerritoryUnit::parse) {
        None => tr.t("jurisdiction-national"),
        Some(u @ TerritoryUnit::Comune(_)) => {
            format!("Comune di {}", unit_label(t, tr, &u).split(" (").next().unwrap_or(""))
        }
        Some(u) => unit_label(t, tr, &u).split(" (").next().unwrap_or("").to_owned(),
    }
}

/// Jurisdiction in words, with links.
pub fn jurisdiction_links(t: &Territory, tr: &Tr, j: &Jurisdiction) -> Vec<(String, String)> {
    match j {
        Jurisdiction::National => vec![(tr.t("jurisdiction-national"), String::new())],
        Jurisdiction::Nowhere => vec![(tr.t("jurisdiction-none"), String::new())],
        Jurisdiction::Units(units) => units.iter().map(|u| (unit_label(t, tr, u), unit_href(u))).collect(),
    }
}

/// What a form field shows for a jurisdiction.
pub fn jurisdiction_input(t: &Territory, tr: &Tr, j: &Jurisdiction) -> String {
    match j {
        Jurisdiction::National => tr.t("jurisdiction-national"),
        Jurisdiction::Nowhere => String::new(),
        Jurisdiction::Units(units) => units
            .iter()
            .map(|u| match u {
                TerritoryUnit::Comune(c) => format!("comune:{c}"),
                other => unit_label(t, tr, other).split(" (").next().unwrap_or("").to_owned(),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Regions and provinces for a `<datalist>` (comuni are typed by name or code).
pub fn place_suggestions(t: &Territory) -> Vec<String> {
    let mut out: Vec<String> = t.regions.iter().map(|r| r.name.clone()).collect();
    out.extend(t.provinces.iter().map(|p| format!("Provincia di {}", p.name)));
    out
}

/// One link of the network's sub-navigation.
pub struct Tab {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub fn tabs(tr: &Tr, path: &str) -> Vec<Tab> {
    [("/rete/organizzazioni", "nav-orgs"), ("/rete/protocolli", "nav-protocols"), ("/rete/gruppi", "nav-groups")]
        .into_iter()
        .map(|(href, key)| Tab {
            href,
            label: tr.t(key),
            current: path.starts_with(href) || (href == "/rete/gruppi" && path.starts_with("/rete/riunioni")),
        })
        .collect()
}

/// A selectable option in a form.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn list<T: Copy + PartialEq>(
        all: &[T],
        code: impl Fn(T) -> &'static str,
        label: impl Fn(T) -> String,
        selected: &str,
    ) -> Vec<Choice> {
        all.iter()
            .map(|v| Choice { value: code(*v).into(), label: label(*v), selected: code(*v) == selected })
            .collect()
    }
}
