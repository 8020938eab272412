//! The typst `World` of one render: the main source, the house style, the caller's virtual
//! files and the embedded fonts. Nothing else exists in it: no file system, no packages, no
//! network, so a document can only read what the caller handed over.

use std::collections::HashMap;

use time::{OffsetDateTime, UtcOffset};
use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::Inner;

/// The file id of a path in the project root. Ids are interned for the life of the process.
pub(super) fn project_file(path: &str) -> Option<FileId> {
    VirtualPath::new(path).ok().map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub(super) struct RenderWorld<'a> {
    inner: &'a Inner,
    main: Source,
    files: HashMap<FileId, Bytes>,
    /// The moment of rendering, at the offset whose calendar date `datetime.today()` shows.
    now: OffsetDateTime,
}

impl<'a> RenderWorld<'a> {
    pub(super) fn new(inner: &'a Inner, main: Source, files: HashMap<FileId, Bytes>, now: OffsetDateTime) -> Self {
        Self { inner, main, files, now }
    }

    pub(super) fn main_source(&self) -> &Source {
        &self.main
    }
}

impl World for RenderWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.inner.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.inner.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        if id == self.inner.house_style.id() {
            return Ok(self.inner.house_style.clone());
        }
        // A caller's file used as a module (`#import "parts.typ"`): it must be UTF-8.
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            // `@preview/...` and friends: never downloaded, never read from disk.
            return Err(FileError::Package(PackageError::NotFound(spec.clone())));
        }
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if id == self.inner.house_style.id() {
            return Ok(Bytes::from_string(self.inner.house_style.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.inner.fonts.get(index).cloned()
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        let at = match offset {
            // `datetime.today()`: the date where the document is made (Europe/Rome by default).
            None => self.now,
            // `datetime.today(offset: 5)`: the date at UTC + that many hours.
            Some(offset) => {
                let seconds = i32::try_from(time::Duration::from(offset).whole_seconds()).ok()?;
                self.now.checked_to_offset(UtcOffset::from_whole_seconds(seconds).ok()?)?
            }
        };
        Some(Datetime::Date(at.date()))
    }
}
