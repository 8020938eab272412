//! Problems of an imported table, located as the user sees them in their spreadsheet program,
//! with a stable code for translated messages (as [`crate::census::xlsform::FormErrorKind`]).

use std::fmt;

/// One problem that keeps a row (or the whole table) from being imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The sheet (empty for a CSV file).
    pub sheet: String,
    /// 1-based spreadsheet row (the header row for problems of the table as a whole).
    pub row: usize,
    /// The column header as written in the file (for a missing answer without a column, the
    /// question's name).
    pub column: Option<String>,
    pub kind: RowErrorKind,
}

/// What is wrong. Each kind has a stable [`code`](RowErrorKind::code) (a Fluent message id,
/// e.g. `import-bad-integer`) and named [`args`](RowErrorKind::args).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowErrorKind {
    /// The table has no header or no data row.
    #[error("the table has no responses")]
    Empty,
    /// The form's expressions cannot be evaluated (the form engine refused it).
    #[error("the questionnaire cannot be used: {message}")]
    InvalidForm { message: String },
    /// No column names the Comune (ISTAT code, Belfiore code or name).
    #[error("no column names the Comune (ISTAT code, cadastral code or name)")]
    NoComuneColumn,
    /// The column chosen for the Comune is not in the table.
    #[error("the table has no column `{column}`")]
    ComuneColumnNotFound { column: String },
    /// A repeat sheet has no column linking its rows to the responses (`_parent_index`, or the
    /// Comune and the numbers of the enclosing instances).
    #[error(
        "the rows of repeat `{repeat}` cannot be linked to their responses (no `_parent_index` column, nor the Comune and instance numbers)"
    )]
    NoLinkColumn { repeat: String },
    /// The Comune cell is empty.
    #[error("the Comune is missing")]
    ComuneMissing,
    /// No Comune of the campaign matches the cell.
    #[error("no Comune of the campaign matches `{value}`{}", did_you_mean(.suggestions))]
    ComuneNotFound {
        value: String,
        /// Comuni within one typo, as `Name (PROV)`.
        suggestions: Vec<String>,
    },
    /// Another row is about the same Comune.
    #[error("the Comune {comune} is already the subject of row {first_row}")]
    DuplicateComune {
        /// `Name (PROV)`.
        comune: String,
        first_row: usize,
    },
    /// The Comune chosen for this row is not one of the campaign.
    #[error("the chosen Comune `{istat}` is not one of the campaign")]
    BadResolution { istat: String },
    /// An incomplete response (LimeSurvey: no `submitdate`).
    #[error("the response is incomplete (it was never submitted)")]
    Incomplete,
    /// A repeat row whose response is not in the table.
    #[error("no response matches `{parent}`")]
    OrphanRow { parent: String },
    /// An instance number that is not a positive whole number.
    #[error("`{value}` is not an instance number")]
    BadInstanceNumber { value: String },
    /// Two rows for the same instance.
    #[error("instance {number} appears twice")]
    DuplicateInstance { number: u64 },
    /// More instances than a repeat can have.
    #[error("more than {max} instances")]
    TooManyInstances { max: usize },
    /// A required question is unanswered.
    #[error("`{field}` is required")]
    Required { field: String },
    /// The answer breaks the question's constraint.
    #[error("`{value}` is not accepted for `{field}`{}", colon(.message))]
    Constraint {
        field: String,
        value: String,
        /// The form's constraint message in the requested language (may be empty).
        message: String,
    },
    /// Not a whole number.
    #[error("`{value}` is not a whole number")]
    BadInteger { value: String },
    /// Not a number.
    #[error("`{value}` is not a number")]
    BadDecimal { value: String },
    /// Not a date (`YYYY-MM-DD` or `DD/MM/YYYY`).
    #[error("`{value}` is not a date (YYYY-MM-DD or DD/MM/YYYY)")]
    BadDate { value: String },
    /// Not one of the question's choices (by name or by label).
    #[error("`{value}` is not one of the choices")]
    UnknownChoice { value: String },
    /// Not a geographic point (`lat lon [alt [acc]]`).
    #[error("`{value}` is not a geographic point (latitude longitude)")]
    BadGeopoint { value: String },
    /// A yes/no cell with something else.
    #[error("`{value}` is neither yes nor no")]
    BadFlag { value: String },
    /// The answer is too long.
    #[error("the answer is longer than {max} characters")]
    TooLong { max: usize },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() { String::new() } else { format!(" (did you mean {}?)", suggestions.join(", ")) }
}

fn colon(message: &str) -> String {
    if message.is_empty() { String::new() } else { format!(": {message}") }
}

