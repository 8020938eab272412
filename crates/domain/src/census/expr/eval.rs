//! Evaluation of parsed expressions (the rules are documented on the parent module and on
//! [`Func`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};
use time::Date;

use super::{
    BinOp, Context, EvalError, Expr, Func, Value, date_from_days, days_since_epoch, format_iso_date, num_to_boolean,
    num_to_string, parse_iso_date, str_to_number,
};

/// Compiled-size limit for `regex()` patterns (program and lazy DFA), in bytes.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(super) fn eval(expr: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    // This function, `eval_chain` and `eval_call` are on the recursive path: keep their frames
    // small (the functions themselves are in `apply`), so the deepest expression the parser
    // accepts fits comfortably in a thread's stack.
    match expr {
        Expr::Str(s) => Ok(Value::Str(s.clone())),
        Expr::Num(n) => Ok(Value::Num(*n)),
        Expr::Ref(name) => ctx.resolve(name).ok_or_else(|| EvalError::UnknownName(name.clone())),
        Expr::Current => Ok(ctx.current()),
        Expr::Column(name) => ctx.column(name).ok_or_else(|| EvalError::UnknownColumn(name.clone())),
        Expr::Position => Ok(Value::Num(ctx.position().map_or(1.0, |p| p as f64))),
        Expr::Neg(inner) => Ok(Value::Num(-eval(inner, ctx)?.to_number())),
        Expr::Binary { first, rest } => eval_chain(first, rest, ctx),
        Expr::Call { func, args } => eval_call(*func, args, ctx),
    }
}

/// `first op1 e1 op2 e2 …`, left to right; `and`/`or` short-circuit.
fn eval_chain(first: &Expr, rest: &[(BinOp, Expr)], ctx: &dyn Context) -> Result<Value, EvalError> {
    let mut acc = eval(first, ctx)?;
    for (op, rhs) in rest {
        acc = match op {
            BinOp::Or => Value::Bool(acc.to_boolean() || eval(rhs, ctx)?.to_boolean()),
            BinOp::And => Value::Bool(acc.to_boolean() && eval(rhs, ctx)?.to_boolean()),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                Value::Bool(compare(*op, &acc, &eval(rhs, ctx)?))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                Value::Num(arithmetic(*op, acc.to_number(), eval(rhs, ctx)?.to_number()))
            }
        };
    }
    Ok(acc)
}

/// A function call: `if` and `coalesce` evaluate lazily, the others evaluate every argument
/// and hand the values to [`apply`].
fn eval_call(func: Func, args: &[Expr], ctx: &dyn Context) -> Result<Value, EvalError> {
    let arg = |i: usize| match args.get(i) {
        Some(e) => eval(e, ctx),
        // Only a hand-built call can lack an argument: it reads as the empty string.
        None => Ok(Value::Str(String::new())),
    };
    match func {
        Func::If => arg(if arg(0)?.to_boolean() { 1 } else { 2 }),
        Func::Coalesce => {
            let first = arg(0)?;
            if is_null(&first) { arg(1) } else { Ok(first) }
        }
        _ => {
            let values = args.iter().map(|e| eval(e, ctx)).collect::<Result<Vec<_>, _>>()?;
            apply(func, args, &values, ctx)
        }
    }
}

fn arithmetic(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        // `%` on f64 is the truncated remainder with the sign of the dividend, as XPath `mod`.
        BinOp::Mod => a % b,
        _ => f64::NAN,
    }
}

/// A single (non-node-set) value, borrowed.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Str(&'a str),
    Num(f64),
    Bool(bool),
    Date(Date),
}

impl Scalar<'_> {
    fn boolean(self) -> bool {
        match self {
            Self::Str(s) => !s.is_empty(),
            Self::Num(n) => num_to_boolean(n),
            Self::Bool(b) => b,
            Self::Date(_) => true,
        }
    }

    fn number(self) -> f64 {
        match self {
            Self::Str(s) => str_to_number(s),
            Self::Num(n) => n,
            Self::Bool(b) => f64::from(u8::from(b)),
            Self::Date(d) => f64::from(days_since_epoch(d)),
        }
    }

    fn string(self) -> Cow<'static, str> {
        match self {
            Self::Str(s) => Cow::Owned(s.to_owned()),
            Self::Num(n) => Cow::Owned(num_to_string(n)),
            Self::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Self::Date(d) => Cow::Owned(format_iso_date(d)),
        }
    }
}

