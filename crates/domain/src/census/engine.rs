//! The form engine: given a questionnaire ([`Form`]) and the answers typed so far
//! ([`Answers`]), says what to show, what is required, what is wrong and what the computed
//! values are. The web form calls it on every page (and on every htmx round-trip for live
//! relevance and validation) and the server calls it on submit, so these rules have one
//! implementation.
//!
//! # Addressing
//!
//! A field inside repeat instances is named by a [`FieldPath`]: the enclosing repeats with the
//! 0-based index of the instance, outermost first, then the field name. It prints (and parses,
//! [`FieldPath::from_str`]) as `insediamenti[1]/E3`; the web layer uses that text as the HTML
//! field name, since `[`, `]`, `/` and `#` never occur in XLSForm names.
//!
//! # Expressions
//!
//! Every expression of the form is parsed once by [`Engine::new`] and evaluated with an
//! [`expr::Context`] over (form, answers, current instance path):
//!
//! * `${name}` of a field in the same repeat instance as the node being evaluated, or in an
//!   enclosing instance, or outside any repeat, is that single value (a string, `""` when
//!   unanswered). A field inside a repeat that the node is not in resolves to a node-set
//!   ([`Value::Nodes`](super::expr::Value::Nodes)), one value per instance (of every instance
//!   reachable from the deepest instance the two paths share). The name of a repeat resolves
//!   to one (empty) node per instance, so `count(${insediamenti})` counts instances.
//! * `.` is the value of the field being evaluated (`""` for groups and repeats).
//! * `position(..)` is the 1-based index of the innermost enclosing repeat instance.
//! * In a `choice_filter`, a bare name is a column of the choice being tested: `name` is the
//!   choice name, `label` its label in the form's default language, any other name the extra
//!   column of that header (`""` when the choice has none, as a missing XPath child).
//! * A non-relevant answer reads as `""` and a non-relevant repeat instance is left out of
//!   node-sets and counts, as if ODK had already removed them (it does on submission). So an
//!   answer left in a section that was closed afterwards (B1 changed to "No") cannot keep a
//!   later section open, and validation, calculations and [`Engine::prune`] agree. The answer
//!   itself stays in the draft until [`Engine::prune`] / [`Engine::finalize`]. Relevance is
//!   memoised per call; a relevance cycle counts as relevant, and beyond 48 nested relevance
//!   evaluations a reference reads the stored value (so no form can exhaust the stack).
//!
//! An expression that fails at run time (e.g. `regex()` with a pattern computed from an answer
//! that is not a valid regular expression) never stops the engine: a `relevant` counts as true,
//! `required` and `read_only` as false, a `constraint` as satisfied, a `choice_filter` as
//! keeping the choice, a `calculation` or dynamic `default` gives `""`, a `repeat_count` leaves
//! the instances alone. [`Engine::new`] refuses the errors that can be found in advance
//! (unparsable expressions, unknown `${…}` names, invalid literal regex patterns).
//!
//! # Rules
//!
//! * Relevance: an item is relevant if its own `relevant` is true and so are those of all its
//!   enclosing groups and repeats. A repeat's `relevant` is evaluated for each instance (with
//!   that instance's `position(..)`); for the repeat as a whole (e.g. whether the page offers to
//!   add an instance, whether `repeat_count` applies) it is evaluated in the enclosing scope.
//! * Only the questions a person can change get issues: input questions (text, numbers,
//!   dates and times, selects, acknowledge, geopoint) without a `calculation` and not
//!   `read_only`. Notes, calculates, hidden and metadata fields, and types argine does not
//!   model ([`Kind::Other`]) never have issues. `time` and `dateTime` values are not checked
//!   for their format (only `required`, length and `constraint`).
//! * `required`: `yes`/`true`/`true()` (any case) → required, `no`/`false`/`false()` → not,
//!   anything else is an expression. A required relevant question with an empty value is an
//!   [`IssueKind::Required`] issue.
//! * A non-empty value is checked in this order, and only the first problem is reported:
//!   length ([`MAX_TEXT_LEN`] characters, [`IssueKind::TooLong`]), type, then `constraint`
//!   (with `.` = the value). Empty values are never constraint errors (ODK applies constraints
//!   to answered questions only).
//! * `calculation`s (of `calculate` rows and of questions that have one, which are then read
//!   only) are evaluated by [`Engine::compute`] in sheet order, repeated until nothing changes
//!   (at most [`MAX_PASSES`] passes, so a cycle just stops), stored with XPath `string()`.
//! * `default`: applied when the container of a field is created — the response by
//!   [`Engine::initial`], a repeat instance when `compute`/`apply_post` add one — never later,
//!   so a person who clears a default does not get it back. A default is a literal unless it
//!   looks like an expression as pyxform decides (it contains `${`, `(`, `+`, `*`, `/` or
//!   ` div `).
//! * `repeat_count`: when a relevant repeat has one, it fixes the number of instances: `n` is
//!   `number()` of the result, truncated, negative or NaN counting as 0, at most
//!   [`MAX_INSTANCES`]. [`Engine::page`] shows exactly `n` instances; [`Engine::compute`] and
//!   [`Engine::apply_post`] add empty instances (with their defaults) or drop the last ones.
//!   A stored instance list of another length is not an issue for [`Engine::validate`]. A
//!   repeat without `repeat_count` has the instances the web layer creates
//!   ([`FieldPath::count_field`]).

