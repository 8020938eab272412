//! Problems found in an XLSForm, with a stable code for translated messages.

use std::fmt;

/// One problem in an XLSForm file, located as the user sees it in their spreadsheet program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// `survey`, `choices`, `settings`, or `workbook` for the file as a whole.
    pub sheet: String,
    /// 1-based spreadsheet row (the header is row 1).
    pub row: Option<usize>,
    /// The column header as written in the file.
    pub column: Option<String>,
    pub kind: FormErrorKind,
}

/// What is wrong. Each kind has a stable [`code`](FormErrorKind::code) (a Fluent message id
/// suffix, e.g. `xlsform-duplicate-name`) and named [`args`](FormErrorKind::args).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormErrorKind {
    /// The file could not be read as a workbook.
    Unreadable { message: String },
    /// A required sheet is absent (`survey`).
    MissingSheet { sheet: String },
    /// A required column is absent (`type` on survey, `name` on choices, `name` on survey).
    MissingColumn { column: String },
    /// Two headers name the same column (`label` twice, or `label` and `caption`).
    DuplicateColumn { column: String },
    /// More rows than argine reads.
    TooManyRows { rows: usize, max: usize },
    /// A row with a name or label but no type.
    MissingType,
    /// A type neither argine nor pyxform knows.
    UnknownType { value: String },
    /// A question, group or repeat without a name.
    MissingName,
    /// A name that is not an XML name (letters, digits, `_ - .`, starting with a letter or `_`).
    InvalidName { name: String },
    /// Two siblings (in the same group or repeat, or at the top) with the same name.
    DuplicateName { name: String },
    /// `meta` is reserved for the form metadata.
    ReservedName { name: String },
    /// Two repeats with the same name anywhere in the form.
    DuplicateRepeatName { name: String },
    /// A repeat named like the form's root element (`data`).
    RepeatNamedLikeForm { name: String },
    /// `end_group`/`end_repeat` with no open group/repeat of that kind.
    UnmatchedEnd { control: String },
    /// `begin_group`/`begin_repeat` never closed.
    UnmatchedBegin { control: String, name: String },
    /// A select whose list is not on the choices sheet.
    UnknownList { list: String },
    /// A select, but no `choices` sheet (or `external_choices` for `select_one_external`).
    NoChoicesSheet { sheet: String, list: String },
    /// The same choice name twice in a list (allowed by the `allow_choice_duplicates` setting).
    DuplicateChoice { list: String, name: String },
    /// A choice row with a list name but no name.
    MissingChoiceName { list: String },
    /// A choice name with a space used by a `select_multiple`.
    ChoiceNameWithSpace { list: String, name: String },
    /// A question that people see but that has neither label nor hint.
    MissingLabel { name: String },
    /// A `calculate` row without calculation.
    MissingCalculation { name: String },
    /// `or_other` together with `choice_filter` (pyxform refuses it).
    OrOtherWithChoiceFilter { name: String },
    /// A `${…}` that is not `${name}` (unclosed, or not a name inside).
    BadReference,
    /// `${name}` where no row has that name.
    UnknownReference { name: String },
    /// `${name}` where more than one row has that name.
    AmbiguousReference { name: String },
    /// An expression argine cannot parse (stricter than pyxform, which leaves this to ODK).
    InvalidExpression { message: String },
    // --- warnings (see `parse_with_warnings`) ---
    /// Warning: a choice without label.
    MissingChoiceLabel { list: String, name: String },
    /// Warning: a type pyxform knows but argine does not model.
    UnsupportedType { value: String },
    /// Warning: two siblings whose names differ only in case.
    NameCaseClash { name: String },
    /// Warning: a repeat without label.
    RepeatWithoutLabel { name: String },
}

