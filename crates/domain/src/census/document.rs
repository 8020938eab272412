//! A questionnaire as a printable document: the compilation guide sent with the invitation
//! (every question with its hint, type, choices, whether it is required or conditional) and
//! the receipt of a submitted response (the questions answered, with the answers as the
//! Comune saw them). The web layer turns a [`Document`] into JSON for the PDF template; no text
//! typed by people becomes markup.

use super::answers::Answers;
use super::xlsform::{Form, Item, Kind};
use serde::Serialize;

/// A printable questionnaire, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub title: String,
    pub sections: Vec<Section>,
}

/// One page of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Position of the page (1-based), as the response form numbers it.
    pub number: usize,
    pub title: String,
    pub entries: Vec<Entry>,
}

/// What a section shows, in form order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    /// A group inside a page: a sub-heading.
    Heading {
        text: String,
    },
    /// A note of the form (instructions).
    Note {
        text: String,
    },
    Question(Question),
    /// A repeat: in the guide its questions once; in a receipt one block per instance.
    Repeat {
        label: String,
        instances: Vec<Vec<Entry>>,
    },
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    /// The kind of answer, as a stable code for translation: `text`, `integer`, `decimal`,
    /// `date`, `time`, `datetime`, `select_one`, `select_multiple`, `acknowledge`, `geopoint`,
    /// `other`.
    pub kind: &'static str,
    /// `required` is set (an expression other than `false()`/`no`).
    pub required: bool,
    /// It is asked only in some cases (`relevant` is set, on it or a group around it).
    pub conditional: bool,
    /// The choices offered (labels), for a select.
    pub choices: Vec<String>,
    /// The answer as shown to the person: choice labels, `Altro: …` text; `None` in the guide.
    pub answer: Option<String>,
}

fn kind_code(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Text => "text",
        Kind::Integer => "integer",
        Kind::Decimal => "decimal",
        Kind::Date => "date",
        Kind::Time => "time",
        Kind::DateTime => "datetime",
        Kind::SelectOne { .. } => "select_one",
        Kind::SelectMultiple { .. } => "select_multiple",
        Kind::Acknowledge => "acknowledge",
        Kind::Geopoint => "geopoint",
        Kind::Other(_) => "other",
        Kind::Note | Kind::Calculate | Kind::Group | Kind::Repeat | Kind::Hidden | Kind::Meta(_) => return None,
    })
}

fn is_set(expr: Option<&str>) -> bool {
    expr.is_some_and(|e| {
        let e = e.trim();
        !e.is_empty() && !matches!(e, "no" | "false" | "false()" | "FALSE")
    })
}

/// Text of `${name}` references left as the name in guillemets: the guide has no answers to
/// put there, and a receipt's labels are shown as the questionnaire wrote them.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('«');
                out.push_str(&rest[start + 2..start + end]);
                out.push('»');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

struct Builder<'f> {
    form: &'f Form,
    lang: &'f str,
}

