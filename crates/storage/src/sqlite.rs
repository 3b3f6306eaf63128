//! The SQLite engine: one file, WAL. One writer connection (SQLite has one writer anyway;
//! waiting for it in order is cheaper than busy retries) and a few readers.
//!
//! Durability: the connections run at `synchronous=NORMAL`, so a commit reaches the WAL
//! file (it survives a crash of the process) without an fsync. A commit that acknowledges
//! something to a person (`begin_write` … `durable`) is followed by an fsync of the WAL,
//! which makes it, and every commit before it, survive power loss: what
//! `synchronous=FULL` does, except that the fsync runs off the writer connection and
//! concurrent commits share one (group commit). Draft steps skip it; the next durable
//! commit carries them.
//!
//! Checkpoints (copying the WAL back into the database file) run on a connection of their
//! own, every [`CHECKPOINT_EVERY`], not on the writer: SQLite's automatic checkpoint runs
//! inside the commit that crosses its threshold, and every other write waits for it.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::connections::{Connections, Tx};
use crate::crypto::KeyRing;
use crate::sql::TrackingRow;
use crate::Result;

pub struct SqliteStore {
    /// The one writer connection (see [`crate::connections`] for why not sqlx's pool).
    pub(crate) write: Connections<sqlx::Sqlite>,
    /// Draft steps write through the writer connection, one statement each when they can.
    pub(crate) draft: Connections<sqlx::Sqlite>,
    pub(crate) read: Connections<sqlx::Sqlite>,
    /// Tracking's lookups, on the caller's thread.
    inline: InlineReads,
    pub(crate) keys: Arc<KeyRing>,
    /// Branches' names and zones for tracking and notices (see [`crate::branch_names`]).
    pub(crate) branch_names: crate::branch_names::BranchNames,
    wal: GroupCommit,
    /// The checkpointer stops when the store is dropped (it holds only a weak reference).
    _alive: Arc<()>,
}

/// Page caches in KiB: the readers' (and the default), the writer's (see `open`).
const CACHE_KIB: i64 = 16_384;
const WRITER_CACHE_KIB: i64 = 65_536;

/// How long a connection waits for a lock another holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// How often the checkpointer looks at the WAL.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies migrations.
    pub async fn open(path: &Path, keys: Arc<KeyRing>) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // 8 KiB pages for a new file (an existing one keeps its own; WAL files cannot
            // change it). A scheduling pass writes tens of thousands of rows of five tables
            // and their indexes per transaction: with SQLite's default 4 KiB it took about an
            // eighth longer (`lapak bench schedule`, alternating runs: 2.10–2.35 s against
            // 1.88–2.04 s); submissions and tracking lookups did not move beyond the noise.
            .page_size(8192)
            // A 16 MiB page cache and in-memory statement journals: bulk upserts into three
            // indexes otherwise spill pages and write sub-journals to disk mid-transaction.
            .pragma("cache_size", (-CACHE_KIB).to_string())
            .pragma("temp_store", "memory")
            // After a checkpoint resets it, the WAL file is cut back to 64 MiB.
            .pragma("journal_size_limit", "67108864");
        // A backstop only (about 400 MiB of WAL), for a checkpointer that cannot keep up. SQLite
        // counts the WAL's frames since it last started over, and while readers are always
        // busy it seldom starts over: with 10,000 frames the writer checkpointed inside its own
        // commits during a scheduling pass (a tenth of its time; the pass took 7% longer).
        // The writer's page cache is 64 MiB: a scheduling pass's transaction reads and
        // rewrites pages of five tables and their indexes, and with 16 MiB the writer read
        // some of them back from the file within the pass (`lapak bench schedule`, seven
        // alternating pairs of runs: median 1.92 s against 2.08 s; 256 MiB did no better).
        let write = Connections::new(
            options
                .clone()
                .pragma("wal_autocheckpoint", "100000")
                .pragma("cache_size", (-WRITER_CACHE_KIB).to_string()),
            1,
        );
        let read = write.alongside(options.clone(), 4, true);
        let checkpoints = write.alongside(options.pragma("cache_size", "-1024"), 1, false);
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let alive = Arc::new(());
        let store = SqliteStore {
            draft: write.clone(),
            write,
            read,
            inline: InlineReads::new(path),
            keys,
            branch_names: Default::default(),
            wal: GroupCommit::new(PathBuf::from(wal)),
            _alive: alive,
        };
        store.run_migrations().await?;
        // Once the file is set up: the first checkpoint one period later.
        tokio::spawn(checkpointer(checkpoints, Arc::downgrade(&store._alive)));
        // The WAL file exists now; make its name in the folder durable once.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(store)
    }

    pub(crate) async fn run_migrations(&self) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        sqlx::migrate!("./migrations/sqlite").run_direct(&mut *conn).await?;
        conn.release();
        self.durable().await
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a
    /// transaction that reads before it writes cannot fail half-way on a lock upgrade
    /// (another process, e.g. an import while the server runs, waits on `busy_timeout`).
    /// Call [`SqliteStore::durable`] after its commit before acknowledging it.
    pub(crate) async fn begin_write(&self) -> Result<Tx<sqlx::Sqlite>> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A draft step: the same transaction; it is simply not followed by `durable`.
    pub(crate) async fn begin_draft(&self) -> Result<Tx<sqlx::Sqlite>> {
        self.begin_write().await
    }

    /// Returns once every commit made before the call survives power loss.
    pub(crate) async fn durable(&self) -> Result<()> {
        self.wal.barrier().await
    }

    /// Whether the store can still make commits durable (for readiness).
    pub(crate) fn healthy(&self) -> Result<()> {
        self.wal.check()
    }
}

