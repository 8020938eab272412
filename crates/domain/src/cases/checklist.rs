//! Indicator checklists (the ILO forced-labour indicators, the art. 603-bis legal indices,
//! the ILO–EC Delphi dimensions), read from a TOML file so that a deployment can add or
//! change lists without a new release. Each answer carries its evidence and source; the
//! outcome and the operator's reasoning are the operator's, not a score.

use super::{EvidenceSource, Outcome};
use serde::{Deserialize, Serialize};

/// The checklists shipped with argine.
pub const DEFAULT_TOML: &str = include_str!("../../../../data/cases/checklists.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Checklist {
    pub code: String,
    pub version: u32,
    pub name_it: String,
    pub name_en: String,
    pub source: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Item {
    pub code: String,
    pub it: String,
    pub en: String,
}

impl Checklist {
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" { &self.name_en } else { &self.name_it }
    }
}

impl Item {
    pub fn label(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.it }
    }
}

#[derive(Debug, Deserialize)]
struct File {
    checklist: Vec<Checklist>,
}

/// Parses and checks a checklist file: codes unique, items present, codes made of
/// `[a-z0-9_]`.
pub fn parse(text: &str) -> Result<Vec<Checklist>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let ok = |c: &str| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
    let mut seen = Vec::new();
    for c in &file.checklist {
        if !ok(&c.code) || seen.contains(&c.code.as_str()) {
            return Err(format!("checklist code {:?} is invalid or repeated", c.code));
        }
        seen.push(&c.code);
        if c.items.is_empty() {
            return Err(format!("checklist {} has no items", c.code));
        }
        let mut items = Vec::new();
        for i in &c.items {
            if !ok(&i.code) || items.contains(&i.code.as_str()) {
                return Err(format!("item code {:?} of checklist {} is invalid or repeated", i.code, c.code));
            }
            items.push(&i.code);
        }
    }
    Ok(file.checklist)
}

/// Yes, no, not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Unknown,
}

impl Answer {
    pub fn code(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Unknown => "unknown",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "yes" => Some(Self::Yes),
            "no" => Some(Self::No),
            "unknown" | "" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// One item's answer. Stored encrypted with the person's data key (the evidence is the
/// person's story).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAnswer {
    pub item: String,
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EvidenceSource>,
}

/// The answers and conclusion of one assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub checklist: String,
    pub version: u32,
    pub answers: Vec<ItemAnswer>,
    pub outcome: Outcome,
    pub reasoning: String,
}

/// What is wrong with an assessment as submitted (message ids `assessment-problem-<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    UnknownItem(String),
    /// A "yes" without evidence.
    NoEvidence(String),
    /// An outcome without the reasoning behind it.
    NoReasoning,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownItem(_) => "unknown-item",
            Self::NoEvidence(_) => "no-evidence",
            Self::NoReasoning => "no-reasoning",
        }
    }
}

impl Assessment {
    /// Checks the answers against their checklist; items not answered count as not known.
    pub fn check(&mut self, list: &Checklist) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.reasoning = self.reasoning.trim().to_owned();
        for a in &mut self.answers {
            a.evidence = a.evidence.trim().to_owned();
            if !list.items.iter().any(|i| i.code == a.item) {
                problems.push(Problem::UnknownItem(a.item.clone()));
            } else if a.answer == Answer::Yes && a.evidence.is_empty() {
                problems.push(Problem::NoEvidence(a.item.clone()));
            }
        }
        if self.reasoning.is_empty() {
            problems.push(Problem::NoReasoning);
        }
        self.version = list.version;
        problems
    }

    /// How many items were answered "yes".
    pub fn present(&self) -> usize {
        self.answers.iter().filter(|a| a.answer == Answer::Yes).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_checklists() {
        let lists = parse(DEFAULT_TOML).unwrap();
        let n: Vec<(&str, usize)> = lists.iter().map(|c| (c.code.as_str(), c.items.len())).collect();
        assert_eq!(n, vec![("ilo_forced_labour", 11), ("art603bis", 7), ("delphi_labour", 6)]);
        assert_eq!(lists[0].items[6].label("en"), "Retention of identity documents");
    }

    #[test]
    fn bad_files_are_refused() {
        let dup = "[[checklist]]\ncode='a'\nversion=1\nname_it='x'\nname_en='x'\nsource='s'\nitems=[{code='b',it='b',en='b'},{code='b',it='c',en='c'}]";
        assert!(parse(dup).unwrap_err().contains("repeated"));
        assert!(parse("[[checklist]]\ncode='A b'\nversion=1\nname_it='x'\nname_en='x'\nsource='s'\nitems=[]").is_err());
        assert!(parse("nonsense").is_err());
    }

    #[test]
    fn a_yes_needs_evidence_and_the_outcome_reasoning() {
        let lists = parse(DEFAULT_TOML).unwrap();
        let mut a = Assessment {
            checklist: "ilo_forced_labour".into(),
            version: 0,
            answers: vec![
                ItemAnswer {
                    item: "retention_of_documents".into(),
                    answer: Answer::Yes,
                    evidence: " ".into(),
                    source: None,
                },
                ItemAnswer { item: "debt_bondage".into(), answer: Answer::No, evidence: String::new(), source: None },
                ItemAnswer { item: "nope".into(), answer: Answer::No, evidence: String::new(), source: None },
            ],
            outcome: Outcome::PresumedVictim,
            reasoning: "  ".into(),
        };
        let p = a.check(&lists[0]);
        assert_eq!(
            p,
            vec![
                Problem::NoEvidence("retention_of_documents".into()),
                Problem::UnknownItem("nope".into()),
                Problem::NoReasoning
            ]
        );
        assert_eq!(a.version, 1);
        assert_eq!(a.present(), 1);
    }
}
