//! Documents made in Rust: SVG maps now (charts, PDF and spreadsheets as later issues add
//! them). The same SVG goes into web pages and into PDF reports.

pub mod map;
pub mod pdf;
pub mod report;
pub mod xlsx;