/// Group commit over the WAL file, written by hand: SQLite has none, and `synchronous=FULL`
/// fsyncs on the single writer connection while every other write waits.
///
/// Each caller takes a ticket after its commit; an fsync that starts after a ticket was
/// taken covers that ticket's commit. The caller holding the lock syncs for every ticket
/// issued up to the moment it starts; callers whose ticket is covered return at once.
struct GroupCommit {
    wal: PathBuf,
    sync: fn(&Path) -> std::io::Result<()>,
    issued: AtomicU64,
    synced: tokio::sync::Mutex<u64>,
    /// fsyncs done, for tests.
    syncs: AtomicU64,
    /// An fsync failed: no commit is reported durable again until Lapak restarts.
    failed: crate::FsyncFailed,
}

/// What the group commit fsyncs, as its failure names it.
const WAL: &str = "the database's WAL";

impl GroupCommit {
    fn new(wal: PathBuf) -> GroupCommit {
        GroupCommit {
            wal,
            sync: sync_file,
            issued: AtomicU64::new(0),
            synced: tokio::sync::Mutex::new(0),
            syncs: AtomicU64::new(0),
            failed: crate::FsyncFailed::default(),
        }
    }

    async fn barrier(&self) -> Result<()> {
        let ticket = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut synced = self.synced.lock().await;
        self.check()?;
        if *synced >= ticket {
            return Ok(());
        }
        let upto = self.issued.load(Ordering::SeqCst);
        let (wal, sync) = (self.wal.clone(), self.sync);
        let done = tokio::task::spawn_blocking(move || sync(&wal)).await.map_err(std::io::Error::other)?;
        if let Err(e) = done {
            self.failed.record(WAL, &e);
            return Err(e.into());
        }
        *synced = upto;
        self.syncs.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Whether commits can still be made durable (see `failed`).
    fn check(&self) -> Result<()> {
        self.failed.check(WAL)
    }
}

/// Reads run on the caller's thread, through connections of their own (rusqlite over the
/// same SQLite library). sqlx runs each SQLite connection on a thread of its own: a
/// statement goes there and its rows come back through channels, two thread wake-ups, and
/// on two cores those cost more than a point lookup itself. Tracking lookups served this
/// way: 46,800–55,400/s against 38,200–40,500/s through sqlx's reader threads, p99
/// 2.0–2.6 ms against 2.9–3.1 ms (`lapak bench claims`, 2 cores, alternating runs; docs/benchmarks.md).
///
/// Only for short reads by key. In WAL mode a reader does not wait for the writer, nor for
/// the checkpointer (`PASSIVE`), so the thread is held for the lookup alone; the busy
/// timeout is the other connections' and covers SQLite's brief WAL-index retries. A page
/// not in the operating system's cache is read from the disk on this thread too: with a
/// database much larger than the machine's memory, other requests on the thread wait for
/// those reads (a few index pages per lookup).
struct InlineReads {
    path: PathBuf,
    /// Connections between uses; at most `keep` are kept.
    idle: std::sync::Mutex<Vec<rusqlite::Connection>>,
    /// As many as threads may read at once: the runtime's workers (one per core by default),
    /// at least eight.
    keep: usize,
}

impl InlineReads {
    fn new(path: &Path) -> InlineReads {
        let keep = std::thread::available_parallelism().map_or(8, |n| n.get().max(8));
        InlineReads { path: path.to_path_buf(), idle: Default::default(), keep }
    }

