//! Coding open answers: a codebook for each free-text "other" question of a campaign
//! ("Altro (specificare)"), suggestions of a code for each uncoded answer from the answers
//! already coded, and the assigned codes as variables of the clean data.
//!
//! - **Which questions.** A `text` question named `…_altro` (the convention of the census
//!   questionnaires) or `…_other` (what pyxform's `or_other` generates), at the top level or
//!   inside one repeat ([`questions`]).
//! - **Codes.** A short code (`VICESINDACO`: capital letters, digits and `_`, starting with a
//!   letter, at most [`MAX_CODE`] characters, [`CodeName`]) with an Italian label and an optional
//!   description. A code is retired, never deleted: answers coded with it keep it.
//! - **Answers** are compared in their normalised form ([`normalise`]: lower case, accents
//!   removed, every run of punctuation and spaces one space), and grouped by it ([`group`]), so
//!   "Vice-Sindaco" and "vice sindaco" are one answer, given by as many Comuni as gave either.
//! - **Suggestions** ([`Suggester`]): the codes are ranked for an answer by the similarity of its
//!   normalised text to the texts already coded with each code and to the code's label, as the
//!   Jaccard index of their sets of character trigrams (the text padded with a space at each
//!   end, so that word starts and ends count). A code with an answer coded on the very same
//!   normalised text comes first (score 1), ahead of codes that are only similar; ties go to
//!   the code with more such answers, then to the code in alphabetical order, so suggestions are
//!   deterministic. Codes scoring under [`MIN_SCORE`] are not suggested. Trigrams forgive typos,
//!   abbreviations and split or joined words ("vicesindaco" / "vice sindaco": 0.64), which are
//!   what distinguishes spelling variants of these short answers; a token TF-IDF would treat
//!   "vicesindaco" and "vice sindaco" as unrelated.
//! - **Variables.** A code is assigned to one answer (one question of one Comune's response, by
//!   its path, e.g. `strutture[0]/D1_altro`) together with the text it was coded on. In the clean
//!   answers, the code is the value of a new question `<question>_codice` next to the coded one
//!   ([`code_variable`], [`apply_codes`]) — as long as the clean text is still, normalised, the
//!   text that was coded: a correction that changes the answer leaves it uncoded again.

use super::answers::Answers;
use super::clean;
use super::engine::FieldPath;
use super::xlsform::{Form, Item, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use crate::territory::search::normalise;

/// The suffix of the variable holding a question's code: `A3_altro` → `A3_altro_codice`.
pub const CODE_SUFFIX: &str = "_codice";
/// The longest code (characters).
pub const MAX_CODE: usize = 32;
/// The longest label (characters).
pub const MAX_LABEL: usize = 200;
/// The longest description (characters).
pub const MAX_DESCRIPTION: usize = 2000;
/// The lowest score a suggested code has.
pub const MIN_SCORE: f64 = 0.3;

/// The name of the variable that holds the code of `question` in the clean answers.
#[must_use]
pub fn code_variable(question: &str) -> String {
    format!("{question}{CODE_SUFFIX}")
}

/// A free-text question whose answers are coded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question<'f> {
    pub item: &'f Item,
    /// The repeat the question is in (`None` at the top level).
    pub repeat: Option<&'f str>,
}

impl<'f> Question<'f> {
    #[must_use]
    pub fn name(&self) -> &'f str {
        &self.item.name
    }
}

/// Whether a question's answers are coded: a text question named `…_altro` or `…_other` (the
/// latter includes the `NAME_other` question that `or_other` generates).
#[must_use]
pub fn is_codable(item: &Item) -> bool {
    item.kind == Kind::Text && (item.name.ends_with("_altro") || item.name.ends_with("_other"))
}

/// The free-text "other" questions of a form, in sheet order (top level or inside one repeat;
/// nested repeats are not in the census questionnaires and are left out). A question is left
/// out when the form has a question named as its code variable ([`code_variable`]): the code
/// would overwrite that question's answers.
#[must_use]
pub fn questions(form: &Form) -> Vec<Question<'_>> {
    form.fields()
        .into_iter()
        .filter(|(_, item)| is_codable(item) && form.item(&code_variable(&item.name)).is_none())
        .filter_map(|(repeats, item)| match repeats.as_slice() {
            [] => Some(Question { item, repeat: None }),
            [r] => Some(Question { item, repeat: Some(*r) }),
            _ => None,
        })
        .collect()
}