impl Builder<'_> {
    fn label(&self, item: &Item) -> String {
        self.form.label(item, self.lang).map(plain).unwrap_or_else(|| item.name.clone())
    }

    fn choices(&self, item: &Item) -> Vec<String> {
        let Some(list) = item.kind.list() else { return Vec::new() };
        self.form
            .choices
            .get(list)
            .map(|cs| {
                cs.iter().map(|c| self.form.text(&c.label, self.lang).map_or_else(|| c.name.clone(), plain)).collect()
            })
            .unwrap_or_default()
    }

    /// The answer to `item` as the person reads it; `None` when unanswered.
    fn answer_text(&self, item: &Item, answers: &Answers) -> Option<String> {
        let raw = answers.value(&item.name).trim();
        if raw.is_empty() {
            return None;
        }
        let label = |code: &str| {
            item.kind
                .list()
                .and_then(|list| self.form.choice_label(list, code, self.lang))
                .map_or_else(|| code.to_owned(), plain)
        };
        Some(match &item.kind {
            Kind::SelectOne { .. } => label(raw),
            Kind::SelectMultiple { .. } => raw.split_whitespace().map(label).collect::<Vec<_>>().join("; "),
            Kind::Acknowledge if raw == "OK" => "✓".to_owned(),
            _ => raw.to_owned(),
        })
    }

    /// Entries of `items`; with `answers`, only what was answered (a receipt).
    fn entries(&self, items: &[Item], answers: Option<&Answers>, conditional: bool, out: &mut Vec<Entry>) {
        for item in items {
            let conditional = conditional || is_set(item.relevant.as_deref());
            match &item.kind {
                Kind::Group => {
                    let mut inner = Vec::new();
                    self.entries(&item.children, answers, conditional, &mut inner);
                    if inner.is_empty() {
                        continue;
                    }
                    if self.form.label(item, self.lang).is_some() {
                        out.push(Entry::Heading { text: self.label(item) });
                    }
                    out.extend(inner);
                }
                Kind::Repeat => {
                    let instances = match answers {
                        None => {
                            let mut inner = Vec::new();
                            self.entries(&item.children, None, conditional, &mut inner);
                            vec![inner]
                        }
                        Some(a) => a
                            .repeat(&item.name)
                            .iter()
                            .map(|instance| {
                                let mut inner = Vec::new();
                                self.entries(&item.children, Some(instance), conditional, &mut inner);
                                inner
                            })
                            .filter(|inner| !inner.is_empty())
                            .collect(),
                    };
                    if answers.is_some() && instances.is_empty() {
                        continue;
                    }
                    out.push(Entry::Repeat { label: self.label(item), instances });
                }
                // Notes are instructions: in the guide only.
                Kind::Note => {
                    if let (None, true, Some(text)) = (answers, item.is_visible(), self.form.label(item, self.lang)) {
                        out.push(Entry::Note { text: plain(text) });
                    }
                }
                kind if item.is_visible() => {
                    let Some(code) = kind_code(kind) else { continue };
                    let answer = match answers {
                        None => None,
                        Some(a) => match self.answer_text(item, a) {
                            Some(text) => Some(text),
                            None => continue,
                        },
                    };
                    out.push(Entry::Question(Question {
                        name: item.name.clone(),
                        label: self.label(item),
                        hint: self.form.text(&item.hint, self.lang).map(plain),
                        kind: code,
                        required: is_set(item.required.as_deref()),
                        conditional,
                        choices: if answers.is_none() { self.choices(item) } else { Vec::new() },
                        answer,
                    }));
                }
                _ => {}
            }
        }
    }

    fn document(&self, answers: Option<&Answers>) -> Document {
        let mut sections = Vec::new();
        for (i, page) in self.form.pages().into_iter().enumerate() {
            let item = page.item();
            let mut entries = Vec::new();
            // A page is its group's children (the group's label is the page title), or one
            // question, or a repeat.
            match item.kind {
                Kind::Group => {
                    self.entries(&item.children, answers, is_set(item.relevant.as_deref()), &mut entries);
                }
                _ => self.entries(std::slice::from_ref(item), answers, false, &mut entries),
            }
            if entries.is_empty() && answers.is_some() {
                continue;
            }
            sections.push(Section { number: i + 1, title: self.label(item), entries });
        }
        Document { title: self.form.display_title("questionario"), sections }
    }
}

/// The compilation guide: every page and question of the form.
pub fn guide(form: &Form, lang: &str) -> Document {
    Builder { form, lang }.document(None)
}

/// The receipt of a response: the pages and questions that have an answer, with it.
pub fn receipt(form: &Form, answers: &Answers, lang: &str) -> Document {
    Builder { form, lang }.document(Some(answers))
}

