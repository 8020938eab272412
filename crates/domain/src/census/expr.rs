//! The XLSForm expression language: the XPath 1.0 subset used by the `relevant`, `constraint`,
//! `calculation`, `required`, `choice_filter`, `repeat_count` and `default` columns, evaluated
//! with ODK/JavaRosa semantics.
//!
//! This is the one evaluator of the project: the server validates submissions with it and the
//! web form asks the server for live relevance and validation, so both always agree.
//!
//! # Grammar
//!
//! ```text
//! expr     := or
//! or       := and ("or" and)*
//! and      := eq ("and" eq)*
//! eq       := rel (("=" | "!=") rel)*
//! rel      := add (("<" | "<=" | ">" | ">=") add)*
//! add      := mul (("+" | "-") mul)*
//! mul      := unary (("*" | "div" | "mod") unary)*
//! unary    := "-"* primary
//! primary  := "${" name "}" | "." | number | string | "(" expr ")"
//!           | "position" "(" ".." ")" | function "(" (expr ("," expr)*)? ")"
//!           | name                                     (a choice column, for choice_filter)
//! number   := digits ("." digits?)? | "." digits          (no sign, no exponent)
//! string   := "'" [^']* "'" | '"' [^"]* '"'              (no escapes, as XPath 1.0)
//! ```
//!
//! Names are tokenised XPath-style: a name starts with a letter or `_` and continues with
//! letters, digits, `_`, `-`, `.` and `:`, so `count-selected` is one token and `1 div-3` is an
//! error (the name `div-3`), exactly as in XPath. `and`, `or`, `div` and `mod` are operators when
//! they follow an operand. A bare name that is not a function call is a column of the choice
//! being filtered, as in the `choice_filter` idiom `state = ${state}` ([`Expr::Column`],
//! [`Context::column`]); [`Expr::columns`] lets callers reject them in other columns. Whitespace
//! is allowed between any two tokens. Unknown functions and
//! wrong numbers of arguments are rejected at parse time. Sources longer than [`MAX_LEN`] bytes
//! or nested (parentheses, function calls, unary minus) deeper than [`MAX_DEPTH`] are rejected,
//! so hostile input cannot overflow the stack; chains of binary operators are parsed and
//! evaluated iteratively and stored flat ([`Expr::Binary`]), so `${a1} + ${a2} + … + ${a500}`
//! is not "deep". The deepest accepted expression needs under 256 KiB of stack to parse, print
//! and evaluate in an optimised build (under 1 MiB unoptimised); threads get 2 MiB by default.
//!
//! # Values and conversions (XPath 1.0 as implemented by JavaRosa)
//!
//! * An unanswered field is the empty string. Answers are strings; a `select_multiple` answer is
//!   the space-separated list of the chosen names. A [`Context`] may also return typed values
//!   ([`Value::Num`] for numeric questions, [`Value::Date`] for dates) as JavaRosa does.
//! * `number(string)`: JavaRosa's rule. Every `,` is first replaced by `.` (JavaRosa accepts
//!   decimal commas, so `'1,5'` is 1.5), then surrounding whitespace (characters ≤ U+0020) is
//!   trimmed; the rest must consist only of digits, `-` and `.` and be a valid decimal (`3`,
//!   `-2.5`, `.5`, `5.`), otherwise the result is NaN. So `''`, `'abc'`, `'1e3'`, `'+1'` are NaN.
//!   Extension: a string that is a date `YYYY-MM-DD` or an ODK date-time
//!   (`YYYY-MM-DDThh:mm[:ss[.f…]][Z|±hh[:mm]]`) converts to the number of days from 1970-01-01
//!   to its written date, as a JavaRosa date or dateTime answer would (our answers are untyped
//!   strings; JavaRosa itself gives NaN for such a *string*).
//! * `number(boolean)` is 1 or 0; `number(date)` is the days since 1970-01-01.
//! * `boolean(string)` is "non-empty"; `boolean(number)` is `|n| > 1e-12` and not NaN (JavaRosa's
//!   tolerance); `boolean(date)` is true.
//! * `string(number)`: NaN → `NaN`, ±∞ → `Infinity`/`-Infinity`, `|n| < 1e-12` → `0`, a number
//!   within 1e-12 of an integer → that integer without decimal point (`3`, not `3.0`); otherwise
//!   the shortest decimal that round-trips, never with an exponent (JavaRosa would print
//!   `1.0E7`-style exponents for large numbers; the census never relies on that).
//!   `string(boolean)` is `true`/`false`, `string(date)` is `YYYY-MM-DD`.
//! * Node-sets ([`Value::Nodes`], the values of a field in every instance of a repeat) convert
//!   like JavaRosa's "unpacking" when they have at most one node: the empty node-set behaves as
//!   the empty string and a single node as its value. With two or more nodes JavaRosa raises
//!   "this field is repeated"; we apply XPath 1.0 instead: `string()`/`number()` use the first
//!   node, `boolean()` is true, and comparisons are true if any node satisfies them.
//!
//! # Operators
//!
//! * `=` and `!=`: if either side is a boolean, both are compared as booleans; else if either is
//!   a number, numerically, equal when `|a - b| < 1e-12` (JavaRosa; so NaN is never equal,
//!   `0.1 + 0.2 = 0.3` is true and, as in JavaRosa, `1 div 0 = 1 div 0` is false); otherwise as strings (a date as `YYYY-MM-DD`). `!=` is the
//!   negation of `=`.
//! * `<`, `<=`, `>`, `>=` always convert both sides with `number()`, so dates (and date strings)
//!   compare as days since the epoch and anything with NaN is false.
//! * With a node-set of two or more nodes on one side, a comparison with a boolean compares
//!   `boolean(node-set)`; otherwise it is true if it holds for at least one node (for two such
//!   node-sets: for at least one pair), each node being a string.
//! * `+ - * div mod` and unary `-` convert with `number()` and follow IEEE 754: NaN propagates,
//!   `div` by zero gives ±Infinity or NaN, `mod` is the truncated remainder (sign of the
//!   dividend) as in XPath. `today() - date('2021-01-01')` is therefore a number of days.
//! * `and`/`or` convert with `boolean()` and short-circuit; `if()` and `coalesce()` evaluate
//!   only the branch they return.
//!
//! Evaluation is total (NaN, empty strings) except for an unknown `${name}`, an invalid regular
//! expression, or a non-node-set given to `count()`, `count-non-empty()` or `sum()`: these are
//! [`EvalError`]s. The documentation of [`Func`] gives the rule of each function.

