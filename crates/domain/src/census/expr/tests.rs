//! Tests of the XLSForm expression evaluator.

use proptest::prelude::*;
use time::macros::date;

use super::{BinOp, EvalError, Expr, Func, MAX_DEPTH, MapContext, ParseError, Value, parse};

const TODAY: time::Date = date!(2024 - 03 - 15);

/// The context shared by the table: a few answers, typed values and repeats.
fn ctx() -> MapContext {
    MapContext::new(TODAY)
        .with("A3", "6")
        .with("B2", "stab agri")
        .with("B4", "")
        .with("B5", "a b  c")
        .with("C1", "public")
        .with("C2", "private other")
        .with("x", "5")
        .with("a", "")
        .with("b", "fallback")
        .with("full", " Mario \t  Rossi ")
        .with("birth", "1980-05-17")
        .with("n1", "2.5")
        .with("comma", "1,5")
        .with("num", 6.0)
        .with("dt", date!(2021 - 01 - 01))
        .with_nodes("E3", ["1", "2", "3"])
        .with_nodes("E3e", ["1", "", "3"])
        .with_nodes("E3x", ["1", "x", "4"])
        .with_nodes("one", ["7"])
        .with_nodes("onee", [""])
        .with_repeat("insediamenti", 3)
        .with_repeat("none", 0)
}

fn s(v: &str) -> Value {
    Value::Str(v.to_owned())
}

fn n(v: f64) -> Value {
    Value::Num(v)
}

fn b(v: bool) -> Value {
    Value::Bool(v)
}

fn d(v: time::Date) -> Value {
    Value::Date(v)
}

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// Structural equality where NaN equals NaN.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => (x.is_nan() && y.is_nan()) || x == y,
        _ => a == b,
    }
}

