//! Italian first, English complete: messages live in Fluent files under `locales/`.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "it",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static IT: LanguageIdentifier = langid!("it");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("it") => Some(Self::It),
            Some("en") => Some(Self::En),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::It => &IT,
            Self::En => &EN,
        }
    }

    /// Picks the language: explicit cookie first, then the best `Accept-Language` entry,
    /// then Italian.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        if let Some(l) = cookie.and_then(Self::from_code) {
            return l;
        }
        let Some(header) = accept_language else { return Self::It };
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if let Some(l) = Self::from_code(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map_or(Self::It, |(_, l)| l)
    }
}

/// Translator handed to templates: `{{ tr.t("nav-home") }}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    pub fn t(&self, id: &str) -> String {
        LOCALES.try_lookup(self.lang.id(), id).unwrap_or_else(|| {
            tracing::warn!(message_id = id, "missing translation");
            id.to_owned()
        })
    }

    /// Translates with one named argument.
    pub fn t1(&self, id: &str, name: &'static str, value: impl ToString) -> String {
        self.args(id, &[(name, value.to_string())])
    }

    /// Translates with named arguments. A plain whole number ("1", "38", not "071") is passed
    /// as a number, so that plural variants (`[one]`) are chosen by it; it prints the same.
    pub fn args(&self, id: &str, args: &[(&'static str, String)]) -> String {
        let value = |v: &String| {
            let plain = v.len() <= 15 && (v == "0" || (!v.starts_with('0') && v.bytes().all(|b| b.is_ascii_digit())));
            match v.parse::<i64>() {
                Ok(n) if plain && !v.is_empty() => FluentValue::from(n),
                _ => FluentValue::from(v.clone()),
            }
        };
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), value(v))).collect();
        LOCALES.try_lookup_with_args(self.lang.id(), id, &map).unwrap_or_else(|| id.to_owned())
    }

    pub fn lang(&self) -> &'static str {
        self.lang.code()
    }

    /// Formats a `YYYY-MM-DD` date the local way (`17/05/2024` in Italian); other text unchanged.
    pub fn date(&self, iso: &str) -> String {
        let b = iso.as_bytes();
        if self.lang == Lang::It && b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4])
        } else {
            iso.to_owned()
        }
    }

    /// Formats a Rome wall-clock time `YYYY-MM-DDTHH:MM` (as stored for meetings).
    pub fn local_time(&self, local: &str) -> String {
        match local.split_once('T') {
            Some((d, t)) => format!("{} {t}", self.date(d)),
            None => self.date(local),
        }
    }

    /// Formats a Unix time as local Italian time (CET/CEST approximated by the fixed rule).
    pub fn datetime(&self, unix: i64) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
        let t = t.to_offset(argine_domain::calendar::rome_offset(t));
        match self.lang {
            Lang::It => {
                format!("{:02}/{:02}/{} {:02}:{:02}", t.day(), u8::from(t.month()), t.year(), t.hour(), t.minute())
            }
            Lang::En => {
                format!("{}-{:02}-{:02} {:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(None, None), Lang::It);
        assert_eq!(Lang::negotiate(None, Some("en-GB,en;q=0.9,it;q=0.8")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("de-DE,it;q=0.5,en;q=0.7")), Lang::En);
        assert_eq!(Lang::negotiate(Some("it"), Some("en")), Lang::It);
        assert_eq!(Lang::negotiate(Some("xx"), Some("fr")), Lang::It);
    }

    #[test]
    fn lookups_in_both_languages() {
        assert_eq!(Tr::new(Lang::It).t("nav-home"), "Home");
        assert_eq!(Tr::new(Lang::En).t("login-title"), "Sign in");
        assert_eq!(Tr::new(Lang::It).t("login-title"), "Accedi");
    }

    #[test]
    fn counts_choose_the_plural_and_codes_stay_text() {
        let it = Tr::new(Lang::It);
        assert_eq!(
            it.t1("census-upload-problems", "count", 1),
            "È stato trovato un problema. Correggilo nel file e caricalo di nuovo."
        );
        assert!(it.t1("census-upload-problems", "count", 3).starts_with("Sono stati trovati 3 problemi"));
        assert!(it.t1("census-upload-problems", "count", 12345).contains(" 12345 "), "printed as written");
        assert_eq!(
            it.t1("settlement-import-comune", "arg", "071020"),
            "«071020» non è il codice ISTAT di un Comune in vigore"
        );
    }

    #[test]
    fn rome_time() {
        // 2026-01-15 12:00 UTC = 13:00 CET; 2026-07-15 12:00 UTC = 14:00 CEST
        assert_eq!(Tr::new(Lang::It).datetime(1_768_478_400), "15/01/2026 13:00");
        assert_eq!(Tr::new(Lang::En).datetime(1_784_116_800), "2026-07-15 14:00");
        assert_eq!(Tr::new(Lang::It).local_time("2026-12-01T09:30"), "01/12/2026 09:30");
        assert_eq!(Tr::new(Lang::En).date("2026-12-01"), "2026-12-01");
        assert_eq!(Tr::new(Lang::It).date("domani"), "domani");
    }

    /// Every message exists in both languages, with no key only in one of them.
    #[test]
    fn catalogues_are_complete() {
        /// Message ids of every `.ftl` file of a language, with the file each is in.
        fn ids(dir: &str) -> std::collections::BTreeSet<String> {
            let mut out = std::collections::BTreeSet::new();
            for f in std::fs::read_dir(dir).unwrap() {
                let path = f.unwrap().path();
                if path.extension().is_some_and(|e| e == "ftl") {
                    let file = path.file_name().unwrap().to_string_lossy().into_owned();
                    out.extend(
                        std::fs::read_to_string(&path)
                            .unwrap()
                            .lines()
                            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                            .filter_map(|l| l.split(" =").next().map(|s| format!("{file}: {}", s.trim()))),
                    );
                }
            }
            out
        }
        let dir = env!("CARGO_MANIFEST_DIR");
        let it = ids(&format!("{dir}/locales/it"));
        let en = ids(&format!("{dir}/locales/en"));
        assert!(it.iter().any(|k| k.starts_with("census.ftl: ")), "every catalogue file is read");
        assert!(it.len() > 50);
        let only_it: Vec<_> = it.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&it).collect();
        assert!(only_it.is_empty() && only_en.is_empty(), "only in it: {only_it:?}; only in en: {only_en:?}");
    }
}