/// `a op b` for a comparison operator, with the node-set rules of the parent module.
fn compare(op: BinOp, a: &Value, b: &Value) -> bool {
    match (a, b) {
        // JavaRosa unpacks node-sets of at most one node to a string.
        (Value::Nodes(nodes), _) if nodes.len() <= 1 => {
            compare(op, &Value::Str(nodes.first().cloned().unwrap_or_default()), b)
        }
        (_, Value::Nodes(nodes)) if nodes.len() <= 1 => {
            compare(op, a, &Value::Str(nodes.first().cloned().unwrap_or_default()))
        }
        // XPath 1.0 for larger node-sets.
        (Value::Nodes(_), Value::Bool(_)) | (Value::Bool(_), Value::Nodes(_)) => {
            compare_scalars(op, Scalar::Bool(a.to_boolean()), Scalar::Bool(b.to_boolean()))
        }
        (Value::Nodes(nodes), _) => nodes.iter().any(|n| compare(op, &Value::Str(n.clone()), b)),
        (_, Value::Nodes(nodes)) => nodes.iter().any(|n| compare(op, a, &Value::Str(n.clone()))),
        _ => compare_scalars(op, scalar(a), scalar(b)),
    }
}

fn scalar(v: &Value) -> Scalar<'_> {
    match v {
        Value::Str(s) => Scalar::Str(s),
        Value::Num(n) => Scalar::Num(*n),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Date(d) => Scalar::Date(*d),
        Value::Nodes(nodes) => Scalar::Str(nodes.first().map_or("", String::as_str)),
    }
}

fn compare_scalars(op: BinOp, a: Scalar<'_>, b: Scalar<'_>) -> bool {
    let equal = || match (a, b) {
        (Scalar::Bool(_), _) | (_, Scalar::Bool(_)) => a.boolean() == b.boolean(),
        (Scalar::Num(_), _) | (_, Scalar::Num(_)) => (a.number() - b.number()).abs() < 1.0e-12,
        _ => a.string() == b.string(),
    };
    match op {
        BinOp::Eq => equal(),
        BinOp::Ne => !equal(),
        BinOp::Lt => a.number() < b.number(),
        BinOp::Le => a.number() <= b.number(),
        BinOp::Gt => a.number() > b.number(),
        BinOp::Ge => a.number() >= b.number(),
        _ => false,
    }
}

/// JavaRosa's `isNull` for `coalesce`: the empty string (or node-set) or NaN.
fn is_null(v: &Value) -> bool {
    match v {
        Value::Num(n) => n.is_nan(),
        v => v.to_xpath_string().is_empty(),
    }
}

/// The evaluated arguments of a call; a missing one (hand-built call) reads as `""`.
struct Args<'a> {
    exprs: &'a [Expr],
    values: &'a [Value],
}

impl Args<'_> {
    fn string(&self, i: usize) -> String {
        self.values.get(i).map(Value::to_xpath_string).unwrap_or_default()
    }

    fn number(&self, i: usize) -> f64 {
        self.values.get(i).map_or(f64::NAN, Value::to_number)
    }

    fn boolean(&self, i: usize) -> bool {
        self.values.get(i).is_some_and(Value::to_boolean)
    }

    fn value(&self, i: usize) -> Value {
        self.values.get(i).cloned().unwrap_or(Value::Str(String::new()))
    }

    /// Argument `i` of `string-length`/`normalize-space`, `.` when omitted.
    fn string_or_current(&self, i: usize, ctx: &dyn Context) -> String {
        if self.values.len() > i { self.string(i) } else { ctx.current().to_xpath_string() }
    }

    /// Argument `i` as a node-set: a `${field}` or `.` is always one (a single value is one
    /// node, as in JavaRosa where references are paths); another expression must have yielded
    /// [`Value::Nodes`].
    fn nodes(&self, func: Func, i: usize) -> Result<Vec<String>, EvalError> {
        match (self.values.get(i), self.exprs.get(i)) {
            (None, _) => Ok(Vec::new()),
            (Some(Value::Nodes(nodes)), _) => Ok(nodes.clone()),
            (Some(v), Some(Expr::Ref(_) | Expr::Current | Expr::Column(_))) => Ok(vec![v.to_xpath_string()]),
            (Some(v), _) => Err(EvalError::NotANodeSet { function: func.name(), found: v.kind() }),
        }
    }

    /// JavaRosa's "variadic or one node-set" from argument `from` on: a single node-set argument
    /// stands for its nodes.
    fn spread(&self, from: usize) -> Vec<Value> {
        match self.values.get(from..).unwrap_or(&[]) {
            [Value::Nodes(nodes)] => nodes.iter().map(|n| Value::Str(n.clone())).collect(),
            values => values.to_vec(),
        }
    }
}