mod eval;
mod parser;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use time::Date;

/// Longest accepted expression source, in bytes.
pub const MAX_LEN: usize = 10_000;

/// Deepest accepted nesting of parentheses, function calls and unary minus signs.
pub const MAX_DEPTH: usize = 64;

/// Julian day number of 1970-01-01, the epoch JavaRosa counts dates from.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Parses an XLSForm expression.
///
/// # Errors
/// A [`ParseError`] with the byte offset of the problem when the source is not a valid
/// expression, calls an unknown function or a function with the wrong number of arguments, is
/// longer than [`MAX_LEN`] bytes or nested deeper than [`MAX_DEPTH`].
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse(src)
}

/// Why an expression could not be parsed. Every variant but [`ParseError::TooLong`] carries the
/// byte offset in the source where the problem was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A token that does not fit the grammar at this point.
    #[error("at byte {offset}: expected {expected}, found {found}")]
    Unexpected {
        /// Byte offset of the unexpected token.
        offset: usize,
        /// What the grammar allows here, in English.
        expected: &'static str,
        /// The token that was found, in English (`end of input`, `` `*` ``, …).
        found: String,
    },
    /// A string literal without its closing quote.
    #[error("at byte {offset}: unterminated string literal (missing closing {quote})")]
    UnterminatedString {
        /// Byte offset of the opening quote.
        offset: usize,
        /// The missing quote character.
        quote: char,
    },
    /// A function that the evaluator does not know.
    #[error("at byte {offset}: unknown function `{name}`")]
    UnknownFunction {
        /// Byte offset of the function name.
        offset: usize,
        /// The function name as written.
        name: String,
    },
    /// A known function called with the wrong number of arguments.
    #[error("at byte {offset}: function `{name}` takes {expected}, found {found}")]
    Arity {
        /// Byte offset of the function name.
        offset: usize,
        /// The function name.
        name: &'static str,
        /// The accepted number of arguments, in English (`2 arguments`, `1 or 2 arguments`, …).
        expected: String,
        /// How many arguments were given.
        found: usize,
    },
    /// The source is longer than [`MAX_LEN`] bytes.
    #[error("expression is {len} bytes long, the limit is {max}")]
    TooLong {
        /// Length of the source in bytes.
        len: usize,
        /// The limit, [`MAX_LEN`].
        max: usize,
    },
    /// Parentheses, function calls or unary minus signs nested deeper than [`MAX_DEPTH`].
    #[error("at byte {offset}: expression nested deeper than {max} levels")]
    TooDeep {
        /// Byte offset where the limit was exceeded.
        offset: usize,
        /// The limit, [`MAX_DEPTH`].
        max: usize,
    },
}