mod state;
#[cfg(test)]
mod tests;
mod values;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use time::Date;

use super::answers::{Answer, Answers};
use super::expr::{self, EvalError, Expr, Func, MapContext, ParseError};
use super::xlsform::{Form, Item, Kind};
use state::{Plan, State};
use values::normalize;

/// Longest accepted answer, in characters; a longer one is an [`IssueKind::TooLong`] issue.
pub const MAX_TEXT_LEN: usize = 10_000;

/// Most instances a repeat can have (a larger `repeat_count` or posted count is clamped).
pub const MAX_INSTANCES: usize = 500;

/// Most passes [`Engine::compute`] makes to reach a fixed point of the calculations.
pub const MAX_PASSES: usize = 10;

/// The answers of an instance that does not exist (yet).
static EMPTY: Answers = Answers(BTreeMap::new());

/// Where a field is: the enclosing repeats with their 0-based instance index (outermost first)
/// and the field name. For a repeat or group item, `name` is the repeat's or group's name and
/// `repeats` the instances it is in.
///
/// Displays as `insediamenti[1]/E3` (the second instance's `E3`); [`FieldPath::from_str`]
/// reads that form back. It is also the HTML field name the web layer uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FieldPath {
    /// Enclosing repeats: name and 0-based instance index, outermost first.
    pub repeats: Vec<(String, usize)>,
    /// The field (or group/repeat) name.
    pub name: String,
}

impl FieldPath {
    /// A top-level field (not inside a repeat).
    #[must_use]
    pub fn top(name: &str) -> Self {
        Self { repeats: Vec::new(), name: name.to_owned() }
    }

    /// A field inside the given repeat instances.
    #[must_use]
    pub fn new(repeats: &[(&str, usize)], name: &str) -> Self {
        Self { repeats: repeats.iter().map(|(r, i)| ((*r).to_owned(), *i)).collect(), name: name.to_owned() }
    }

    /// For the path of a repeat (`name` = the repeat): the HTML field name, `PATH#count`, whose
    /// value [`Engine::apply_post`] takes as the number of instances of a repeat without
    /// `repeat_count` (e.g. `insediamenti#count` = `3` adds a third instance, `1` drops all
    /// but the first).
    #[must_use]
    pub fn count_field(&self) -> String {
        format!("{self}#count")
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (repeat, index) in &self.repeats {
            write!(f, "{repeat}[{index}]/")?;
        }
        f.write_str(&self.name)
    }
}

/// The text is not a [`FieldPath`] as [`FieldPath`]'s `Display` writes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a field path: `{0}`")]
pub struct FieldPathError(pub String);

/// Whether `s` can be a name in a path (non-empty, none of the path's separators).
fn is_path_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(['[', ']', '/', '#']) && !s.chars().any(char::is_whitespace)
}

impl FromStr for FieldPath {
    type Err = FieldPathError;

    /// Reads `name` or `rep[0]/…/name` (indexes in decimal digits, no sign, no leading zero).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || FieldPathError(s.chars().take(200).collect());
        let mut parts: Vec<&str> = s.split('/').collect();
        let name = parts.pop().filter(|n| is_path_name(n)).ok_or_else(err)?;
        let mut repeats = Vec::with_capacity(parts.len());
        for part in parts {
            let (repeat, rest) = part.split_once('[').ok_or_else(err)?;
            let digits = rest.strip_suffix(']').ok_or_else(err)?;
            let canonical = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            if !is_path_name(repeat) || !canonical {
                return Err(err());
            }
            repeats.push((repeat.to_owned(), digits.parse().map_err(|_| err())?));
        }
        Ok(Self { repeats, name: name.to_owned() })
    }
}

