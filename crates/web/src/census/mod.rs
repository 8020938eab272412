//! The national census of Comuni: questionnaires in XLSForm (import, versions, publication,
//! export) and their API.

pub mod api;
pub mod campaigns;
pub mod clean;
pub mod coding;
pub mod create;
pub mod document;
pub mod export;
pub mod follow;
pub mod form_cache;
pub mod forms;
pub mod import;
pub mod mailing;
pub mod mine;
pub mod query;
pub mod query_link;
pub mod respond;

use crate::i18n::Tr;
use argine_domain::census::xlsform::{FormError, FormErrorKind};

/// One import problem as shown to the user: where, and what, in the user's language.
pub struct ProblemView {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
    pub warning: bool,
}

/// Translates an XLSForm error (`xlsform-<code>` in the Fluent catalogues, with the error's
/// arguments).
pub fn problem_view(tr: &Tr, e: &FormError) -> ProblemView {
    ProblemView {
        sheet: e.sheet.clone(),
        row: e.row.map(|r| r.to_string()).unwrap_or_default(),
        column: e.column.clone().unwrap_or_default(),
        message: error_message(tr, &e.kind),
        warning: e.kind.is_warning(),
    }
}

pub fn error_message(tr: &Tr, kind: &FormErrorKind) -> String {
    tr.args(&format!("xlsform-{}", kind.code()), &kind.args())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Every problem the parser reports on the invalid forms of the corpus has a message in
    /// both languages (a missing Fluent id would show its raw id).
    #[test]
    fn every_import_problem_is_translated() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../domain/tests/xlsform/corpus");
        let mut seen = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "xlsx") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let parsed = argine_domain::census::xlsform::parse_xlsx_with_warnings(&bytes);
            let errors = parsed.result.err().unwrap_or_default();
            for e in errors.iter().chain(&parsed.warnings) {
                for lang in Lang::ALL {
                    let m = error_message(&Tr::new(lang), &e.kind);
                    assert!(
                        !m.starts_with("xlsform-") && !m.is_empty(),
                        "{}: {} untranslated",
                        path.display(),
                        e.kind.code()
                    );
                    assert!(!m.contains("{ $"), "{m}");
                }
                seen.insert(e.kind.code());
            }
        }
        assert!(seen.len() >= 15, "the corpus exercises {} kinds of problem: {seen:?}", seen.len());
    }
}