impl ParseError {
    /// Byte offset of the problem in the source (0 for [`ParseError::TooLong`]).
    #[must_use]
    pub fn offset(&self) -> usize {
        match self {
            Self::Unexpected { offset, .. }
            | Self::UnterminatedString { offset, .. }
            | Self::UnknownFunction { offset, .. }
            | Self::Arity { offset, .. }
            | Self::TooDeep { offset, .. } => *offset,
            Self::TooLong { .. } => 0,
        }
    }
}

/// Why a parsed expression could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// `${name}` names no field or repeat of the form ([`Context::resolve`] returned `None`).
    #[error("unknown field `${{{0}}}`")]
    UnknownName(String),
    /// A bare name (a choice column) that [`Context::column`] does not know; outside a
    /// `choice_filter` every bare name is unknown.
    #[error("unknown choice column `{0}` (a bare name is only valid in a choice_filter)")]
    UnknownColumn(String),
    /// The pattern given to `regex()` is not a valid regular expression, uses syntax the `regex`
    /// crate does not support (look-around, back-references) or is too large once compiled.
    #[error("invalid regular expression `{pattern}`: {reason}")]
    InvalidRegex {
        /// The pattern as given.
        pattern: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A function that needs a node-set (a `${field}` reference, `.`, or an expression yielding
    /// the values of a repeated field) was given another value, e.g. `count('a')`.
    #[error("{function}() requires a node-set (a ${{field}} reference), not a {found}")]
    NotANodeSet {
        /// The function name.
        function: &'static str,
        /// The kind of value that was given (`string`, `number`, `boolean`, `date`).
        found: &'static str,
    },
}

/// A value computed by an expression.
///
/// `PartialEq` is structural (so `Num(NaN) != Num(NaN)`); XPath equality is the `=` operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, including every answer read from a submission (`""` when unanswered).
    Str(String),
    /// An IEEE 754 double, the only XPath number type.
    Num(f64),
    /// A boolean, produced by comparisons, `and`/`or` and boolean functions.
    Bool(bool),
    /// A calendar date without time, produced by `today()` and `date()` (JavaRosa's date type);
    /// converts to a number as days since 1970-01-01 and to a string as `YYYY-MM-DD`.
    Date(Date),
    /// A node-set: the values of a field in every instance of a repeat, in document order, or one
    /// (usually empty) value per instance for the name of a repeat itself.
    Nodes(Vec<String>),
}

impl Value {
    /// XPath `boolean()` with JavaRosa's rules (see the module documentation).
    #[must_use]
    pub fn to_boolean(&self) -> bool {
        match self {
            Self::Str(s) => !s.is_empty(),
            Self::Num(n) => num_to_boolean(*n),
            Self::Bool(b) => *b,
            Self::Date(_) => true,
            Self::Nodes(nodes) => match nodes.as_slice() {
                [] => false,
                [one] => !one.is_empty(),
                _ => true,
            },
        }
    }

    /// XPath `number()` with JavaRosa's rules (see the module documentation).
    #[must_use]
    pub fn to_number(&self) -> f64 {
        match self {
            Self::Str(s) => str_to_number(s),
            Self::Num(n) => *n,
            Self::Bool(b) => f64::from(u8::from(*b)),
            Self::Date(d) => f64::from(days_since_epoch(*d)),
            Self::Nodes(nodes) => nodes.first().map_or(f64::NAN, |s| str_to_number(s)),
        }
    }

    /// XPath `string()` with JavaRosa's rules (see the module documentation).
    #[must_use]
    pub fn to_xpath_string(&self) -> String {
        match self {
            Self::Str(s) => s.clone(),
            Self::Num(n) => num_to_string(*n),
            Self::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
            Self::Date(d) => format_iso_date(*d),
            Self::Nodes(nodes) => nodes.first().cloned().unwrap_or_default(),
        }
    }

