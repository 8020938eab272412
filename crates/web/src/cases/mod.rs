//! Front-line case work: people and cases, consent, assessment, referral between agencies,
//! plans and follow-ups, break-the-glass access (docs/CASEWORK.md).

pub mod pages;
pub mod vault;
pub mod work;
