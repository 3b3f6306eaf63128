//! Document bytes (ID scans, letters, photos) live in an object store, never in the
//! database: a local folder by default, an S3-compatible store later, through the same
//! `object_store` interface. Bytes are sealed before they leave the process.

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

use crate::crypto::KeyRing;
use crate::{Result, StorageError};

#[derive(Clone)]
pub struct DocumentStore {
    store: Arc<dyn ObjectStore>,
    keys: Arc<KeyRing>,
    /// For a local folder, where [`DocumentStore::sync`] fsyncs (object_store's local
    /// backend renames files into place but does not sync them).
    local_root: Option<std::path::PathBuf>,
    fsync: fn(&std::fs::File) -> std::io::Result<()>,
    /// An fsync failed: no document is reported durable again until Lapak restarts.
    failed: Arc<crate::FsyncFailed>,
}

const CONTEXT: &str = "documents";

/// What [`DocumentStore::sync`] fsyncs, as its failure names it.
const FOLDER: &str = "the document folder";

impl DocumentStore {
    pub fn new(store: Arc<dyn ObjectStore>, keys: Arc<KeyRing>) -> DocumentStore {
        DocumentStore { store, keys, local_root: None, fsync: std::fs::File::sync_all, failed: Arc::default() }
    }

    /// A folder on this machine (created if missing).
    pub fn local(dir: &std::path::Path, keys: Arc<KeyRing>) -> Result<DocumentStore> {
        std::fs::create_dir_all(dir).map_err(|e| StorageError::Corrupt(format!("document folder: {e}")))?;
        let fs = LocalFileSystem::new_with_prefix(dir)?;
        Ok(DocumentStore { local_root: Some(dir.to_path_buf()), ..DocumentStore::new(Arc::new(fs), keys) })
    }

    /// Stores `bytes` under `key` (a server-made name such as `claims/<id>/<uuid>`).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let sealed = self.keys.seal(&format!("{CONTEXT}/{key}"), bytes);
        self.store.put(&ObjectPath::from(key), PutPayload::from(Bytes::from(sealed))).await?;
        Ok(())
    }

    /// Makes stored documents durable across power loss (fsync of each file and of every
    /// folder from it up to the document folder: a claim's folder is new with its first
    /// document, and its name lives in the folder above), before a submission that refers
    /// to them is acknowledged. A document that is missing fails the call.
    pub async fn sync(&self, keys: &[String]) -> Result<()> {
        self.healthy()?;
        let Some(root) = self.local_root.clone() else { return Ok(()) };
        let files: Vec<std::path::PathBuf> = keys.iter().map(|k| root.join(k)).collect();
        let (fsync, failed) = (self.fsync, self.failed.clone());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let sync =
                |path: &std::path::Path| fsync(&std::fs::File::open(path)?).inspect_err(|e| failed.record(FOLDER, e));
            let mut folders = std::collections::BTreeSet::new();
            for file in &files {
                sync(file)?;
                folders
                    .extend(file.ancestors().skip(1).take_while(|dir| dir.starts_with(&root)).map(|d| d.to_path_buf()));
            }
            for dir in folders {
                sync(&dir)?;
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(())
    }

    /// Whether documents can still be made durable (see `failed`).
    pub fn healthy(&self) -> Result<()> {
        self.failed.check(FOLDER)
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        let sealed = self.store.get(&ObjectPath::from(key)).await?.bytes().await?;
        Ok(self.keys.open(&format!("{CONTEXT}/{key}"), &sealed)?)
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        self.store.delete(&ObjectPath::from(key)).await?;
        Ok(())
    }

    /// Deletes what a write cut off (a crash) leaves in a local folder: object_store writes
    /// a file as `name#N` and renames it into place, and neither lists nor removes one that
    /// was never renamed. Only those last written before `before`. Returns how many went.
    /// Written by hand for that reason (a walk of the folder).
    pub async fn remove_stale_staging(&self, before: jiff::Timestamp) -> Result<usize> {
        let Some(root) = self.local_root.clone() else { return Ok(0) };
        let before = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_micros(u64::try_from(before.as_microsecond()).unwrap_or(0));
        let removed = tokio::task::spawn_blocking(move || -> std::io::Result<usize> {
            let mut removed = 0;
            let mut folders = vec![root];
            while let Some(folder) = folders.pop() {
                for entry in std::fs::read_dir(&folder)? {
                    let entry = entry?;
                    let kind = entry.file_type()?;
                    if kind.is_dir() {
                        folders.push(entry.path());
                        continue;
                    }
                    let name = entry.file_name();
                    let staging = name
                        .to_str()
                        .and_then(|n| n.rsplit_once('#'))
                        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                    if staging && entry.metadata()?.modified()? < before {
                        std::fs::remove_file(entry.path())?;
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(removed)
    }

    /// The names of the stored objects under `prefix` (e.g. `claims/`) last written before
    /// `before`, as the store lists them (a folder's objects together).
    pub fn written_before(&self, prefix: &str, before: jiff::Timestamp) -> BoxStream<'_, Result<String>> {
        let prefix = ObjectPath::from(prefix);
        self.store
            .list(Some(&prefix))
            .filter_map(move |item| async move {
                match item {
                    Ok(meta) if meta.last_modified.timestamp_micros() < before.as_microsecond() => {
                        Some(Ok(meta.location.to_string()))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(e.into())),
                }
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn documents_are_sealed_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let docs = DocumentStore::local(dir.path(), Arc::new(KeyRing::generate())).unwrap();
        let content = b"%PDF-1.4 surat keterangan kerja Budi Santoso";
        docs.put("claims/c1/d1", content).await.unwrap();
        assert_eq!(docs.get("claims/c1/d1").await.unwrap(), content);
        let on_disk = std::fs::read(dir.path().join("claims/c1/d1")).unwrap();
        assert!(!on_disk.windows(4).any(|w| w == b"Budi"));
        docs.sync(&["claims/c1/d1".to_string()]).await.unwrap();
        assert!(docs.sync(&["claims/c1/missing".to_string()]).await.is_err(), "a missing document fails the sync");
        docs.delete("claims/c1/d1").await.unwrap();
        assert!(docs.get("claims/c1/d1").await.is_err());
    }

    /// After a failed fsync no document is reported durable again, even when fsync works
    /// later, and the store says so.
    #[tokio::test]
    async fn a_failed_fsync_stops_acknowledging_documents() {
        let dir = tempfile::tempdir().unwrap();
        let mut docs = DocumentStore::local(dir.path(), Arc::new(KeyRing::generate())).unwrap();
        docs.put("claims/c1/d1", b"%PDF-1.4").await.unwrap();
        docs.fsync = |_| Err(std::io::Error::other("EIO"));
        assert!(docs.sync(&["claims/c1/d1".to_string()]).await.is_err());
        docs.fsync = std::fs::File::sync_all;
        assert!(docs.sync(&["claims/c1/d1".to_string()]).await.is_err(), "nor later");
        assert!(docs.healthy().is_err());
        let missing = DocumentStore::local(dir.path(), Arc::new(KeyRing::generate())).unwrap();
        assert!(missing.sync(&["claims/c1/none".to_string()]).await.is_err(), "a missing file fails the call");
        assert!(missing.healthy().is_ok(), "but is no failed fsync");
    }
}
