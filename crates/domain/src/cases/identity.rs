//! A person's identity fields. They are kept together, serialised and encrypted with the
//! person's own data key (envelope encryption, [`crate::crypto::DataKey`]); the database
//! never holds them in plain text. Only the blind indexes derived from them ([`super::blind`])
//! are stored beside the ciphertext.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// Given and family names, birth date, telephone, documents. Every field is optional: a person
/// met in a field may give only a first name, or a name they go by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub given_names: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub family_name: String,
    /// The name the person goes by, when different.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub known_as: String,
    /// ISO date `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// `passport`, `id_card`, `permit`, `other`.
    pub kind: String,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
}

pub const DOCUMENT_KINDS: [&str; 4] = ["passport", "id_card", "permit", "other"];

/// What is wrong with an identity as typed (message ids `identity-problem-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Neither a name nor a name the person goes by.
    NoName,
    BirthDate,
    BirthDateFuture,
    Phone,
    DocumentKind,
    DocumentNumber,
    DocumentExpiry,
    TooLong,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Self::NoName => "no-name",
            Self::BirthDate => "birth-date",
            Self::BirthDateFuture => "birth-date-future",
            Self::Phone => "phone",
            Self::DocumentKind => "document-kind",
            Self::DocumentNumber => "document-number",
            Self::DocumentExpiry => "document-expiry",
            Self::TooLong => "too-long",
        }
    }
}

pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

impl Identity {
    /// Trims every field and lists what is wrong (`(field, problem)`), given today's date.
    pub fn normalise_and_check(&mut self, today: Date) -> Vec<(&'static str, Problem)> {
        let mut problems = Vec::new();
        for (name, v) in [
            ("given_names", &mut self.given_names),
            ("family_name", &mut self.family_name),
            ("known_as", &mut self.known_as),
            ("phone", &mut self.phone),
        ] {
            *v = v.split_whitespace().collect::<Vec<_>>().join(" ");
            if v.chars().count() > 200 {
                problems.push((name, Problem::TooLong));
            }
        }
        if self.given_names.is_empty() && self.family_name.is_empty() && self.known_as.is_empty() {
            problems.push(("given_names", Problem::NoName));
        }
        if let Some(d) = self.birth_date.as_mut() {
            *d = d.trim().to_owned();
        }
        if self.birth_date.as_deref() == Some("") {
            self.birth_date = None;
        }
        if let Some(d) = &self.birth_date {
            match parse_date(d) {
                None => problems.push(("birth_date", Problem::BirthDate)),
                Some(d) if d > today => problems.push(("birth_date", Problem::BirthDateFuture)),
                Some(_) => {}
            }
        }
        if !self.phone.is_empty() {
            let digits = self.phone.chars().filter(char::is_ascii_digit).count();
            let allowed = self
                .phone
                .chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || c == '.' || (c == '+' && i == 0));
            if !allowed || !(6..=15).contains(&digits) {
                problems.push(("phone", Problem::Phone));
            }
        }
        self.documents.retain(|d| !(d.number.trim().is_empty() && d.expiry.as_deref().unwrap_or("").is_empty()));
        for d in &mut self.documents {
            d.number = d.number.trim().to_owned();
            if !DOCUMENT_KINDS.contains(&d.kind.as_str()) {
                problems.push(("documents", Problem::DocumentKind));
            }
            if d.number.is_empty() || d.number.len() > 40 {
                problems.push(("documents", Problem::DocumentNumber));
            }
            if d.expiry.as_deref() == Some("") {
                d.expiry = None;
            }
            if d.expiry.as_deref().is_some_and(|e| parse_date(e).is_none()) {
                problems.push(("documents", Problem::DocumentExpiry));
            }
        }
        problems
    }

    /// The name to show: the full name, or the name the person goes by.
    pub fn display_name(&self) -> String {
        let full = format!("{} {}", self.given_names, self.family_name).trim().to_owned();
        if full.is_empty() { self.known_as.clone() } else { full }
    }

    /// Age in whole years on `today`, when the birth date is known.
    pub fn age_on(&self, today: Date) -> Option<u32> {
        let b = parse_date(self.birth_date.as_deref()?)?;
        let mut age = today.year() - b.year();
        if (today.month() as u8, today.day()) < (b.month() as u8, b.day()) {
            age -= 1;
        }
        u32::try_from(age).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn checks_what_is_typed() {
        let mut i = Identity {
            given_names: "  Amina ".into(),
            birth_date: Some("1999-02-30".into()),
            phone: "+39 333 12a".into(),
            documents: vec![Document { kind: "passport".into(), number: " X123 ".into(), expiry: Some("".into()) }],
            ..Identity::default()
        };
        let p = i.normalise_and_check(date!(2026 - 12 - 01));
        assert_eq!(i.given_names, "Amina");
        assert_eq!(i.documents[0].number, "X123");
        assert_eq!(i.documents[0].expiry, None);
        assert_eq!(p, vec![("birth_date", Problem::BirthDate), ("phone", Problem::Phone)]);

        let mut none = Identity { birth_date: Some("2030-01-01".into()), ..Identity::default() };
        let p = none.normalise_and_check(date!(2026 - 12 - 01));
        assert_eq!(p, vec![("given_names", Problem::NoName), ("birth_date", Problem::BirthDateFuture)]);
    }

    #[test]
    fn age_and_name() {
        let i = Identity { known_as: "Sisi".into(), birth_date: Some("2000-12-02".into()), ..Identity::default() };
        assert_eq!(i.age_on(date!(2026 - 12 - 01)), Some(25));
        assert_eq!(i.age_on(date!(2026 - 12 - 02)), Some(26));
        assert_eq!(i.display_name(), "Sisi");
    }
}