impl FormErrorKind {
    /// Stable identifier, used as the Fluent message id suffix.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable { .. } => "unreadable",
            Self::MissingSheet { .. } => "missing-sheet",
            Self::MissingColumn { .. } => "missing-column",
            Self::DuplicateColumn { .. } => "duplicate-column",
            Self::TooManyRows { .. } => "too-many-rows",
            Self::MissingType => "missing-type",
            Self::UnknownType { .. } => "unknown-type",
            Self::MissingName => "missing-name",
            Self::InvalidName { .. } => "invalid-name",
            Self::DuplicateName { .. } => "duplicate-name",
            Self::ReservedName { .. } => "reserved-name",
            Self::DuplicateRepeatName { .. } => "duplicate-repeat-name",
            Self::RepeatNamedLikeForm { .. } => "repeat-named-like-form",
            Self::UnmatchedEnd { .. } => "unmatched-end",
            Self::UnmatchedBegin { .. } => "unmatched-begin",
            Self::UnknownList { .. } => "unknown-list",
            Self::NoChoicesSheet { .. } => "no-choices-sheet",
            Self::DuplicateChoice { .. } => "duplicate-choice",
            Self::MissingChoiceName { .. } => "missing-choice-name",
            Self::ChoiceNameWithSpace { .. } => "choice-name-with-space",
            Self::MissingLabel { .. } => "missing-label",
            Self::MissingCalculation { .. } => "missing-calculation",
            Self::OrOtherWithChoiceFilter { .. } => "or-other-with-choice-filter",
            Self::BadReference => "bad-reference",
            Self::UnknownReference { .. } => "unknown-reference",
            Self::AmbiguousReference { .. } => "ambiguous-reference",
            Self::InvalidExpression { .. } => "invalid-expression",
            Self::MissingChoiceLabel { .. } => "missing-choice-label",
            Self::UnsupportedType { .. } => "unsupported-type",
            Self::NameCaseClash { .. } => "name-case-clash",
            Self::RepeatWithoutLabel { .. } => "repeat-without-label",
        }
    }

    /// Named arguments for the translated message (besides `row`, `sheet` and `column`).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Unreadable { message } | Self::InvalidExpression { message } => vec![("message", message.clone())],
            Self::MissingSheet { sheet } => vec![("sheet", sheet.clone())],
            Self::MissingColumn { column } | Self::DuplicateColumn { column } => vec![("column", column.clone())],
            Self::TooManyRows { rows, max } => vec![("rows", rows.to_string()), ("max", max.to_string())],
            Self::MissingType | Self::MissingName | Self::BadReference => vec![],
            Self::UnknownType { value } | Self::UnsupportedType { value } => vec![("value", value.clone())],
            Self::InvalidName { name }
            | Self::DuplicateName { name }
            | Self::ReservedName { name }
            | Self::DuplicateRepeatName { name }
            | Self::RepeatNamedLikeForm { name }
            | Self::MissingLabel { name }
            | Self::MissingCalculation { name }
            | Self::OrOtherWithChoiceFilter { name }
            | Self::UnknownReference { name }
            | Self::AmbiguousReference { name }
            | Self::NameCaseClash { name }
            | Self::RepeatWithoutLabel { name } => vec![("name", name.clone())],
            Self::UnmatchedEnd { control } => vec![("control", control.clone())],
            Self::UnmatchedBegin { control, name } => vec![("control", control.clone()), ("name", name.clone())],
            Self::NoChoicesSheet { sheet, list } => vec![("sheet", sheet.clone()), ("list", list.clone())],
            Self::UnknownList { list } | Self::MissingChoiceName { list } => vec![("list", list.clone())],
            Self::DuplicateChoice { list, name }
            | Self::ChoiceNameWithSpace { list, name }
            | Self::MissingChoiceLabel { list, name } => vec![("list", list.clone()), ("name", name.clone())],
        }
    }

    /// True for the kinds argine reports but pyxform accepts (expression syntax, which
    /// pyxform leaves to ODK Validate), so comparisons with pyxform can leave them out.
    pub fn argine_only(&self) -> bool {
        matches!(self, Self::InvalidExpression { .. })
    }

    /// True for the kinds that are warnings: the form is still accepted.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Self::MissingChoiceLabel { .. }
                | Self::UnsupportedType { .. }
                | Self::NameCaseClash { .. }
                | Self::RepeatWithoutLabel { .. }
        )
    }
}