/// (expression, value of `.`, expected value)
fn table() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        // XLSForm idioms.
        ("${A3} = '6'", "", b(true)),
        ("${A3} = 6", "", b(true)),
        ("${A3} != '6'", "", b(false)),
        ("${A3} = '06'", "", b(false)),
        ("${A3} = 6.0", "", b(true)),
        ("selected(${B2}, 'stab')", "", b(true)),
        ("selected(${B2}, 'agri')", "", b(true)),
        ("selected(${B2}, 'sta')", "", b(false)),
        ("selected(${B2}, ' agri ')", "", b(true)),
        ("selected(${B4}, 'stab')", "", b(false)),
        ("selected('', '')", "", b(true)),
        ("regex(., '^[A-Z][0-9]{3}$')", "A123", b(true)),
        ("regex(., '^[A-Z][0-9]{3}$')", "A1234", b(false)),
        ("regex(., '^[A-Z][0-9]{3}$')", "", b(false)),
        ("regex(., '[0-9]')", "a1", b(false)),
        ("regex(., '[a-z][0-9]')", "a1", b(true)),
        ("regex(., 'a|ab')", "ab", b(true)),
        ("regex(., '\\d{5}')", "00184", b(true)),
        ("regex(., '\\d+')", "\u{661}\u{662}", b(false)),
        ("regex(., '[\\d.]+')", "1.5", b(true)),
        ("regex(., '\\w+\\s\\S')", "ab c", b(true)),
        ("regex(., '(?i)abc')", "ABC", b(true)),
        ("regex(${a}, '.*')", "", b(true)),
        (". >= 1950 and . <= 2021", "1980", b(true)),
        (". >= 1950 and . <= 2021", "1949", b(false)),
        (". >= 1950 and . <= 2021", "", b(false)),
        ("count(${insediamenti})", "", n(3.0)),
        ("count(${none})", "", n(0.0)),
        ("count(${x})", "", n(1.0)),
        ("count(.)", "", n(1.0)),
        ("count-non-empty(${E3e})", "", n(2.0)),
        ("sum(${E3})", "", n(6.0)),
        ("sum(${E3e})", "", n(4.0)),
        ("sum(${E3x})", "", n(5.0)),
        ("sum(${none})", "", n(0.0)),
        ("sum(${x})", "", n(5.0)),
        ("if(${x} > 3, 'a', 'b')", "", s("a")),
        ("if(${x} > 30, 'a', 'b')", "", s("b")),
        ("if(${x} > 3, 'a', ${missing})", "", s("a")),
        ("coalesce(${a}, ${b})", "", s("fallback")),
        ("coalesce(${x}, ${b})", "", s("5")),
        ("coalesce(number(${a}), 7)", "", n(7.0)),
        ("coalesce(${x}, ${missing})", "", s("5")),
        ("string-length(.) <= 4", "abcd", b(true)),
        ("string-length(.) <= 4", "abcde", b(false)),
        ("string-length(.)", "héllo", n(5.0)),
        ("string-length('😀')", "", n(2.0)),
        ("string-length()", "abc", n(3.0)),
        ("count-selected(${B4}) > 0", "", b(false)),
        ("count-selected(${B2})", "", n(2.0)),
        ("count-selected(${B5})", "", n(3.0)),
        ("not(selected(${C1}, 'private'))", "", b(true)),
        ("not(selected(${C2}, 'private'))", "", b(false)),
        // Dates.
        ("today()", "", d(TODAY)),
        ("today() - date('2021-01-01')", "", n(1169.0)),
        ("today() > date('2021-01-01')", "", b(true)),
        ("${birth} < today()", "", b(true)),
        ("${birth} < '1979-01-01'", "", b(false)),
        ("date('1970-01-02') + 0", "", n(1.0)),
        ("number(date('2021-01-01'))", "", n(18628.0)),
        ("number('2021-01-01')", "", n(18628.0)),
        ("number('2021-01-01T23:59:59.999+02:00')", "", n(18628.0)),
        ("'2021-01-01T08:00:00' < today()", "", b(true)),
        ("number('2021-1-1')", "", n(NAN)),
        ("string(today())", "", s("2024-03-15")),
        ("today() = '2024-03-15'", "", b(true)),
        ("date(18628)", "", d(date!(2021 - 01 - 01))),
        ("date(18628.9)", "", d(date!(2021 - 01 - 01))),
        ("date(today() + 1)", "", d(date!(2024 - 03 - 16))),
        ("date('2021-01-01T10:20:30')", "", d(date!(2021 - 01 - 01))),
        ("date('')", "", s("")),
        ("date('garbage')", "", n(NAN)),
        ("date('2021-02-30')", "", n(NAN)),
        ("format-date(date('2021-03-05'), '%Y-%m-%d')", "", s("2021-03-05")),
        ("format-date('2021-03-05', '%e/%n/%y %b %a')", "", s("5/3/21 Mar Fri")),
        ("format-date(${a}, '%Y')", "", s("")),
        ("format-date(today(), '%d %% %H:%M %q')", "", s("15 % 00:00 %q")),
        ("decimal-date-time('2021-01-01')", "", n(18628.0)),
        ("decimal-date-time(${dt})", "", n(18628.0)),
        ("decimal-date-time('2021-01-01T12:00:00')", "", n(18628.5)),
        ("decimal-date-time('2021-01-01T12:00:00.000+02:00')", "", n(18628.0 + 36_000_000.0 / 86_400_000.0)),
        ("decimal-date-time('2021-01-01T00:00Z')", "", n(18628.0)),
        ("decimal-date-time('2021-01-01T25:00')", "", n(NAN)),
        ("decimal-date-time(1.25)", "", n(1.25)),
        ("decimal-date-time('')", "", s("")),
        ("format-date('2021-03-05T08:07:06.5+01:00', '%H:%M:%S.%3 %h')", "", s("08:07:06.500 8")),
        ("format-date(18628.5, '%Y-%m-%d %H')", "", s("2021-01-01 12")),
        ("date('2021-01-01T10:20:30Z')", "", d(date!(2021 - 01 - 01))),
        ("date('2021-01-01Tnoon')", "", n(NAN)),
        ("${dt} = '2021-01-01'", "", b(true)),
        ("${dt} < today()", "", b(true)),
        ("int((today() - ${birth}) div 365.25)", "", n(43.0)),
        // number().
        ("number('')", "", n(NAN)),
        ("number('abc')", "", n(NAN)),
        ("number(' 12 ')", "", n(12.0)),
        ("number(${comma})", "", n(1.5)),
        ("number('1e3')", "", n(NAN)),
        ("number('+1')", "", n(NAN)),
        ("number('.5')", "", n(0.5)),
        ("number('5.')", "", n(5.0)),
        ("number('-2.5')", "", n(-2.5)),
        ("number('--1')", "", n(NAN)),
        ("number(true())", "", n(1.0)),
        ("number(false())", "", n(0.0)),
        // boolean().
        ("boolean('')", "", b(false)),
        ("boolean('false')", "", b(true)),
        ("boolean(0)", "", b(false)),
        ("boolean(0.0000000000001)", "", b(false)),
        ("boolean(0.001)", "", b(true)),
        ("boolean(number(''))", "", b(false)),
        ("boolean(-1)", "", b(true)),
        ("boolean(today())", "", b(true)),
        ("boolean(${insediamenti})", "", b(true)),
        ("boolean(${none})", "", b(false)),
        ("boolean(${onee})", "", b(false)),
        ("boolean(${one})", "", b(true)),
        // string().
        ("string(3)", "", s("3")),
        ("string(2.50)", "", s("2.5")),
        ("string(1 div 0)", "", s("Infinity")),
        ("string(-1 div 0)", "", s("-Infinity")),
        ("string(0 div 0)", "", s("NaN")),
        ("string(-0)", "", s("0")),
        ("string(0.1 + 0.2)", "", s("0.30000000000000004")),
        ("string(1000000 * 1000000 * 1000000)", "", s("1000000000000000000")),
        ("string(1 div 3)", "", s("0.3333333333333333")),
        ("string(0.000001)", "", s("0.000001")),
        ("string(true())", "", s("true")),
        ("string(${E3})", "", s("1")),
        ("string(${none})", "", s("")),
        ("string(${x})", "", s("5")),
        // Arithmetic.
        ("1 + 2 * 3", "", n(7.0)),
        ("(1 + 2) * 3", "", n(9.0)),
        ("10 - 4 - 3", "", n(3.0)),
        ("2 * 3 div 4", "", n(1.5)),
        ("5 mod 3 * 2", "", n(4.0)),
        ("7 mod 3", "", n(1.0)),
        ("-7 mod 3", "", n(-1.0)),
        ("7 mod -3", "", n(1.0)),
        ("5.5 mod 2", "", n(1.5)),
        ("1 div 0", "", n(INF)),
        ("-1 div 0", "", n(-INF)),
        ("0 div 0", "", n(NAN)),
        ("5 mod 0", "", n(NAN)),
        ("- - 2", "", n(2.0)),
        ("-2 * 3", "", n(-6.0)),
        ("-${x}", "", n(-5.0)),
        ("${x}-1", "", n(4.0)),
        ("${a} + 1", "", n(NAN)),
        ("${x} + ${n1}", "", n(7.5)),
        ("'3' + '4'", "", n(7.0)),
        ("true() + 1", "", n(2.0)),
        ("  1   +\n 2  ", "", n(3.0)),
        // Comparisons.
        ("1 = 1", "", b(true)),
        ("1 = '1.0'", "", b(true)),
        ("'1' = '1.0'", "", b(false)),
        ("0.1 + 0.2 = 0.3", "", b(true)),
        ("number('') = number('')", "", b(false)),
        ("number('') != number('')", "", b(true)),
        ("true() = 'x'", "", b(true)),
        ("false() = ''", "", b(true)),
        ("true() = 0", "", b(false)),
        ("1 < 2", "", b(true)),
        ("'10' < '9'", "", b(false)),
        ("'abc' < 'abd'", "", b(false)),
        ("2 <= 2", "", b(true)),
        ("3 > 2 > 1", "", b(false)),
        ("3 >= 3", "", b(true)),
        ("${E3} = 2", "", b(true)),
        ("${E3} = 5", "", b(false)),
        ("${E3} != 1", "", b(true)),
        ("${E3} > 2", "", b(true)),
        ("${E3} > 3", "", b(false)),
        ("${E3} = '3'", "", b(true)),
        ("${E3} = ${E3x}", "", b(true)),
        ("${E3} = true()", "", b(true)),
        ("${none} = ''", "", b(true)),
        ("${one} = 7", "", b(true)),
        ("${num} = '6.0'", "", b(true)),
        // Boolean operators and precedence.
        ("1 or 0", "", b(true)),
        ("0 or 0", "", b(false)),
        ("1 and 0", "", b(false)),
        ("1 and 1", "", b(true)),
        ("true() or ${missing}", "", b(true)),
        ("false() and ${missing}", "", b(false)),
        ("1 = 1 or 1 = 2 and 1 = 2", "", b(true)),
        ("(1 = 1 or 1 = 2) and 1 = 2", "", b(false)),
        ("1 + 1 = 2 and 3 > 2", "", b(true)),
        // Other functions.
        ("true()", "", b(true)),
        ("false()", "", b(false)),
        ("boolean-from-string('TRUE')", "", b(true)),
        ("boolean-from-string('1')", "", b(true)),
        ("boolean-from-string('yes')", "", b(false)),
        ("not('')", "", b(true)),
        ("int(3.7)", "", n(3.0)),
        ("int(-3.7)", "", n(-3.0)),
        ("int('')", "", n(NAN)),
        ("round(2.5)", "", n(3.0)),
        ("round(-2.5)", "", n(-2.0)),
        ("round(2.4)", "", n(2.0)),
        ("round(2.675, 2)", "", n(2.68)),
        ("round(1.005, 2)", "", n(1.01)),
        ("round(-1.005, 2)", "", n(-1.0)),
        ("round(9.996, 2)", "", n(10.0)),
        ("round(0.0004, 2)", "", n(0.0)),
        ("round(1234.5678, -2)", "", n(1200.0)),
        ("round(3.14159, 'x')", "", n(3.0)),
        ("round(1, 31)", "", n(NAN)),
        ("abs(-3)", "", n(3.0)),
        ("pow(2, 10)", "", n(1024.0)),
        ("pow(1, number(''))", "", n(NAN)),
        ("normalize-space(${full})", "", s("Mario Rossi")),
        ("normalize-space()", "  a  b ", s("a b")),
        ("concat('a', 1, true())", "", s("a1true")),
        ("concat(${E3})", "", s("123")),
        ("concat()", "", s("")),
        ("join(', ', ${E3})", "", s("1, 2, 3")),
        ("join('-', 'a', 'b', 'c')", "", s("a-b-c")),
        ("substr('abcdef', 1, 3)", "", s("bc")),
        ("substr('abcdef', 2)", "", s("cdef")),
        ("substr('abcdef', -2)", "", s("ef")),
        ("substr('abcdef', 4, 2)", "", s("")),
        ("substr('abcdef', 0, 100)", "", s("abcdef")),
        ("substr('abc', 0, -1)", "", s("ab")),
        ("substring-before('a-b-c', '-')", "", s("a")),
        ("substring-after('a-b-c', '-')", "", s("b-c")),
        ("substring-before('abc', 'x')", "", s("")),
        ("translate('abc', 'ab', 'A')", "", s("Ac")),
        ("contains('caporalato', 'ora')", "", b(true)),
        ("contains('abc', '')", "", b(true)),
        ("starts-with('caporalato', 'capo')", "", b(true)),
        ("ends-with('caporalato', 'ato')", "", b(true)),
        ("ends-with('a', 'ba')", "", b(false)),
        ("selected-at(${B2}, 0)", "", s("stab")),
        ("selected-at(${B2}, 1)", "", s("agri")),
        ("selected-at(${B2}, 2)", "", s("")),
        ("selected-at(${B2}, -1)", "", s("")),
        ("selected-at(${B5}, 2)", "", s("c")),
        ("min(3, 1, 2)", "", n(1.0)),
        ("max(3, 1, 2)", "", n(3.0)),
        ("max(-5, -3)", "", n(-3.0)),
        ("min(${E3})", "", n(1.0)),
        ("max(${E3e})", "", n(3.0)),
        ("max(${none})", "", n(NAN)),
        ("min('a', '')", "", n(NAN)),
        ("position(..)", "", n(1.0)),
        // Primaries.
        ("${A3}", "", s("6")),
        ("${num}", "", n(6.0)),
        (".", "cur", s("cur")),
        ("\"it's\"", "", s("it's")),
        (".5 + 1.", "", n(1.5)),
    ]
}

