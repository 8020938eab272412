//! Random bearer secrets (session ids, API tokens, invitation and reset links) and their
//! stored form: only the SHA-256 of a secret is ever written to the database.

use data_encoding::BASE64URL_NOPAD;
use sha2::{Digest, Sha256};

/// Fills `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // getrandom only fails when the OS has no entropy source at all; there is no safe fallback.
    #[expect(clippy::expect_used, reason = "no secure way to continue without an entropy source")]
    getrandom::fill(&mut buf).expect("operating system random number generator unavailable");
    buf
}

/// A new random secret with a readable prefix, e.g. `argn_…` for API tokens.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", BASE64URL_NOPAD.encode(&random_bytes::<32>()))
}

/// The hex SHA-256 digest stored in place of a secret.
pub fn digest(secret: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(secret.as_bytes()))
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_prefixed() {
        let a = new_secret("argn_");
        let b = new_secret("argn_");
        assert!(a.starts_with("argn_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 5 + 43);
    }

    #[test]
    fn digest_is_stable_hex() {
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