/// What is wrong with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// A required relevant question is unanswered.
    Required,
    /// The `constraint` is false for the answer.
    Constraint,
    /// An `integer` answer is not `[-]digits` within the 32-bit range (JavaRosa's `int`).
    InvalidInteger,
    /// A `decimal` answer is not `[-]digits[.digits]` (or `.digits`).
    InvalidDecimal,
    /// A `date` answer is not a valid `YYYY-MM-DD` date.
    InvalidDate,
    /// A select answer names a choice that is not in the list, or that the `choice_filter`
    /// does not offer.
    UnknownChoice,
    /// A `geopoint` answer is not `lat lon [alt [acc]]` with lat in [-90, 90], lon in
    /// [-180, 180] and a non-negative accuracy.
    InvalidGeopoint,
    /// The answer is longer than [`MAX_TEXT_LEN`] characters.
    TooLong,
}

impl IssueKind {
    /// A stable identifier, e.g. for the translation key of the UI's default message.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Constraint => "constraint",
            Self::InvalidInteger => "invalid-integer",
            Self::InvalidDecimal => "invalid-decimal",
            Self::InvalidDate => "invalid-date",
            Self::UnknownChoice => "unknown-choice",
            Self::InvalidGeopoint => "invalid-geopoint",
            Self::TooLong => "too-long",
        }
    }
}

/// One problem of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The field.
    pub path: FieldPath,
    /// What is wrong.
    pub kind: IssueKind,
    /// The form's `required_message` (for [`IssueKind::Required`]) or `constraint_message`
    /// (for [`IssueKind::Constraint`]) in the requested language, with `${…}` replaced by
    /// values; empty when the form has none in that language (or for other kinds), so that the
    /// UI uses its own translated default.
    pub message: String,
}

/// Why [`Engine::new`] refused a form.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("row {row} (`{item}`), column {column}: {problem}")]
pub struct EngineError {
    /// The name of the item (empty for the settings' `instance_name`).
    pub item: String,
    /// Its spreadsheet row (0 for the settings).
    pub row: usize,
    /// The column holding the expression (`relevant`, `constraint`, …).
    pub column: &'static str,
    /// What is wrong with it.
    pub problem: ExprProblem,
}

/// What is wrong with an expression of the form.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExprProblem {
    /// It does not parse.
    #[error("{0}")]
    Parse(ParseError),
    /// It references `${name}` and the form has no such item.
    #[error("unknown field `${{{0}}}`")]
    UnknownName(String),
    /// It uses a bare name (a choice column) outside a `choice_filter`.
    #[error("`{0}` is not a reference: write ${{{0}}}")]
    Column(String),
    /// A literal `regex()` pattern is not a valid regular expression.
    #[error("{0}")]
    Eval(EvalError),
}

/// `required`/`read_only`: a constant or an expression.
#[derive(Debug, Clone)]
enum Flag {
    Yes,
    No,
    Expr(Expr),
}

/// A `default`: a literal value or an expression.
#[derive(Debug, Clone)]
enum DefaultValue {
    Literal(String),
    Expr(Expr),
}

/// One item of the form with its parsed expressions.
#[derive(Debug)]
struct Node<'f> {
    item: &'f Item,
    parent: Option<usize>,
    children: Vec<usize>,
    /// Enclosing repeats (node ids), outermost first; a repeat is not in its own list.
    repeats: Vec<usize>,
    relevant: Option<Expr>,
    required: Flag,
    read_only: Flag,
    constraint: Option<Expr>,
    calculation: Option<Expr>,
    default: Option<DefaultValue>,
    choice_filter: Option<Expr>,
    repeat_count: Option<Expr>,
}

/// An instance path: (repeat node id, 0-based instance index), outermost first.
type At = [(usize, usize)];

/// The rendering state of one page ([`Engine::page`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    /// Index of the page in [`Form::pages`].
    pub index: usize,
    /// The top-level item the page is made of (its view is the only element of `items`).
    pub items: Vec<ItemView>,
}

