//! The SQLite engine: one file, WAL, `synchronous=FULL` so that an acknowledged commit
//! survives power loss. One writer connection (SQLite has one writer anyway; queuing in
//! the pool is cheaper than busy retries) and a few readers.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::KeyRing;
use crate::Result;

pub struct SqliteStore {
    pub(crate) write: SqlitePool,
    pub(crate) read: SqlitePool,
    pub(crate) keys: Arc<KeyRing>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies migrations.
    pub async fn open(path: &Path, keys: Arc<KeyRing>) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(15))
            // A 16 MiB page cache and in-memory statement journals: bulk upserts into three
            // indexes otherwise spill pages and write sub-journals to disk mid-transaction.
            .pragma("cache_size", "-16384")
            .pragma("temp_store", "memory");
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        let read = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        let store = SqliteStore { write, read, keys };
        store.run_migrations().await?;
        Ok(store)
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite").run(&self.write).await?;
        Ok(())
    }

    /// A transaction whose commit is durable across power loss (`synchronous=FULL`: the WAL
    /// is fsynced). `BEGIN IMMEDIATE` takes the write lock up front, so a transaction that
    /// reads before it writes cannot fail half-way on a lock upgrade (another process, e.g.
    /// an import while the server runs, waits on `busy_timeout` instead).
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // The safety level cannot change inside a transaction, so it is set just before.
        Ok(self.write.begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE").await?)
    }

    /// A draft step: durable across a crash of the process (the WAL is written) but not
    /// fsynced. The next durable commit fsyncs the WAL, and with it every step before it, so
    /// a submission acknowledged after its draft steps carries them all.
    pub(crate) async fn begin_draft(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.write.begin_with("PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE").await?)
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, crate::Engine::Sqlite, lock_rows = "", skip_locked = "");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    async fn safety_level(store: &SqliteStore) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous").fetch_one(&store.write).await.unwrap()
    }

    /// Draft steps commit at NORMAL (no fsync), everything else at FULL; the level is set
    /// before each transaction, never left over from the previous one.
    #[tokio::test]
    async fn draft_steps_commit_without_fsync_and_everything_else_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Arc::new(KeyRing::generate())).await.unwrap();
        store.meta_set("a", "1").await.unwrap();
        assert_eq!(safety_level(&store).await, 2, "FULL");
        let _ = store.set_resume_token("no-such-claim", b"x", None).await;
        assert_eq!(safety_level(&store).await, 1, "NORMAL");
        store.meta_set("a", "2").await.unwrap();
        assert_eq!(safety_level(&store).await, 2, "FULL again");
    }
}
