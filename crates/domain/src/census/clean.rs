//! Raw and clean: the corrections the secretariat makes over submitted responses.
//!
//! A submitted response is never changed (it is the *raw* data, what the Comune sent). Each
//! correction is a separate record — one question of one response, possibly inside a repeat
//! instance ([`FieldPath`], e.g. `insediamenti[1]/E3` for the second settlement's people), the
//! value it had, the new value, the reason and where the right value came from ([`Source`]).
//! A correction can be withdrawn (it stays in the history). The *clean* answers are the raw
//! answers with the active corrections applied in the order they were made ([`apply`]): the
//! latest active correction of a question wins, and withdrawing it restores the one before it,
//! or the raw value.

use super::answers::{Answer, Answers};
use super::engine::{Engine, FieldPath};
use std::str::FromStr;
use time::Date;

/// The longest value or reason a correction takes (characters).
pub const MAX_TEXT: usize = 2000;

/// Where the right value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// A phone call with the Comune (`telefonata`).
    Telefonata,
    /// A document (a resolution, a report, the Comune's own records) (`documento`).
    Documento,
    /// The Comune was asked again (`ricontatto`): a message, a PEC, a form.
    Ricontatto,
    /// Anything else (`altro`), explained in the reason.
    Altro,
}

impl Source {
    pub const ALL: [Source; 4] = [Self::Telefonata, Self::Documento, Self::Ricontatto, Self::Altro];

    /// The stored code (also the Fluent id suffix `census-clean-source-<code>`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Telefonata => "telefonata",
            Self::Documento => "documento",
            Self::Ricontatto => "ricontatto",
            Self::Altro => "altro",
        }
    }

    #[must_use]
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// One correction as [`apply`] needs it (storage keeps more: who, when, withdrawn by whom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Order of the corrections: a later one (higher id) wins over an earlier one.
    pub id: i64,
    pub path: FieldPath,
    /// The new value; empty removes the answer.
    pub new_value: String,
    /// Withdrawn corrections are kept in the history but not applied.
    pub withdrawn: bool,
}

/// Why a correction cannot be applied to some answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// The path goes through a repeat instance the answers do not have.
    #[error("correction {id}: the response has no instance {index} of `{repeat}`")]
    NoInstance { id: i64, repeat: String, index: usize },
    /// The path names a repeat, not a question (or goes through a question as if a repeat).
    #[error("correction {id}: `{path}` is not a question's answer")]
    NotAValue { id: i64, path: String },
}

/// The clean answers: `raw` with the active `corrections` applied in id order.
///
/// # Errors
/// A correction whose path does not exist in the answers ([`ApplyError`]); nothing is applied
/// then, so a caller never sees half-corrected answers.
pub fn apply(raw: &Answers, corrections: &[Correction]) -> Result<Answers, ApplyError> {
    let mut active: Vec<&Correction> = corrections.iter().filter(|c| !c.withdrawn).collect();
    active.sort_by_key(|c| c.id);
    let mut out = raw.clone();
    for c in active {
        set_at(&mut out, c)?;
    }
    Ok(out)
}

/// The clean answers of a response: [`apply`], then — when a correction is active and the
/// questionnaire's `engine` is given — the form's calculations again ([`Engine::compute`], as of
/// `today`, the day the response was submitted), so that totals follow the corrected values.
/// A response with no active correction is its raw answers exactly.
///
/// # Errors
/// As [`apply`].
pub fn clean_answers(
    raw: &Answers,
    corrections: &[Correction],
    engine: Option<&Engine<'_>>,
    today: Date,
) -> Result<Answers, ApplyError> {
    if corrections.iter().all(|c| c.withdrawn) {
        return Ok(raw.clone());
    }
    let applied = apply(raw, corrections)?;
    Ok(match engine {
        Some(e) => e.compute(&applied, today),
        None => applied,
    })
}

pub(crate) fn set_at(answers: &mut Answers, c: &Correction) -> Result<(), ApplyError> {
    let mut scope = answers;
    for (repeat, index) in &c.path.repeats {
        let instances = match scope.0.get_mut(repeat) {
            Some(Answer::Repeat(r)) => r,
            Some(Answer::Value(_)) => return Err(ApplyError::NotAValue { id: c.id, path: c.path.to_string() }),
            None => return Err(ApplyError::NoInstance { id: c.id, repeat: repeat.clone(), index: *index }),
        };
        scope = instances.get_mut(*index).ok_or_else(|| ApplyError::NoInstance {
            id: c.id,
            repeat: repeat.clone(),
            index: *index,
        })?;
    }
    if matches!(scope.0.get(&c.path.name), Some(Answer::Repeat(_))) {
        return Err(ApplyError::NotAValue { id: c.id, path: c.path.to_string() });
    }
    scope.set(&c.path.name, c.new_value.clone());
    Ok(())
}

/// The value at `path` in `answers` ("" when unanswered or when the path does not exist).
#[must_use]
pub fn value_at<'a>(answers: &'a Answers, path: &FieldPath) -> &'a str {
    let mut scope = answers;
    for (repeat, index) in &path.repeats {
        match scope.repeat(repeat).get(*index) {
            Some(a) => scope = a,
            None => return "",
        }
    }
    scope.value(&path.name)
}

/// A correction as typed by the secretariat, parsed ("parse, don't validate").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    pub path: FieldPath,
    pub new_value: String,
    pub reason: String,
    pub source: Source,
}