    /// Runs `read` on a connection here and now. A connection whose read failed is closed.
    fn read<T, E>(&self, read: impl FnOnce(&rusqlite::Connection) -> Result<T, E>) -> Result<T>
    where
        crate::StorageError: From<E>,
    {
        let idle = self.idle.lock().expect("inline reads' lock").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                use rusqlite::OpenFlags;
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = rusqlite::Connection::open_with_flags(&self.path, flags)?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn
            }
        };
        let out = read(&conn)?;
        let mut idle = self.idle.lock().expect("inline reads' lock");
        if idle.len() < self.keep {
            idle.push(conn);
        }
        Ok(out)
    }
}

impl SqliteStore {
    /// [`crate::sql::TRACKING_QUERY`]'s rows, read on this thread (see [`InlineReads`]).
    async fn tracking_rows(&self, number: &lapak_domain::claim_number::ClaimNumber) -> Result<Vec<TrackingRow>> {
        self.inline.read(|conn| -> Result<Vec<TrackingRow>> {
            let mut statement = conn.prepare_cached(crate::sql::TRACKING_QUERY)?;
            let mut rows = statement.query([number.as_str()])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(TrackingRow::read(r)?);
            }
            Ok(out)
        })
    }
}

crate::sql::impl_store!(SqliteStore, sqlx::Sqlite, crate::Engine::Sqlite, lock_rows = "", skip_locked = "");
crate::collective::impl_collective_store!(SqliteStore, sqlx::Sqlite, lock_rows = "");

/// Copies committed WAL frames into the database file while writers go on (`PASSIVE`: it
/// never waits for a writer or a reader; what a reader still needs is copied next time).
/// With `synchronous=NORMAL` SQLite fsyncs the WAL before and the database file after.
async fn checkpointer(connection: Connections<sqlx::Sqlite>, alive: std::sync::Weak<()>) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + CHECKPOINT_EVERY, CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if alive.strong_count() == 0 {
            break;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&connection).await {
            tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries");
        }
    }
}

