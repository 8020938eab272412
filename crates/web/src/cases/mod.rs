//! Front-line case work: people and cases, consent, assessment, referral between agencies,
//! plans and follow-ups, break-the-glass access (docs/CASEWORK.md).

pub mod api;
pub mod duplicates;
pub mod indicators;
pub mod ops;
pub mod pages;
pub mod retention;
pub mod subject;
pub mod vault;
pub mod work;