impl PageView {
    /// Every issue of the page's items (empty unless the page was built with `check`).
    #[must_use]
    pub fn issues(&self) -> Vec<&Issue> {
        fn walk<'a>(items: &'a [ItemView], out: &mut Vec<&'a Issue>) {
            for item in items {
                out.extend(&item.errors);
                walk(&item.children, out);
                for instance in &item.instances {
                    walk(&instance.items, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }
}

/// The rendering state of one item: a question, note, group or repeat. Rows that are never
/// shown (calculate, hidden, metadata, calculated questions without label or hint) are left
/// out of the view.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemView {
    /// Where the item is; `path.to_string()` is the HTML field name of a question.
    pub path: FieldPath,
    /// The item's type.
    pub kind: Kind,
    /// Relevant, its enclosing groups and repeats included.
    pub visible: bool,
    /// `required` evaluated (false for notes, groups, repeats and read-only questions).
    pub required: bool,
    /// The person cannot change the value: a note, a question with a `calculation` or a true
    /// `read_only`.
    pub read_only: bool,
    /// The current answer (`""` when unanswered; choice names separated by spaces for a
    /// `select_multiple`).
    pub value: String,
    /// Label in the requested language (with fallbacks), `${…}` replaced by values.
    pub label: Option<String>,
    /// Hint, as the label.
    pub hint: Option<String>,
    /// The `appearance` column.
    pub appearance: Option<String>,
    /// For a select: the choices to offer, after the `choice_filter`.
    pub choices: Vec<ChoiceView>,
    /// The item's issues, when the page was asked with `check` and the item is visible.
    pub errors: Vec<Issue>,
    /// For a group: its items.
    pub children: Vec<ItemView>,
    /// For a repeat: one block per instance.
    pub instances: Vec<InstanceView>,
    /// For a repeat: `repeat_count` fixes the number of instances (no add/remove buttons).
    pub fixed_count: bool,
}

/// One instance of a repeat in a [`PageView`].
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceView {
    /// 0-based index (as in [`FieldPath`]).
    pub index: usize,
    /// 1-based position (as `position(..)` and for display).
    pub position: usize,
    /// The instance is relevant (and so is the repeat).
    pub visible: bool,
    /// The items of the instance.
    pub items: Vec<ItemView>,
}

/// One choice offered by a select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceView {
    /// The value stored when picked.
    pub name: String,
    /// Its label in the requested language (with fallbacks; the name when it has none).
    pub label: String,
    /// Part of the current answer.
    pub selected: bool,
}

/// The form engine of one questionnaire. Build it once per form ([`Engine::new`]) and use it
/// for every request.
#[derive(Debug)]
pub struct Engine<'f> {
    form: &'f Form,
    nodes: Vec<Node<'f>>,
    roots: Vec<usize>,
    /// The first item (depth first) of each name, as [`Form::item`].
    by_name: HashMap<&'f str, usize>,
    /// The node of each page of [`Form::pages`].
    pages: Vec<usize>,
    /// Nodes with a calculation, in sheet order.
    calculated: Vec<usize>,
    instance_name: Option<Expr>,
}

/// Whether a value of `required`/`read_only` is one of pyxform's yes/no constants.
fn constant_flag(src: &str) -> Option<bool> {
    match src.to_ascii_lowercase().as_str() {
        "yes" | "true" | "true()" => Some(true),
        "no" | "false" | "false()" => Some(false),
        _ => None,
    }
}

/// pyxform's rule: a `default` with one of these is an expression, not a literal.
fn is_dynamic_default(src: &str) -> bool {
    src.contains("${") || src.contains('(') || src.contains(['+', '*', '/']) || src.contains(" div ")
}

/// Tries every literal `regex()` pattern of `e`.
fn check_regexes(e: &Expr) -> Result<(), EvalError> {
    match e {
        Expr::Neg(inner) => check_regexes(inner),
        Expr::Binary { first, rest } => {
            check_regexes(first)?;
            rest.iter().try_for_each(|(_, operand)| check_regexes(operand))
        }
        Expr::Call { func, args } => {
            if *func == Func::Regex
                && let Some(Expr::Str(pattern)) = args.get(1)
            {
                let probe =
                    Expr::Call { func: Func::Regex, args: vec![Expr::Str(String::new()), Expr::Str(pattern.clone())] };
                probe.eval(&MapContext::new(Date::MIN))?;
            }
            args.iter().try_for_each(check_regexes)
        }
        _ => Ok(()),
    }
}

/// Parses one expression of the form and checks its names.
fn parse_checked(src: &str, names: &HashSet<&str>, allow_columns: bool) -> Result<Expr, ExprProblem> {
    let e = expr::parse(src).map_err(ExprProblem::Parse)?;
    if let Some(name) = e.references().into_iter().find(|n| !names.contains(n.as_str())) {
        return Err(ExprProblem::UnknownName(name));
    }
    if !allow_columns && let Some(column) = e.columns().into_iter().next() {
        return Err(ExprProblem::Column(column));
    }
    check_regexes(&e).map_err(ExprProblem::Eval)?;
    Ok(e)
}

