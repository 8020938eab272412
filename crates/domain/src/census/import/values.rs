//! Cells to answer values, as spreadsheets and survey tools write them: numbers with a decimal
//! comma or a spreadsheet's `12.0`, dates in three notations, choices by name or by label, yes/no
//! flags. A cell that cannot be read is left as written, so that the engine reports it exactly as
//! the web form would.

use std::collections::HashMap;

use crate::census::xlsform::{Choice, Form};
use crate::territory::search::normalise;

/// Undoes argine's formula neutralisation ([`crate::census::export::escape_cell`]): a leading
/// apostrophe before `= + - @`, a tab or a carriage return.
pub(super) fn unescape(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// A text answer as the web form stores it: unescaped, `\r\n` → `\n`, trimmed.
pub(super) fn text(s: &str) -> String {
    let s = unescape(s.trim());
    if s.contains('\r') { s.replace("\r\n", "\n").trim().to_owned() } else { s.trim().to_owned() }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An integer: `12`, `-3`, `+4`, or what a spreadsheet wrote for a whole number (`12.0`,
/// `12,00`). Three zeros after the separator (`1.000`) are a thousands separator in Italy, so
/// they are not read as a fraction.
pub(super) fn integer(s: &str) -> Option<String> {
    let s = s.strip_prefix('+').unwrap_or(s);
    let (sign, digits) = s.strip_prefix('-').map_or(("", s), |d| ("-", d));
    let (int, frac) = digits.split_once(['.', ',']).map_or((digits, None), |(i, f)| (i, Some(f)));
    if !all_digits(int) {
        return None;
    }
    if let Some(f) = frac
        && !(matches!(f.len(), 1 | 2) && f.bytes().all(|b| b == b'0'))
    {
        return None;
    }
    Some(format!("{sign}{int}"))
}

/// The engine's decimal syntax: `[-]digits[.digits]`, `[-]digits.` or `[-].digits`.
fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    (!int.is_empty() || !frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal with a point or a decimal comma (`3,5`, `1.234,5`), a leading `+` allowed.
pub(super) fn decimal(s: &str) -> Option<String> {
    let s = s.strip_prefix('+').unwrap_or(s);
    let dotted = match s.split_once(',') {
        Some((int, frac)) if !frac.contains([',', '.']) => {
            let (sign, body) = int.strip_prefix('-').map_or(("", int), |b| ("-", b));
            // Thousands with points before a decimal comma: 1.234.567,5.
            let groups: Vec<&str> = body.split('.').collect();
            let thousands = groups.len() > 1
                && (1..=3).contains(&groups[0].len())
                && groups.iter().all(|g| all_digits(g))
                && groups[1..].iter().all(|g| g.len() == 3);
            if body.contains('.') && !thousands {
                return None;
            }
            format!("{sign}{}.{frac}", groups.concat())
        }
        Some(_) => return None,
        None => s.to_owned(),
    };
    is_decimal(&dotted).then_some(dotted)
}

/// A date: ISO `YYYY-MM-DD` (also followed by a time, as spreadsheets and ODK write date-times),
/// `DD/MM/YYYY` (or with `-` or `.`, possibly followed by a time), or `YYYY/MM/DD`. Always a
/// real calendar date; the result is `YYYY-MM-DD`.
pub(super) fn date(s: &str) -> Option<String> {
    let day = s.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = day.split(['-', '/', '.']).collect();
    let [a, b, c] = parts[..] else { return None };
    if ![a, b, c].iter().all(|p| all_digits(p)) {
        return None;
    }
    let (y, m, d) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        (a, b, c)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        (c, b, a)
    } else {
        return None;
    };
    // The rest, if any, must look like a time.
    let rest = &s[day.len()..];
    if !rest.is_empty() && !rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else { return None };
    let month = time::Month::try_from(m).ok()?;
    let date = time::Date::from_calendar_date(y, month, d).ok()?;
    (1000..=9999).contains(&y).then(|| format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()))
}

/// A yes/no cell (an option column of a `select_multiple`, an acknowledge): `1`/`0`, `Y`/`N`,
/// `Sì`/`No`, `yes`/`no`, `true`/`false` (also `VERO`/`FALSO`), `X`, `OK`; empty is no.
pub(super) fn flag(s: &str) -> Option<bool> {
    match normalise(s).as_str() {
        "" | "0" | "0 0" | "n" | "no" | "false" | "falso" | "f" => Some(false),
        "1" | "1 0" | "y" | "yes" | "s" | "si" | "true" | "vero" | "x" | "ok" => Some(true),
        _ => None,
    }
}

/// A geopoint as the engine wants it, `lat lon [alt [acc]]`: decimal commas made points, and
/// `lat,lon` (comma separated, decimal points) split.
pub(super) fn geopoint(s: &str) -> String {
    let s = s.trim();
    let parts: Vec<&str> = if !s.contains(char::is_whitespace) && s.contains(',') && s.contains('.') {
        s.split(',').map(str::trim).collect()
    } else {
        s.split_whitespace().collect()
    };
    parts.iter().map(|p| decimal(p).unwrap_or_else(|| (*p).to_owned())).collect::<Vec<_>>().join(" ")
}

/// Most whitespace-separated words of a cell tried as a sequence of labels.
const MAX_LABEL_WORDS: usize = 400;

/// The choices of one list, found by name or by label in any of the form's languages.
#[derive(Debug)]
pub(super) struct Choices<'f> {
    names: Vec<&'f str>,
    exact: HashMap<&'f str, usize>,
    /// Normalised names and labels (names first, then labels by language, default first).
    folded: HashMap<String, usize>,
    /// The most words of a normalised label.
    max_words: usize,
}

impl<'f> Choices<'f> {
    pub(super) fn new(form: &'f Form, list: &'f [Choice]) -> Self {
        let mut c = Self { names: Vec::new(), exact: HashMap::new(), folded: HashMap::new(), max_words: 1 };
        for (i, choice) in list.iter().enumerate() {
            c.names.push(&choice.name);
            c.exact.entry(&choice.name).or_insert(i);
            let key = normalise(&choice.name);
            if !key.is_empty() {
                c.folded.entry(key).or_insert(i);
            }
        }
        let default = form.default_language_key();
        let mut languages: Vec<&str> = vec![default];
        for choice in list {
            languages.extend(choice.label.keys().map(String::as_str).filter(|l| *l != default));
        }
        let mut seen = std::collections::HashSet::new();
        languages.retain(|l| seen.insert(*l));
        for lang in languages {
            for (i, choice) in list.iter().enumerate() {
                if let Some(label) = choice.label.get(lang) {
                    let key = normalise(label);
                    if !key.is_empty() {
                        c.max_words = c.max_words.max(key.split(' ').count());
                        c.folded.entry(key).or_insert(i);
                    }
                }
            }
        }
        c
    }

    pub(super) fn name(&self, i: usize) -> &'f str {
        self.names.get(i).copied().unwrap_or_default()
    }

    /// The index of the choice with this exact name.
    pub(super) fn by_name(&self, name: &str) -> Option<usize> {
        self.exact.get(name).copied()
    }

    /// One choice: by exact name, by name written as a spreadsheet number (`1.0`), by name or
    /// label ignoring case, accents and punctuation.
    pub(super) fn one(&self, s: &str) -> Option<usize> {
        let s = s.trim();
        if let Some(&i) = self.exact.get(s) {
            return Some(i);
        }
        if let Some(whole) = s.strip_suffix(".0")
            && let Some(&i) = self.exact.get(whole)
        {
            return Some(i);
        }
        let key = normalise(s);
        if key.is_empty() { None } else { self.folded.get(&key).copied() }
    }

    /// Several choices: names separated by spaces (as stored), or names/labels separated by
    /// `;`, `,`, `|` or new lines, or labels separated by spaces (as KoboToolbox exports them
    /// "with labels"). `None` when some part is no choice.
    pub(super) fn many(&self, s: &str) -> Option<Vec<usize>> {
        let s = s.trim();
        if s.is_empty() {
            return Some(Vec::new());
        }
        let by_name: Option<Vec<usize>> = s.split_whitespace().map(|n| self.exact.get(n).copied()).collect();
        if by_name.is_some() {
            return by_name;
        }
        for sep in [';', '\n', '|', ','] {
            if s.contains(sep) {
                let parts: Option<Vec<usize>> =
                    s.split(sep).map(str::trim).filter(|p| !p.is_empty()).map(|p| self.one(p)).collect();
                if parts.is_some() {
                    return parts;
                }
            }
        }
        self.label_sequence(s)
    }

    /// Words split into consecutive labels (or names), shortest first at each step, by dynamic
    /// programming over word positions.
    fn label_sequence(&self, s: &str) -> Option<Vec<usize>> {
        let words: Vec<&str> = s.split_whitespace().collect();
        if words.len() > MAX_LABEL_WORDS {
            return None;
        }
        // reach[j] = (start of the last label, its choice) for a split of words[..j].
        let mut reach: Vec<Option<(usize, usize)>> = vec![None; words.len() + 1];
        let mut reachable = vec![false; words.len() + 1];
        reachable[0] = true;
        for i in 0..words.len() {
            if !reachable[i] {
                continue;
            }
            for j in i + 1..=words.len().min(i + self.max_words) {
                if !reachable[j]
                    && let Some(c) = self.one(&words[i..j].join(" "))
                {
                    reachable[j] = true;
                    reach[j] = Some((i, c));
                }
            }
        }
        let mut out = Vec::new();
        let mut j = words.len();
        while j > 0 {
            let (i, c) = reach[j]?;
            out.push(c);
            j = i;
        }
        out.reverse();
        Some(out)
    }

    /// Choice names in list order, without repetitions, separated by single spaces.
    pub(super) fn join(&self, mut chosen: Vec<usize>) -> String {
        chosen.sort_unstable();
        chosen.dedup();
        chosen.iter().map(|&i| self.name(i)).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_spreadsheets_write_them() {
        assert_eq!(integer("12").as_deref(), Some("12"));
        assert_eq!(integer("12.0").as_deref(), Some("12"));
        assert_eq!(integer("12,00").as_deref(), Some("12"));
        assert_eq!(integer("+7").as_deref(), Some("7"));
        assert_eq!(integer("-3").as_deref(), Some("-3"));
        assert_eq!(integer("1.000"), None, "a thousands separator, not a fraction");
        assert_eq!(integer("12.5"), None);
        assert_eq!(integer("dodici"), None);
        assert_eq!(integer(""), None);
        assert_eq!(integer("-"), None);
        assert_eq!(decimal("3,5").as_deref(), Some("3.5"));
        assert_eq!(decimal("3.5").as_deref(), Some("3.5"));
        assert_eq!(decimal("-0,25").as_deref(), Some("-0.25"));
        assert_eq!(decimal("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(decimal("12.34,5"), None);
        assert_eq!(decimal("1,2,3"), None);
        assert_eq!(decimal("tre"), None);
    }

    #[test]
    fn dates_in_three_notations() {
        assert_eq!(date("2021-10-15").as_deref(), Some("2021-10-15"));
        assert_eq!(date("2021-10-15 00:00:00").as_deref(), Some("2021-10-15"));
        assert_eq!(date("2021-10-15T10:20:00.000+02:00").as_deref(), Some("2021-10-15"));
        assert_eq!(date("15/10/2021").as_deref(), Some("2021-10-15"));
        assert_eq!(date("5/3/2021").as_deref(), Some("2021-03-05"));
        assert_eq!(date("15.10.2021").as_deref(), Some("2021-10-15"));
        assert_eq!(date("15-10-2021").as_deref(), Some("2021-10-15"));
        assert_eq!(date("2021/10/15").as_deref(), Some("2021-10-15"));
        assert_eq!(date("31/02/2021"), None, "not a calendar date");
        assert_eq!(date("15/10/21"), None, "two-digit years are ambiguous");
        assert_eq!(date("2021-10-15xyz"), None);
        assert_eq!(date("ieri"), None);
        assert_eq!(date("2021-1é-15"), None);
    }

    #[test]
    fn flags_and_escapes() {
        for yes in ["1", "Y", "Sì", "si", "yes", "TRUE", "VERO", "x", "1.0", "OK"] {
            assert_eq!(flag(yes), Some(true), "{yes}");
        }
        for no in ["", "0", "N", "No", "FALSE", "falso"] {
            assert_eq!(flag(no), Some(false), "{no}");
        }
        assert_eq!(flag("forse"), None);
        assert_eq!(unescape("'+39 0882"), "+39 0882");
        assert_eq!(unescape("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape("'ciao"), "'ciao");
        assert_eq!(text(" a\r\nb "), "a\nb");
        assert_eq!(geopoint("41,5 15,25 10 5"), "41.5 15.25 10 5");
        assert_eq!(geopoint("41.5,15.25"), "41.5 15.25");
    }
}