/// How many questions a document lists (repeat instances counted each time).
pub fn question_count(doc: &Document) -> usize {
    fn count(entries: &[Entry]) -> usize {
        entries
            .iter()
            .map(|e| match e {
                Entry::Question(_) => 1,
                Entry::Repeat { instances, .. } => instances.iter().map(|i| count(i)).sum(),
                _ => 0,
            })
            .sum()
    }
    doc.sections.iter().map(|s| count(&s.entries)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::census::xlsform;

    fn sheet(name: &str, rows: &[&[&str]]) -> (String, Vec<Vec<String>>) {
        (name.to_owned(), rows.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect())
    }

    fn form() -> Form {
        let survey = sheet(
            "survey",
            &[
                &["type", "name", "label::Italiano (it)", "hint::Italiano (it)", "required", "relevant", "calculation"],
                &["begin_group", "a", "Sezione A", "", "", "", ""],
                &["note", "intro", "Compilare con cura", "", "", "", ""],
                &["integer", "n", "Quanti lavoratori?", "Stima", "yes", "", ""],
                &["select_multiple s", "s", "Settori per ${n}", "", "", "${n} > 0", ""],
                &["end_group", "", "", "", "", "", ""],
                &["begin_repeat", "ins", "Insediamento", "", "", "", ""],
                &["text", "nome", "Nome", "", "yes", "", ""],
                &["end_repeat", "", "", "", "", "", ""],
                &["calculate", "c", "", "", "", "", "1 + 1"],
            ],
        );
        let choices = sheet(
            "choices",
            &[
                &["list_name", "name", "label::Italiano (it)"],
                &["s", "agri", "Agricoltura"],
                &["s", "zoo", "Zootecnia"],
            ],
        );
        xlsform::parse(&[survey, choices]).expect("valid form")
    }

    #[test]
    fn guide_lists_every_question_with_its_choices() {
        let f = form();
        let g = guide(&f, "Italiano (it)");
        assert_eq!(g.sections.len(), 2);
        assert_eq!(g.sections[0].title, "Sezione A");
        assert_eq!(g.sections[0].entries[0], Entry::Note { text: "Compilare con cura".into() });
        let Entry::Question(n) = &g.sections[0].entries[1] else { panic!("{:?}", g.sections[0].entries) };
        assert_eq!(
            (n.label.as_str(), n.hint.as_deref(), n.kind, n.required),
            ("Quanti lavoratori?", Some("Stima"), "integer", true)
        );
        let Entry::Question(s) = &g.sections[0].entries[2] else { panic!() };
        assert_eq!(s.label, "Settori per «n»");
        assert!(s.conditional && !s.required);
        assert_eq!(s.choices, vec!["Agricoltura", "Zootecnia"]);
        let Entry::Repeat { label, instances } = &g.sections[1].entries[0] else { panic!() };
        assert_eq!((label.as_str(), instances.len(), instances[0].len()), ("Insediamento", 1, 1));
        // The calculate is on no page.
        assert_eq!(question_count(&g), 3);
    }

    #[test]
    fn receipt_shows_answers_as_labels_and_only_what_was_answered() {
        let f = form();
        let answers = Answers::new().with("n", "12").with("s", "zoo agri").with_repeat(
            "ins",
            vec![Answers::new().with("nome", "Borgo"), Answers::new(), Answers::new().with("nome", "Torretta")],
        );
        let r = receipt(&f, &answers, "Italiano (it)");
        let Entry::Question(s) = &r.sections[0].entries[1] else { panic!("{:?}", r.sections[0].entries) };
        assert_eq!(s.answer.as_deref(), Some("Zootecnia; Agricoltura"));
        // Notes are not repeated on a receipt; the empty repeat instance is left out.
        assert_eq!(r.sections[0].entries.len(), 2);
        let Entry::Repeat { instances, .. } = &r.sections[1].entries[0] else { panic!() };
        assert_eq!(instances.len(), 2);
        assert_eq!(question_count(&r), 4);
        // Nothing answered: no section at all.
        assert!(receipt(&f, &Answers::new(), "Italiano (it)").sections.is_empty());
    }

    #[test]
    fn plain_keeps_text_and_marks_references() {
        assert_eq!(plain("a ${b} c ${d"), "a «b» c ${d");
        assert_eq!(plain("niente"), "niente");
    }
}