impl<'f> Engine<'f> {
    /// Prepares the engine: parses every expression of the form once.
    ///
    /// # Errors
    /// The first expression (in sheet order) that does not parse, references a `${name}` the
    /// form does not have, uses a bare name outside a `choice_filter` or has an invalid literal
    /// `regex()` pattern, naming the item and column.
    pub fn new(form: &'f Form) -> Result<Self, EngineError> {
        let names: HashSet<&str> = form.all_items().into_iter().map(|i| i.name.as_str()).collect();
        let mut engine = Self {
            form,
            nodes: Vec::new(),
            roots: Vec::new(),
            by_name: HashMap::new(),
            pages: Vec::new(),
            calculated: Vec::new(),
            instance_name: None,
        };
        engine.roots = engine.build(&form.items, None, &mut Vec::new(), &names)?;
        if let Some(src) = &form.instance_name {
            let e = parse_checked(src, &names, false).map_err(|problem| EngineError {
                item: String::new(),
                row: 0,
                column: "instance_name",
                problem,
            })?;
            engine.instance_name = Some(e);
        }
        engine.pages = engine
            .roots
            .iter()
            .copied()
            .filter(|&id| {
                let item = engine.nodes[id].item;
                item.kind.is_container() || item.is_visible()
            })
            .collect();
        engine.calculated = (0..engine.nodes.len()).filter(|&id| engine.nodes[id].calculation.is_some()).collect();
        Ok(engine)
    }

