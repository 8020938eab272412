//! The census of Comuni: XLSForm questionnaires ([`xlsform`]), the one evaluator of the
//! expressions they use ([`expr`]), the form engine that applies them to a response's
//! [`answers`] — relevance, constraints, calculations — shared by the server's validation and
//! the live web form ([`engine`]), the export of responses to sheets ([`export`]) and the
//! import of responses collected elsewhere — KoboToolbox, LimeSurvey, argine's own export
//! ([`import`]) — and a seeded synthetic national census calibrated on the published 2021
//! figures ([`synth`]); the corrections over submitted responses ([`clean`]) and the data-control
//! rules run over the corrected answers ([`rules`]); the coding of free-text "other" answers
//! with a codebook per question ([`coding`]); the queries the secretariat sends a
//! Comune about its answers, and the Comune's replies ([`query`]).

pub mod answers;
pub mod clean;
pub mod coding;
pub mod document;
pub mod engine;
pub mod export;
pub mod expr;
pub mod import;
pub mod query;
pub mod rules;
pub mod synth;
pub mod xlsform;
