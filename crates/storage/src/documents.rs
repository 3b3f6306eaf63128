//! Document bytes (ID scans, letters, photos) live in an object store, never in the
//! database: a local folder by default, an S3-compatible store later, through the same
//! `object_store` interface. Bytes are sealed before they leave the process.

use bytes::Bytes;
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
}

const CONTEXT: &str = "documents";

impl DocumentStore {
    pub fn new(store: Arc<dyn ObjectStore>, keys: Arc<KeyRing>) -> DocumentStore {
        DocumentStore { store, keys, local_root: None }
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
        let Some(root) = self.local_root.clone() else { return Ok(()) };
        let files: Vec<std::path::PathBuf> = keys.iter().map(|k| root.join(k)).collect();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut folders = std::collections::BTreeSet::new();
            for file in &files {
                std::fs::File::open(file)?.sync_all()?;
                folders
                    .extend(file.ancestors().skip(1).take_while(|dir| dir.starts_with(&root)).map(|d| d.to_path_buf()));
            }
            for dir in folders {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        let sealed = self.store.get(&ObjectPath::from(key)).await?.bytes().await?;
        Ok(self.keys.open(&format!("{CONTEXT}/{key}"), &sealed)?)
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        self.store.delete(&ObjectPath::from(key)).await?;
        Ok(())
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
}