    /// Adds the nodes of `items` (depth first) and returns their ids.
    fn build(
        &mut self,
        items: &'f [Item],
        parent: Option<usize>,
        repeats: &mut Vec<usize>,
        names: &HashSet<&str>,
    ) -> Result<Vec<usize>, EngineError> {
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            let err = |column: &'static str| {
                move |problem| EngineError { item: item.name.clone(), row: item.row, column, problem }
            };
            let opt = |src: &Option<String>, column: &'static str, columns: bool| {
                src.as_deref().map(|s| parse_checked(s, names, columns).map_err(err(column))).transpose()
            };
            let flag = |src: &Option<String>, column: &'static str| -> Result<Flag, EngineError> {
                Ok(match src.as_deref() {
                    None => Flag::No,
                    Some(s) => match constant_flag(s.trim()) {
                        Some(true) => Flag::Yes,
                        Some(false) => Flag::No,
                        None => Flag::Expr(parse_checked(s, names, false).map_err(err(column))?),
                    },
                })
            };
            let default = match item.default.as_deref() {
                None => None,
                Some(s) if is_dynamic_default(s) => {
                    Some(DefaultValue::Expr(parse_checked(s, names, false).map_err(err("default"))?))
                }
                Some(s) => Some(DefaultValue::Literal(s.to_owned())),
            };
            let id = self.nodes.len();
            self.nodes.push(Node {
                item,
                parent,
                children: Vec::new(),
                repeats: repeats.clone(),
                relevant: opt(&item.relevant, "relevant", false)?,
                required: flag(&item.required, "required")?,
                read_only: flag(&item.read_only, "read_only")?,
                constraint: opt(&item.constraint, "constraint", false)?,
                calculation: opt(&item.calculation, "calculation", false)?,
                default,
                choice_filter: opt(&item.choice_filter, "choice_filter", true)?,
                repeat_count: opt(&item.repeat_count, "repeat_count", false)?,
            });
            self.by_name.entry(item.name.as_str()).or_insert(id);
            let is_repeat = item.kind == Kind::Repeat;
            if is_repeat {
                repeats.push(id);
            }
            let children = self.build(&item.children, Some(id), repeats, names)?;
            if is_repeat {
                repeats.pop();
            }
            self.nodes[id].children = children;
            ids.push(id);
        }
        Ok(ids)
    }

    /// The form this engine evaluates.
    #[must_use]
    pub fn form(&self) -> &'f Form {
        self.form
    }

    // ----- paths and scopes -----

    /// The answers of the instance at `at` (empty when it does not exist).
    fn scope<'a>(&self, answers: &'a Answers, at: &At) -> &'a Answers {
        let mut scope = answers;
        for &(repeat, index) in at {
            match scope.repeat(&self.nodes[repeat].item.name).get(index) {
                Some(s) => scope = s,
                None => return &EMPTY,
            }
        }
        scope
    }

    /// The answers of the instance at `at`, to change (`None` when it does not exist).
    fn scope_mut<'a>(&self, answers: &'a mut Answers, at: &At) -> Option<&'a mut Answers> {
        let mut scope = answers;
        for &(repeat, index) in at {
            match scope.0.get_mut(self.nodes[repeat].item.name.as_str()) {
                Some(Answer::Repeat(instances)) => scope = instances.get_mut(index)?,
                _ => return None,
            }
        }
        Some(scope)
    }

    /// The [`FieldPath`] of node `id` in the instances `at`.
    fn field_path(&self, id: usize, at: &At) -> FieldPath {
        FieldPath {
            repeats: at.iter().map(|&(r, i)| (self.nodes[r].item.name.clone(), i)).collect(),
            name: self.nodes[id].item.name.clone(),
        }
    }

    /// The node and instance path of a [`FieldPath`] (`None` when it names no item, or
    /// repeats that are not the item's).
    fn resolve_path(&self, path: &FieldPath) -> Option<(usize, Vec<(usize, usize)>)> {
        let &id = self.by_name.get(path.name.as_str())?;
        let chain = &self.nodes[id].repeats;
        if chain.len() != path.repeats.len() {
            return None;
        }
        let at = chain
            .iter()
            .zip(&path.repeats)
            .map(|(&r, (name, index))| (self.nodes[r].item.name == *name).then_some((r, *index)))
            .collect::<Option<Vec<_>>>()?;
        Some((id, at))
    }

    /// The part of `at` that node `id` sees: its enclosing repeats' instances, plus its own
    /// instance for a repeat when `at` has it.
    fn own_at<'a>(&self, id: usize, at: &'a At) -> &'a At {
        let node = &self.nodes[id];
        let depth = node.repeats.len();
        let depth = if node.item.kind == Kind::Repeat && at.get(depth).is_some_and(|(r, _)| *r == id) {
            depth + 1
        } else {
            depth
        };
        &at[..depth.min(at.len())]
    }

    /// Every existing instance path of the scope of a field with these enclosing repeats.
    fn instance_paths(&self, answers: &Answers, chain: &[usize]) -> Vec<Vec<(usize, usize)>> {
        let mut paths = vec![Vec::new()];
        for &r in chain {
            let mut next = Vec::new();
            for at in paths {
                for i in 0..self.scope(answers, &at).repeat(&self.nodes[r].item.name).len() {
                    let mut deeper = at.clone();
                    deeper.push((r, i));
                    next.push(deeper);
                }
            }
            paths = next;
        }
        paths
    }

    /// The language key of the form for `lang`: `lang` itself when the form has it, else the
    /// form language ending in `(lang)` (so `it` finds `Italiano (it)`), else `lang`.
    fn lang_key<'a>(&'a self, lang: &'a str) -> &'a str {
        if self.form.languages.iter().any(|l| l == lang) {
            return lang;
        }
        let suffix = format!("({lang})");
        self.form.languages.iter().find(|l| l.ends_with(&suffix)).map_or(lang, String::as_str)
    }

    // ----- validation -----

    /// Validates every relevant question (see the module documentation for the rules):
    /// missing required answers, values that are too long, do not parse for their type or
    /// name choices not offered, violated constraints. Messages are in `lang` (a language of
    /// the form such as `Italiano (it)`, or its code `it`). Instances are checked as stored: a
    /// count different from `repeat_count` is not an issue ([`Engine::compute`] fixes it).
    #[must_use]
    pub fn validate(&self, answers: &Answers, lang: &str, today: Date) -> Vec<Issue> {
        let mut out = Vec::new();
        State::new(self, answers, today).validate_items(&self.roots, &mut Vec::new(), lang, &mut out);
        out
    }

    // ----- computing -----

    /// Sets the number of instances of repeat `id` in the scope `at` to `n`: drops the last
    /// ones or adds new ones with their defaults.
    fn resize(&self, answers: &mut Answers, at: &At, id: usize, n: usize, today: Date) {
        let node = &self.nodes[id];
        let name = node.item.name.as_str();
        let existing = self.scope(answers, at).repeat(name).len();
        if existing == n {
            return;
        }
        let added: Vec<Answers> = {
            let state = State::new(self, answers, today);
            (existing..n)
                .map(|i| {
                    let mut inst_at = at.to_vec();
                    inst_at.push((id, i));
                    let mut instance = Answers::new();
                    state.new_scope(&node.children, &inst_at, &mut instance);
                    instance
                })
                .collect()
        };
        if let Some(scope) = self.scope_mut(answers, at) {
            let mut instances = scope.take_repeat(name);
            instances.truncate(n);
            instances.extend(added);
            scope.set_repeat(name, instances);
        }
    }

    /// Applies `repeat_count` to every relevant repeat among `ids` and inside them.
    fn resize_counted(&self, answers: &mut Answers, ids: &[usize], at: &mut Vec<(usize, usize)>, today: Date) {
        for &id in ids {
            let node = &self.nodes[id];
            match node.item.kind {
                Kind::Group => self.resize_counted(answers, &node.children, at, today),
                Kind::Repeat => {
                    if let Some(e) = &node.repeat_count {
                        let state = State::new(self, answers, today);
                        let n = if state.relevant(id, at) { state.count(e, id, at) } else { None };
                        if let Some(n) = n {
                            self.resize(answers, at, id, n, today);
                        }
                    }
                    for i in 0..self.scope(answers, at).repeat(&node.item.name).len() {
                        at.push((id, i));
                        self.resize_counted(answers, &node.children, at, today);
                        at.pop();
                    }
                }
                _ => {}
            }
        }
    }

    /// The answers of a new response: the defaults of the fields outside repeats (and
    /// `today` metadata), then [`Engine::compute`]. The web layer calls it once, when a
    /// response is created, so that a default a person clears does not come back.
    #[must_use]
    pub fn initial(&self, today: Date) -> Answers {
        let mut answers = Answers::new();
        State::new(self, &EMPTY, today).new_scope(&self.roots, &[], &mut answers);
        self.compute(&answers, today)
    }

    /// Fills in the computed values: applies `repeat_count`s (see the module documentation)
    /// and evaluates every `calculation` of a relevant item in each of its instances, in sheet
    /// order, repeating until nothing changes (at most [`MAX_PASSES`] passes). The calculated
    /// value of a non-relevant item is removed. Other answers are left as they are (see
    /// [`Engine::prune`]); defaults are not applied (see [`Engine::initial`]).
    #[must_use]
    pub fn compute(&self, answers: &Answers, today: Date) -> Answers {
        let mut a = answers.clone();
        for _ in 0..MAX_PASSES {
            let before = a.clone();
            self.resize_counted(&mut a, &self.roots, &mut Vec::new(), today);
            let jobs: Vec<(usize, Vec<(usize, usize)>)> = self
                .calculated
                .iter()
                .flat_map(|&id| self.instance_paths(&a, &self.nodes[id].repeats).into_iter().map(move |at| (id, at)))
                .collect();
            // One snapshot (and its relevance memo) until a value changes.
            let mut next = 0;
            while next < jobs.len() {
                let change = {
                    let state = State::new(self, &a, today);
                    let mut change = None;
                    while let Some((id, at)) = jobs.get(next) {
                        next += 1;
                        let node = &self.nodes[*id];
                        let value = match &node.calculation {
                            Some(e) if state.relevant(*id, at) => state.eval_string(e, *id, at),
                            _ => String::new(),
                        };
                        if value != state.current_value(*id, at) {
                            change = Some((*id, at, value));
                            break;
                        }
                    }
                    change
                };
                if let Some((id, at, value)) = change
                    && let Some(scope) = self.scope_mut(&mut a, at)
                {
                    scope.set(&self.nodes[id].item.name, value);
                }
            }
            if a == before {
                break;
            }
        }
        a
    }

    /// Drops the answers to questions that are not relevant (as ODK removes them on
    /// submission), the instances of repeats that are not relevant, names the form does not
    /// have (or that hold a list where a value is expected, or the reverse) and empty values;
    /// keeps everything else, calculated values included (they are not recomputed). Repeated
    /// until nothing changes.
    #[must_use]
    pub fn prune(&self, answers: &Answers, today: Date) -> Answers {
        let mut a = answers.clone();
        for _ in 0..=self.nodes.len() + 1 {
            let mut next = Answers::new();
            State::new(self, &a, today).prune_items(&self.roots, &mut Vec::new(), &mut next);
            if next == a {
                break;
            }
            a = next;
        }
        a
    }

    /// What the server stores on submission: [`Engine::prune`] then [`Engine::compute`],
    /// repeated until stable (at most [`MAX_PASSES`] times).
    #[must_use]
    pub fn finalize(&self, answers: &Answers, today: Date) -> Answers {
        let mut a = self.compute(answers, today);
        for _ in 0..MAX_PASSES {
            let next = self.compute(&self.prune(&a, today), today);
            if next == a {
                break;
            }
            a = next;
        }
        a
    }

    /// The settings' `instance_name` evaluated (a title for the response), `None` when the
    /// form has none or it evaluates to `""`.
    #[must_use]
    pub fn instance_name(&self, answers: &Answers, today: Date) -> Option<String> {
        let e = self.instance_name.as_ref()?;
        State::new(self, answers, today).eval_top(e).filter(|name| !name.is_empty())
    }

    // ----- pages -----

    /// The state of page `page` (an index into [`Form::pages`]) for rendering, texts in
    /// `lang` (a form language or its code, e.g. `it`), with each visible item's issues when
    /// `check` is true. A repeat with `repeat_count` shows exactly the instances it asks for
    /// (missing ones empty). `None` when there is no such page.
    #[must_use]
    pub fn page(&self, answers: &Answers, page: usize, lang: &str, today: Date, check: bool) -> Option<PageView> {
        let &id = self.pages.get(page)?;
        let view = State::new(self, answers, today).item_view(id, &mut Vec::new(), true, lang, check);
        Some(PageView { index: page, items: vec![view] })
    }

    /// The number of pages ([`Form::pages`]).
    #[must_use]
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The index of the page holding the field at `path` (e.g. to jump to an [`Issue`]);
    /// `None` for a field on no page (a top-level calculate) or an unknown one.
    #[must_use]
    pub fn page_of(&self, path: &FieldPath) -> Option<usize> {
        let (mut id, _) = self.resolve_path(path)?;
        while let Some(parent) = self.nodes[id].parent {
            id = parent;
        }
        self.pages.iter().position(|&p| p == id)
    }

    /// Removes instance `index` of the repeat at `repeat` (a [`FieldPath`] whose `name` is the
    /// repeat, e.g. `insediamenti` or `fam[0]/kids`); the later instances move up. Unchanged
    /// when there is no such instance or the repeat has a `repeat_count` (its count decides).
    #[must_use]
    pub fn remove_instance(&self, answers: &Answers, repeat: &FieldPath, index: usize) -> Answers {
        let mut a = answers.clone();
        if let Some((id, at)) = self.resolve_path(repeat)
            && self.nodes[id].item.kind == Kind::Repeat
            && self.nodes[id].repeat_count.is_none()
            && let Some(scope) = self.scope_mut(&mut a, &at)
        {
            let mut instances = scope.take_repeat(&repeat.name);
            if index < instances.len() {
                instances.remove(index);
            }
            scope.set_repeat(&repeat.name, instances);
        }
        a
    }

    /// Merges the urlencoded fields of page `page`'s HTML form into the answers and returns
    /// them; the other pages' answers are untouched.
    ///
    /// * Field names are [`FieldPath`]s (`A1`, `insediamenti[1]/E3`); names that are not an
    ///   editable question of this page (or of an instance that exists or is being added) are
    ///   ignored.
    /// * Every editable question of the page (not a note, calculation or `read_only`, as the
    ///   answers were before the post) takes the posted value; an absent one is cleared (an
    ///   unchecked `select_multiple`, an emptied or hidden question). A `select_multiple`
    ///   joins its repeated keys; an acknowledge checkbox sends `OK` (any non-empty value
    ///   counts). Values are cleaned — `\r\n` → `\n`, surrounding whitespace trimmed, a
    ///   decimal comma (`1,5`) made a point — but never truncated: an over-long one is an
    ///   [`IssueKind::TooLong`] issue.
    /// * A repeat without `repeat_count` gets the number of instances posted as
    ///   [`FieldPath::count_field`] (at most [`MAX_INSTANCES`]; new ones with their defaults)
    ///   and keeps its instances when none is posted. A repeat with `repeat_count` takes the
    ///   instances the page showed, then is resized to its count after the merge.
    #[must_use]
    pub fn apply_post(&self, answers: &Answers, fields: &[(String, String)], page: usize, today: Date) -> Answers {
        let Some(&root) = self.pages.get(page) else { return answers.clone() };
        let mut posted: HashMap<FieldPath, Vec<&str>> = HashMap::new();
        let mut counts: HashMap<FieldPath, usize> = HashMap::new();
        for (name, value) in fields {
            if let Some(repeat) = name.strip_suffix("#count") {
                if let (Ok(path), Ok(n)) = (repeat.parse::<FieldPath>(), value.trim().parse::<usize>()) {
                    counts.insert(path, n);
                }
            } else if let Ok(path) = name.parse::<FieldPath>() {
                posted.entry(path).or_default().push(value);
            }
        }
        let mut plan = Plan::default();
        State::new(self, answers, today).post_plan(root, &mut Vec::new(), &counts, &mut plan);
        let mut a = answers.clone();
        for (at, id, n) in plan.resizes {
            self.resize(&mut a, &at, id, n, today);
        }
        for (at, id) in plan.fields {
            let item = self.nodes[id].item;
            let value = posted.get(&self.field_path(id, &at)).map(|v| normalize(&item.kind, v)).unwrap_or_default();
            if let Some(scope) = self.scope_mut(&mut a, &at) {
                scope.set(&item.name, value);
            }
        }
        self.resize_counted(&mut a, &[root], &mut Vec::new(), today);
        a
    }
}
