//! Credentials: password hashing, TOTP second factor, random tokens.

pub mod password;
pub mod token;
pub mod totp;
