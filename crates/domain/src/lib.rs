//! Pure domain rules of argine: no I/O, no HTTP, no SQL.
//!
//! Everything here can be unit-tested in isolation: the one authorization function
//! ([`access::authorize`]), organisation types and roles, the audit hash chain,
//! password hashing, TOTP (RFC 6238), field encryption, parsed newtypes and the statistics
//! engine of the census ([`stats`]).

pub mod access;
pub mod allocation;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod census;
pub mod crypto;
pub mod email;
pub mod network;
pub mod outreach;
pub mod priority;
pub mod report;
pub mod settlements;
pub mod sheet;
pub mod stats;
pub mod territory;

pub use email::Email;
