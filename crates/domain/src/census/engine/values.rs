//! Checks and clean-up of answer values.

use crate::census::xlsform::Kind;
use time::Date;

/// Input questions: those a person types or picks an answer for.
pub(super) fn is_input(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Text
            | Kind::Integer
            | Kind::Decimal
            | Kind::Date
            | Kind::Time
            | Kind::DateTime
            | Kind::SelectOne { .. }
            | Kind::SelectMultiple { .. }
            | Kind::Acknowledge
            | Kind::Geopoint
    )
}

/// A strict decimal number `[-]digits[.digits]`, `[-]digits.` or `[-].digits`.
pub(super) fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    (!int.is_empty() || !frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A valid `integer` answer.
pub(super) fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && s.parse::<i32>().is_ok()
}

/// A valid `date` answer: exactly `YYYY-MM-DD`, a real calendar date.
pub(super) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let (Ok(y), Ok(m), Ok(d)) = (i32::try_from(y), u8::try_from(m), u8::try_from(d)) else { return false };
    time::Month::try_from(m).is_ok_and(|m| Date::from_calendar_date(y, m, d).is_ok())
}

/// A valid `geopoint` answer: `lat lon [alt [acc]]`.
pub(super) fn is_geopoint(s: &str) -> bool {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if !(2..=4).contains(&parts.len()) || !parts.iter().all(|p| is_decimal(p)) {
        return false;
    }
    let n: Vec<f64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    n.len() == parts.len()
        && n.iter().all(|x| x.is_finite())
        && (-90.0..=90.0).contains(&n[0])
        && (-180.0..=180.0).contains(&n[1])
        && n.get(3).is_none_or(|acc| *acc >= 0.0)
}

/// Replaces `${name}` in `text` by `lookup(name)` (left as written when it gives `None`).
pub(super) fn interpolate(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        out.push_str(&rest[..start]);
        match lookup(&after[..end]) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + 3 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Cleans a posted value: `\r\n` → `\n`, surrounding whitespace trimmed; a decimal written
/// with a decimal comma (`1,5`) gets a point; an acknowledge is `OK`; a `select_multiple`
/// joins its (repeated) values, without duplicates.
pub(super) fn normalize(kind: &Kind, values: &[&str]) -> String {
    match kind {
        Kind::SelectMultiple { .. } => {
            let mut names: Vec<&str> = Vec::new();
            for name in values.iter().flat_map(|v| v.split_whitespace()) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names.join(" ")
        }
        Kind::Acknowledge => {
            if values.iter().any(|v| !v.trim().is_empty()) {
                "OK".to_owned()
            } else {
                String::new()
            }
        }
        _ => {
            let value = values.last().copied().unwrap_or_default().replace("\r\n", "\n");
            let value = value.trim();
            if *kind == Kind::Decimal && value.matches(',').count() == 1 && !value.contains('.') {
                let dotted = value.replace(',', ".");
                if is_decimal(&dotted) {
                    return dotted;
                }
            }
            value.to_owned()
        }
    }
}
