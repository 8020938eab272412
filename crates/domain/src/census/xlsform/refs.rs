//! `${name}` references, XML names and the (temporary) expression check.

/// A `${…}` scan went wrong: unclosed, or something other than a name inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadReference;

/// The names referenced as `${name}` (or `${last-saved#name}`) in `src`, in order, with
/// repetitions. Malformed references are skipped (see [`scan`] for the strict form).
pub fn references(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = after[..end].strip_prefix("last-saved#").unwrap_or(&after[..end]);
        if is_ncname(inner) {
            out.push(inner.to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

/// Like pyxform: every `${` must be followed by a name (optionally `last-saved#name`) and `}`.
/// `${}` is not a reference and is ignored, as pyxform does.
pub(crate) fn scan(src: &str) -> Result<Vec<String>, BadReference> {
    let mut out = Vec::new();
    if src.len() <= 2 {
        return Ok(out);
    }
    let mut rest = src;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { return Err(BadReference) };
        if end == 0 {
            // "${}": pyxform's pattern needs one character inside, so it is not a reference.
            rest = &after[1..];
            continue;
        }
        let inner = after[..end].strip_prefix("last-saved#").unwrap_or(&after[..end]);
        if !is_ncname(inner) {
            return Err(BadReference);
        }
        out.push(inner.to_owned());
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// The first character of an XML name as pyxform's pattern accepts it. (pyxform's pattern
/// leaves out U+00C0–U+00D6 by a typo; argine follows it, so that what argine accepts ODK
/// accepts too.)
fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
        || c == '_'
        || matches!(c,
            '\u{d8}'..='\u{f6}'
            | '\u{f8}'..='\u{2ff}'
            | '\u{370}'..='\u{37d}'
            | '\u{37f}'..='\u{1fff}'
            | '\u{200c}'..='\u{200d}'
            | '\u{2070}'..='\u{218f}'
            | '\u{2c00}'..='\u{2fef}'
            | '\u{3001}'..='\u{d7ff}'
            | '\u{f900}'..='\u{fdcf}'
            | '\u{fdf0}'..='\u{fffd}'
            | '\u{10000}'..='\u{effff}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{b7}' | '\u{300}'..='\u{36f}' | '\u{203f}'..='\u{2040}')
}

/// An XML name without colon: a letter or `_`, then letters, digits, `_`, `-`, `.`.
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// A question name as pyxform accepts it: an XML name, optionally `prefix:name`.
pub(crate) fn is_xml_name(s: &str) -> bool {
    match s.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(s),
    }
}

/// THE single place where expression columns (`relevant`, `constraint`, `calculation`,
/// `required`, `read_only`, `choice_filter`, `repeat_count`, `instance_name`) are checked: they
/// must parse with [`crate::census::expr::parse`], the evaluator the server and the web form
/// use, so a form argine accepts can always be evaluated. Bare names (`regione = ${regione}`)
/// refer to columns of the choices sheet and make sense only in `choice_filter`.
pub(crate) fn check_expression(src: &str, allow_columns: bool) -> Result<(), String> {
    let e = crate::census::expr::parse(src).map_err(|e| e.to_string())?;
    match e.columns().first() {
        Some(c) if !allow_columns => {
            Err(format!("'{c}' is not a reference: write ${{{c}}} to use the answer to a question"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_scanned() {
        assert_eq!(references("${a} + ${b_2} > ${last-saved#c}"), ["a", "b_2", "c"]);
        assert_eq!(references("no refs"), Vec::<String>::new());
        assert_eq!(scan("${a} and ${ b}"), Err(BadReference));
        assert_eq!(scan("${a"), Err(BadReference));
        assert_eq!(scan("${1a}"), Err(BadReference));
        assert_eq!(scan("x ${} y"), Ok(vec![]));
        assert_eq!(scan("${é}"), Ok(vec!["é".to_owned()]));
    }

    #[test]
    fn names() {
        for ok in ["a", "_a", "a.b-c_1", "ns:a", "città"] {
            assert!(is_xml_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a b", "-a", "a:b:c", "a$", "À"] {
            assert!(!is_xml_name(bad), "{bad}");
        }
    }

    #[test]
    fn expressions() {
        assert!(check_expression("selected(${a}, 'x') and (${b} > 1)", false).is_ok());
        assert!(check_expression("'(' = \")\"", false).is_ok());
        assert!(check_expression("(${a} > 1", false).is_err());
        assert!(check_expression("${a} > 1)", false).is_err());
        assert!(check_expression("'abc", false).is_err());
        assert!(check_expression("([)]", false).is_err());
        assert!(check_expression("frobnicate(.)", false).is_err());
        assert!(check_expression("regex(.)", false).is_err());
        assert!(check_expression("regione = ${regione}", true).is_ok());
        assert!(check_expression("regione = ${regione}", false).is_err());
    }
}
