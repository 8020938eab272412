//! Generated secrets (the field-encryption keyring), kept in a file readable only by the owner.
//! They are created on first start when missing and are never logged.

use anyhow::{Context, bail};
use argine_domain::auth::token::random_bytes;
use argine_domain::crypto::{FieldKey, Keyring};
use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

#[derive(Serialize, Deserialize)]
struct SecretsFile {
    /// Field-encryption keys; the last one encrypts new values.
    field_keys: Vec<StoredKey>,
    /// The key of the blind indexes (duplicate detection across organisations without
    /// revealing identities). Never rotated; added to older files on first start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blind_index_key: Option<String>,
}

const HEADER: &str = "# argine secrets: generated on first start. Keep this file private and back it up:\n\
     # without it, encrypted fields (second-factor secrets, queued e-mails, the people of case work)\n\
     # cannot be read.\n";

fn new_key() -> String {
    BASE64.encode(&random_bytes::<32>())
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    id: u32,
    key: String,
}

/// Loads the keyring, creating the file with a fresh key (mode 0600) if it does not exist.
pub fn load_or_create(path: &Path) -> anyhow::Result<Keyring> {
    if !path.exists() {
        let file =
            SecretsFile { field_keys: vec![StoredKey { id: 1, key: new_key() }], blind_index_key: Some(new_key()) };
        save(path, &file, true)?;
        tracing::info!(path = %path.display(), "generated a new secrets file");
    }
    let mut file = read(path)?;
    if file.blind_index_key.is_none() {
        file.blind_index_key = Some(new_key());
        save(path, &file, false)?;
        tracing::info!(path = %path.display(), "added a blind-index key to the secrets file");
    }
    if file.field_keys.is_empty() {
        bail!("the secrets file {} has no field_keys", path.display());
    }
    let mut keys = Vec::new();
    for k in &file.field_keys {
        let bytes = BASE64
            .decode(k.key.as_bytes())
            .with_context(|| format!("field key {} in {} is not base64", k.id, path.display()))?;
        keys.push(FieldKey::new(k.id, &bytes).with_context(|| format!("field key {} in {}", k.id, path.display()))?);
    }
    let blind = BASE64
        .decode(file.blind_index_key.as_deref().unwrap_or_default().as_bytes())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .with_context(|| format!("blind_index_key in {} must be 32 bytes of base64", path.display()))?;
    Ok(Keyring::new(keys).with_blind_key(blind))
}

fn read(path: &Path) -> anyhow::Result<SecretsFile> {
    check_permissions(path)?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the secrets file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("the secrets file {} is malformed", path.display()))
}

/// Writes the file, readable by the owner only; an existing file is replaced atomically.
fn save(path: &Path, file: &SecretsFile, create: bool) -> anyhow::Result<()> {
    let text = format!("{HEADER}{}", toml::to_string(file).context("serialising secrets")?);
    if create {
        return write_private(path, text.as_bytes())
            .with_context(|| format!("cannot create the secrets file {}", path.display()));
    }
    let tmp = path.with_extension("toml.new");
    let _ = std::fs::remove_file(&tmp);
    write_private(&tmp, text.as_bytes()).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace the secrets file {}", path.display()))
}

/// Adds a new field key (which then encrypts new values) and returns its id. The old keys stay
/// so that what they encrypted remains readable until it is rewrapped (`argine keys rotate`).
pub fn add_field_key(path: &Path) -> anyhow::Result<u32> {
    let mut file = read(path)?;
    let id = file.field_keys.iter().map(|k| k.id).max().unwrap_or(0) + 1;
    file.field_keys.push(StoredKey { id, key: new_key() });
    save(path, &file, false)?;
    Ok(id)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        bail!(
            "the secrets file {} is readable by other users (mode {:o}); run: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secrets.toml");
        let k1 = load_or_create(&p).unwrap();
        let c = k1.encrypt(b"x", "a").unwrap();
        let k2 = load_or_create(&p).unwrap();
        assert_eq!(k2.decrypt(&c, "a").unwrap(), b"x");
        assert_eq!(k1.blind_key(), k2.blind_key());
        assert!(k1.blind_key().is_some());
        // A new field key encrypts; the old one still decrypts; the blind key is unchanged.
        assert_eq!(add_field_key(&p).unwrap(), 2);
        let k3 = load_or_create(&p).unwrap();
        assert_eq!(k3.key_ids(), vec![1, 2]);
        assert_eq!(k3.decrypt(&c, "a").unwrap(), b"x");
        assert_eq!(k3.blind_key(), k1.blind_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(load_or_create(&p).unwrap_err().to_string().contains("chmod 600"));
        }
    }
}
