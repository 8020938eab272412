//! Queries to a Comune: during data control the secretariat asks the Comune about a value
//! (usually a data-control issue, see [`super::rules`]) through a secret link of the query's
//! own, and the Comune answers with a text and, optionally, the value it proposes for the
//! question. The secretariat then applies the proposed value as a correction (source
//! [`Source::Ricontatto`](super::clean::Source::Ricontatto)) or closes the query without change.
//!
//! This module parses what the two sides type ("parse, don't validate"); storage keeps the
//! queries, the web layer sends the e-mail and shows the pages.

use super::clean::MAX_TEXT;
use super::engine::FieldPath;
use std::str::FromStr;

/// How long a query's link works, from the day it is sent.
pub const LINK_DAYS: i64 = 30;

/// Where a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Sent, no answer yet.
    Open,
    /// The Comune answered (it may still edit its answer).
    Answered,
    /// Closed by the secretariat, with a correction or without change.
    Closed,
}

impl Status {
    pub const ALL: [Status; 3] = [Self::Open, Self::Answered, Self::Closed];

    /// The stored code (also the Fluent id suffix `census-query-status-<code>`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    #[must_use]
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// What is wrong with a typed query or answer (each a Fluent id `census-query-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the message is required")]
    MessageMissing,
    #[error("the question is not a valid path")]
    Path,
    #[error("the answer is required")]
    AnswerMissing,
    #[error("the text is too long")]
    TooLong,
    #[error("the proposed value is not a whole number")]
    NotInteger,
    #[error("the proposed value is not a number")]
    NotNumber,
    #[error("a note is required to close without change")]
    NoteMissing,
}

impl QueryError {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::MessageMissing => "message",
            Self::Path => "path",
            Self::AnswerMissing => "answer",
            Self::TooLong => "too-long",
            Self::NotInteger => "integer",
            Self::NotNumber => "number",
            Self::NoteMissing => "note",
        }
    }
}

/// A query as the secretariat typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuery {
    pub message: String,
    /// The question asked about, if any: the Comune may then propose a value for it.
    pub path: Option<FieldPath>,
}

impl NewQuery {
    /// Parses the query form; every problem at once.
    ///
    /// # Errors
    /// The list of problems (never empty).
    pub fn parse(message: &str, path: &str) -> Result<Self, Vec<QueryError>> {
        let mut errors = Vec::new();
        let message = message.trim();
        if message.is_empty() {
            errors.push(QueryError::MessageMissing);
        } else if message.chars().count() > MAX_TEXT {
            errors.push(QueryError::TooLong);
        }
        let path = match path.trim() {
            "" => None,
            p => FieldPath::from_str(p).map_err(|_| errors.push(QueryError::Path)).ok(),
        };
        if errors.is_empty() { Ok(Self { message: message.to_owned(), path }) } else { Err(errors) }
    }
}

/// The kind of value a proposed value must be, from the question's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Integer,
    Decimal,
    /// Anything else: checked by the secretariat when applying it.
    Text,
}

/// The Comune's answer, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub text: String,
    /// The value proposed for the query's question (`None`: none proposed).
    pub proposed: Option<String>,
}

impl Answer {
    /// Parses the answer form. `kind` is the kind of the query's question (`None` when the
    /// query names no question: a proposed value is then ignored, the form has no such field).
    ///
    /// # Errors
    /// The list of problems (never empty).
    pub fn parse(text: &str, proposed: &str, kind: Option<ValueKind>) -> Result<Self, Vec<QueryError>> {
        let mut errors = Vec::new();
        let text = text.trim();
        if text.is_empty() {
            errors.push(QueryError::AnswerMissing);
        }
        let proposed = proposed.trim();
        if text.chars().count() > MAX_TEXT || proposed.chars().count() > MAX_TEXT {
            errors.push(QueryError::TooLong);
        }
        let proposed = match kind {
            None => None,
            Some(_) if proposed.is_empty() => None,
            Some(ValueKind::Integer) => match parse_integer(proposed) {
                Some(n) => Some(n.to_string()),
                None => {
                    errors.push(QueryError::NotInteger);
                    None
                }
            },
            Some(ValueKind::Decimal) => {
                let normal = proposed.replace(',', ".");
                if is_decimal(&normal) {
                    Some(normal)
                } else {
                    errors.push(QueryError::NotNumber);
                    None
                }
            }
            Some(ValueKind::Text) => Some(proposed.to_owned()),
        };
        if errors.is_empty() { Ok(Self { text: text.to_owned(), proposed }) } else { Err(errors) }
    }
}

