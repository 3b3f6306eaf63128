//! Branches' names and time zones in memory, for tracking (and the seat named in an
//! appointment's messages).
//!
//! Tracking is the request a service like this answers most (every participant follows their
//! claim, again and again), and the two branches it names, the claim's and the
//! appointment's, were two of the eight tables its statement read. On PostgreSQL each table
//! a statement reads is a plan node set up on every execution: reading the branches here,
//! and the collective batch only for a claim filed by one, made a tracking statement cost
//! about three quarters of what it did (`pgbench` on the benchmark's database).
//!
//! Branches are reference data, changed by an import: an import in this process clears the
//! copy at once, one in another process (`lapak import` beside `lapak serve`) shows within
//! [`FRESH_FOR`]. A branch the copy does not know (added since) makes it read again.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::Result;

/// How long a copy is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(30);

/// A branch's name and IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchName {
    pub name: String,
    pub time_zone: String,
}

#[derive(Default)]
pub(crate) struct BranchNames {
    current: RwLock<Arc<Snapshot>>,
    /// One reading at a time; the others wait for it and use what it read.
    reading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
pub(crate) struct Snapshot {
    read_at: Option<Instant>,
    branches: HashMap<String, BranchName>,
}

impl Snapshot {
    pub(crate) fn get(&self, code: &str) -> Option<&BranchName> {
        self.branches.get(code)
    }

    fn serves(&self, codes: &[&str]) -> bool {
        self.read_at.is_some_and(|at| at.elapsed() < FRESH_FOR) && codes.iter().all(|c| self.branches.contains_key(*c))
    }
}

impl BranchNames {
    /// A copy that knows `codes` (unless the database does not), read with `read` when the
    /// one held is stale or does not know them.
    pub(crate) async fn knowing<F, Fut>(&self, codes: &[&str], read: F) -> Result<Arc<Snapshot>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<(String, String, String)>>>,
    {
        let held = self.held();
        if held.serves(codes) {
            return Ok(held);
        }
        let _reading = self.reading.lock().await;
        let held = self.held();
        // Read by another caller while this one waited.
        if held.serves(codes) {
            return Ok(held);
        }
        let read_at = Instant::now();
        let branches =
            read().await?.into_iter().map(|(code, name, time_zone)| (code, BranchName { name, time_zone })).collect();
        let fresh = Arc::new(Snapshot { read_at: Some(read_at), branches });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    /// Forgets the copy: the branches just changed.
    pub(crate) fn clear(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::default();
    }

    fn held(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn branches(names: &[(&str, &str)]) -> Vec<(String, String, String)> {
        names.iter().map(|(c, n)| (c.to_string(), n.to_string(), "Asia/Jayapura".to_string())).collect()
    }

    #[tokio::test]
    async fn reads_once_until_cleared_or_a_branch_is_unknown() {
        let names = BranchNames::default();
        let reads = AtomicUsize::new(0);
        let read = |list: &'static [(&'static str, &'static str)]| {
            let reads = &reads;
            move || async move {
                reads.fetch_add(1, Ordering::SeqCst);
                Ok(branches(list))
            }
        };
        let copy = names.knowing(&["A"], read(&[("A", "Alpha")])).await.unwrap();
        assert_eq!(copy.get("A").map(|b| b.name.as_str()), Some("Alpha"));
        assert_eq!(copy.get("A").map(|b| b.time_zone.as_str()), Some("Asia/Jayapura"));
        // Known and fresh: not read again, whatever the database says now.
        let copy = names.knowing(&["A"], read(&[("A", "Renamed")])).await.unwrap();
        assert_eq!(copy.get("A").unwrap().name, "Alpha");
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // A branch it does not know: read again.
        let copy = names.knowing(&["A", "B"], read(&[("A", "Alpha"), ("B", "Beta")])).await.unwrap();
        assert_eq!(copy.get("B").unwrap().name, "Beta");
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // Cleared (an import here): read again.
        names.clear();
        let copy = names.knowing(&[], read(&[("A", "Renamed")])).await.unwrap();
        assert_eq!(copy.get("A").unwrap().name, "Renamed");
        assert_eq!(copy.get("B"), None);
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn callers_at_once_share_one_reading() {
        let names = BranchNames::default();
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(branches(&[("A", "Alpha")]))
        };
        let all = futures::future::join_all((0..16).map(|_| names.knowing(&["A"], read))).await;
        assert!(all.iter().all(|c| c.as_ref().unwrap().get("A").is_some()));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_reading_keeps_nothing() {
        let names = BranchNames::default();
        let failed = names.knowing(&["A"], || async { Err(crate::StorageError::Conflict("down".into())) }).await;
        assert!(failed.is_err());
        let copy = names.knowing(&["A"], || async { Ok(branches(&[("A", "Alpha")])) }).await.unwrap();
        assert_eq!(copy.get("A").unwrap().name, "Alpha");
    }
}