    /// English name of the kind of value, for error messages.
    fn kind(&self) -> &'static str {
        match self {
            Self::Str(_) => "string",
            Self::Num(_) => "number",
            Self::Bool(_) => "boolean",
            Self::Date(_) => "date",
            Self::Nodes(_) => "node-set",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Self::Num(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<Date> for Value {
    fn from(d: Date) -> Self {
        Self::Date(d)
    }
}

/// `boolean()` of a number: JavaRosa treats `|n| <= 1e-12` as zero.
fn num_to_boolean(n: f64) -> bool {
    n.abs() > 1.0e-12 && !n.is_nan()
}

/// `number()` of a string (see the module documentation for the rule).
fn str_to_number(s: &str) -> f64 {
    let replaced;
    let s = if s.contains(',') {
        replaced = s.replace(',', ".");
        replaced.as_str()
    } else {
        s
    };
    let trimmed = s.trim_matches(|c: char| c <= ' ');
    if !trimmed.is_empty()
        && trimmed.bytes().all(|b| b == b'-' || b == b'.' || b.is_ascii_digit())
        && let Ok(n) = trimmed.parse::<f64>()
    {
        return n;
    }
    match eval::parse_date_time(trimmed) {
        Some(dt) => f64::from(days_since_epoch(dt.date)),
        None => f64::NAN,
    }
}

/// `string()` of a number (see the module documentation for the rule).
fn num_to_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.abs() < 1.0e-12 {
        "0".to_owned()
    } else if n.is_infinite() {
        if n < 0.0 { "-Infinity" } else { "Infinity" }.to_owned()
    } else if (n - n.trunc()).abs() < 1.0e-12 {
        format!("{}", n.trunc())
    } else {
        // `Display` for f64 is the shortest round-trip decimal and never uses an exponent.
        format!("{n}")
    }
}

/// Days from 1970-01-01 to `date` (negative before).
fn days_since_epoch(date: Date) -> i32 {
    date.to_julian_day() - EPOCH_JULIAN_DAY
}

/// The date `days` days after 1970-01-01, if representable.
fn date_from_days(days: i32) -> Option<Date> {
    Date::from_julian_day(days.checked_add(EPOCH_JULIAN_DAY)?).ok()
}

/// Parses exactly `YYYY-MM-DD` (four-digit year, valid calendar date).
fn parse_iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0_u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Formats a date as `YYYY-MM-DD`.
fn format_iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// What an expression can read: the answers of the submission, seen from the node being
/// evaluated.
pub trait Context {
    /// Value of `${name}` seen from the node being evaluated: a single value for a field in the
    /// same repeat instance or outside any repeat; all instances' values ([`Value::Nodes`]) for a
    /// field inside a repeat that the current node is not in. For the name of a repeat itself,
    /// one node per instance (so `count(${repeat})` counts instances). `None` = unknown name
    /// (an [`EvalError::UnknownName`]).
    fn resolve(&self, name: &str) -> Option<Value>;
    /// The value of `.` (the field being validated/computed).
    fn current(&self) -> Value;
    /// 1-based index of the current repeat instance (for `position(..)`), `None` outside a
    /// repeat.
    fn position(&self) -> Option<usize>;
    /// Today's date (injected so tests are deterministic).
    fn today(&self) -> Date;
    /// Value of the bare name `name`: the column `name` of the choice being filtered when
    /// evaluating a `choice_filter`. `None` (the default) = unknown (an
    /// [`EvalError::UnknownColumn`]).
    fn column(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }
}

/// A ready-made [`Context`] backed by a `HashMap`, built with chained `with_*` calls.
///
/// ```
/// use argine_domain::census::expr::{MapContext, parse};
/// let ctx = MapContext::new(time::macros::date!(2024 - 03 - 15)).with("A3", "6").with_current("1980");
/// assert!(parse("${A3} = '6' and . >= 1950").unwrap().eval_bool(&ctx).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MapContext {
    values: HashMap<String, Value>,
    columns: HashMap<String, Value>,
    current: Value,
    position: Option<usize>,
    today: Date,
}

impl MapContext {
    /// An empty context: no names, `.` is the empty string, outside any repeat.
    #[must_use]
    pub fn new(today: Date) -> Self {
        Self {
            values: HashMap::new(),
            columns: HashMap::new(),
            current: Value::Str(String::new()),
            position: None,
            today,
        }
    }

    /// Defines `${name}` (a string answer, a typed value or a node-set).
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    /// Defines `${name}` as a node-set, one string per repeat instance.
    #[must_use]
    pub fn with_nodes<I, S>(self, name: &str, nodes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with(name, Value::Nodes(nodes.into_iter().map(Into::into).collect()))
    }

    /// Defines `${name}` as a repeat with `instances` instances (for `count(${name})`).
    #[must_use]
    pub fn with_repeat(self, name: &str, instances: usize) -> Self {
        self.with(name, Value::Nodes(vec![String::new(); instances]))
    }

