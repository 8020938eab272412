//! Field encryption: XChaCha20-Poly1305 with a random 24-byte nonce and associated data that
//! binds a ciphertext to its table, column and row (a value copied to another row does not
//! decrypt). A keyring holds several keys so that keys can be rotated: the newest encrypts,
//! any of them decrypts.
//!
//! Stored form: `v1.<key id>.<base64url(nonce ‖ ciphertext)>`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::BASE64URL_NOPAD;
use std::fmt;

use crate::auth::token::random_bytes;

/// A 256-bit key with its identifier. `Debug` never shows the key.
#[derive(Clone)]
pub struct FieldKey {
    id: u32,
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldKey {{ id: {}, key: [redacted] }}", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("a field key must be exactly 32 bytes")]
    KeyLength,
    #[error("the keyring is empty")]
    NoKey,
    #[error("the ciphertext is malformed")]
    Malformed,
    #[error("no key with id {0} in the keyring")]
    UnknownKey(u32),
    #[error("the ciphertext does not authenticate (wrong key or wrong record)")]
    Authentication,
}

impl FieldKey {
    pub fn new(id: u32, bytes: &[u8]) -> Result<Self, CryptoError> {
        let cipher = XChaCha20Poly1305::new_from_slice(bytes).map_err(|_| CryptoError::KeyLength)?;
        Ok(Self { id, cipher })
    }

    pub fn id(&self) -> u32 {
        self.id
    }
}

/// The keys in use. The last key added encrypts.
#[derive(Clone, Debug, Default)]
pub struct Keyring {
    keys: Vec<FieldKey>,
}

impl Keyring {
    pub fn new(keys: Vec<FieldKey>) -> Self {
        Self { keys }
    }

    pub fn current(&self) -> Option<&FieldKey> {
        self.keys.last()
    }

    /// Encrypts `plaintext` bound to `aad` (e.g. `users.totp_secret.42`).
    pub fn encrypt(&self, plaintext: &[u8], aad: &str) -> Result<String, CryptoError> {
        let key = self.current().ok_or(CryptoError::NoKey)?;
        let nonce_bytes = random_bytes::<24>();
        let nonce = XNonce::from(nonce_bytes);
        let ct = key
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: aad.as_bytes() })
            .map_err(|_| CryptoError::Authentication)?;
        let mut blob = Vec::with_capacity(24 + ct.len());
        blob.extend_from_slice(&nonce_bytes);
        blob.extend_from_slice(&ct);
        Ok(format!("v1.{}.{}", key.id, BASE64URL_NOPAD.encode(&blob)))
    }

    pub fn decrypt(&self, stored: &str, aad: &str) -> Result<Vec<u8>, CryptoError> {
        let mut parts = stored.splitn(3, '.');
        let (Some("v1"), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CryptoError::Malformed);
        };
        let id: u32 = id.parse().map_err(|_| CryptoError::Malformed)?;
        let key = self.keys.iter().find(|k| k.id == id).ok_or(CryptoError::UnknownKey(id))?;
        let blob = BASE64URL_NOPAD.decode(body.as_bytes()).map_err(|_| CryptoError::Malformed)?;
        if blob.len() < 24 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ct) = blob.split_at(24);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Malformed)?;
        key.cipher.decrypt(&nonce, Payload { msg: ct, aad: aad.as_bytes() }).map_err(|_| CryptoError::Authentication)
    }

    /// The key id a stored value was encrypted with (for rotation jobs).
    pub fn key_id_of(stored: &str) -> Option<u32> {
        stored.strip_prefix("v1.")?.split('.').next()?.parse().ok()
    }
}

/// SHA-256 of `bytes`, lower-case hex: the fingerprint shown on receipts and kept with files.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(ids: &[u32]) -> Keyring {
        Keyring::new(ids.iter().map(|i| FieldKey::new(*i, &[*i as u8; 32]).unwrap()).collect())
    }

    #[test]
    fn round_trip_and_binding() {
        let k = ring(&[1]);
        let c = k.encrypt(b"JBSWY3DPEHPK3PXP", "users.totp_secret.7").unwrap();
        assert!(!c.contains("JBSWY3DP"));
        assert_eq!(k.decrypt(&c, "users.totp_secret.7").unwrap(), b"JBSWY3DPEHPK3PXP");
        assert_eq!(k.decrypt(&c, "users.totp_secret.8"), Err(CryptoError::Authentication));
        let other = Keyring::new(vec![FieldKey::new(1, &[9; 32]).unwrap()]);
        assert_eq!(other.decrypt(&c, "users.totp_secret.7"), Err(CryptoError::Authentication));
    }

    #[test]
    fn rotation_keeps_old_readable() {
        let old = ring(&[1]);
        let c = old.encrypt(b"x", "a").unwrap();
        let new = ring(&[1, 2]);
        assert_eq!(new.decrypt(&c, "a").unwrap(), b"x");
        let c2 = new.encrypt(b"x", "a").unwrap();
        assert_eq!(Keyring::key_id_of(&c2), Some(2));
        assert_eq!(old.decrypt(&c2, "a"), Err(CryptoError::UnknownKey(2)));
    }

    #[test]
    fn malformed_inputs() {
        let k = ring(&[1]);
        assert_eq!(k.decrypt("garbage", "a"), Err(CryptoError::Malformed));
        assert_eq!(k.decrypt("v1.x.AAAA", "a"), Err(CryptoError::Malformed));
        assert_eq!(k.decrypt("v1.1.AAAA", "a"), Err(CryptoError::Malformed));
        assert!(FieldKey::new(1, &[0; 16]).is_err());
        assert_eq!(Keyring::default().encrypt(b"x", "a"), Err(CryptoError::NoKey));
    }
}