/// Java's `String.trim()`: strips characters up to U+0020.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java's regex `\s`: `[ \t\n\x0B\f\r]`.
fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

/// JavaRosa's `toInt`: truncation toward zero, NaN and ±∞ unchanged.
fn to_int(n: f64) -> f64 {
    n.trunc()
}

/// Java's `Double.intValue()`: truncation, saturating at the `i32` bounds, NaN → 0 (exactly
/// what Rust's `as` does).
#[expect(clippy::cast_possible_truncation, reason = "saturating conversion is the Java semantics")]
fn java_int_value(n: f64) -> i32 {
    n as i32
}

/// Every function but `if` and `coalesce` (see [`eval_call`]), on evaluated arguments.
fn apply(func: Func, exprs: &[Expr], values: &[Value], ctx: &dyn Context) -> Result<Value, EvalError> {
    let args = Args { exprs, values };
    let string = |i| args.string(i);
    let number = |i| args.number(i);
    Ok(match func {
        // Evaluated lazily by `eval_call`; the same rules on evaluated arguments.
        Func::If => args.value(if args.boolean(0) { 1 } else { 2 }),
        Func::Coalesce => {
            let first = args.value(0);
            if is_null(&first) { args.value(1) } else { first }
        }
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        Func::Boolean => Value::Bool(args.boolean(0)),
        Func::BooleanFromString => {
            let s = string(0);
            Value::Bool(s.eq_ignore_ascii_case("true") || s == "1")
        }
        Func::Not => Value::Bool(!args.boolean(0)),
        Func::Number => Value::Num(number(0)),
        Func::String => Value::Str(string(0)),
        Func::Int => Value::Num(to_int(number(0))),
        Func::Round => {
            let digits = if values.len() > 1 { java_int_value(number(1)) } else { 0 };
            Value::Num(round(number(0), digits))
        }
        Func::Abs => Value::Num(number(0).abs()),
        Func::Pow => Value::Num(java_pow(number(0), number(1))),
        Func::StringLength => {
            let s = args.string_or_current(0, ctx);
            Value::Num(s.encode_utf16().count() as f64)
        }
        Func::NormalizeSpace => Value::Str(normalize_space(&args.string_or_current(0, ctx))),
        Func::Concat => Value::Str(args.spread(0).iter().map(Value::to_xpath_string).collect()),
        Func::Join => {
            let sep = string(0);
            let items = args.spread(1);
            Value::Str(items.iter().map(Value::to_xpath_string).collect::<Vec<_>>().join(&sep))
        }
        Func::Substr => {
            let end = if values.len() > 2 { Some(number(2)) } else { None };
            Value::Str(substr(&string(0), number(1), end))
        }
        Func::SubstringBefore => {
            let (s, t) = (string(0), string(1));
            Value::Str(s.find(&t).map(|i| s.get(..i).unwrap_or("").to_owned()).unwrap_or_default())
        }
        Func::SubstringAfter => {
            let (s, t) = (string(0), string(1));
            Value::Str(s.find(&t).map(|i| s.get(i + t.len()..).unwrap_or("").to_owned()).unwrap_or_default())
        }
        Func::Translate => Value::Str(translate(&string(0), &string(1), &string(2))),
        Func::Contains => Value::Bool(string(0).contains(&string(1))),
        Func::StartsWith => Value::Bool(string(0).starts_with(&string(1))),
        Func::EndsWith => Value::Bool(string(0).ends_with(&string(1))),
        Func::Selected => {
            let (list, value) = (string(0), string(1));
            Value::Bool(format!(" {list} ").contains(&format!(" {} ", java_trim(&value))))
        }
        Func::CountSelected => Value::Num(string(0).split(' ').filter(|p| !p.is_empty()).count() as f64),
        Func::SelectedAt => {
            let list = string(0);
            let index = usize::try_from(java_int_value(to_int(number(1)))).ok();
            let piece = index.and_then(|i| list.split(' ').filter(|p| !p.is_empty()).nth(i));
            Value::Str(piece.unwrap_or("").to_owned())
        }
        Func::Regex => {
            let (s, pattern) = (string(0), string(1));
            Value::Bool(cached_regex(&pattern)?.is_match(&s))
        }
        Func::Count => Value::Num(args.nodes(func, 0)?.len() as f64),
        Func::CountNonEmpty => Value::Num(args.nodes(func, 0)?.iter().filter(|n| !n.is_empty()).count() as f64),
        Func::Sum => {
            let nodes = args.nodes(func, 0)?;
            Value::Num(nodes.iter().map(|n| str_to_number(n)).filter(|n| !n.is_nan()).sum())
        }
        Func::Min | Func::Max => {
            let numbers = args.spread(0).iter().map(Value::to_number).filter(|n| !n.is_nan()).collect::<Vec<_>>();
            let pick = if func == Func::Min { f64::min } else { f64::max };
            Value::Num(numbers.into_iter().reduce(pick).unwrap_or(f64::NAN))
        }
        Func::Today => Value::Date(ctx.today()),
        Func::Date => to_date(&args.value(0)),
        Func::DecimalDateTime => decimal_date_time(&args.value(0)),
        Func::FormatDate => match to_date_time(&args.value(0)) {
            Some(dt) => Value::Str(format_date(dt, &string(1))),
            None => Value::Str(String::new()),
        },
    })
}