    /// Defines the bare name `name`: a column of the choice being filtered.
    #[must_use]
    pub fn with_column(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.columns.insert(name.to_owned(), value.into());
        self
    }

    /// Sets the value of `.`.
    #[must_use]
    pub fn with_current(mut self, value: impl Into<Value>) -> Self {
        self.current = value.into();
        self
    }

    /// Sets the 1-based index of the current repeat instance.
    #[must_use]
    pub fn with_position(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }

    /// Defines or replaces `${name}` in place.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        self.values.insert(name.to_owned(), value.into());
    }
}

impl Context for MapContext {
    fn resolve(&self, name: &str) -> Option<Value> {
        self.values.get(name).cloned()
    }

    fn current(&self) -> Value {
        self.current.clone()
    }

    fn position(&self) -> Option<usize> {
        self.position
    }

    fn today(&self) -> Date {
        self.today
    }

    fn column(&self, name: &str) -> Option<Value> {
        self.columns.get(name).cloned()
    }
}

/// A parsed expression. [`fmt::Display`] prints a canonical form that [`parse`] reads back to
/// an equal `Expr` (for every `Expr` that [`parse`] produces; a hand-built negative or NaN
/// number, or a string with both quote characters, prints as something that evaluates alike).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string literal.
    Str(String),
    /// A number literal (non-negative and finite when produced by [`parse`]).
    Num(f64),
    /// `${name}`.
    Ref(String),
    /// `.`, the field being validated or computed.
    Current,
    /// A bare name: the column of that name of the choice being filtered (`choice_filter`), an
    /// XPath child-element step. See [`Context::column`].
    Column(String),
    /// `position(..)`: the 1-based index of the current repeat instance, 1 outside any repeat
    /// (the enclosing group or the root is the only one of its name).
    Position,
    /// Unary minus: `-number(operand)`.
    Neg(Box<Expr>),
    /// A left-associative chain `first op1 e1 op2 e2 …` whose operators all have the same
    /// precedence ([`BinOp::precedence`]), as [`parse`] builds it. Parenthesised operands of the
    /// same precedence stay nested, so `(a - b) - c` and `a - b - c` are different values that
    /// evaluate alike.
    Binary {
        /// The leftmost operand.
        first: Box<Expr>,
        /// The following operators and their right operands, applied left to right.
        rest: Vec<(BinOp, Expr)>,
    },
    /// A call of a built-in function; the number of arguments was checked by [`parse`].
    Call {
        /// The function.
        func: Func,
        /// Its arguments.
        args: Vec<Expr>,
    },
}

impl Expr {
    /// Names referenced with `${name}`, in order of first appearance, without duplicates.
    #[must_use]
    pub fn references(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        self.collect_names(&mut names, false);
        names
    }

    /// Bare names (choice columns, see [`Expr::Column`]), in order of first appearance, without
    /// duplicates. Non-empty means the expression only makes sense as a `choice_filter`.
    #[must_use]
    pub fn columns(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        self.collect_names(&mut names, true);
        names
    }

    /// Collects `${…}` names (or bare names when `columns`).
    fn collect_names(&self, names: &mut Vec<String>, columns: bool) {
        match self {
            Self::Ref(name) | Self::Column(name) => {
                if matches!(self, Self::Column(_)) == columns && !names.iter().any(|n| n == name) {
                    names.push(name.clone());
                }
            }
            Self::Str(_) | Self::Num(_) | Self::Current | Self::Position => {}
            Self::Neg(inner) => inner.collect_names(names, columns),
            Self::Binary { first, rest } => {
                first.collect_names(names, columns);
                for (_, operand) in rest {
                    operand.collect_names(names, columns);
                }
            }
            Self::Call { args, .. } => {
                for arg in args {
                    arg.collect_names(names, columns);
                }
            }
        }
    }

    /// Evaluates the expression.
    ///
    /// # Errors
    /// [`EvalError`] for an unknown `${name}`, an invalid `regex()` pattern or a non-node-set
    /// given to `count()`, `count-non-empty()` or `sum()`.
    pub fn eval(&self, ctx: &dyn Context) -> Result<Value, EvalError> {
        eval::eval(self, ctx)
    }

    /// Convenience: eval then XPath `boolean()` (for `relevant`, `constraint`, `required`).
    ///
    /// # Errors
    /// As [`Expr::eval`].
    pub fn eval_bool(&self, ctx: &dyn Context) -> Result<bool, EvalError> {
        Ok(self.eval(ctx)?.to_boolean())
    }

