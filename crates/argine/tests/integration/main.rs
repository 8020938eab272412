//! Integration tests: one binary (linking is slow), each test with its own server on port 0,
//! its own temporary data directory and SQLite database.

#![expect(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on unexpected errors")]

mod helpers;

mod access_matrix;
mod audit_chain;
mod auth_flows;
mod bad_input;
mod cases_api;
mod cases_dup;
mod cases_indicators;
mod cases_keys;
mod cases_pages;
mod cases_plaintext;
mod cases_retention;
mod cases_subject;
mod cases_support;
mod census_campaigns;
mod census_clean;
mod census_coding;
mod census_forms;
mod census_mail;
mod census_query;
mod census_respond;
mod mail_smtp;
mod network;
mod outreach;
mod priority;
mod privacy;
mod reports;
mod reports_web;
mod settlements;
mod settlements_edit;
mod territory;
mod territory_import;