/// `date(x)`: see [`Func::Date`].
fn to_date(v: &Value) -> Value {
    match v {
        Value::Date(d) => Value::Date(*d),
        Value::Num(n) => {
            let n = to_int(*n);
            if n.is_finite() && n >= f64::from(i32::MIN) && n <= f64::from(i32::MAX) {
                date_from_days(java_int_value(n)).map_or(Value::Num(f64::NAN), Value::Date)
            } else {
                Value::Num(f64::NAN)
            }
        }
        Value::Bool(_) => Value::Num(f64::NAN),
        Value::Str(_) | Value::Nodes(_) => {
            let s = v.to_xpath_string();
            if s.is_empty() {
                return Value::Str(s);
            }
            parse_date_time(&s).map_or(Value::Num(f64::NAN), |dt| Value::Date(dt.date))
        }
    }
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// A date with a wall-clock time of day and a UTC offset, as written in an ODK `dateTime`
/// answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct DateTime {
    /// The written date.
    pub(super) date: Date,
    /// Milliseconds since the start of the day, as written.
    millis: i64,
    /// The written UTC offset in minutes (0 for `Z` or when absent).
    offset_minutes: i64,
}

/// Parses `YYYY-MM-DD` optionally followed by `Thh:mm[:ss[.f…]]` and `Z`, `±hh`, `±hhmm` or
/// `±hh:mm`.
pub(super) fn parse_date_time(s: &str) -> Option<DateTime> {
    let date = parse_iso_date(s.get(..10)?)?;
    let Some(time) = s.get(10..).filter(|t| !t.is_empty()) else {
        return Some(DateTime { date, millis: 0, offset_minutes: 0 });
    };
    let b = time.strip_prefix('T')?.as_bytes();
    let two = |i: usize| -> Option<i64> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit()).then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
    };
    let hour = two(0)?;
    if b.get(2) != Some(&b':') {
        return None;
    }
    let minute = two(3)?;
    let mut i = 5;
    let (mut second, mut millis) = (0, 0);
    if b.get(i) == Some(&b':') {
        second = two(i + 1)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let fraction = b.get(start..i)?;
            if fraction.is_empty() {
                return None;
            }
            millis = fraction.iter().chain([b'0'; 3].iter()).take(3).fold(0, |acc, d| acc * 10 + i64::from(d - b'0'));
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_minutes = match b.get(i..)? {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), ..] => {
            let hours = two(i + 1)?;
            let minutes = match b.get(i + 3..)? {
                [] => 0,
                [b':', _, _] => two(i + 4)?,
                [_, _] => two(i + 3)?,
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            if *sign == b'-' { -(hours * 60 + minutes) } else { hours * 60 + minutes }
        }
        _ => return None,
    };
    Some(DateTime { date, millis: ((hour * 60 + minute) * 60 + second) * 1000 + millis, offset_minutes })
}

