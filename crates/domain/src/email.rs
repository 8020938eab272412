//! E-mail addresses, parsed once at the edge.

use std::fmt;

/// A syntactically plausible e-mail address, trimmed and with the domain lower-cased.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a string is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the e-mail address is empty")]
    Empty,
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
    #[error("the e-mail address must contain exactly one '@' with text on both sides")]
    Shape,
    #[error("the e-mail address contains spaces or control characters")]
    BadCharacter,
    #[error("the domain of the e-mail address must contain a dot")]
    Domain,
}

impl Email {
    /// Parses and normalises an address.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::BadCharacter);
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::Shape);
        };
        if local.is_empty() || domain.is_empty() {
            return Err(EmailError::Shape);
        }
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err(EmailError::Domain);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Addresses are personal data: `Debug` shows only the domain.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.split('@').nth(1).unwrap_or("");
        write!(f, "Email(***@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let e = Email::parse("  Mario.Rossi@Comune.Mantova.IT ").unwrap();
        assert_eq!(e.as_str(), "Mario.Rossi@comune.mantova.it");
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("a@b@c.it"), Err(EmailError::Shape));
        assert_eq!(Email::parse("@comune.it"), Err(EmailError::Shape));
        assert_eq!(Email::parse("mario@localhost"), Err(EmailError::Domain));
        assert_eq!(Email::parse("ma rio@c.it"), Err(EmailError::BadCharacter));
    }

    #[test]
    fn debug_hides_local_part() {
        let e = Email::parse("mario@c.it").unwrap();
        assert_eq!(format!("{e:?}"), "Email(***@c.it)");
    }
}
