//! The SQLite engine: one file, WAL, `synchronous=FULL` so that an acknowledged commit
//! survives power loss. One writer connection (SQLite has one writer anyway; queuing in
//! the pool is cheaper than busy retries) and a few readers.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::KeyRing;
use crate::Result;

pub struct SqliteStore {
    pub(crate) write: SqlitePool,
    pub(crate) read: SqlitePool,
    pub(crate) keys: Arc<KeyRing>,
    path: PathBuf,
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
        let store = SqliteStore { write, read, keys, path: path.to_path_buf() };
        store.run_migrations().await?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite").run(&self.write).await?;
        Ok(())
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front, so a transaction that reads before
    /// it writes cannot fail half-way on a lock upgrade (another process, e.g. an import
    /// while the server runs, waits on `busy_timeout` instead).
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Copies the WAL into the main file (used by tests that read the raw files, and on
    /// shutdown).
    pub async fn checkpoint(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.write).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, crate::Engine::Sqlite, lock_rows = "", skip_locked = "");
