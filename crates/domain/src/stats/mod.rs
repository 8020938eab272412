//! The statistics engine of the census: from a table of Comuni to published figures.
//!
//! Pure computation on plain data, no storage: a [`Dataset`] of [`Unit`]s (one per Comune,
//! with its territorial keys and its variables), grouped by region, province, macro-area or
//! population class ([`data`]); frequencies, cross-tabulations, sums, means, medians,
//! quantiles and response rates ([`describe`]); national totals corrected for non-response by
//! post-stratification ([`poststrat`]); disclosure control of published tables
//! ([`disclosure`]). Definitions and how the expected values of the tests were computed
//! (independently, with pandas) are in `docs/STATISTICS.md`.

pub mod data;
pub mod describe;
pub mod disclosure;
pub mod poststrat;

pub use data::{Dataset, GroupKey, Grouping, MacroArea, PopClass, RegionCode, Unit, Value};

/// Why a statistic cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    #[error("`{0}` is not a region code (01 … 20)")]
    BadRegion(String),
    #[error("comune {0} appears twice in the dataset")]
    DuplicateUnit(String),
    #[error("comune {0} responded without being invited")]
    RespondedUninvited(String),
    #[error("variable `{variable}` is a number for comune {istat}, a category was expected")]
    NotCategorical { variable: String, istat: String },
    #[error("variable `{variable}` is a category for comune {istat}, a number was expected")]
    NotNumeric { variable: String, istat: String },
    #[error("the table's rows do not all have one cell per column")]
    BadTable,
    /// Fewer than 2 respondents in a whole macro-area (or no units at all): no variance.
    #[error("fewer than 2 respondents in {0}: the estimate's variance cannot be computed")]
    InsufficientRespondents(&'static str),
    #[error("arithmetic overflow in exact elimination")]
    Overflow,
}
