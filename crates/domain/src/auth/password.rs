//! Password hashing with Argon2id (PHC strings). CPU-heavy: callers run these off the async
//! threads (`spawn_blocking`) behind a semaphore.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("the password must be at least {0} characters long")]
    TooShort(usize),
    #[error("the password must be at most 256 characters long")]
    TooLong,
    #[error("the password is too common")]
    TooCommon,
}

pub const MIN_LEN: usize = 12;

const COMMON: &[&str] = &[
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "passwordpassword",
    "argineargine",
    "amministratore",
    "password12345",
    "1234567890ab",
    "caporalato123",
];

/// Checks a new password against the policy (length, a list of common passwords).
pub fn check_policy(password: &str) -> Result<(), PasswordPolicyError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(PasswordPolicyError::TooShort(MIN_LEN));
    }
    if n > 256 {
        return Err(PasswordPolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c)) {
        return Err(PasswordPolicyError::TooCommon);
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError;

/// Hashing cost. `Params::DEFAULT` (19 MiB, t=2) follows OWASP; tests may use a cheaper one.
#[derive(Debug, Clone, Copy)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self { memory_kib: Params::DEFAULT_M_COST, iterations: Params::DEFAULT_T_COST }
    }
}

fn hasher(cost: HashCost) -> Result<Argon2<'static>, HashError> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None).map_err(|_| HashError)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Returns the PHC string of `password` with a fresh random salt.
pub fn hash(password: &str, cost: HashCost) -> Result<String, HashError> {
    let h = hasher(cost)?.hash_password(password.as_bytes()).map_err(|_| HashError)?;
    Ok(h.to_string())
}

/// Verifies `password` against a stored PHC string. A malformed hash never verifies.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// A hash to verify against when the account does not exist, so that timing does not reveal
/// which accounts exist.
pub fn dummy_hash(cost: HashCost) -> String {
    hash("argine-dummy-password-for-timing", cost).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: HashCost = HashCost { memory_kib: 1024, iterations: 1 };

    #[test]
    fn hash_and_verify() {
        let h = hash("una password lunga", CHEAP).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(!h.contains("una password"));
        assert!(verify("una password lunga", &h));
        assert!(!verify("una password lungA", &h));
        assert!(!verify("x", "not a phc string"));
    }

    #[test]
    fn same_password_different_salt() {
        assert_ne!(hash("una password lunga", CHEAP).unwrap(), hash("una password lunga", CHEAP).unwrap());
    }

    #[test]
    fn policy() {
        assert_eq!(check_policy("short"), Err(PasswordPolicyError::TooShort(MIN_LEN)));
        assert_eq!(check_policy("aaaaaaaaaaaaaaa"), Err(PasswordPolicyError::TooCommon));
        assert_eq!(check_policy("Password1234"), Err(PasswordPolicyError::TooCommon));
        assert!(check_policy("cavallo batteria graffetta").is_ok());
    }
}
