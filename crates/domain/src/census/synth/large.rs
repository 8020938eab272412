//! A synthetic questionnaire of any size, and valid answers for it: the workload of
//! `argine bench census` (submissions, form pages, exports), where the 2021 questionnaire
//! (about 30 questions) is too small to measure anything.
//!
//! The form, for `questions` = Q (at least [`MIN_QUESTIONS`]):
//!
//! * ten groups `g01`…`g10`, one page each, with the Q − 5 questions outside the repeat split
//!   as evenly as possible (the first groups take the remainder);
//! * in each group, question 1 (`gNN_q01`) is a required `select_one` of six choices that
//!   the others depend on; then, cycling: a required text, a required integer (0–100,000), an
//!   optional `select_multiple` of eight choices, an optional text shown only when question 1
//!   is not its sixth choice, an optional decimal (≥ 0), an optional date (not after today),
//!   an optional `select_one` shown only when question 1 is not its sixth choice, an optional
//!   integer, an optional code checked by `regex()`;
//! * a `calculate` per group (`gNN_tot`, the sum of the group's required integers);
//! * in `g10`, a repeat `r` of five questions (required text, required integer, optional
//!   `select_one`, `select_multiple` and date) with 0–4 instances per response;
//! * labels and constraint messages in Italian and English.
//!
//! So Q questions give a main export sheet of 2 + (Q − 5) + 10 columns (comune code and name,
//! the questions outside the repeat, the calculations) and a sheet `r` of 2 + 5:
//! [`questions_for_columns`] inverts that. Answers are deterministic for a seed and a response
//! number; optional questions are answered 85% of the time; what the form's rules hide is left
//! empty, so [`answers`] is exactly what the form engine keeps on submission (tested).

use super::rng::Rng;
use crate::census::answers::Answers;
use crate::census::xlsform::{self, Form, FormError};

/// Groups (pages) of the form.
pub const GROUPS: usize = 10;
/// Questions inside the repeat.
pub const REPEAT_QUESTIONS: usize = 5;
/// The smallest form: the repeat and one question per group.
pub const MIN_QUESTIONS: usize = GROUPS + REPEAT_QUESTIONS;
/// Columns of the main sheet besides the questions outside the repeat: comune code and
/// name, and one calculation per group.
const EXTRA_COLUMNS: usize = 2 + GROUPS;

const IT: &str = "Italiano (it)";

/// What one question is (its position in the cycle of its group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Q {
    Gate,
    Text,
    Count,
    Multi,
    Note,
    Decimal,
    Date,
    Choice,
    Number,
    Code,
}

impl Q {
    fn at(position: usize) -> Self {
        if position == 0 {
            return Self::Gate;
        }
        match (position - 1) % 9 {
            0 => Self::Text,
            1 => Self::Count,
            2 => Self::Multi,
            3 => Self::Note,
            4 => Self::Decimal,
            5 => Self::Date,
            6 => Self::Choice,
            7 => Self::Number,
            _ => Self::Code,
        }
    }

    /// Shown only when the group's first question is not its sixth choice.
    fn conditional(self) -> bool {
        matches!(self, Self::Note | Self::Choice)
    }

    fn required(self) -> bool {
        matches!(self, Self::Gate | Self::Text | Self::Count)
    }
}

/// How many questions each group has outside the repeat.
fn group_sizes(questions: usize) -> Vec<usize> {
    let outside = questions.max(MIN_QUESTIONS) - REPEAT_QUESTIONS;
    (0..GROUPS).map(|g| outside / GROUPS + usize::from(g < outside % GROUPS)).collect()
}

fn name(group: usize, position: usize) -> String {
    format!("g{:02}_q{:02}", group + 1, position + 1)
}

/// The number of questions whose form has a main export sheet of `columns` columns (at least
/// the smallest form's).
pub fn questions_for_columns(columns: usize) -> usize {
    (columns.saturating_sub(EXTRA_COLUMNS) + REPEAT_QUESTIONS).max(MIN_QUESTIONS)
}

/// The main sheet's columns for a form of `questions` questions.
pub fn columns_for_questions(questions: usize) -> usize {
    questions.max(MIN_QUESTIONS) - REPEAT_QUESTIONS + EXTRA_COLUMNS
}