/// What is wrong with a typed correction (each one a Fluent id `census-clean-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    #[error("the question is not a valid path")]
    Path,
    #[error("the reason is required")]
    ReasonMissing,
    #[error("the text is too long")]
    TooLong,
    #[error("unknown source")]
    Source,
    #[error("the new value is the current value")]
    Unchanged,
}

impl CorrectionError {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::ReasonMissing => "reason",
            Self::TooLong => "too-long",
            Self::Source => "source",
            Self::Unchanged => "unchanged",
        }
    }
}

impl NewCorrection {
    /// Parses the fields of the correction form; every problem at once.
    ///
    /// # Errors
    /// The list of problems (empty list never returned).
    pub fn parse(path: &str, new_value: &str, reason: &str, source: &str) -> Result<Self, Vec<CorrectionError>> {
        let mut errors = Vec::new();
        let path = FieldPath::from_str(path.trim()).map_err(|_| errors.push(CorrectionError::Path)).ok();
        let reason = reason.trim();
        if reason.is_empty() {
            errors.push(CorrectionError::ReasonMissing);
        }
        if reason.chars().count() > MAX_TEXT || new_value.chars().count() > MAX_TEXT {
            errors.push(CorrectionError::TooLong);
        }
        let source = Source::from_code(source).ok_or(CorrectionError::Source).map_err(|e| errors.push(e)).ok();
        match (path, source) {
            (Some(path), Some(source)) if errors.is_empty() => {
                Ok(Self { path, new_value: new_value.trim().to_owned(), reason: reason.to_owned(), source })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> Answers {
        Answers::new().with("A1", "Manfredonia").with("n_insediamenti", "2").with_repeat(
            "insediamenti",
            vec![
                Answers::new().with("E1", "Borgo Mezzanone").with("E3", "4000"),
                Answers::new().with("E1", "Tre Titoli").with("E3", "300"),
            ],
        )
    }

    fn c(id: i64, path: &str, v: &str) -> Correction {
        Correction { id, path: path.parse().unwrap_or_default(), new_value: v.into(), withdrawn: false }
    }

    #[test]
    fn corrects_a_repeat_instance_and_leaves_the_raw_alone() {
        let raw = raw();
        let clean = apply(&raw, &[c(1, "insediamenti[1]/E3", "350")]).unwrap();
        assert_eq!(clean.repeat("insediamenti")[1].value("E3"), "350");
        assert_eq!(clean.repeat("insediamenti")[0].value("E3"), "4000");
        assert_eq!(raw.repeat("insediamenti")[1].value("E3"), "300", "raw unchanged");
        assert_eq!(value_at(&clean, &"insediamenti[1]/E3".parse().unwrap()), "350");
        assert_eq!(value_at(&clean, &"insediamenti[5]/E3".parse().unwrap()), "");
    }

    #[test]
    fn an_empty_value_removes_the_answer_and_a_new_one_adds_it() {
        let clean = apply(&raw(), &[c(1, "A1", ""), c(2, "insediamenti[0]/E5", "2008")]).unwrap();
        assert!(!clean.0.contains_key("A1"));
        assert_eq!(clean.repeat("insediamenti")[0].value("E5"), "2008");
    }

    #[test]
    fn the_latest_active_correction_wins_and_withdrawing_restores() {
        let mut list = vec![c(2, "insediamenti[0]/E3", "3500"), c(1, "insediamenti[0]/E3", "3000")];
        let clean = apply(&raw(), &list).unwrap();
        assert_eq!(clean.repeat("insediamenti")[0].value("E3"), "3500", "by id, not by slice order");
        list[0].withdrawn = true;
        let clean = apply(&raw(), &list).unwrap();
        assert_eq!(clean.repeat("insediamenti")[0].value("E3"), "3000", "the earlier one again");
        list[1].withdrawn = true;
        assert_eq!(apply(&raw(), &list).unwrap(), raw(), "all withdrawn: the raw answers");
    }

    #[test]
    fn paths_that_do_not_exist_are_refused_whole() {
        let err = apply(&raw(), &[c(1, "A1", "X"), c(2, "insediamenti[2]/E3", "1")]).unwrap_err();
        assert_eq!(err, ApplyError::NoInstance { id: 2, repeat: "insediamenti".into(), index: 2 });
        assert!(matches!(apply(&raw(), &[c(3, "insediamenti", "1")]), Err(ApplyError::NotAValue { id: 3, .. })));
        assert!(matches!(apply(&raw(), &[c(4, "A1[0]/x", "1")]), Err(ApplyError::NotAValue { id: 4, .. })));
        assert!(matches!(apply(&raw(), &[c(5, "strutture[0]/D3", "1")]), Err(ApplyError::NoInstance { .. })));
    }

    #[test]
    fn typed_corrections_are_parsed_with_every_problem() {
        let ok = NewCorrection::parse(" insediamenti[0]/E3 ", " 3500 ", " Telefonata col sindaco ", "telefonata");
        let ok = ok.unwrap();
        assert_eq!((ok.path.to_string().as_str(), ok.new_value.as_str()), ("insediamenti[0]/E3", "3500"));
        assert_eq!(ok.source, Source::Telefonata);
        let err = NewCorrection::parse("insediamenti[x]/E3", "1", "  ", "piccione").unwrap_err();
        assert_eq!(err, [CorrectionError::Path, CorrectionError::ReasonMissing, CorrectionError::Source]);
        let long = "x".repeat(MAX_TEXT + 1);
        assert_eq!(NewCorrection::parse("A1", &long, "r", "altro").unwrap_err(), [CorrectionError::TooLong]);
        for s in Source::ALL {
            assert_eq!(Source::from_code(s.code()), Some(s));
        }
    }
}