/// The date and time `format-date` formats: see [`Func::FormatDate`].
fn to_date_time(v: &Value) -> Option<DateTime> {
    match v {
        Value::Date(date) => Some(DateTime { date: *date, millis: 0, offset_minutes: 0 }),
        Value::Num(n) => {
            if !n.is_finite() || n.abs() > f64::from(i32::MAX) {
                return None;
            }
            #[expect(clippy::cast_possible_truncation, reason = "bounded above; floor of whole milliseconds")]
            let total = (n * 86_400_000.0).floor() as i64;
            let days = i32::try_from(total.div_euclid(DAY_MS)).ok()?;
            Some(DateTime { date: date_from_days(days)?, millis: total.rem_euclid(DAY_MS), offset_minutes: 0 })
        }
        Value::Bool(_) => None,
        Value::Str(_) | Value::Nodes(_) => parse_date_time(&v.to_xpath_string()),
    }
}

/// `decimal-date-time(x)`: see [`Func::DecimalDateTime`].
#[expect(clippy::cast_precision_loss, reason = "milliseconds of a day and minutes of an offset are small")]
fn decimal_date_time(v: &Value) -> Value {
    match v {
        Value::Num(n) => Value::Num(*n),
        Value::Date(d) => Value::Num(f64::from(days_since_epoch(*d))),
        Value::Bool(_) => Value::Num(f64::NAN),
        Value::Str(_) | Value::Nodes(_) => {
            let s = v.to_xpath_string();
            if s.is_empty() {
                return Value::Str(s);
            }
            parse_date_time(&s).map_or(Value::Num(f64::NAN), |dt| {
                let day_fraction = (dt.millis - dt.offset_minutes * 60_000) as f64 / DAY_MS as f64;
                Value::Num(f64::from(days_since_epoch(dt.date)) + day_fraction)
            })
        }
    }
}

/// `round(x, digits)`: see [`Func::Round`].
fn round(x: f64, digits: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if !(-30..=30).contains(&digits) {
        return f64::NAN;
    }
    // Shortest round-trip decimal digits of |x|: |x| = 0.D × 10^(exp + 1).
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let Ok(exp) = exp.parse::<i64>() else {
        return x;
    };
    let all_digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    // Number of digits kept before the rounding position.
    let keep = exp + 1 + i64::from(digits);
    let Ok(keep) = usize::try_from(keep) else {
        // Every digit is at least two places past the rounding position: less than a half.
        return 0.0;
    };
    if keep >= all_digits.len() {
        return x;
    }
    let (kept, dropped) = all_digits.split_at(keep);
    let next = dropped.first().copied().unwrap_or(0);
    let more = dropped.iter().skip(1).any(|&d| d != 0);
    // BigDecimal HALF_UP for positive numbers, HALF_DOWN for negative: halves go toward +∞.
    let up = next > 5 || (next == 5 && (more || x > 0.0));
    let mut kept = kept.to_vec();
    if up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if let Some(d) = kept.get_mut(i) {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    break;
                }
            }
        }
    }
    let mut text: String = kept.iter().map(|d| char::from(b'0' + d)).collect();
    if text.is_empty() {
        text.push('0');
    }
    let magnitude = format!("{text}e{}", -i64::from(digits)).parse::<f64>().unwrap_or(f64::NAN);
    if x < 0.0 { -magnitude } else { magnitude }
}

/// Java's `Math.pow`, which differs from C's `pow` for NaN exponents and `(±1)^±∞`.
fn java_pow(x: f64, y: f64) -> f64 {
    if y.is_nan() || (x.abs() == 1.0 && y.is_infinite()) { f64::NAN } else { x.powf(y) }
}