/// The XLSForm workbook (survey, choices, settings) of the form with `questions` questions.
pub fn sheets(questions: usize) -> Vec<(String, Vec<Vec<String>>)> {
    let header = [
        "type",
        "name",
        "label::Italiano (it)",
        "label::English (en)",
        "required",
        "relevant",
        "constraint",
        "constraint_message::Italiano (it)",
        "constraint_message::English (en)",
        "calculation",
    ];
    let mut survey: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    let mut row = |cells: [&str; 10]| survey.push(cells.iter().map(|c| (*c).to_owned()).collect());
    let questions = questions.max(MIN_QUESTIONS);
    for (g, size) in group_sizes(questions).into_iter().enumerate() {
        let group = format!("g{:02}", g + 1);
        row([
            "begin_group",
            &group,
            &format!("Sezione {}", g + 1),
            &format!("Section {}", g + 1),
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
        let gate = name(g, 0);
        let shown = format!("${{{gate}}} != 'c6'");
        let mut sum = Vec::new();
        for p in 0..size {
            let n = name(g, p);
            let q = Q::at(p);
            let it = format!("Domanda {} della sezione {}", p + 1, g + 1);
            let en = format!("Question {} of section {}", p + 1, g + 1);
            let (ty, constraint, msg_it, msg_en) = match q {
                Q::Gate | Q::Choice => ("select_one l6", "", "", ""),
                Q::Text | Q::Note => ("text", "", "", ""),
                Q::Count => ("integer", ". >= 0 and . <= 100000", "Da 0 a 100.000", "From 0 to 100,000"),
                Q::Number => ("integer", "", "", ""),
                Q::Multi => ("select_multiple l8", "", "", ""),
                Q::Decimal => ("decimal", ". >= 0", "Non negativo", "Not negative"),
                Q::Date => ("date", ". <= today()", "Non nel futuro", "Not in the future"),
                Q::Code => {
                    ("text", "regex(., '^[A-Z]{2}[0-9]{3}$')", "Due lettere e tre cifre", "Two letters, three digits")
                }
            };
            if q == Q::Count {
                sum.push(format!("coalesce(${{{n}}}, 0)"));
            }
            let required = if q.required() { "yes" } else { "" };
            let relevant = if q.conditional() { shown.as_str() } else { "" };
            row([ty, &n, &it, &en, required, relevant, constraint, msg_it, msg_en, ""]);
        }
        if g + 1 == GROUPS {
            row(["begin_repeat", "r", "Strutture", "Structures", "", "", "", "", "", ""]);
            let cells: [(&str, &str, &str, &str, &str); REPEAT_QUESTIONS] = [
                ("text", "r_nome", "Nome", "Name", "yes"),
                ("integer", "r_posti", "Posti", "Places", "yes"),
                ("select_one l6", "r_tipo", "Tipo", "Type", ""),
                ("select_multiple l8", "r_servizi", "Servizi", "Services", ""),
                ("date", "r_dal", "Dal", "Since", ""),
            ];
            for (ty, n, it, en, required) in cells {
                let (constraint, msg_it, msg_en) =
                    if n == "r_posti" { (". >= 0", "Non negativo", "Not negative") } else { ("", "", "") };
                row([ty, n, it, en, required, "", constraint, msg_it, msg_en, ""]);
            }
            row(["end_repeat", "", "", "", "", "", "", "", "", ""]);
        }
        let total = if sum.is_empty() { "0".to_owned() } else { sum.join(" + ") };
        row(["calculate", &format!("{group}_tot"), "", "", "", "", "", "", "", &total]);
        row(["end_group", "", "", "", "", "", "", "", "", ""]);
    }
    let mut choices: Vec<Vec<String>> =
        vec![["list_name", "name", "label::Italiano (it)", "label::English (en)"].map(str::to_owned).to_vec()];
    for (list, n, it, en) in [("l6", 6, "Scelta", "Choice"), ("l8", 8, "Servizio", "Service")] {
        let prefix = if list == "l6" { "c" } else { "m" };
        for k in 1..=n {
            choices.push(vec![list.to_owned(), format!("{prefix}{k}"), format!("{it} {k}"), format!("{en} {k}")]);
        }
    }
    let settings = vec![
        ["form_id", "version", "form_title", "default_language"].map(str::to_owned).to_vec(),
        vec![
            format!("bench_{questions}"),
            "1".to_owned(),
            format!("Questionario sintetico di {questions} domande"),
            IT.to_owned(),
        ],
    ];
    vec![("survey".to_owned(), survey), ("choices".to_owned(), choices), ("settings".to_owned(), settings)]
}

/// The form with `questions` questions (parsed from [`sheets`], so it is what an upload of
/// that workbook gives).
///
/// # Errors
/// Never for this generator's sheets (the tests parse every size); the parser's problems
/// otherwise.
pub fn form(questions: usize) -> Result<Form, Vec<FormError>> {
    xlsform::parse(&sheets(questions))
}

const WORDS: &[&str] = &[
    "campo",
    "serra",
    "azienda",
    "raccolta",
    "pomodoro",
    "uva",
    "agrumi",
    "casolare",
    "tenda",
    "container",
    "masseria",
    "alloggio",
    "trasporto",
    "stagione",
    "contratto",
    "cooperativa",
    "mercato",
    "strada",
    "borgo",
    "pianura",
    "collina",
    "centro",
    "accoglienza",
    "lavoro",
    "servizio",
    "acqua",
    "luce",
    "bagno",
    "cucina",
];

fn words(rng: &mut Rng, lo: u32, hi: u32) -> String {
    let n = rng.range(lo, hi);
    let mut out = String::new();
    for k in 0..n {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS).copied().unwrap_or("campo"));
    }
    out
}

