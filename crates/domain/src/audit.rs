//! The audit log's hash chain.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so editing, inserting
//! or deleting an entry breaks the chain at that point. [`verify_chain`] walks the log and names
//! the first entry where it breaks.

use sha2::{Digest, Sha256};

/// The hash of the (virtual) entry before the first one.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor_user_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub outcome: &'a str,
    pub record_type: &'a str,
    pub record_id: &'a str,
    pub personal: bool,
    pub ip: &'a str,
    pub request_id: &'a str,
    pub details: &'a str,
}

/// SHA-256 over the previous hash and the length-prefixed fields (no separator ambiguity).
pub fn entry_hash(prev_hash: &str, f: &EntryFields<'_>) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    put(prev_hash);
    put(&f.seq.to_string());
    put(f.at);
    put(&f.actor_user_id.map(|i| i.to_string()).unwrap_or_default());
    put(f.actor_label);
    put(f.action);
    put(f.outcome);
    put(f.record_type);
    put(f.record_id);
    put(if f.personal { "1" } else { "0" });
    put(f.ip);
    put(f.request_id);
    put(f.details);
    data_encoding::HEXLOWER.encode(&h.finalize())
}

/// A stored entry as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub outcome: String,
    pub record_type: String,
    pub record_id: String,
    pub personal: bool,
    pub ip: String,
    pub request_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    pub fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            seq: self.seq,
            at: &self.at,
            actor_user_id: self.actor_user_id,
            actor_label: &self.actor_label,
            action: &self.action,
            outcome: &self.outcome,
            record_type: &self.record_type,
            record_id: &self.record_id,
            personal: self.personal,
            ip: &self.ip,
            request_id: &self.request_id,
            details: &self.details,
        }
    }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content does not match its own hash: it was edited.
    Edited { seq: i64 },
    /// The entry does not point to the hash of the entry before it: an entry was inserted or
    /// deleted before it (or the entry was re-hashed after an edit).
    Link { seq: i64, expected_prev: String, found_prev: String },
    /// Sequence numbers are not consecutive: entries are missing.
    Gap { after: i64, next: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Edited { seq } => write!(f, "entry {seq} was modified: its content does not match its hash"),
            Self::Link { seq, .. } => write!(
                f,
                "entry {seq} does not follow the entry before it: an entry was inserted, deleted or rewritten before {seq}"
            ),
            Self::Gap { after, next } => write!(f, "entries between {after} and {next} are missing"),
        }
    }
}

/// Incremental verifier, so that a long log can be streamed.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_seq: Option<i64>,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { prev_hash: GENESIS.to_owned(), prev_seq: None, checked: 0 }
    }
}

impl ChainVerifier {
    /// Checks the next entry; returns the first break found.
    pub fn push(&mut self, e: &StoredEntry) -> Result<(), ChainBreak> {
        if let Some(p) = self.prev_seq
            && e.seq != p + 1
        {
            return Err(ChainBreak::Gap { after: p, next: e.seq });
        }
        if entry_hash(&e.prev_hash, &e.fields()) != e.hash {
            return Err(ChainBreak::Edited { seq: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link {
                seq: e.seq,
                expected_prev: self.prev_hash.clone(),
                found_prev: e.prev_hash.clone(),
            });
        }
        self.prev_hash.clone_from(&e.hash);
        self.prev_seq = Some(e.seq);
        self.checked += 1;
        Ok(())
    }

    pub fn head(&self) -> &str {
        &self.prev_hash
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain(entries: &[StoredEntry]) -> Result<u64, ChainBreak> {
    let mut v = ChainVerifier::default();
    for e in entries {
        v.push(e)?;
    }
    Ok(v.checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = StoredEntry {
                    seq,
                    at: format!("2026-11-23T10:00:{seq:02}Z"),
                    actor_user_id: Some(1),
                    actor_label: "admin@example.it".into(),
                    action: "user.login".into(),
                    outcome: "ok".into(),
                    record_type: "user".into(),
                    record_id: "1".into(),
                    personal: false,
                    ip: "127.0.0.1".into(),
                    request_id: format!("r{seq}"),
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&prev, &e.fields());
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn edit_is_named() {
        let mut c = chain(5);
        c[2].action = "user.logout".into();
        assert_eq!(verify_chain(&c), Err(ChainBreak::Edited { seq: 3 }));
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].details = "{\"x\":1}".into();
        c[2].hash = entry_hash(&c[2].prev_hash, &c[2].fields());
        assert!(matches!(verify_chain(&c), Err(ChainBreak::Link { seq: 4, .. })));
    }

    #[test]
    fn deletion_is_a_gap() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_chain(&c), Err(ChainBreak::Gap { after: 1, next: 3 }));
    }

    #[test]
    fn field_boundaries_matter() {
        let c = chain(1);
        let mut a = c[0].clone();
        a.actor_label = "ab".into();
        a.action = "c".into();
        let mut b = c[0].clone();
        b.actor_label = "a".into();
        b.action = "bc".into();
        assert_ne!(entry_hash(GENESIS, &a.fields()), entry_hash(GENESIS, &b.fields()));
    }
}