impl RowErrorKind {
    /// Stable identifier, used as the Fluent message id.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "import-empty",
            Self::InvalidForm { .. } => "import-invalid-form",
            Self::NoComuneColumn => "import-no-comune-column",
            Self::ComuneColumnNotFound { .. } => "import-comune-column-not-found",
            Self::NoLinkColumn { .. } => "import-no-link-column",
            Self::ComuneMissing => "import-comune-missing",
            Self::ComuneNotFound { .. } => "import-comune-not-found",
            Self::DuplicateComune { .. } => "import-duplicate-comune",
            Self::BadResolution { .. } => "import-bad-resolution",
            Self::Incomplete => "import-incomplete",
            Self::OrphanRow { .. } => "import-orphan-row",
            Self::BadInstanceNumber { .. } => "import-bad-instance-number",
            Self::DuplicateInstance { .. } => "import-duplicate-instance",
            Self::TooManyInstances { .. } => "import-too-many-instances",
            Self::Required { .. } => "import-required",
            Self::Constraint { .. } => "import-constraint",
            Self::BadInteger { .. } => "import-bad-integer",
            Self::BadDecimal { .. } => "import-bad-decimal",
            Self::BadDate { .. } => "import-bad-date",
            Self::UnknownChoice { .. } => "import-unknown-choice",
            Self::BadGeopoint { .. } => "import-bad-geopoint",
            Self::BadFlag { .. } => "import-bad-flag",
            Self::TooLong { .. } => "import-too-long",
        }
    }

    /// Named arguments for the translated message (besides `sheet`, `row` and `column`).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Empty | Self::NoComuneColumn | Self::ComuneMissing | Self::Incomplete => vec![],
            Self::InvalidForm { message } => vec![("message", message.clone())],
            Self::ComuneColumnNotFound { column } => vec![("column", column.clone())],
            Self::NoLinkColumn { repeat } => vec![("repeat", repeat.clone())],
            Self::ComuneNotFound { value, suggestions } => {
                vec![("value", value.clone()), ("suggestions", suggestions.join(", "))]
            }
            Self::DuplicateComune { comune, first_row } => {
                vec![("comune", comune.clone()), ("first_row", first_row.to_string())]
            }
            Self::BadResolution { istat } => vec![("istat", istat.clone())],
            Self::OrphanRow { parent } => vec![("parent", parent.clone())],
            Self::DuplicateInstance { number } => vec![("number", number.to_string())],
            Self::TooManyInstances { max } | Self::TooLong { max } => vec![("max", max.to_string())],
            Self::Required { field } => vec![("field", field.clone())],
            Self::Constraint { field, value, message } => {
                vec![("field", field.clone()), ("value", value.clone()), ("message", message.clone())]
            }
            Self::BadInstanceNumber { value }
            | Self::BadInteger { value }
            | Self::BadDecimal { value }
            | Self::BadDate { value }
            | Self::UnknownChoice { value }
            | Self::BadGeopoint { value }
            | Self::BadFlag { value } => vec![("value", value.clone())],
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.sheet.is_empty() {
            write!(f, "sheet '{}', ", self.sheet)?;
        }
        write!(f, "row {}", self.row)?;
        if let Some(column) = &self.column {
            write!(f, ", column '{column}'")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for RowError {}

/// Something the import leaves out without refusing the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    /// The sheet (empty for a CSV file).
    pub sheet: String,
    /// The row, for a warning about one row.
    pub row: Option<usize>,
    /// The column header as written, for a warning about a column.
    pub column: Option<String>,
    pub kind: ImportWarningKind,
}

/// What is left out, with a stable [`code`](ImportWarningKind::code) and
/// [`args`](ImportWarningKind::args) as [`RowErrorKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportWarningKind {
    /// A column that is neither a question of the form (in the sheet's repeat), nor metadata,
    /// nor the Comune: ignored.
    #[error("the column is not a question of the questionnaire and is ignored")]
    UnknownColumn,
    /// A second column for the same question: ignored.
    #[error("a second column for `{field}`, ignored")]
    DuplicateColumn { field: String },
    /// A sheet that is neither the responses nor a repeat of the form: ignored.
    #[error("the sheet is not a repeat of the questionnaire and is ignored")]
    UnknownSheet,
    /// An incomplete response, skipped as asked ([`super::Incomplete::Skip`]).
    #[error("incomplete response skipped")]
    SkippedIncomplete,
}

impl ImportWarningKind {
    /// Stable identifier, used as the Fluent message id.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownColumn => "import-unknown-column",
            Self::DuplicateColumn { .. } => "import-duplicate-column",
            Self::UnknownSheet => "import-unknown-sheet",
            Self::SkippedIncomplete => "import-skipped-incomplete",
        }
    }

    /// Named arguments for the translated message (besides `sheet`, `row` and `column`).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::DuplicateColumn { field } => vec![("field", field.clone())],
            Self::UnknownColumn | Self::UnknownSheet | Self::SkippedIncomplete => vec![],
        }
    }
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.sheet.is_empty() {
            parts.push(format!("sheet '{}'", self.sheet));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column '{column}'"));
        }
        if parts.is_empty() { write!(f, "{}", self.kind) } else { write!(f, "{}: {}", parts.join(", "), self.kind) }
    }
}
