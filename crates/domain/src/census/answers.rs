//! The answers of one response to a questionnaire.
//!
//! Answers are text, as in XForms: numbers as written (`"12"`, `"3.5"`), dates `YYYY-MM-DD`,
//! a `select_multiple` as its choice names separated by single spaces, a geopoint as
//! `"lat lon [alt acc]"`. Groups do not nest data (names are unique outside repeats); a repeat
//! holds one [`Answers`] per instance. In JSON:
//! `{"A1": "Manfredonia", "insediamenti": [{"E1": "Borgo Mezzanone", "E3": "4000"}]}`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One response: values and repeats by question name. An unanswered question is absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

/// The answer to one question, or the instances of one repeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Value(String),
    Repeat(Vec<Answers>),
}

impl Answers {
    pub fn new() -> Self {
        Self::default()
    }

    /// The text answer to `name` ("" when unanswered or when `name` is a repeat).
    pub fn value(&self, name: &str) -> &str {
        match self.0.get(name) {
            Some(Answer::Value(v)) => v,
            _ => "",
        }
    }

    /// The instances of repeat `name` (empty when none).
    pub fn repeat(&self, name: &str) -> &[Answers] {
        match self.0.get(name) {
            Some(Answer::Repeat(r)) => r,
            _ => &[],
        }
    }

    /// Removes and returns the instances of repeat `name` (empty when none); put them back
    /// with [`Answers::set_repeat`].
    pub fn take_repeat(&mut self, name: &str) -> Vec<Answers> {
        match self.0.remove(name) {
            Some(Answer::Repeat(r)) => r,
            Some(v) => {
                self.0.insert(name.to_owned(), v);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Sets the instances of repeat `name` (no instances: the repeat is absent).
    pub fn set_repeat(&mut self, name: &str, instances: Vec<Answers>) {
        if instances.is_empty() {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_owned(), Answer::Repeat(instances));
        }
    }

    /// Sets (or, with an empty value, removes) a text answer.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_owned(), Answer::Value(value));
        }
    }

    /// Builder form of [`Answers::set`].
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// Builder: a repeat with these instances.
    #[must_use]
    pub fn with_repeat(mut self, name: &str, instances: Vec<Answers>) -> Self {
        self.0.insert(name.to_owned(), Answer::Repeat(instances));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_values_and_lists_of_instances() -> Result<(), serde_json::Error> {
        let a = Answers::new()
            .with("A1", "Manfredonia")
            .with("B2", "stab stag")
            .with_repeat("insediamenti", vec![Answers::new().with("E1", "Borgo Mezzanone").with("E3", "4000")]);
        let json = serde_json::to_string(&a)?;
        assert_eq!(
            json,
            r#"{"A1":"Manfredonia","B2":"stab stag","insediamenti":[{"E1":"Borgo Mezzanone","E3":"4000"}]}"#
        );
        let back: Answers = serde_json::from_str(&json)?;
        assert_eq!(back, a);
        assert_eq!(back.value("A1"), "Manfredonia");
        assert_eq!(back.value("insediamenti"), "");
        assert_eq!(back.repeat("insediamenti")[0].value("E3"), "4000");
        assert!(back.repeat("A1").is_empty());
        Ok(())
    }

    #[test]
    fn set_empty_removes_and_repeats_come_and_go() {
        let mut a = Answers::new().with("x", "1");
        a.set("x", "");
        assert!(a.is_empty());
        let mut r = a.take_repeat("r");
        r.push(Answers::new().with("y", "2"));
        a.set_repeat("r", r);
        assert_eq!(a.repeat("r").len(), 1);
        a.set("v", "text");
        assert!(a.take_repeat("v").is_empty());
        assert_eq!(a.value("v"), "text", "taking a repeat leaves a text answer alone");
        a.set_repeat("r", Vec::new());
        assert!(a.repeat("r").is_empty() && !a.0.contains_key("r"));
    }
}
