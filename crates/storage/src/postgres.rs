//! The PostgreSQL engine, for when one machine is not enough. Default `synchronous_commit`
//! (on): a reported commit is on disk. Draft steps go through a second pool whose sessions
//! run with `synchronous_commit=off`: committed without waiting for the WAL flush; a later
//! durable commit waits for a flush that includes them.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::KeyRing;
use crate::readers::Readers;
use crate::Result;

pub struct PostgresStore {
    pub(crate) write: PgPool,
    /// Single read statements, on connections of their own without sqlx's pool (see
    /// [`crate::readers`]).
    pub(crate) read: Readers<sqlx::Postgres>,
    /// Sessions with `synchronous_commit=off`, for draft steps.
    pub(crate) draft: PgPool,
    pub(crate) keys: Arc<KeyRing>,
}

/// Connections per pool (durable writes, single reads, draft steps): `LAPAK_DATABASE_POOL`, or twice
/// this machine's cores plus two, the PostgreSQL wiki's rule of thumb. More connections than
/// the cores can run only add task switches: on 2 cores, pools of 32 served about a fifth
/// fewer tracking lookups and submissions than pools of 6 (`lapak bench claims`). A larger
/// database server than the machine Lapak runs on may want more.
pub(crate) fn pool_size() -> u32 {
    std::env::var("LAPAK_DATABASE_POOL").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or_else(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        u32::try_from(2 * cores + 2).unwrap_or(u32::MAX)
    })
}

impl PostgresStore {
    pub async fn connect(url: &str, keys: Arc<KeyRing>) -> Result<PostgresStore> {
        // No ping before each use (sqlx's default): it is a round trip to the server per
        // statement. A connection the server dropped fails one statement and is discarded.
        let pool = PgPoolOptions::new()
            .max_connections(pool_size())
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        let relaxed = PgConnectOptions::from_str(url)?.options([("synchronous_commit", "off")]);
        let draft = PgPoolOptions::new()
            .max_connections(pool_size())
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with(relaxed);
        let read = Readers::new(PgConnectOptions::from_str(url)?, pool_size() as usize);
        let store = PostgresStore { write: pool, read, draft, keys };
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

    /// A draft step's transaction, on the relaxed pool.
    pub(crate) async fn begin_draft(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.draft.begin().await?)
    }

    /// Commits on the default pool are durable when they return.
    pub(crate) async fn durable(&self) -> Result<()> {
        Ok(())
    }
}

crate::sql::impl_store!(
    PostgresStore,
    sqlx::Postgres,
    crate::Engine::Postgres,
    lock_rows = " FOR UPDATE",
    skip_locked = " FOR UPDATE SKIP LOCKED"
);
crate::collective::impl_collective_store!(PostgresStore, sqlx::Postgres, lock_rows = " FOR UPDATE");