    /// Convenience: eval then XPath `string()` (for `calculate` results stored as answers).
    ///
    /// # Errors
    /// As [`Expr::eval`].
    pub fn eval_string(&self, ctx: &dyn Context) -> Result<String, EvalError> {
        Ok(self.eval(ctx)?.to_xpath_string())
    }

    /// Precedence of a `Binary` node (its first operator), `None` for other nodes.
    fn precedence(&self) -> Option<u8> {
        match self {
            Self::Binary { rest, .. } => rest.first().map(|(op, _)| op.precedence()),
            _ => None,
        }
    }
}

impl fmt::Display for Expr {
    /// Canonical form: single spaces around binary operators, `, ` between arguments, strings in
    /// single quotes unless they contain one, parentheses only where needed to rebuild the same
    /// tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(s) => {
                if s.contains('\'') {
                    write!(f, "\"{s}\"")
                } else {
                    write!(f, "'{s}'")
                }
            }
            // Non-finite numbers have no literal: `1` and 309 zeros overflows to infinity.
            Self::Num(n) if n.is_infinite() => {
                write!(f, "{}1{}", if *n < 0.0 { "-" } else { "" }, "0".repeat(309))
            }
            Self::Num(n) if n.is_nan() => f.write_str("(0 div 0)"),
            Self::Num(n) => write!(f, "{n}"),
            Self::Ref(name) => write!(f, "${{{name}}}"),
            Self::Column(name) => f.write_str(name),
            Self::Current => f.write_str("."),
            Self::Position => f.write_str("position(..)"),
            Self::Neg(inner) => {
                if inner.precedence().is_some() {
                    write!(f, "-({inner})")
                } else {
                    write!(f, "-{inner}")
                }
            }
            Self::Binary { first, rest } => {
                let level = self.precedence().unwrap_or(u8::MAX);
                let operand = |f: &mut fmt::Formatter<'_>, e: &Expr| match e.precedence() {
                    Some(p) if p <= level => write!(f, "({e})"),
                    _ => write!(f, "{e}"),
                };
                operand(f, first)?;
                for (op, e) in rest {
                    write!(f, " {} ", op.symbol())?;
                    operand(f, e)?;
                }
                Ok(())
            }
            Self::Call { func, args } => {
                write!(f, "{}(", func.name())?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`: boolean, short-circuit.
    Or,
    /// `and`: boolean, short-circuit.
    And,
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `div`.
    Div,
    /// `mod`.
    Mod,
}

impl BinOp {
    /// Every operator, lowest precedence first.
    pub const ALL: [Self; 13] = [
        Self::Or,
        Self::And,
        Self::Eq,
        Self::Ne,
        Self::Lt,
        Self::Le,
        Self::Gt,
        Self::Ge,
        Self::Add,
        Self::Sub,
        Self::Mul,
        Self::Div,
        Self::Mod,
    ];

    /// XPath precedence, higher binds tighter: `or` 0, `and` 1, `=` `!=` 2, `<` `<=` `>` `>=` 3,
    /// `+` `-` 4, `*` `div` `mod` 5.
    #[must_use]
    pub fn precedence(self) -> u8 {
        match self {
            Self::Or => 0,
            Self::And => 1,
            Self::Eq | Self::Ne => 2,
            Self::Lt | Self::Le | Self::Gt | Self::Ge => 3,
            Self::Add | Self::Sub => 4,
            Self::Mul | Self::Div | Self::Mod => 5,
        }
    }

    /// The operator as written in expressions.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Or => "or",
            Self::And => "and",
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "div",
            Self::Mod => "mod",
        }
    }
}

/// The built-in functions. Unless stated otherwise arguments are converted with the XPath
/// conversions of the module documentation, strings are measured and indexed in UTF-16 code
/// units as JavaRosa (Java) does, and a [`Value::Nodes`] argument where a single value is
/// expected is unpacked (empty → `""`, one node → its value, more → the first node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    /// `if(cond, a, b)`: `a` if `boolean(cond)` else `b`; only the chosen branch is evaluated.
    If,
    /// `coalesce(a, b)`: `a` unless it is the empty string or NaN, else `b` (evaluated lazily).
    Coalesce,
    /// `true()`.
    True,
    /// `false()`.
    False,
    /// `boolean(x)`.
    Boolean,
    /// `boolean-from-string(s)`: true for `'true'` (any case) or `'1'`, else false.
    BooleanFromString,
    /// `not(x)`: `!boolean(x)`.
    Not,
    /// `number(x)`.
    Number,
    /// `string(x)`.
    String,
    /// `int(x)`: `number(x)` truncated toward zero; NaN and ±∞ unchanged.
    Int,
    /// `round(x[, digits])`: rounds the shortest decimal representation of `number(x)` to
    /// `digits` decimals (default 0, truncated to an integer) with halves toward +∞, as
    /// JavaRosa's `BigDecimal` rounding (so `round(1.005, 2)` is 1.01, not 1.0 as binary rounding
    /// would give); negative `digits` round to tens, hundreds… the same way (JavaRosa truncates
    /// instead for negative numbers there, a bug not reproduced); NaN and ±∞ unchanged;
    /// `|digits| > 30` gives NaN.
    Round,
    /// `abs(x)`.
    Abs,
    /// `pow(x, y)`: IEEE `x^y`.
    Pow,
    /// `string-length([s])`: length in UTF-16 code units; `.` when omitted.
    StringLength,
    /// `normalize-space([s])`: trims and collapses runs of Java `\s` whitespace to one space; `.`
    /// when omitted.
    NormalizeSpace,
    /// `concat(a, b, …)`: the strings joined; a single node-set argument joins all its nodes.
    Concat,
    /// `join(sep, nodes)` or `join(sep, a, b, …)`: the values joined with `sep`.
    Join,
    /// `substr(s, start[, end])`: 0-based, `end` exclusive (default: the length); a negative
    /// index counts from the end; indexes are clamped; empty when `start > end`.
    Substr,
    /// `substring-before(s, t)`: the part before the first `t`, empty if absent.
    SubstringBefore,
    /// `substring-after(s, t)`: the part after the first `t`, empty if absent.
    SubstringAfter,
    /// `translate(s, from, to)`: replaces each character of `from` by the one at the same index
    /// in `to`, or deletes it when `to` is shorter.
    Translate,
    /// `contains(s, t)`.
    Contains,
    /// `starts-with(s, t)`.
    StartsWith,
    /// `ends-with(s, t)`.
    EndsWith,
    /// `selected(list, value)`: whether `value` (trimmed) is one of the space-separated names in
    /// `list`, tested as JavaRosa does: `' ' + list + ' '` contains `' ' + value + ' '`.
    Selected,
    /// `count-selected(list)`: the number of non-empty pieces of `list` split on spaces.
    CountSelected,
    /// `selected-at(list, n)`: the `n`-th (0-based, truncated) non-empty piece of `list` split on
    /// spaces, or `""` when out of range.
    SelectedAt,
    /// `regex(s, pattern)`: whether the whole of `s` matches `pattern` (JavaRosa uses Java's
    /// `Pattern.matches`, an implicitly anchored match; anchors written by the form author are
    /// harmless). `\d \w \s` and their negations are ASCII as in Java. Patterns are compiled by
    /// the `regex` crate with a size limit; look-around and back-references are rejected with
    /// [`EvalError::InvalidRegex`].
    Regex,
    /// `count(nodes)`: the number of nodes; a `${field}` outside repeats or `.` is one node.
    Count,
    /// `count-non-empty(nodes)`: the number of non-empty nodes.
    CountNonEmpty,
    /// `sum(nodes)`: the sum of `number()` of each node, skipping nodes that are NaN (empty or
    /// not numeric) as current JavaRosa does; 0 for no numeric node.
    Sum,
    /// `min(nodes)` or `min(a, b, …)`: the smallest `number()`, skipping NaN; NaN if none.
    Min,
    /// `max(nodes)` or `max(a, b, …)`: the largest `number()`, skipping NaN; NaN if none
    /// (JavaRosa starts from `Double.MIN_VALUE`, so its `max(-5, -3)` is 4.9e-324, a bug not
    /// reproduced).
    Max,
    /// `today()`: [`Context::today`], a date.
    Today,
    /// `date(x)`: a string `YYYY-MM-DD`, or an ODK date-time `YYYY-MM-DDThh:mm[:ss[.f…]]` with an
    /// optional `Z`/`±hh[:mm]` offset (its written date is kept, the time dropped; JavaRosa would
    /// first convert it to the device's time zone), or a number of days since 1970-01-01
    /// (truncated), as a date; `""` stays `""`; anything else is NaN (JavaRosa raises an error).
    Date,
    /// `decimal-date-time(x)`: fractional days since 1970-01-01T00:00Z of a date, a date string or
    /// a date-time string (its written offset is applied; without one the time is taken as UTC,
    /// where JavaRosa would use the device's time zone); numbers are returned unchanged, `""`
    /// stays `""`, anything else is NaN.
    DecimalDateTime,
    /// `format-date(x, format)`: formats a date, date string, date-time string (its wall-clock
    /// time as written, no time-zone conversion) or number of days (fraction = time of day, UTC)
    /// with `%Y` (4-digit year), `%y` (2-digit), `%m` (2-digit month), `%n` (month), `%b`
    /// (English month abbreviation), `%d` (2-digit day), `%e` (day), `%a` (English weekday
    /// abbreviation), `%H` (2-digit hour), `%h` (hour), `%M` (minutes), `%S` (seconds), `%3`
    /// (milliseconds) and `%%`; other characters, and unknown `%` codes, are copied. `""` when the
    /// value is not a date.
    FormatDate,
}

impl Func {
    /// Every function (`position(..)` is parsed on its own as [`Expr::Position`]).
    pub const ALL: [Self; 37] = [
        Self::If,
        Self::Coalesce,
        Self::True,
        Self::False,
        Self::Boolean,
        Self::BooleanFromString,
        Self::Not,
        Self::Number,
        Self::String,
        Self::Int,
        Self::Round,
        Self::Abs,
        Self::Pow,
        Self::StringLength,
        Self::NormalizeSpace,
        Self::Concat,
        Self::Join,
        Self::Substr,
        Self::SubstringBefore,
        Self::SubstringAfter,
        Self::Translate,
        Self::Contains,
        Self::StartsWith,
        Self::EndsWith,
        Self::Selected,
        Self::CountSelected,
        Self::SelectedAt,
        Self::Regex,
        Self::Count,
        Self::CountNonEmpty,
        Self::Sum,
        Self::Min,
        Self::Max,
        Self::Today,
        Self::Date,
        Self::DecimalDateTime,
        Self::FormatDate,
    ];

    /// The function name as written in expressions.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::If => "if",
            Self::Coalesce => "coalesce",
            Self::True => "true",
            Self::False => "false",
            Self::Boolean => "boolean",
            Self::BooleanFromString => "boolean-from-string",
            Self::Not => "not",
            Self::Number => "number",
            Self::String => "string",
            Self::Int => "int",
            Self::Round => "round",
            Self::Abs => "abs",
            Self::Pow => "pow",
            Self::StringLength => "string-length",
            Self::NormalizeSpace => "normalize-space",
            Self::Concat => "concat",
            Self::Join => "join",
            Self::Substr => "substr",
            Self::SubstringBefore => "substring-before",
            Self::SubstringAfter => "substring-after",
            Self::Translate => "translate",
            Self::Contains => "contains",
            Self::StartsWith => "starts-with",
            Self::EndsWith => "ends-with",
            Self::Selected => "selected",
            Self::CountSelected => "count-selected",
            Self::SelectedAt => "selected-at",
            Self::Regex => "regex",
            Self::Count => "count",
            Self::CountNonEmpty => "count-non-empty",
            Self::Sum => "sum",
            Self::Min => "min",
            Self::Max => "max",
            Self::Today => "today",
            Self::Date => "date",
            Self::DecimalDateTime => "decimal-date-time",
            Self::FormatDate => "format-date",
        }
    }

    /// The function called `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Minimum and maximum number of arguments (`None` = any number).
    #[must_use]
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Self::True | Self::False | Self::Today => (0, Some(0)),
            Self::StringLength | Self::NormalizeSpace => (0, Some(1)),
            Self::Boolean
            | Self::BooleanFromString
            | Self::Not
            | Self::Number
            | Self::String
            | Self::Int
            | Self::Abs
            | Self::CountSelected
            | Self::Count
            | Self::CountNonEmpty
            | Self::Sum
            | Self::Date
            | Self::DecimalDateTime => (1, Some(1)),
            Self::Round => (1, Some(2)),
            Self::Coalesce
            | Self::Pow
            | Self::SubstringBefore
            | Self::SubstringAfter
            | Self::Contains
            | Self::StartsWith
            | Self::EndsWith
            | Self::Selected
            | Self::SelectedAt
            | Self::Regex
            | Self::FormatDate => (2, Some(2)),
            Self::Substr => (2, Some(3)),
            Self::If | Self::Translate => (3, Some(3)),
            Self::Concat => (0, None),
            Self::Join | Self::Min | Self::Max => (1, None),
        }
    }
}
