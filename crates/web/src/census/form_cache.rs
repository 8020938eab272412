//! Questionnaire versions parsed once, with their form engine.
//!
//! Every request of the response form needs the version's form and an [`Engine`] for it.
//! Loading the definition (about 130 KB of JSON for 250 questions), parsing it, building the
//! engine and dropping it all again took a quarter of the CPU of a submission
//! (docs/PERFORMANCE.md, Census).
//! A stored version never changes (a new upload is a new version, with a new id), so an entry
//! can never be stale: the cache keeps the [`MAX_VERSIONS`] most recently loaded and is emptied
//! when full, without any invalidation.

use crate::error::{WebError, WebResult};
use argine_domain::census::engine::Engine;
use argine_domain::census::xlsform::Form;
use argine_storage::Db;
use argine_storage::census;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Versions kept (each is a few MB for a large form).
pub const MAX_VERSIONS: usize = 32;

self_cell::self_cell!(
    /// A version's parsed form and the engine that borrows it.
    pub struct Compiled {
        owner: Form,
        #[covariant]
        dependent: Engine,
    }
);

impl Compiled {
    pub fn form(&self) -> &Form {
        self.borrow_owner()
    }

    pub fn engine(&self) -> &Engine<'_> {
        self.borrow_dependent()
    }
}

/// Compiled versions by version id.
#[derive(Default)]
pub struct FormCache {
    entries: Mutex<HashMap<i64, Arc<Compiled>>>,
}

impl std::fmt::Debug for FormCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map_or(0, |e| e.len());
        f.debug_struct("FormCache").field("versions", &n).finish()
    }
}

impl FormCache {
    /// The compiled form of version `id`, from the cache or the database.
    ///
    /// # Errors
    /// `NotFound` for an unknown version; an internal error when its definition cannot be read
    /// or evaluated (a stored version always could when it was imported).
    pub async fn get(&self, db: &Db, id: i64) -> WebResult<Arc<Compiled>> {
        if let Some(c) = self.entries.lock().ok().and_then(|e| e.get(&id).cloned()) {
            return Ok(c);
        }
        let mut conn = db.pool().acquire().await?;
        let version = census::version(&mut conn, id).await?;
        drop(conn);
        let form = super::forms::definition(&version)?;
        let compiled = Arc::new(Compiled::try_new(form, |f| Engine::new(f)).map_err(|e| {
            WebError::Internal(anyhow::anyhow!("questionnaire version {id} cannot be evaluated: {e:?}"))
        })?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_VERSIONS {
                entries.clear();
            }
            entries.insert(id, Arc::clone(&compiled));
        }
        Ok(compiled)
    }
}
