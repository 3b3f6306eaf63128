//! Stored files nobody can reach. A document's file is written before the record that
//! points at it: when Lapak stops in between (a crash, a power cut, a request cut off), or a
//! record goes without its file (a duplicate page removed by a migration, a replaced
//! letter), the file stays in the document store with no record. It is personal data the
//! agency keeps without knowing it, and that no request to see or delete someone's data
//! would find. The sweep deletes such files once they are older than any upload still in
//! progress could be ([`GRACE`]).
//!
//! Written by hand: the document store is a plain object store, and what refers to its
//! files is Lapak's own records.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use lapak_storage::{DocumentStore, StorageError, Store};

/// How old an unreferenced file must be to go: an upload writes its file and then, within
/// seconds, its record.
pub const GRACE: Duration = Duration::from_secs(3_600);

/// The folders of the document store and what refers to their files: `claims/{claim}/…`
/// (the claim's pages), `kuasa/{representative}/…` (the power of attorney and the signed
/// statement), `kolektif/{batch}/…` (the mass termination letter).
const FOLDERS: [&str; 3] = ["claims/", "kuasa/", "kolektif/"];

/// Deletes the files under the known folders that no record refers to, and the pieces of
/// writes cut off, written before `before`. Returns how many went.
pub async fn sweep(store: &dyn Store, documents: &DocumentStore, before: Timestamp) -> Result<usize, StorageError> {
    let mut removed = 0;
    for folder in FOLDERS {
        let mut files = documents.written_before(folder, before);
        // The files of one owner (claim, representative, batch) come together: its records
        // are read once for them.
        let mut owner: Option<(String, HashSet<String>)> = None;
        while let Some(key) = files.next().await {
            let key = key?;
            let Some(id) = key.strip_prefix(folder).and_then(|rest| rest.split_once('/')).map(|(id, _)| id) else {
                continue;
            };
            if owner.as_ref().is_none_or(|(current, _)| current != id) {
                owner = Some((id.to_string(), referenced(store, folder, id).await?));
            }
            if owner.as_ref().is_some_and(|(_, kept)| !kept.contains(&key)) {
                documents.delete(&key).await?;
                removed += 1;
            }
        }
    }
    Ok(removed + documents.remove_stale_staging(before).await?)
}

/// The files the records of `id` in `folder` refer to.
async fn referenced(store: &dyn Store, folder: &str, id: &str) -> Result<HashSet<String>, StorageError> {
    Ok(match folder {
        "claims/" => store.documents(id).await?.into_iter().map(|d| d.object_key).collect(),
        "kuasa/" => {
            store.representative(id).await?.into_iter().flat_map(|r| [r.attorney_key, r.statement_key]).collect()
        }
        _ => store.batch(id).await?.and_then(|b| b.letter_key).into_iter().collect(),
    })
}