#[test]
fn table_of_expressions() {
    let rows = table();
    assert!(rows.len() >= 80, "only {} rows", rows.len());
    let mut failures = Vec::new();
    for (src, current, expected) in rows {
        let ctx = ctx().with_current(current);
        match parse(src).map(|e| e.eval(&ctx)) {
            Ok(Ok(got)) if same(&got, &expected) => {}
            other => failures.push(format!("{src:?} (. = {current:?}): expected {expected:?}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn position_in_and_out_of_repeats() {
    let e = parse("position(..)").unwrap();
    assert!(same(&e.eval(&ctx().with_position(2)).unwrap(), &n(2.0)));
    assert!(same(&e.eval(&ctx()).unwrap(), &n(1.0)));
    let e = parse("position(..) = count(${insediamenti})").unwrap();
    assert!(e.eval_bool(&ctx().with_position(3)).unwrap());
    assert!(!e.eval_bool(&ctx().with_position(2)).unwrap());
}

#[test]
fn convenience_conversions() {
    let c = ctx();
    assert_eq!(parse("${x} * 2").unwrap().eval_string(&c).unwrap(), "10");
    assert_eq!(parse("today()").unwrap().eval_string(&c).unwrap(), "2024-03-15");
    assert_eq!(parse("${x} div 2").unwrap().eval_string(&c).unwrap(), "2.5");
    assert!(parse("${x}").unwrap().eval_bool(&c).unwrap());
    assert!(!parse("${a}").unwrap().eval_bool(&c).unwrap());
}

#[test]
fn references_in_order_without_duplicates() {
    let e = parse("${b} + ${a} * ${b} + count(${c}) + -${d} + if(selected(${a}, 'x'), ., ${e})").unwrap();
    assert_eq!(e.references(), ["b", "a", "c", "d", "e"]);
    assert!(parse("1 + .").unwrap().references().is_empty());
}

#[test]
fn choice_filter_columns() {
    let choice =
        |state: &str, name: &str| ctx().with("st", "lazio").with_column("state", state).with_column("name", name);
    let filter = parse("state = ${st} and not(selected(${B2}, name))").unwrap();
    assert!(filter.eval_bool(&choice("lazio", "roma")).unwrap());
    assert!(!filter.eval_bool(&choice("lazio", "stab")).unwrap());
    assert!(!filter.eval_bool(&choice("sicilia", "roma")).unwrap());
    assert_eq!(filter.references(), ["st", "B2"]);
    assert_eq!(filter.columns(), ["state", "name"]);
    assert!(parse("${a} = 'b'").unwrap().columns().is_empty());
    // Operator names are columns where an operand is expected, as in XPath.
    assert_eq!(parse("and and or").unwrap().columns(), ["and", "or"]);
    assert_eq!(parse("position").unwrap(), Expr::Column("position".to_owned()));
    let err = parse("state = 'x'").unwrap().eval(&ctx()).unwrap_err();
    assert_eq!(err, EvalError::UnknownColumn("state".to_owned()));
    assert!(err.to_string().contains("only valid in a choice_filter"), "{err}");
}

#[test]
fn overflowing_literal_is_infinity_and_round_trips() {
    let e = parse(&format!("1{}", "0".repeat(400))).unwrap();
    assert_eq!(e, Expr::Num(f64::INFINITY));
    assert_eq!(parse(&e.to_string()), Ok(e.clone()));
    assert_eq!(e.eval_string(&ctx()).unwrap(), "Infinity");
}

#[test]
fn evaluation_errors() {
    let c = ctx();
    let err = |src: &str| parse(src).unwrap().eval(&c).unwrap_err();
    assert_eq!(err("${missing} = 1"), EvalError::UnknownName("missing".to_owned()));
    assert_eq!(err("${missing} = 1").to_string(), "unknown field `${missing}`");
    assert!(matches!(err("regex('a', '(')"), EvalError::InvalidRegex { .. }));
    assert!(matches!(err("regex('a', '(?=a)a')"), EvalError::InvalidRegex { .. }));
    assert!(matches!(err("regex('ab', 'a)(b')"), EvalError::InvalidRegex { .. }));
    assert!(matches!(err("regex('a', 'a{1000}{1000}')"), EvalError::InvalidRegex { .. }));
    let e = err("regex('a', '[')");
    assert!(e.to_string().starts_with("invalid regular expression `[`"), "{e}");
    assert_eq!(err("count('a')"), EvalError::NotANodeSet { function: "count", found: "string" });
    assert_eq!(err("sum(1 + 1)"), EvalError::NotANodeSet { function: "sum", found: "number" });
    assert_eq!(
        err("count-non-empty(true())"),
        EvalError::NotANodeSet { function: "count-non-empty", found: "boolean" }
    );
    assert_eq!(err("count('a')").to_string(), "count() requires a node-set (a ${field} reference), not a string");
    // A node-set coming out of an expression is fine.
    assert!(same(&parse("count(if(1, ${E3}, ${E3e}))").unwrap().eval(&c).unwrap(), &n(3.0)));
}

#[test]
fn parse_errors() {
    let long = format!("{}1", "1+".repeat(5001));
    let deep = format!("{}1{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
    let cases: Vec<(&str, usize, &str)> = vec![
        ("${", 2, "at byte 2: expected a field name, found end of input"),
        ("${a} =", 6, "at byte 6: expected an operand, found end of input"),
        ("foo(1)", 0, "at byte 0: unknown function `foo`"),
        ("selected(1)", 0, "at byte 0: function `selected` takes 2 arguments, found 1"),
        ("1 +* 2", 3, "at byte 3: expected an operand, found `*`"),
        ("'abc", 0, "at byte 0: unterminated string literal (missing closing ')"),
        ("concat(\"abc)", 7, "unterminated string literal"),
        ("${a b}", 3, "at byte 3: expected `}` closing the field reference, found a space"),
        ("", 0, "expected an operand, found end of input"),
        ("1 2", 2, "expected an operator or end of input, found number `2`"),
        ("(1", 2, "expected `)` or an operator, found end of input"),
        ("1)", 1, "expected an operator or end of input, found `)`"),
        ("concat(1,)", 9, "expected an operand, found `)`"),
        ("concat(1 2)", 9, "expected `,`, `)` or an operator, found number `2`"),
        ("true(1)", 0, "function `true` takes no arguments, found 1"),
        ("round()", 0, "function `round` takes 1 or 2 arguments, found 0"),
        ("if(1, 2)", 0, "function `if` takes 3 arguments, found 2"),
        ("substr('a')", 0, "takes 2 or 3 arguments, found 1"),
        ("join()", 0, "takes at least 1 argument, found 0"),
        ("${}", 2, "expected a field name, found `}`"),
        ("$a", 1, "expected `{` after `$`, found `a`"),
        ("1 ! 2", 2, "expected `!=`"),
        ("a b", 2, "expected an operator or end of input, found name `b`"),
        ("${a} = ", 7, "expected an operand, found end of input"),
        ("position()", 9, "expected `..`"),
        ("..", 0, "expected an operand, found `..`"),
        ("1 # 2", 2, "found `#`"),
        ("1 div-3", 2, "found name `div-3`"),
        ("1e5", 1, "found name `e5`"),
        ("jr:choice-name(${a}, 'c')", 0, "unknown function `jr:choice-name`"),
        ("not(1) + selected(${a}, 'b', 'c')", 9, "function `selected` takes 2 arguments, found 3"),
        (&long, 0, "expression is 10003 bytes long, the limit is 10000"),
        (&deep, MAX_DEPTH, "expression nested deeper than 64 levels"),
    ];
    for (src, offset, fragment) in cases {
        let err = match parse(src) {
            Ok(e) => panic!("{src:?} parsed as {e:?}"),
            Err(err) => err,
        };
        assert_eq!(err.offset(), offset, "{src:?}: {err}");
        assert!(err.to_string().contains(fragment), "{src:?}: {err:?} does not contain {fragment:?}");
    }
    assert_eq!(
        parse("${a} =").unwrap_err(),
        ParseError::Unexpected { offset: 6, expected: "an operand", found: "end of input".to_owned() }
    );
}

#[test]
fn depth_and_length_limits() {
    let nested = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&nested(MAX_DEPTH)).is_ok());
    assert!(matches!(parse(&nested(MAX_DEPTH + 1)), Err(ParseError::TooDeep { .. })));
    assert!(parse(&format!("{}1", "-".repeat(MAX_DEPTH))).is_ok());
    assert!(matches!(parse(&format!("{}1", "-".repeat(MAX_DEPTH + 1))), Err(ParseError::TooDeep { .. })));
    // Hostile input does not overflow the stack.
    assert!(matches!(parse(&"(".repeat(9_999)), Err(ParseError::TooDeep { .. })));
    assert!(matches!(parse(&"not(".repeat(2_400)), Err(ParseError::TooDeep { .. })));
    // A long flat chain is not deep: 1000 terms parse and evaluate.
    let chain = vec!["${x}"; 1000].join(" + ");
    assert!(chain.len() <= super::MAX_LEN);
    assert!(same(&parse(&chain).unwrap().eval(&ctx()).unwrap(), &n(5000.0)));
    assert!(matches!(parse(&" ".repeat(10_001)), Err(ParseError::TooLong { len: 10_001, max: 10_000 })));
}

#[test]
fn deepest_expression_fits_a_small_stack() {
    // 64 nested calls, each with a chain of every precedence level: the worst the limits allow.
    let mut src = "1".to_owned();
    for _ in 0..MAX_DEPTH {
        src = format!("if(0 or 1 and 1 = 1 < 1 + 1 * {src}, 1, 1)");
    }
    // Measured: under 1 MiB unoptimised, under 256 KiB optimised; threads get 2 MiB by default.
    let stack = if cfg!(debug_assertions) { 2048 } else { 512 } * 1024;
    let worker = std::thread::Builder::new().stack_size(stack).spawn(move || {
        let e = parse(&src).unwrap();
        let again = parse(&e.to_string()).unwrap();
        (again == e, e.eval(&ctx()).unwrap())
    });
    let (round_trips, value) = worker.unwrap().join().unwrap();
    assert!(round_trips);
    assert!(same(&value, &n(1.0)));
}

#[test]
fn canonical_display() {
    let cases = [
        ("1+2*3", "1 + 2 * 3"),
        ("(1+2)*3", "(1 + 2) * 3"),
        ("10-(4-3)", "10 - (4 - 3)"),
        ("(10-4)-3", "(10 - 4) - 3"),
        ("-(1+2)", "-(1 + 2)"),
        ("- -1", "--1"),
        ("concat('a',\"it's\")", "concat('a', \"it's\")"),
        ("position( .. )", "position(..)"),
        (".5", "0.5"),
        ("${a}=.", "${a} = ."),
        ("1 mod 2 div 3", "1 mod 2 div 3"),
    ];
    for (src, want) in cases {
        match parse(src) {
            Ok(e) => assert_eq!(e.to_string(), want, "{src:?}"),
            Err(_) => assert_eq!(want, "", "{src:?} should parse"),
        }
    }
}

#[test]
fn every_function_has_a_unique_name() {
    for func in Func::ALL {
        assert_eq!(Func::from_name(func.name()), Some(func));
    }
    assert_eq!(Func::from_name("position"), None);
    for op in BinOp::ALL {
        assert!(op.precedence() <= 5);
    }
}

// ---- property tests ----

fn arb_name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_.-]{0,6}"
}

fn arb_leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        "[a-z '$.]{0,6}".prop_map(Expr::Str),
        "[a-z \"(]{0,6}".prop_map(Expr::Str),
        (0_u32..100_000, 0_i32..4).prop_map(|(m, e)| Expr::Num(f64::from(m) / 10_f64.powi(e))),
        arb_name().prop_map(Expr::Ref),
        arb_name().prop_map(Expr::Column),
        Just(Expr::Current),
        Just(Expr::Position),
    ]
}