/// JavaRosa's `normalize-space`: `trim()` then runs of `\s` to one space.
fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in java_trim(s).chars() {
        if is_java_space(c) {
            in_space = true;
        } else {
            if in_space {
                out.push(' ');
                in_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// JavaRosa's `substr` on UTF-16 code units: see [`Func::Substr`].
fn substr(s: &str, start: f64, end: Option<f64>) -> String {
    let units: Vec<u16> = s.encode_utf16().collect();
    let len = i64::try_from(units.len()).unwrap_or(i64::MAX);
    let resolve = |i: f64| {
        let i = i64::from(java_int_value(to_int(i)));
        let i = if i < 0 { len + i } else { i };
        usize::try_from(i.clamp(0, len)).unwrap_or(0)
    };
    let start = resolve(start);
    let end = end.map_or(units.len(), resolve);
    units.get(start..end).map(String::from_utf16_lossy).unwrap_or_default()
}

/// XPath `translate` on characters.
fn translate(s: &str, from: &str, to: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    s.chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            None => Some(c),
            Some(i) => to.get(i).copied(),
        })
        .collect()
}

/// How many compiled `regex()` patterns each thread keeps.
const REGEX_CACHE_SIZE: usize = 64;

thread_local! {
    /// Compiled patterns: forms use a handful of patterns on every row of every submission.
    static REGEX_CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// [`compile_regex`] through a small per-thread cache (emptied when full).
fn cached_regex(pattern: &str) -> Result<Regex, EvalError> {
    if let Some(re) = REGEX_CACHE.with(|cache| cache.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = compile_regex(pattern)?;
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= REGEX_CACHE_SIZE {
            cache.clear();
        }
        cache.insert(pattern.to_owned(), re.clone());
    });
    Ok(re)
}

/// Compiles a `regex()` pattern for a whole-string match with Java's ASCII shorthand classes.
fn compile_regex(pattern: &str) -> Result<Regex, EvalError> {
    let translated = java_shorthands(pattern);
    let build = |p: &str| {
        RegexBuilder::new(p)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| EvalError::InvalidRegex { pattern: pattern.to_owned(), reason: e.to_string() })
    };
    // Compiled alone first, so an unbalanced `)` cannot close the anchoring group below.
    build(&translated)?;
    build(&format!(r"\A(?:{translated})\z"))
}

/// Rewrites `\d \D \w \W \s \S` to the ASCII classes they mean in Java (the `regex` crate's are
/// Unicode-aware). Nested classes keep them valid inside `[…]`.
fn java_shorthands(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('s') => out.push_str(r"[ \t\n\x0B\x0C\r]"),
            Some('S') => out.push_str(r"[^ \t\n\x0B\x0C\r]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `format-date`: see [`Func::FormatDate`].
fn format_date(dt: DateTime, format: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let d = dt.date;
    let month = u8::from(d.month());
    let (hours, minutes) = (dt.millis / 3_600_000, dt.millis / 60_000 % 60);
    let (seconds, millis) = (dt.millis / 1000 % 60, dt.millis % 1000);
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&format!("{:04}", d.year())),
            Some('y') => out.push_str(&format!("{:02}", d.year().rem_euclid(100))),
            Some('m') => out.push_str(&format!("{month:02}")),
            Some('n') => out.push_str(&month.to_string()),
            Some('b') => out.push_str(MONTHS.get(usize::from(month) - 1).copied().unwrap_or("")),
            Some('d') => out.push_str(&format!("{:02}", d.day())),
            Some('e') => out.push_str(&d.day().to_string()),
            Some('a') => {
                out.push_str(DAYS.get(usize::from(d.weekday().number_days_from_monday())).copied().unwrap_or(""));
            }
            Some('H') => out.push_str(&format!("{hours:02}")),
            Some('h') => out.push_str(&hours.to_string()),
            Some('M') => out.push_str(&format!("{minutes:02}")),
            Some('S') => out.push_str(&format!("{seconds:02}")),
            Some('3') => out.push_str(&format!("{millis:03}")),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}