fn sync_file(path: &Path) -> std::io::Result<()> {
    match std::fs::File::open(path) {
        Ok(file) => file.sync_data(),
        // No WAL file: the last connection checkpointed it into the (synced) database.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    /// Durable writes fsync the WAL, draft steps do not, and concurrent durable writes share
    /// fsyncs instead of queuing one each.
    #[tokio::test]
    async fn durable_commits_fsync_the_wal_and_share_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Arc::new(KeyRing::generate())).await.unwrap();
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&store.write).await.unwrap();
        assert_eq!(level, 1, "NORMAL: commits reach the WAL, the fsync is ours");
        let before = store.wal.syncs.load(Ordering::SeqCst);
        store.meta_set("a", "1").await.unwrap();
        assert_eq!(store.wal.syncs.load(Ordering::SeqCst), before + 1, "a durable write syncs");
        let _ = store.save_application("no-such-claim", &Default::default()).await;
        assert_eq!(store.wal.syncs.load(Ordering::SeqCst), before + 1, "a draft step does not");

        for i in 0..8 {
            assert_eq!(store.meta_get("a").await.unwrap().as_deref(), Some("1"), "read {i}");
        }
    }

    /// Reads on the caller's thread see each commit at once, on a connection kept for the
    /// next read, and leave no read open between uses: a checkpoint then copies the whole WAL
    /// back (an open read would hold it) and the reader still sees the rows. A read that
    /// fails closes its connection.
    #[tokio::test]
    async fn inline_reads_see_each_commit_and_hold_nothing_between_uses() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Arc::new(KeyRing::generate())).await.unwrap();
        let count = |store: &SqliteStore| {
            store.inline.read(|c| c.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))).unwrap()
        };
        let before = count(&store);
        assert_eq!(store.inline.idle.lock().unwrap().len(), 1, "kept for the next read");
        store.meta_set("inline-a", "1").await.unwrap();
        assert_eq!(count(&store), before + 1, "the same connection sees the commit");
        store.meta_set("inline-b", "2").await.unwrap();
        let (busy, _, _): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&store.write).await.unwrap();
        assert_eq!(busy, 0, "no reader holds the WAL");
        assert_eq!(count(&store), before + 2);
        assert_eq!(store.inline.idle.lock().unwrap().len(), 1);

        assert!(store.inline.read(|c| c.query_row("SELECT nothing FROM nowhere", [], |_| Ok(()))).is_err());
        assert_eq!(store.inline.idle.lock().unwrap().len(), 0, "a failed read's connection is closed");
        assert!(store.inline.read(|c| c.execute("DELETE FROM meta", [])).is_err(), "the connections only read");
        assert_eq!(count(&store), before + 2);
    }

    /// A new database file gets 8 KiB pages.
    #[tokio::test]
    async fn new_files_have_8_kib_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Arc::new(KeyRing::generate())).await.unwrap();
        for (set, connections) in [("writer", &store.write), ("readers", &store.read)] {
            let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(connections).await.unwrap();
            assert_eq!(size, 8192, "{set}");
        }
    }

    /// The writer keeps the larger page cache a scheduling pass needs; readers the usual one.
    #[tokio::test]
    async fn the_writer_keeps_a_larger_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Arc::new(KeyRing::generate())).await.unwrap();
        for (set, connections, kib) in [("writer", &store.write, WRITER_CACHE_KIB), ("readers", &store.read, CACHE_KIB)]
        {
            let size: i64 = sqlx::query_scalar("PRAGMA cache_size").fetch_one(connections).await.unwrap();
            assert_eq!(size, -kib, "{set}: a negative size is KiB");
        }
    }

    /// The bundled SQLite is built with the workspace's options (`.cargo/config.toml`): no
    /// page cache shared behind one mutex, no allocation statistics behind another.
    #[tokio::test]
    async fn sqlite_compiled_without_global_locks() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Arc::new(KeyRing::generate())).await.unwrap();
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options").fetch_all(&store.read).await.unwrap();
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
        assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
    }

    /// Migration 0013 gives the claims that were open before it their KPJ, and only them: a
    /// KPJ whose claim had ended can start a new one afterwards, one with an open claim cannot.
    #[tokio::test]
    async fn claims_open_before_migration_13_stay_the_open_ones() {
        use sqlx::{Connection, Executor};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true).foreign_keys(false);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        let mut before = sqlx::migrate!("./migrations/sqlite");
        before.migrations = before.migrations.iter().filter(|m| m.version < 13).cloned().collect::<Vec<_>>().into();
        before.run_direct(&mut conn).await.unwrap();
        conn.execute(
            "INSERT INTO claims (id, kpj, state, created_at, updated_at) VALUES \
             ('open', '11111111111', 'scheduled', 1, 1), ('ended', '22222222222', 'cancelled', 1, 1), \
             ('paid', '22222222222', 'paid', 1, 1)",
        )
        .await
        .unwrap();
        conn.close().await.unwrap();

        let store = SqliteStore::open(&path, Arc::new(KeyRing::generate())).await.unwrap();
        let open: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT id, open_kpj FROM claims ORDER BY id").fetch_all(&store.read).await.unwrap();
        assert_eq!(open, [("ended".into(), None), ("open".into(), Some("11111111111".into())), ("paid".into(), None)]);
        let insert = |id: &'static str, kpj: &'static str| {
            sqlx::query("INSERT INTO claims (id, kpj, open_kpj, state, created_at, updated_at) VALUES ($1, $2, $2, 'draft', 2, 2)")
                .bind(id)
                .bind(kpj)
        };
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        let again = insert("again", "11111111111").execute(&mut conn).await;
        assert!(
            matches!(again, Err(sqlx::Error::Database(ref e)) if e.is_unique_violation()),
            "still one open claim per KPJ: {again:?}"
        );
        insert("new", "22222222222").execute(&mut conn).await.unwrap();
    }

    /// After a failed fsync no commit is reported durable again, even when fsync succeeds
    /// later, and the store says it is not ready.
    #[tokio::test]
    async fn a_failed_fsync_stops_acknowledging_until_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = SqliteStore::open(&path, Arc::new(KeyRing::generate())).await.unwrap();
        store.wal.sync = |_| Err(std::io::Error::other("EIO"));
        assert!(store.meta_set("a", "1").await.is_err(), "the write is not acknowledged");
        store.wal.sync = |_| Ok(());
        assert!(store.meta_set("b", "2").await.is_err(), "nor any after it, though fsync works again");
        assert!(store.ping().await.is_err(), "not ready");
        drop(store);
        let store = SqliteStore::open(&path, Arc::new(KeyRing::generate())).await.unwrap();
        store.ping().await.unwrap();
        store.meta_set("c", "3").await.unwrap();
    }

    /// Callers that arrive while an fsync runs share the next one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_barriers_share_fsyncs() {
        let mut group = GroupCommit::new(PathBuf::from("unused"));
        group.sync = |_| {
            std::thread::sleep(Duration::from_millis(20));
            Ok(())
        };
        let group = Arc::new(group);
        let callers: Vec<_> = (0..64)
            .map(|_| {
                let group = group.clone();
                tokio::spawn(async move { group.barrier().await })
            })
            .collect();
        for c in callers {
            c.await.unwrap().unwrap();
        }
        let syncs = group.syncs.load(Ordering::SeqCst);
        assert!((1..=4).contains(&syncs), "64 callers took {syncs} fsyncs");
    }
}
