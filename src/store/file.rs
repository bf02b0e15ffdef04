//! The SQLite database file, watched: its identity (device and inode) is taken when the store
//! opens it, and every connection checks it before use.
//!
//! A process that keeps an SQLite file open can go on writing to it after the file was deleted
//! or replaced: the writes land in an unlinked inode and vanish at the next restart, though
//! each was acknowledged. So a connection is only handed out while the path still names the
//! file the store opened; otherwise writes fail (and `/readyz` says so) instead of being
//! acknowledged, and no connection re-creates the file, as the pools never open it with
//! `mode=rwc` once it exists.

use std::path::{Path, PathBuf};

/// What tells one file from another at the same path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    device: u64,
    inode: u64,
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some(Identity {
        device: meta.dev(),
        inode: meta.ino(),
    })
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<Identity> {
    // Without inodes, only a file that vanished can be told.
    std::fs::metadata(path).ok().map(|_| Identity {
        device: 0,
        inode: 0,
    })
}

/// The database file the store opened.
#[derive(Debug, Clone)]
pub(crate) struct DatabaseFile {
    path: PathBuf,
    identity: Identity,
}

impl DatabaseFile {
    /// The file now at `path`, if there is one.
    pub(crate) fn open(path: &Path) -> Option<DatabaseFile> {
        Some(DatabaseFile {
            path: path.to_owned(),
            identity: identity(path)?,
        })
    }

    /// Why the path no longer names the file the store opened, if it does not.
    pub(crate) fn changed(&self) -> Option<String> {
        match identity(&self.path) {
            Some(now) if now == self.identity => None,
            Some(_) => Some(format!(
                "the database file {} was replaced while Cadence ran",
                self.path.display()
            )),
            None => Some(format!(
                "the database file {} was removed while Cadence ran",
                self.path.display()
            )),
        }
    }
}

/// The file an `sqlite:` URL names, or `None` for an in-memory database.
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://cadence.db"),
            Some("cadence.db".into())
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/a.db?x=1"),
            Some("/tmp/a.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }

    #[test]
    fn a_removed_or_replaced_file_is_noticed() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("a.db");
        std::fs::write(&path, b"one").expect("write");
        let file = DatabaseFile::open(&path).expect("file");
        assert_eq!(file.changed(), None);
        // Another file moved over it (made while the first still exists, so its inode differs).
        std::fs::write(dir.path().join("b.db"), b"two").expect("write");
        std::fs::rename(dir.path().join("b.db"), &path).expect("rename");
        assert!(file.changed().is_some_and(|c| c.contains("replaced")));
        std::fs::remove_file(&path).expect("remove");
        assert!(file.changed().is_some_and(|c| c.contains("removed")));
    }
}
