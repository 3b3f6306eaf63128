//! The PostgreSQL engine, for when one machine is not enough. Default `synchronous_commit`
//! (on): a reported commit is on disk.

use sqlx::postgres::{PgPool, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::KeyRing;
use crate::Result;

pub struct PostgresStore {
    pub(crate) write: PgPool,
    /// The same pool: PostgreSQL needs no separate readers.
    pub(crate) read: PgPool,
    pub(crate) keys: Arc<KeyRing>,
}

impl PostgresStore {
    pub async fn connect(url: &str, keys: Arc<KeyRing>) -> Result<PostgresStore> {
        let pool =
            PgPoolOptions::new().max_connections(32).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
        let store = PostgresStore { write: pool.clone(), read: pool, keys };
        store.run_migrations().await?;
        Ok(store)
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("./migrations/postgres").run(&self.write).await?;
        Ok(())
    }

    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.write.begin().await?)
    }

    /// A draft step: committed without waiting for the WAL flush (`synchronous_commit=off`
    /// for this transaction only). A later durable commit waits for a flush that includes it.
    pub(crate) async fn begin_draft(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.write.begin_with("BEGIN; SET LOCAL synchronous_commit = off").await?)
    }
}

crate::sql::impl_store!(
    PostgresStore,
    sqlx::Postgres,
    crate::Engine::Postgres,
    lock_rows = " FOR UPDATE",
    skip_locked = " FOR UPDATE SKIP LOCKED"
);