impl FormError {
    pub(crate) fn new(sheet: &str, row: Option<usize>, column: Option<&str>, kind: FormErrorKind) -> Self {
        Self { sheet: sheet.to_owned(), row, column: column.map(str::to_owned), kind }
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FormErrorKind as K;
        if let Some(row) = self.row {
            write!(f, "[row : {row}] ")?;
        }
        let sheet = &self.sheet;
        let column = self.column.as_deref().unwrap_or("");
        match &self.kind {
            K::Unreadable { message } => write!(f, "The file could not be read as a spreadsheet: {message}"),
            K::MissingSheet { sheet } => write!(f, "You must have a sheet named '{sheet}'."),
            K::MissingColumn { column } => write!(
                f,
                "Invalid headers provided for sheet: '{sheet}'. One or more required column headers were not found: '{column}'."
            ),
            K::DuplicateColumn { column } => write!(f, "On the '{sheet}' sheet, duplicate column header: '{column}'."),
            K::TooManyRows { rows, max } => {
                write!(f, "The '{sheet}' sheet has {rows} rows; at most {max} are accepted.")
            }
            K::MissingType => write!(f, "Question with no type."),
            K::UnknownType { value } => write!(f, "Unknown question type '{value}'."),
            K::MissingName => write!(f, "Question or group with no name."),
            K::InvalidName { name } => write!(
                f,
                "On the '{sheet}' sheet, the 'name' value '{name}' is invalid. Names must begin with a letter or underscore. After the first character, names may contain letters, digits, underscores, hyphens, or periods."
            ),
            K::DuplicateName { name } => write!(
                f,
                "On the 'survey' sheet, the 'name' value '{name}' is invalid. Questions, groups, and repeats must be unique within their nearest parent group or repeat, or the survey if not inside a group or repeat."
            ),
            K::ReservedName { name } => write!(
                f,
                "On the 'survey' sheet, the 'name' value '{name}' is invalid. The name 'meta' is reserved for form metadata."
            ),
            K::DuplicateRepeatName { name } => write!(
                f,
                "On the 'survey' sheet, the 'name' value '{name}' is invalid. Repeat names must unique anywhere in the survey, at all levels of group or repeat nesting."
            ),
            K::RepeatNamedLikeForm { name } => write!(
                f,
                "On the 'survey' sheet, the 'name' value '{name}' is invalid. Repeat names must not be the same as the survey root (which defaults to 'data')."
            ),
            K::UnmatchedEnd { control } => {
                write!(f, "Unmatched 'end_{control}'. No matching 'begin_{control}' was found.")
            }
            K::UnmatchedBegin { control, name } => {
                write!(f, "Unmatched 'begin_{control}'. No matching 'end_{control}' was found for the name '{name}'.")
            }
            K::UnknownList { list } => write!(f, "List name not in choices sheet: {list}"),
            K::NoChoicesSheet { sheet, list } => write!(
                f,
                "There should be a {sheet} sheet in this xlsform (the select uses the list '{list}'). Please ensure that the {sheet} sheet has the mandatory columns 'list_name', 'name', and 'label'."
            ),
            K::DuplicateChoice { list, name } => write!(
                f,
                "On the 'choices' sheet, the 'name' value '{name}' is invalid. Choice names must be unique for each choice list (list '{list}'). If this is intentional, use the setting 'allow_choice_duplicates'."
            ),
            K::MissingChoiceName { list } => write!(
                f,
                "On the 'choices' sheet, the 'name' value is invalid. Choices must have a name (list '{list}')."
            ),
            K::ChoiceNameWithSpace { list, name } => write!(
                f,
                "Choice names with spaces cannot be added to multiple choice selects. See [{name}] in [{list}]"
            ),
            K::MissingLabel { name } => write!(f, "The survey element named '{name}' has no label or hint."),
            K::MissingCalculation { name } => write!(f, "Missing calculation (row '{name}')."),
            K::OrOtherWithChoiceFilter { name } => {
                write!(f, "Choice filter not supported with or_other (question '{name}').")
            }
            K::BadReference => write!(
                f,
                "On the '{sheet}' sheet, the '{column}' value is invalid. Reference variables must start with '${{', then a question name, and end with '}}'."
            ),
            K::UnknownReference { name } => write!(
                f,
                "On the '{sheet}' sheet, the '{column}' value is invalid. Reference variables must contain a name from the 'survey' sheet. Could not find the name '{name}'."
            ),
            K::AmbiguousReference { name } => write!(
                f,
                "On the '{sheet}' sheet, the '{column}' value is invalid. Reference variables names must be unique anywhere in the 'survey'. The name '{name}' appears more than once."
            ),
            K::InvalidExpression { message } => {
                write!(f, "On the '{sheet}' sheet, the '{column}' value is not a valid expression: {message}")
            }
            K::MissingChoiceLabel { list, name } => write!(
                f,
                "On the 'choices' sheet, the 'label' value is invalid. Choices should have a label (list '{list}', choice '{name}')."
            ),
            K::UnsupportedType { value } => {
                write!(f, "The question type '{value}' is valid XLSForm but argine does not support it.")
            }
            K::NameCaseClash { name } => write!(
                f,
                "On the 'survey' sheet, the 'name' value '{name}' is problematic. The name is a case-insensitive match to another name."
            ),
            K::RepeatWithoutLabel { name } => write!(f, "Repeat has no label: '{name}'."),
        }
    }
}

impl std::error::Error for FormError {}