fn arb_expr() -> impl Strategy<Value = Expr> {
    arb_leaf().prop_recursive(4, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
            (0_u8..6, inner.clone(), prop::collection::vec((any::<prop::sample::Index>(), inner.clone()), 1..4))
                .prop_map(|(level, first, rest)| {
                    let ops: Vec<BinOp> = BinOp::ALL.into_iter().filter(|op| op.precedence() == level).collect();
                    let rest = rest.into_iter().map(|(i, e)| (ops[i.index(ops.len())], e)).collect();
                    Expr::Binary { first: Box::new(first), rest }
                }),
            (any::<prop::sample::Index>(), prop::collection::vec(inner, 0..4)).prop_map(|(i, mut args)| {
                let func = Func::ALL[i.index(Func::ALL.len())];
                let (min, max) = func.arity();
                if let Some(max) = max {
                    args.truncate(max);
                }
                while args.len() < min {
                    args.push(Expr::Num(1.0));
                }
                Expr::Call { func, args }
            }),
        ]
    })
}

/// Integer arithmetic trees, evaluated with checked `i64` operations.
#[derive(Debug, Clone)]
enum IntExpr {
    Lit(i64),
    Bin(Box<IntExpr>, &'static str, Box<IntExpr>),
}

impl IntExpr {
    fn src(&self) -> String {
        match self {
            Self::Lit(v) => v.to_string(),
            Self::Bin(a, op, b) => format!("({} {op} {})", a.src(), b.src()),
        }
    }