/// The answers of `question` in one response: each path with its text (unanswered ones left out).
#[must_use]
pub fn answers_of<'a>(question: &Question<'_>, answers: &'a Answers) -> Vec<(FieldPath, &'a str)> {
    let name = question.name();
    match question.repeat {
        None => {
            let v = answers.value(name);
            if v.is_empty() { Vec::new() } else { vec![(FieldPath::top(name), v)] }
        }
        Some(r) => answers
            .repeat(r)
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.value(name).is_empty())
            .map(|(i, a)| (FieldPath::new(&[(r, i)], name), a.value(name)))
            .collect(),
    }
}

/// A code as typed: capital ASCII letters, digits and `_`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeName(String);

impl CodeName {
    /// Reads a code; lower case letters are raised, spaces and `-` become `_`.
    ///
    /// # Errors
    /// [`CodeError::Code`] when it is empty, too long, or has other characters.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let s: String =
            s.trim().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_uppercase() }).collect();
        let ok = s.chars().count() <= MAX_CODE
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if ok { Ok(Self(s)) } else { Err(CodeError::Code) }
    }

    /// A code made from a label: `Assessore ai servizi sociali` → `ASSESSORE_AI_SERVIZI_SOCIALI`
    /// (normalised, words joined by `_`, cut at a word boundary within [`MAX_CODE`]).
    #[must_use]
    pub fn from_label(label: &str) -> Option<Self> {
        let mut out = String::new();
        for word in normalise(label).split(' ').filter(|w| !w.is_empty()) {
            let word: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
            if word.is_empty() {
                continue;
            }
            let extra = usize::from(!out.is_empty()) + word.len();
            if out.len() + extra > MAX_CODE {
                if out.is_empty() {
                    out = word.chars().take(MAX_CODE).collect();
                }
                break;
            }
            if !out.is_empty() {
                out.push('_');
            }
            out.push_str(&word);
        }
        Self::parse(&out).ok()
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CodeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What is wrong with a typed code (each one a Fluent id `coding-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code must be capital letters, digits and _, starting with a letter")]
    Code,
    #[error("the label is required")]
    LabelMissing,
    #[error("the text is too long")]
    TooLong,
}

impl CodeError {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::LabelMissing => "label",
            Self::TooLong => "too-long",
        }
    }
}

/// A new code of a codebook, parsed from the form ("parse, don't validate").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub code: CodeName,
    pub label: String,
    pub description: String,
}

impl NewCode {
    /// Parses the add-code form; an empty code is made from the label. Every problem at once.
    ///
    /// # Errors
    /// The list of problems (never empty).
    pub fn parse(code: &str, label: &str, description: &str) -> Result<Self, Vec<CodeError>> {
        let mut errors = Vec::new();
        let (label, description) = (label.trim(), description.trim());
        if label.is_empty() {
            errors.push(CodeError::LabelMissing);
        }
        if label.chars().count() > MAX_LABEL || description.chars().count() > MAX_DESCRIPTION {
            errors.push(CodeError::TooLong);
        }
        let code = if code.trim().is_empty() && !label.is_empty() {
            CodeName::from_label(label).ok_or(CodeError::Code)
        } else {
            CodeName::parse(code)
        };
        let code = code.map_err(|e| errors.push(e)).ok();
        match code {
            Some(code) if errors.is_empty() => {
                Ok(Self { code, label: label.to_owned(), description: description.to_owned() })
            }
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Grouping and suggestions

/// The answers with the same normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The normalised text (the key of the group).
    pub normalised: String,
    /// The texts as typed, most frequent first, each with how many answers had it.
    pub variants: Vec<(String, usize)>,
    /// The indexes of the group's answers in the input.
    pub members: Vec<usize>,
    /// How many Comuni gave one of these answers (a Comune with two instances counts once).
    pub comuni: usize,
}

impl Group {
    /// The text shown for the group: its most frequent variant.
    #[must_use]
    pub fn display(&self) -> &str {
        self.variants.first().map_or("", |(t, _)| t.as_str())
    }
}

/// Groups answers, each `(comune, text)`, by normalised text: most Comuni first, then by text.
/// Answers with nothing left after normalisation ("-", "...") are left out.
#[must_use]
pub fn group<K: Ord>(answers: &[(K, &str)]) -> Vec<Group> {
    /// One group as it is gathered: spellings with their counts, members, Comuni.
    struct Gathering<'a, K> {
        variants: BTreeMap<&'a str, usize>,
        members: Vec<usize>,
        comuni: BTreeSet<&'a K>,
    }
    let mut by: BTreeMap<String, Gathering<'_, K>> = BTreeMap::new();
    for (i, (comune, text)) in answers.iter().enumerate() {
        let n = normalise(text);
        if n.is_empty() {
            continue;
        }
        let e = by.entry(n).or_insert_with(|| Gathering {
            variants: BTreeMap::new(),
            members: Vec::new(),
            comuni: BTreeSet::new(),
        });
        *e.variants.entry(text.trim()).or_default() += 1;
        e.members.push(i);
        e.comuni.insert(comune);
    }
    let mut out: Vec<Group> = by
        .into_iter()
        .map(|(normalised, Gathering { variants, members, comuni })| {
            let mut variants: Vec<(String, usize)> = variants.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
            variants.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Group { normalised, variants, members, comuni: comuni.len() }
        })
        .collect();
    out.sort_by(|a, b| b.comuni.cmp(&a.comuni).then_with(|| a.normalised.cmp(&b.normalised)));
    out
}

/// The character trigrams of a normalised text padded with a space at each end.
fn trigrams(normalised: &str) -> BTreeSet<[char; 3]> {
    let chars: Vec<char> = std::iter::once(' ').chain(normalised.chars()).chain(std::iter::once(' ')).collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// `|a ∩ b| / |a ∪ b|` (0 for two empty sets).
fn jaccard(a: &BTreeSet<[char; 3]>, b: &BTreeSet<[char; 3]>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "trigram counts of short answers are far below 2^52")]
    let j = inter as f64 / union as f64;
    j
}

/// A code of the codebook as the suggester needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRef<'a> {
    pub id: i64,
    pub code: &'a str,
    pub label: &'a str,
    /// Retired codes are never suggested.
    pub retired: bool,
}

/// A suggested code for an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub code_id: i64,
    /// 0 to 1: the best trigram similarity to the code's coded answers and label; 1 when an
    /// answer with the same normalised text has this code.
    pub score: f64,
    /// How many coded answers have the same normalised text and this code.
    pub exact: usize,
}

struct Entry {
    id: i64,
    code: String,
    label: BTreeSet<[char; 3]>,
    /// The normalised texts coded with this code, each with how many answers had it.
    examples: Vec<(String, usize, BTreeSet<[char; 3]>)>,
}

/// Ranks the codes of a codebook for an answer (see the module documentation). Built once per
/// question from the codebook and the answers already coded.
pub struct Suggester {
    entries: Vec<Entry>,
}

impl Suggester {
    /// `coded`: the answers already coded, each `(code id, text as coded)`; those whose code is
    /// not among `codes`, or is retired, are ignored.
    #[must_use]
    pub fn new(codes: &[CodeRef<'_>], coded: &[(i64, &str)]) -> Self {
        let mut counts: HashMap<i64, BTreeMap<String, usize>> = HashMap::new();
        for (code, text) in coded {
            let n = normalise(text);
            if !n.is_empty() {
                *counts.entry(*code).or_default().entry(n).or_default() += 1;
            }
        }
        let entries = codes
            .iter()
            .filter(|c| !c.retired)
            .map(|c| Entry {
                id: c.id,
                code: c.code.to_owned(),
                label: trigrams(&normalise(c.label)),
                examples: counts
                    .remove(&c.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(t, n)| {
                        let g = trigrams(&t);
                        (t, n, g)
                    })
                    .collect(),
            })
            .collect();
        Self { entries }
    }

    /// Every code scoring at least [`MIN_SCORE`] for `text`, best first.
    #[must_use]
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        let n = normalise(text);
        if n.is_empty() {
            return Vec::new();
        }
        let grams = trigrams(&n);
        let mut out: Vec<(Suggestion, &str)> = self
            .entries
            .iter()
            .filter_map(|e| {
                let exact: usize = e.examples.iter().filter(|(t, _, _)| *t == n).map(|(_, c, _)| c).sum();
                let score = if exact > 0 {
                    1.0
                } else {
                    e.examples.iter().map(|(_, _, g)| jaccard(&grams, g)).fold(jaccard(&grams, &e.label), f64::max)
                };
                (score >= MIN_SCORE).then_some((Suggestion { code_id: e.id, score, exact }, e.code.as_str()))
            })
            .collect();
        out.sort_by(|(a, ac), (b, bc)| {
            b.exact.cmp(&a.exact).then_with(|| b.score.total_cmp(&a.score)).then_with(|| ac.cmp(bc))
        });
        out.into_iter().map(|(s, _)| s).collect()
    }

    /// The best suggestion, if any.
    #[must_use]
    pub fn best(&self, text: &str) -> Option<Suggestion> {
        self.suggest(text).into_iter().next()
    }
}

// ---------------------------------------------------------------------------------------------
// Codes as variables

/// A code assigned to one answer, as [`apply_codes`] needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// The coded answer: `A3_altro`, `strutture[0]/D1_altro`.
    pub path: FieldPath,
    /// The text the code was assigned on.
    pub text: String,
    pub code: String,
}

/// Whether the answer at `path` is still, normalised, `coded_text` (a code holds while it is).
#[must_use]
pub fn still_applies(answers: &Answers, path: &FieldPath, coded_text: &str) -> bool {
    let now = normalise(clean::value_at(answers, path));
    !now.is_empty() && now == normalise(coded_text)
}

/// Sets `<question>_codice` next to each coded answer whose text still is the coded one
/// ([`still_applies`]); returns how many were set. Assignments to answers that are no longer
/// there, or have changed, are skipped.
pub fn apply_codes(answers: &mut Answers, list: &[Assigned]) -> usize {
    let mut n = 0;
    for a in list {
        if !still_applies(answers, &a.path, &a.text) {
            continue;
        }
        let target = FieldPath { repeats: a.path.repeats.clone(), name: code_variable(&a.path.name) };
        let c = clean::Correction { id: 0, path: target, new_value: a.code.clone(), withdrawn: false };
        if clean::set_at(answers, &c).is_ok() {
            n += 1;
        }
    }
    n
}

/// `form` with a text question `<question>_codice` right after each question of `coded`, so
/// that the exports have a column for the code (left out when the form already has a question
/// of that name in the same place).
#[must_use]
pub fn with_code_columns(form: &Form, coded: &[&str]) -> Form {
    fn walk(items: &mut Vec<Item>, coded: &[&str]) {
        let mut i = 0;
        while i < items.len() {
            walk(&mut items[i].children, coded);
            let item = &items[i];
            let name = code_variable(&item.name);
            if is_codable(item) && coded.contains(&item.name.as_str()) && !items.iter().any(|x| x.name == name) {
                let column = Item {
                    name,
                    kind: Kind::Text,
                    label: item.label.clone(),
                    row: item.row,
                    generated: true,
                    ..Item::default()
                };
                items.insert(i + 1, column);
                i += 1;
            }
            i += 1;
        }
    }
    let mut out = form.clone();
    walk(&mut out.items, coded);
    out
}

/// How many answers have each code, most used first (then by code); `codes` holds one code per
/// coded answer.
#[must_use]
pub fn frequencies<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for c in codes {
        *by.entry(c).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = by.into_iter().map(|(c, n)| (c.to_owned(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn codes() -> Vec<CodeRef<'static>> {
        vec![
            CodeRef { id: 1, code: "VICESINDACO", label: "Vicesindaco", retired: false },
            CodeRef { id: 2, code: "ASS_SOCIALI", label: "Assessore ai servizi sociali", retired: false },
            CodeRef { id: 3, code: "RESP_ANAGRAFE", label: "Responsabile ufficio anagrafe", retired: false },
            CodeRef { id: 4, code: "SEGRETARIO", label: "Segretario comunale", retired: true },
        ]
    }

    #[test]
    fn normalises_case_accents_and_punctuation() {
        assert_eq!(normalise("  Vice-Sindaco!! "), "vice sindaco");
        assert_eq!(normalise("Responsabile dell'Ufficio   Anagrafe"), "responsabile dell ufficio anagrafe");
        assert_eq!(normalise("Città, PIÙ"), "citta piu");
        assert_eq!(normalise("..."), "");
    }

    #[test]
    fn finds_the_free_text_other_questions() {
        let sheets = vec![
            (
                "survey".to_owned(),
                [
                    ["type", "name", "label"],
                    ["select_one r", "A3", "Ruolo"],
                    ["text", "A3_altro", "Altro (specificare)"],
                    ["text", "A2", "Nome"],
                    ["begin_repeat", "strutture", "Strutture"],
                    ["select_one r", "D1", "Tipo"],
                    ["text", "D1_altro", "Specificare"],
                    ["integer", "D3_altro", "Not text"],
                    ["end_repeat", "strutture", ""],
                    ["select_one r or_other", "B", "B"],
                ]
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
            ),
            (
                "choices".to_owned(),
                [["list_name", "name", "label"], ["r", "1", "Uno"]]
                    .iter()
                    .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                    .collect(),
            ),
        ];
        let form = crate::census::xlsform::parse(&sheets).unwrap();
        let q: Vec<(&str, Option<&str>)> = questions(&form).iter().map(|q| (q.name(), q.repeat)).collect();
        assert_eq!(q, [("A3_altro", None), ("D1_altro", Some("strutture")), ("B_other", None)]);
        let extended = with_code_columns(&form, &["D1_altro", "A2"]);
        let names: Vec<String> = extended.fields().iter().map(|(_, i)| i.name.clone()).collect();
        let at = names.iter().position(|n| n == "D1_altro").unwrap();
        assert_eq!(names[at + 1], "D1_altro_codice");
        assert!(!names.contains(&"A2_codice".to_owned()), "only free-text other questions");
        assert_eq!(extended.repeat_path("D1_altro_codice"), Some(vec!["strutture"]));
        assert_eq!(with_code_columns(&extended, &["D1_altro"]), extended, "never twice");
        let q: Vec<&str> = questions(&extended).iter().map(|q| q.name()).collect();
        assert_eq!(q, ["A3_altro", "B_other"], "a form's own `D1_altro_codice` is never overwritten");
    }

    #[test]
    fn codes_are_parsed_and_made_from_labels() {
        assert_eq!(CodeName::parse(" vice-sindaco ").unwrap().as_str(), "VICE_SINDACO");
        assert_eq!(CodeName::parse("1ABC"), Err(CodeError::Code));
        assert_eq!(CodeName::parse("ASSESSORE€"), Err(CodeError::Code));
        assert_eq!(CodeName::parse(&"A".repeat(MAX_CODE + 1)), Err(CodeError::Code));
        assert_eq!(
            CodeName::from_label("Assessore ai Servizi Sociali").unwrap().as_str(),
            "ASSESSORE_AI_SERVIZI_SOCIALI"
        );
        assert_eq!(
            CodeName::from_label("Responsabile dell'Ufficio Anagrafe e Stato Civile").unwrap().as_str(),
            "RESPONSABILE_DELL_UFFICIO"
        );
        assert_eq!(CodeName::from_label("Più"), Some(CodeName("PIU".into())));
        assert_eq!(CodeName::from_label("2021"), None, "a code starts with a letter");
        let ok = NewCode::parse("", " Vicesindaco ", "").unwrap();
        assert_eq!((ok.code.as_str(), ok.label.as_str()), ("VICESINDACO", "Vicesindaco"));
        assert_eq!(NewCode::parse("x y", "", "").unwrap_err(), [CodeError::LabelMissing]);
        assert_eq!(
            NewCode::parse("9", &"x".repeat(MAX_LABEL + 1), "").unwrap_err(),
            [CodeError::TooLong, CodeError::Code]
        );
    }

    #[test]
    fn groups_by_normalised_text_and_counts_comuni() {
        let answers = [
            (1, "Vice-Sindaco"),
            (2, "vice sindaco"),
            (2, "Vice sindaco"),
            (3, "Vice-Sindaco"),
            (4, "Ostello"),
            (5, "-"),
        ];
        let g = group(&answers);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].normalised, "vice sindaco");
        assert_eq!(g[0].comuni, 3);
        assert_eq!(g[0].members, [0, 1, 2, 3]);
        assert_eq!(g[0].display(), "Vice-Sindaco", "the most frequent variant");
        assert_eq!(g[1].normalised, "ostello");
    }

    #[test]
    fn suggests_from_coded_answers_and_labels() {
        let s = Suggester::new(&codes(), &[(1, "vice sindaco"), (2, "Ass. servizi sociali"), (4, "segretario")]);
        // Identical normalised text: that code, score 1.
        let best = s.best("Vice-Sindaco").unwrap();
        assert_eq!((best.code_id, best.exact), (1, 1));
        assert!((best.score - 1.0).abs() < f64::EPSILON);
        // A spelling variant: similar to the coded answer and the label, not identical.
        let best = s.best("vicesindco").unwrap();
        assert_eq!((best.code_id, best.exact), (1, 0));
        assert!(best.score > 0.5 && best.score < 1.0, "{}", best.score);
        let best = s.best("vice sindaco f.f.").unwrap();
        assert_eq!((best.code_id, best.exact), (1, 0));
        assert_eq!(s.best("assessore servizi sociali").unwrap().code_id, 2);
        // From the label alone (no answer coded with it yet).
        assert_eq!(s.best("resp. ufficio anagrafe").unwrap().code_id, 3);
        // Retired codes are not suggested, unrelated texts get nothing.
        assert!(s.suggest("segretario").iter().all(|x| x.code_id != 4));
        assert!(s.best("ostello della gioventu").is_none());
        assert!(s.best("...").is_none());
    }

    #[test]
    fn codes_become_variables_while_the_text_is_the_coded_one() {
        let mut a = Answers::new().with("A3_altro", "Vice Sindaco").with_repeat(
            "strutture",
            vec![Answers::new().with("D1_altro", "Ostello"), Answers::new().with("D1_altro", "Tendopoli")],
        );
        let list = vec![
            Assigned { path: FieldPath::top("A3_altro"), text: "vice-sindaco".into(), code: "VICESINDACO".into() },
            Assigned {
                path: FieldPath::new(&[("strutture", 1)], "D1_altro"),
                text: "Tendopoli".into(),
                code: "TENDOPOLI".into(),
            },
            // Changed since it was coded, and an instance that is not there.
            Assigned {
                path: FieldPath::new(&[("strutture", 0)], "D1_altro"),
                text: "Foresteria".into(),
                code: "FORESTERIA".into(),
            },
            Assigned { path: FieldPath::new(&[("strutture", 5)], "D1_altro"), text: "X".into(), code: "X".into() },
        ];
        assert_eq!(apply_codes(&mut a, &list), 2);
        assert_eq!(a.value("A3_altro_codice"), "VICESINDACO");
        assert_eq!(a.repeat("strutture")[1].value("D1_altro_codice"), "TENDOPOLI");
        assert_eq!(a.repeat("strutture")[0].value("D1_altro_codice"), "");
        assert_eq!(a.repeat("strutture").len(), 2);
    }

    #[test]
    fn frequencies_most_used_first() {
        let f = frequencies(["B", "A", "B", "C", "A", "B"]);
        assert_eq!(f, [("B".to_owned(), 3), ("A".to_owned(), 2), ("C".to_owned(), 1)]);
    }

    fn text() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "vicesindaco",
            "Vice Sindaco",
            "vice-sindaco",
            "Assessore servizi sociali",
            "assessore ai servizi sociali",
            "resp. ufficio anagrafe",
            "Responsabile Ufficio Anagrafe",
            "Segretario comunale",
            "Ostello",
            "Tendopoli attrezzata",
            "Foresteria",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        /// The same codebook and coded answers always give the same suggestions, whatever the
        /// order the coded answers come in.
        #[test]
        fn suggestions_are_deterministic(coded in prop::collection::vec((1i64..=4, text()), 0..12), q in text()) {
            let list: Vec<(i64, &str)> = coded.iter().map(|(c, t)| (*c, t.as_str())).collect();
            let mut rev = list.clone();
            rev.reverse();
            let a = Suggester::new(&codes(), &list).suggest(&q);
            let b = Suggester::new(&codes(), &rev).suggest(&q);
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a, Suggester::new(&codes(), &list).suggest(&q));
        }

        /// When every normalised text is coded with one code, an answer with the same
        /// normalised text as a coded one gets that code first, with score 1.
        #[test]
        fn an_identical_answer_gets_its_code_first(coded in prop::collection::vec((1i64..=3, text()), 1..12), pick in any::<prop::sample::Index>()) {
            let mut seen: HashMap<String, i64> = HashMap::new();
            let consistent: Vec<(i64, String)> = coded
                .into_iter()
                .map(|(c, t)| (*seen.entry(normalise(&t)).or_insert(c), t))
                .collect();
            let list: Vec<(i64, &str)> = consistent.iter().map(|(c, t)| (*c, t.as_str())).collect();
            let (code, t) = pick.get(&list);
            let best = Suggester::new(&codes(), &list).best(&t.to_uppercase()).unwrap();
            prop_assert_eq!(best.code_id, *code);
            prop_assert!((best.score - 1.0).abs() < f64::EPSILON);
        }
    }
}
