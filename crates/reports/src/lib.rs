//! Documents made in Rust: SVG charts and maps, PDF (typst) and spreadsheets. The same SVG
//! goes into web pages and into PDF reports.

pub mod chart;
pub mod map;
pub mod pdf;
pub mod report;
pub mod xlsx;