fn multi(rng: &mut Rng, prefix: char, n: usize) -> String {
    let mut picked: Vec<usize> = (1..=n).filter(|_| rng.chance(0.3)).collect();
    if picked.is_empty() {
        picked.push(1 + rng.below(n));
    }
    picked.iter().map(|k| format!("{prefix}{k}")).collect::<Vec<_>>().join(" ")
}

fn date(rng: &mut Rng) -> String {
    format!("2021-{:02}-{:02}", rng.range(1, 12), rng.range(1, 28))
}

/// Valid answers to the form with `questions` questions: response `n` of run `seed`.
pub fn answers(questions: usize, seed: u64, n: u64) -> Answers {
    let mut rng = Rng::stream(seed, "large", &n.to_string());
    let mut a = Answers::new();
    let questions = questions.max(MIN_QUESTIONS);
    for (g, size) in group_sizes(questions).into_iter().enumerate() {
        let gate = rng.range(1, 6);
        let mut total: u64 = 0;
        for p in 0..size {
            let q = Q::at(p);
            if q.conditional() && gate == 6 {
                continue;
            }
            if !q.required() && !rng.chance(0.85) {
                continue;
            }
            let value = match q {
                Q::Gate => format!("c{gate}"),
                Q::Text => words(&mut rng, 1, 4),
                Q::Note => words(&mut rng, 3, 12),
                Q::Count => {
                    let v = rng.range(0, 100_000);
                    total += u64::from(v);
                    v.to_string()
                }
                Q::Number => rng.range(0, 2_000).to_string(),
                Q::Multi => multi(&mut rng, 'm', 8),
                Q::Decimal => format!("{}.{}", rng.range(0, 999), rng.range(1, 9)),
                Q::Date => date(&mut rng),
                Q::Choice => format!("c{}", rng.range(1, 6)),
                Q::Code => {
                    let letter = |r: &mut Rng| char::from(b'A' + u8::try_from(r.range(0, 25)).unwrap_or(0));
                    format!("{}{}{:03}", letter(&mut rng), letter(&mut rng), rng.range(0, 999))
                }
            };
            a.set(&name(g, p), value);
        }
        a.set(&format!("g{:02}_tot", g + 1), total.to_string());
    }
    let instances = (0..rng.range(0, 4))
        .map(|_| {
            let mut i =
                Answers::new().with("r_nome", words(&mut rng, 1, 3)).with("r_posti", rng.range(0, 500).to_string());
            if rng.chance(0.85) {
                i.set("r_tipo", format!("c{}", rng.range(1, 6)));
            }
            if rng.chance(0.85) {
                i.set("r_servizi", multi(&mut rng, 'm', 8));
            }
            if rng.chance(0.85) {
                i.set("r_dal", date(&mut rng));
            }
            i
        })
        .collect();
    a.set_repeat("r", instances);
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::census::engine::Engine;
    use crate::census::export::{Values, Writer};

    #[test]
    fn every_size_parses_with_the_announced_questions_and_columns() {
        for q in [0, MIN_QUESTIONS, 16, 99, 250, questions_for_columns(510)] {
            let f = match form(q) {
                Ok(f) => f,
                Err(e) => panic!("{q} questions: {e:?}"),
            };
            let q = q.max(MIN_QUESTIONS);
            assert_eq!(f.question_count(), q);
            assert_eq!(f.pages().len(), GROUPS);
            let w = Writer::new(&f, Values::Codes);
            assert_eq!(w.sheets().len(), 2);
            assert_eq!(w.sheets()[0].header.len(), columns_for_questions(q));
            assert_eq!(w.sheets()[1].header.len(), 2 + REPEAT_QUESTIONS);
        }
        assert_eq!(questions_for_columns(510), 503);
        assert_eq!(columns_for_questions(503), 510);
        assert_eq!(columns_for_questions(250), 257);
    }

    #[test]
    fn answers_are_valid_and_final_as_the_engine_sees_them() {
        let today = time::macros::date!(2026 - 12 - 01);
        for q in [MIN_QUESTIONS, 250] {
            let Ok(f) = form(q) else { panic!("form") };
            let Ok(engine) = Engine::new(&f) else { panic!("engine") };
            for n in 0..40 {
                let a = answers(q, 7, n);
                let issues = engine.validate(&a, IT, today);
                assert!(issues.is_empty(), "{q} questions, response {n}: {issues:?}");
                assert_eq!(engine.finalize(&a, today), a, "{q} questions, response {n}");
            }
        }
        assert_eq!(answers(250, 1, 3), answers(250, 1, 3), "deterministic");
        assert_ne!(answers(250, 1, 3), answers(250, 1, 4));
    }
}
