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
#[derive(Clone, Default)]
pub struct Keyring {
    keys: Vec<FieldKey>,
    /// The key of the blind indexes (keyed hashes that find duplicates without revealing
    /// identities). It is never rotated: a new key would make every stored index unmatchable.
    blind_key: Option<[u8; 32]>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("keys", &self.keys)
            .field("blind_key", &self.blind_key.map(|_| "[redacted]"))
            .finish()
    }
}

impl Keyring {
    pub fn new(keys: Vec<FieldKey>) -> Self {
        Self { keys, blind_key: None }
    }

    pub fn with_blind_key(mut self, key: [u8; 32]) -> Self {
        self.blind_key = Some(key);
        self
    }

    pub fn blind_key(&self) -> Option<&[u8; 32]> {
        self.blind_key.as_ref()
    }

    /// The ids of the keys, oldest first.
    pub fn key_ids(&self) -> Vec<u32> {
        self.keys.iter().map(FieldKey::id).collect()
    }

    /// Makes a fresh data key for one record and returns it with its stored, wrapped form
    /// (encrypted under the current key and bound to `aad`). Rotating the keyring rewraps the
    /// data keys ([`Keyring::rewrap`]) without touching the data they encrypt.
    pub fn new_data_key(&self, aad: &str) -> Result<(DataKey, String), CryptoError> {
        let key = DataKey(random_bytes::<32>());
        let wrapped = self.encrypt(&key.0, aad)?;
        Ok((key, wrapped))
    }

    pub fn unwrap_data_key(&self, wrapped: &str, aad: &str) -> Result<DataKey, CryptoError> {
        let bytes = self.decrypt(wrapped, aad)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(DataKey(arr))
    }

    /// Re-encrypts a stored value under the current key (`None` when it already is).
    pub fn rewrap(&self, stored: &str, aad: &str) -> Result<Option<String>, CryptoError> {
        let current = self.current().ok_or(CryptoError::NoKey)?.id;
        if Self::key_id_of(stored) == Some(current) {
            return Ok(None);
        }
        let plain = self.decrypt(stored, aad)?;
        self.encrypt(&plain, aad).map(Some)
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

/// A record's own key (envelope encryption): it encrypts the record's fields and is itself
/// stored wrapped by the keyring. Destroying the wrapped key makes the fields unreadable for
/// good (erasure by key destruction, which also reaches backups).
pub struct DataKey([u8; 32]);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([redacted])")
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        // Best effort: overwrite the key bytes before the memory is released (`black_box`
        // keeps the optimiser from dropping the write).
        self.0.fill(0);
        std::hint::black_box(&self.0);
    }
}

impl DataKey {
    fn cipher(&self) -> Result<XChaCha20Poly1305, CryptoError> {
        XChaCha20Poly1305::new_from_slice(&self.0).map_err(|_| CryptoError::KeyLength)
    }

    /// Stored form: `d1.<base64url(nonce ‖ ciphertext)>`.
    pub fn encrypt(&self, plaintext: &[u8], aad: &str) -> Result<String, CryptoError> {
        let nonce_bytes = random_bytes::<24>();
        let nonce = XNonce::from(nonce_bytes);
        let ct = self
            .cipher()?
            .encrypt(&nonce, Payload { msg: plaintext, aad: aad.as_bytes() })
            .map_err(|_| CryptoError::Authentication)?;
        let mut blob = Vec::with_capacity(24 + ct.len());
        blob.extend_from_slice(&nonce_bytes);
        blob.extend_from_slice(&ct);
        Ok(format!("d1.{}", BASE64URL_NOPAD.encode(&blob)))
    }

    pub fn decrypt(&self, stored: &str, aad: &str) -> Result<Vec<u8>, CryptoError> {
        let body = stored.strip_prefix("d1.").ok_or(CryptoError::Malformed)?;
        let blob = BASE64URL_NOPAD.decode(body.as_bytes()).map_err(|_| CryptoError::Malformed)?;
        if blob.len() < 24 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ct) = blob.split_at(24);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Malformed)?;
        self.cipher()?
            .decrypt(&nonce, Payload { msg: ct, aad: aad.as_bytes() })
            .map_err(|_| CryptoError::Authentication)
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
    fn envelope_survives_rotation_and_binds_the_record() {
        let old = ring(&[1]);
        let (dk, wrapped) = old.new_data_key("persons.dek.5").unwrap();
        let ct = dk.encrypt(b"Amina Diallo", "persons.identity.5").unwrap();
        assert!(!ct.contains("Amina"));
        let new = ring(&[1, 2]);
        let rewrapped = new.rewrap(&wrapped, "persons.dek.5").unwrap().unwrap();
        assert_eq!(Keyring::key_id_of(&rewrapped), Some(2));
        assert_eq!(new.rewrap(&rewrapped, "persons.dek.5").unwrap(), None);
        // After rotation the old key can go: the data key is wrapped by key 2 only.
        let only_new = ring(&[2]);
        let dk2 = only_new.unwrap_data_key(&rewrapped, "persons.dek.5").unwrap();
        assert_eq!(dk2.decrypt(&ct, "persons.identity.5").unwrap(), b"Amina Diallo");
        assert_eq!(dk2.decrypt(&ct, "persons.identity.6"), Err(CryptoError::Authentication));
        assert!(only_new.unwrap_data_key(&rewrapped, "persons.dek.6").is_err());
        assert!(format!("{dk2:?}").contains("redacted"));
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
