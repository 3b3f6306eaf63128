//! The PostgreSQL engine, for when one machine is not enough. Default `synchronous_commit`
//! (on): a reported commit is on disk. Draft steps go through connections of their own whose
//! sessions run with `synchronous_commit=off`: committed without waiting for the WAL flush;
//! a later durable commit waits for a flush that includes them. Every session runs with
//! `jit=off` (see [`PostgresStore::connect`]).

use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use std::sync::Arc;

use crate::connections::{Connections, Tx};
use crate::crypto::KeyRing;
use crate::sql::TrackingRow;
use crate::Result;

pub struct PostgresStore {
    /// Durable writes (see [`crate::connections`] for why not sqlx's pool).
    pub(crate) write: Connections<sqlx::Postgres>,
    /// Single read statements, on connections of their own.
    pub(crate) read: Connections<sqlx::Postgres>,
    /// Sessions with `synchronous_commit=off`, for draft steps.
    pub(crate) draft: Connections<sqlx::Postgres>,
    pub(crate) keys: Arc<KeyRing>,
    /// Branches' names and zones for tracking and notices (see [`crate::branch_names`]).
    pub(crate) branch_names: crate::branch_names::BranchNames,
    /// Tracking lookups sent to the server together (see [`TrackingBatches`]).
    tracking: TrackingBatches,
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
        // No JIT: PostgreSQL compiles a statement's expressions when its estimated cost passes
        // `jit_above_cost`, 100–200 ms of compiling for statements that run in tens of
        // milliseconds, and the estimates move with the statistics. With JIT on, one
        // scheduling pass of 100,000 claims took 6.0 s or 8.7 s depending on when autovacuum
        // had analysed the claims (each page of the waiting line compiled afresh).
        let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
        let relaxed = options.clone().options([("synchronous_commit", "off")]);
        let write = Connections::new(options.clone(), pool_size());
        let store = PostgresStore {
            read: write.alongside(options, pool_size(), true),
            draft: write.alongside(relaxed, pool_size(), false),
            write,
            keys,
            branch_names: Default::default(),
            tracking: TrackingBatches::default(),
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

    /// The server itself stops at a failed fsync (`data_sync_retry = off`).
    pub(crate) fn healthy(&self) -> Result<()> {
        Ok(())
    }
}

impl PostgresStore {
    /// [`crate::sql::TRACKING_QUERY`]'s rows, read with the lookups waiting alongside (see
    /// [`TrackingBatches`]); alone when the batch's statement failed, so that its own error
    /// (or, after a lost connection, its answer) is this lookup's.
    async fn tracking_rows(&self, number: &lapak_domain::claim_number::ClaimNumber) -> Result<Vec<TrackingRow>> {
        if let Some(rows) = self.tracking.rows(&self.read, number.as_str()).await {
            return Ok(rows);
        }
        let rows = sqlx::query(crate::sql::TRACKING_QUERY).bind(number.as_str()).fetch_all(&self.read).await?;
        rows.iter().map(TrackingRow::read).collect()
    }
}

/// Tracking lookups that arrive while a tracking statement is at the server go to it
/// together, in the next one ([`crate::sql::TRACKING_BATCH_QUERY`]). Under load a round trip
/// to PostgreSQL (its process woken, the statement started, the answer sent back over a
/// socket) costs more than the few rows a lookup reads. On the 2-core machine, three
/// alternating pairs of `lapak bench claims` runs gave 38,000–42,000 lookups/s this way
/// against 23,000–24,000 with a statement per lookup; two statements out at a time made
/// smaller batches and twice the round trips, and kept little of the gain (16,000 against
/// 14,500 in a slower hour, when one at a time gave 23,000). A lookup that finds no
/// statement out goes at once, alone: nothing waits on purpose. Each lookup gets the rows
/// of its own claim number only. Written by hand: no crate batches sqlx statements this way.
#[derive(Default)]
struct TrackingBatches(std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedSender<Lookup>>>);

/// A lookup waiting for its batch: the claim number, and where its rows go (`None`: the
/// batch failed; look up alone).
struct Lookup {
    number: String,
    rows: tokio::sync::oneshot::Sender<Option<Vec<TrackingRow>>>,
}

/// The most claim numbers in one statement (a few rows each).
const BATCH_MOST: usize = 256;

impl TrackingBatches {
    /// The rows of `number`'s claim, read in a batch; `None` when the batch could not be
    /// read (the caller looks up alone).
    async fn rows(&self, read: &Connections<sqlx::Postgres>, number: &str) -> Option<Vec<TrackingRow>> {
        // Started on first use, on the runtime of the lookup that starts it; started again
        // on this lookup's runtime if that one has ended (a store outliving its runtime).
        let queue = {
            let mut queue = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match queue.as_ref() {
                Some(q) if !q.is_closed() => q.clone(),
                _ => {
                    let (q, lookups) = tokio::sync::mpsc::unbounded_channel();
                    tokio::spawn(Self::send_batches(read.clone(), lookups));
                    queue.insert(q).clone()
                }
            }
        };
        let (rows, answer) = tokio::sync::oneshot::channel();
        queue.send(Lookup { number: number.to_string(), rows }).ok()?;
        answer.await.ok().flatten()
    }

