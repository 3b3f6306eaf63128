//! Backups of a running Lapak: a consistent copy of the SQLite database, and the document
//! folder copied file by file. (PostgreSQL's own tools back up a PostgreSQL database.)
//!
//! Both halves are sealed as Lapak keeps them: a backup holds no personal data in the clear,
//! and it cannot be read without the key file, which a backup never contains.

use crate::{Result, StorageError};
use std::path::{Path, PathBuf};

/// Writes a consistent copy of the live database `db` to `into`, which must not exist
/// (`VACUUM INTO`: one read transaction's snapshot, compacted). In WAL mode the snapshot
/// holds up neither the writer nor the readers; the copy is synced before this returns.
pub fn snapshot_sqlite(db: &Path, into: &Path) -> Result<()> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let target = into.to_str().ok_or_else(|| StorageError::Corrupt("a backup path that is not UTF-8".into()))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    std::fs::File::open(into).and_then(|f| f.sync_all()).map_err(io)?;
    Ok(())
}

/// `PRAGMA integrity_check` of a database file: empty when it is sound, else the problems.
pub fn check_sqlite(db: &Path) -> Result<Vec<String>> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut statement = conn.prepare("PRAGMA integrity_check")?;
    let found: Vec<String> = statement.query_map([], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?;
    Ok(found.into_iter().filter(|line| line != "ok").collect())
}

/// What a copy of a folder did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// Files copied.
    pub files: u64,
    /// Files already there with the same size (a document is never changed once written,
    /// so a later backup into the same folder copies only what is new).
    pub kept: u64,
    pub bytes: u64,
    /// Files (and folders) under `to` that are no longer under `from`, removed by a pruning
    /// copy: a document Lapak deleted (its claim past retention, a page replaced) does not
    /// live on in the backup.
    pub removed: u64,
}

/// Copies every file under `from` to the same place under `to`, each through a temporary
/// name and synced, so that a copy cut short leaves no half file under a document's name.
/// With `prune`, what is under `to` and no longer under `from` is removed, so that `to`
/// holds what `from` holds. `progress(files so far)` is called after each file. Missing
/// `from`: nothing to copy.
pub fn copy_documents(from: &Path, to: &Path, prune: bool, progress: &dyn Fn(u64)) -> Result<Copied> {
    let mut copied = Copied::default();
    if !from.exists() {
        return Ok(copied);
    }
    let mut folders = vec![PathBuf::new()];
    while let Some(relative) = folders.pop() {
        let target = to.join(&relative);
        std::fs::create_dir_all(&target).map_err(io)?;
        let mut present = std::collections::HashSet::new();
        for entry in std::fs::read_dir(from.join(&relative)).map_err(io)? {
            let entry = entry.map_err(io)?;
            let kind = entry.file_type().map_err(io)?;
            if prune {
                present.insert(entry.file_name());
            }
            let name = relative.join(entry.file_name());
            if kind.is_dir() {
                folders.push(name);
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let size = entry.metadata().map_err(io)?.len();
            let dest = to.join(&name);
            if dest.metadata().is_ok_and(|m| m.len() == size) {
                copied.kept += 1;
            } else {
                let partial = dest.with_extension("partial-copy");
                std::fs::copy(entry.path(), &partial).map_err(io)?;
                std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(io)?;
                std::fs::rename(&partial, &dest).map_err(io)?;
                copied.files += 1;
                copied.bytes += size;
            }
            progress(copied.files + copied.kept);
        }
        if prune {
            for entry in std::fs::read_dir(&target).map_err(io)? {
                let entry = entry.map_err(io)?;
                if present.contains(&entry.file_name()) {
                    continue;
                }
                if entry.file_type().map_err(io)?.is_dir() {
                    std::fs::remove_dir_all(entry.path()).map_err(io)?;
                } else {
                    std::fs::remove_file(entry.path()).map_err(io)?;
                }
                copied.removed += 1;
            }
        }
        // The folder's new names, durable with it.
        std::fs::File::open(&target).and_then(|f| f.sync_all()).map_err(io)?;
    }
    Ok(copied)
}

fn io(e: std::io::Error) -> StorageError {
    StorageError::Corrupt(format!("backup: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_copied_once_and_a_later_copy_takes_only_what_is_new() {
        let (from, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::create_dir_all(from.path().join("claims/c-1")).unwrap();
        std::fs::write(from.path().join("claims/c-1/d-1"), b"sealed one").unwrap();
        std::fs::write(from.path().join("top"), b"x").unwrap();
        let first = copy_documents(from.path(), to.path(), true, &|_| {}).unwrap();
        assert_eq!(first, Copied { files: 2, kept: 0, bytes: 11, removed: 0 });
        assert_eq!(std::fs::read(to.path().join("claims/c-1/d-1")).unwrap(), b"sealed one");
        std::fs::write(from.path().join("claims/c-1/d-2"), b"sealed two").unwrap();
        let second = copy_documents(from.path(), to.path(), true, &|_| {}).unwrap();
        assert_eq!(second, Copied { files: 1, kept: 2, bytes: 10, removed: 0 });
        let none = copy_documents(&from.path().join("missing"), to.path(), true, &|_| {}).unwrap();
        assert_eq!(none, Copied::default());
    }

    #[test]
    fn a_pruning_copy_removes_what_the_folder_no_longer_holds() {
        let (from, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for (path, bytes) in [("claims/c-1/d-1", "one"), ("claims/c-2/d-2", "two"), ("claims/c-2/d-3", "three")] {
            std::fs::create_dir_all(from.path().join(path).parent().unwrap()).unwrap();
            std::fs::write(from.path().join(path), bytes).unwrap();
        }
        copy_documents(from.path(), to.path(), true, &|_| {}).unwrap();
        // A claim past retention goes whole; another's page is replaced.
        std::fs::remove_dir_all(from.path().join("claims/c-1")).unwrap();
        std::fs::remove_file(from.path().join("claims/c-2/d-2")).unwrap();
        std::fs::write(from.path().join("claims/c-2/d-4"), "four").unwrap();
        // Without pruning, nothing goes.
        let kept = copy_documents(from.path(), to.path(), false, &|_| {}).unwrap();
        assert_eq!(kept, Copied { files: 1, kept: 1, bytes: 4, removed: 0 });
        assert!(to.path().join("claims/c-1/d-1").exists() && to.path().join("claims/c-2/d-2").exists());
        let pruned = copy_documents(from.path(), to.path(), true, &|_| {}).unwrap();
        assert_eq!(pruned, Copied { files: 0, kept: 2, bytes: 0, removed: 2 });
        assert!(!to.path().join("claims/c-1").exists() && !to.path().join("claims/c-2/d-2").exists());
        assert!(to.path().join("claims/c-2/d-3").exists() && to.path().join("claims/c-2/d-4").exists());
    }
}
