//! The census of Comuni: XLSForm questionnaires ([`xlsform`]) and the one evaluator of the
//! expressions they use ([`expr`]) — relevance, constraints, calculations — shared by the
//! server's validation and the live web form.

pub mod answers;
pub mod expr;
pub mod xlsform;