/// A whole number as a Comune may write it: `1200`, `-3`, or with Italian thousands
/// separators, `1.200` (but `1.5` is not a whole number).
fn parse_integer(s: &str) -> Option<i64> {
    let groups: Vec<&str> = s.split('.').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].trim_start_matches('-').len())
        && groups[1..].iter().all(|g| g.len() == 3);
    if groups.len() > 1 && !grouped {
        return None;
    }
    let digits = groups.concat();
    let body = digits.strip_prefix('-').unwrap_or(&digits);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `[-]digits[.digits]` or `[-].digits`, as the form engine takes a decimal.
fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac) && !body.ends_with('.')
}

/// A note of the secretariat closing a query without change.
///
/// # Errors
/// Missing or too long.
pub fn parse_close_note(note: &str) -> Result<String, QueryError> {
    let note = note.trim();
    if note.is_empty() {
        Err(QueryError::NoteMissing)
    } else if note.chars().count() > MAX_TEXT {
        Err(QueryError::TooLong)
    } else {
        Ok(note.to_owned())
    }
}

/// `text` cut to at most `max` characters, with an ellipsis when cut (for quoting an answer
/// in a correction's reason, which takes at most [`MAX_TEXT`]).
#[must_use]
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_needs_a_message_and_takes_an_optional_question() {
        let q = NewQuery::parse("  Potete verificare?  ", "insediamenti[0]/E3").unwrap();
        assert_eq!(q.message, "Potete verificare?");
        assert_eq!(q.path.unwrap().to_string(), "insediamenti[0]/E3");
        assert_eq!(NewQuery::parse("Domanda", " ").unwrap().path, None);
        assert_eq!(NewQuery::parse(" ", "a b [").unwrap_err(), [QueryError::MessageMissing, QueryError::Path]);
        assert_eq!(NewQuery::parse(&"x".repeat(MAX_TEXT + 1), "").unwrap_err(), [QueryError::TooLong]);
    }

    #[test]
    fn an_answer_needs_text_and_its_value_fits_the_question() {
        let a = Answer::parse(" Erano i residenti ", "1.200", Some(ValueKind::Integer)).unwrap();
        assert_eq!((a.text.as_str(), a.proposed.as_deref()), ("Erano i residenti", Some("1200")));
        assert_eq!(Answer::parse("Confermo", "", Some(ValueKind::Integer)).unwrap().proposed, None);
        assert_eq!(Answer::parse("Ok", "3,5", Some(ValueKind::Decimal)).unwrap().proposed.as_deref(), Some("3.5"));
        assert_eq!(Answer::parse("Ok", "Borgo", Some(ValueKind::Text)).unwrap().proposed.as_deref(), Some("Borgo"));
        assert_eq!(Answer::parse("Ok", "ignored", None).unwrap().proposed, None);
        assert_eq!(
            Answer::parse("  ", "tanti", Some(ValueKind::Integer)).unwrap_err(),
            [QueryError::AnswerMissing, QueryError::NotInteger]
        );
        assert_eq!(Answer::parse("Ok", "inf", Some(ValueKind::Decimal)).unwrap_err(), [QueryError::NotNumber]);
        assert_eq!(Answer::parse("Ok", "1.5", Some(ValueKind::Integer)).unwrap_err(), [QueryError::NotInteger]);
        assert_eq!(Answer::parse("Ok", "-12", Some(ValueKind::Integer)).unwrap().proposed.as_deref(), Some("-12"));
        assert_eq!(Answer::parse("Ok", "1e5", Some(ValueKind::Decimal)).unwrap_err(), [QueryError::NotNumber]);
        assert_eq!(Answer::parse("Ok", ".5", Some(ValueKind::Decimal)).unwrap().proposed.as_deref(), Some(".5"));
        assert_eq!(Answer::parse(&"x".repeat(MAX_TEXT + 1), "", None).unwrap_err(), [QueryError::TooLong]);
    }

    #[test]
    fn closing_without_change_needs_a_note() {
        assert_eq!(parse_close_note(" Confermato "), Ok("Confermato".to_owned()));
        assert_eq!(parse_close_note(""), Err(QueryError::NoteMissing));
    }

    #[test]
    fn statuses_round_trip_and_quotes_are_shortened() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code("x"), None);
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("àèìòù", 3).chars().count(), 3);
    }
}
