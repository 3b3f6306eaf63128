//! The PostgreSQL engine, for when one machine is not enough. Default `synchronous_commit`
//! (on): a reported commit is on disk. Draft steps go through connections of their own whose
//! sessions run with `synchronous_commit=off`: committed without waiting for the WAL flush;
//! a later durable commit waits for a flush that includes them.

use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use std::sync::Arc;

use crate::connections::{Connections, Tx};
use crate::crypto::KeyRing;
use crate::Result;

pub struct PostgresStore {
    /// Durable writes (see [`crate::connections`] for why not sqlx's pool).
    pub(crate) write: Connections<sqlx::Postgres>,
    /// Single read statements, on connections of their own.
    pub(crate) read: Connections<sqlx::Postgres>,
    /// Sessions with `synchronous_commit=off`, for draft steps.
    pub(crate) draft: Connections<sqlx::Postgres>,
    pub(crate) keys: Arc<KeyRing>,
}

/// Connections per set (durable writes, single reads, draft steps): `LAPAK_DATABASE_POOL`, or twice
/// this machine's cores plus two, the PostgreSQL wiki's rule of thumb. More connections than
/// the cores can run only add task switches: on 2 cores, pools of 32 served about a fifth
/// fewer tracking lookups and submissions than pools of 6 (`lapak bench claims`). A larger
/// database server than the machine Lapak runs on may want more.
pub(crate) fn pool_size() -> usize {
    std::env::var("LAPAK_DATABASE_POOL").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or_else(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        2 * cores + 2
    })
}

impl PostgresStore {
    pub async fn connect(url: &str, keys: Arc<KeyRing>) -> Result<PostgresStore> {
        // Connections open when first needed; what happens when the server drops them:
        // see `crate::connections`.
        let options = PgConnectOptions::from_str(url)?;
        let relaxed = options.clone().options([("synchronous_commit", "off")]);
        let write = Connections::new(options.clone(), pool_size());
        let store = PostgresStore {
            read: write.alongside(options, pool_size(), true),
            draft: write.alongside(relaxed, pool_size(), false),
            write,
            keys,
        };
        store.run_migrations().await?;
        Ok(store)
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        sqlx::migrate!("./migrations/postgres").run_direct(&mut *conn).await?;
        conn.release();
        Ok(())
    }

    pub(crate) async fn begin_write(&self) -> Result<Tx<sqlx::Postgres>> {
        Ok(self.write.begin_with("BEGIN").await?)
    }

    /// A draft step's transaction, on the relaxed connections.
    pub(crate) async fn begin_draft(&self) -> Result<Tx<sqlx::Postgres>> {
        Ok(self.draft.begin_with("BEGIN").await?)
    }

    /// Commits on the default connections are durable when they return.
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