    /// Takes the lookups waiting whenever no statement is out, and sends them as one. Ends
    /// when the store is dropped.
    async fn send_batches(
        read: Connections<sqlx::Postgres>,
        mut lookups: tokio::sync::mpsc::UnboundedReceiver<Lookup>,
    ) {
        // One statement out at a time; the next takes every lookup that came meanwhile.
        let out = Arc::new(tokio::sync::Semaphore::new(1));
        loop {
            let Ok(permit) = out.clone().acquire_owned().await else { return };
            let Some(first) = lookups.recv().await else { return };
            let mut batch = vec![first];
            while batch.len() < BATCH_MOST {
                match lookups.try_recv() {
                    Ok(lookup) => batch.push(lookup),
                    Err(_) => break,
                }
            }
            let read = read.clone();
            tokio::spawn(async move {
                Self::answer(&read, batch).await;
                drop(permit);
            });
        }
    }

    /// Reads the batch's claims and gives each lookup its own claim's rows.
    async fn answer(read: &Connections<sqlx::Postgres>, batch: Vec<Lookup>) {
        let numbers: Vec<&str> = batch.iter().map(|l| l.number.as_str()).collect();
        let read = async {
            let rows = sqlx::query(crate::sql::TRACKING_BATCH_QUERY).bind(&numbers).fetch_all(read).await?;
            let mut by_number: std::collections::HashMap<String, Vec<TrackingRow>> = Default::default();
            for row in &rows {
                let number = crate::sql::Columns::text(row, 0)?;
                by_number.entry(number).or_default().push(TrackingRow::read_at(row, 1)?);
            }
            Ok::<_, crate::StorageError>(by_number)
        };
        match read.await {
            Ok(by_number) => {
                for lookup in batch {
                    // A number asked for twice in a batch gets its rows twice.
                    let rows = by_number.get(&lookup.number).cloned().unwrap_or_default();
                    lookup.rows.send(Some(rows)).ok();
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, lookups = batch.len(), "tracking batch failed; each looks up alone");
                for lookup in batch {
                    lookup.rows.send(None).ok();
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A PostgreSQL server to test against: `LAPAK_TEST_DATABASE_URL` or
    /// `LAPAK_TEST_POSTGRES_URL`, as the suite's own tests find one (CI sets the second for
    /// both passes, and a test without one fails there).
    fn server(test: &str) -> Option<String> {
        let url = ["LAPAK_TEST_DATABASE_URL", "LAPAK_TEST_POSTGRES_URL"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
        if url.is_none() {
            assert!(std::env::var_os("CI").is_none(), "{test} needs PostgreSQL: set LAPAK_TEST_POSTGRES_URL");
            eprintln!("\n*** NOT RUN: {test} needs PostgreSQL (LAPAK_TEST_POSTGRES_URL) ***\n");
        }
        url
    }

    #[tokio::test]
    async fn sessions_run_without_jit() {
        use sqlx::Connection;
        let Some(admin) = server("sessions_run_without_jit") else { return };
        // Named as the suite names its databases, so that a run that dies leaves it to be swept.
        let name = format!("lapak_test_{}_{:08x}", std::process::id(), rand::random::<u32>());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        let store =
            PostgresStore::connect(&crate::postgres_url_for_database(&admin, &name), Arc::new(KeyRing::generate()))
                .await
                .unwrap();
        let default: String = sqlx::query_scalar("SHOW jit").fetch_one(&mut conn).await.unwrap();
        for (set, connections) in [("reads", &store.read), ("writes", &store.write), ("draft steps", &store.draft)] {
            let jit: String = sqlx::query_scalar("SHOW jit").fetch_one(connections).await.unwrap();
            assert_eq!(jit, "off", "{set} (the server's default: {default})");
        }
        let relaxed: String = sqlx::query_scalar("SHOW synchronous_commit").fetch_one(&store.draft).await.unwrap();
        assert_eq!(relaxed, "off", "draft steps keep their own setting");
        drop(store);
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
    }

    /// A store used from a second runtime after the first has ended (as a program that
    /// builds one runtime per task would): its tracking lookups are batched again, on the
    /// new runtime, instead of each going alone for the rest of the store's life.
    #[test]
    fn tracking_batches_start_again_on_a_new_runtime() {
        let Some(admin) = server("tracking_batches_start_again_on_a_new_runtime") else { return };
        let runtime = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let name = format!("lapak_test_{}_{:08x}", std::process::id(), rand::random::<u32>());
        let store = runtime().block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            let url = crate::postgres_url_for_database(&admin, &name);
            let store = PostgresStore::connect(&url, Arc::new(KeyRing::generate())).await.unwrap();
            assert_eq!(store.tracking.rows(&store.read, "NONE").await.map(|r| r.len()), Some(0), "batched");
            store
        });
        runtime().block_on(async {
            assert_eq!(store.tracking.rows(&store.read, "NONE").await.map(|r| r.len()), Some(0), "batched again");
            drop(store);
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
        });
    }
}