    fn value(&self) -> Option<i64> {
        match self {
            Self::Lit(v) => Some(*v),
            Self::Bin(a, op, b) => {
                let (a, b) = (a.value()?, b.value()?);
                match *op {
                    "+" => a.checked_add(b),
                    "-" => a.checked_sub(b),
                    "*" => a.checked_mul(b),
                    _ => a.checked_rem(b),
                }
            }
        }
    }
}

fn arb_int_expr() -> impl Strategy<Value = IntExpr> {
    (-50_i64..50).prop_map(IntExpr::Lit).prop_recursive(3, 16, 2, |inner| {
        (inner.clone(), prop::sample::select(vec!["+", "-", "*", "mod"]), inner)
            .prop_map(|(a, op, b)| IntExpr::Bin(Box::new(a), op, Box::new(b)))
    })
}

proptest! {
    #[test]
    fn display_then_parse_is_identity(e in arb_expr()) {
        let printed = e.to_string();
        prop_assert_eq!(parse(&printed), Ok(e), "printed as {}", printed);
    }

    #[test]
    fn integer_arithmetic_agrees_with_i64(
        a in -(1_i64 << 26)..(1_i64 << 26),
        b in -(1_i64 << 26)..(1_i64 << 26),
        op in prop::sample::select(vec!["+", "-", "*", "mod"]),
    ) {
        prop_assume!(op != "mod" || b != 0);
        let want = match op { "+" => a + b, "-" => a - b, "*" => a * b, _ => a % b };
        let e = parse(&format!("{a} {op} {b}")).unwrap();
        let c = ctx();
        prop_assert!(same(&e.eval(&c).unwrap(), &n(want as f64)), "{} {} {}", a, op, b);
        prop_assert_eq!(e.eval_string(&c).unwrap(), want.to_string());
    }

    #[test]
    fn integer_trees_agree_with_i64(t in arb_int_expr()) {
        let want = t.value();
        prop_assume!(want.is_some());
        let want = want.unwrap_or_default();
        let e = parse(&t.src()).unwrap();
        prop_assert_eq!(e.eval_string(&ctx()).unwrap(), want.to_string(), "{}", t.src());
    }

    #[test]
    fn parse_never_panics(src in any::<String>()) {
        if let Ok(e) = parse(&src) {
            prop_assert_eq!(parse(&e.to_string()), Ok(e.clone()));
            let _ = e.eval(&ctx());
        }
    }

    #[test]
    fn parse_never_panics_on_grammar_soup(src in "[${}()a-z0-9 .,'\"+*=<>!-]{0,300}") {
        if let Ok(e) = parse(&src) {
            prop_assert_eq!(parse(&e.to_string()), Ok(e.clone()), "{}", src);
            let _ = e.eval(&ctx());
        }
    }

    #[test]
    fn depth_limit_is_exact(depth in 0_usize..140, kind in 0_usize..3) {
        let src = match kind {
            0 => format!("{}1{}", "(".repeat(depth), ")".repeat(depth)),
            1 => format!("{}1", "-".repeat(depth)),
            _ => format!("{}1{}", "not(".repeat(depth), ")".repeat(depth)),
        };
        match parse(&src) {
            Ok(_) => prop_assert!(depth <= MAX_DEPTH),
            Err(ParseError::TooDeep { .. }) => prop_assert!(depth > MAX_DEPTH),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
