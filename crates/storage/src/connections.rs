//! The engines' connections, kept without sqlx's pool. Written by hand because sqlx 0.8's
//! pool pings every connection on its way back (`PoolConnection::return_to_pool`,
//! unconditionally): one more round trip per statement or transaction, to the connection's
//! thread for SQLite and to the server for PostgreSQL. On two cores those hand-offs are most
//! of the cost of a lookup or a draft step.
//!
//! The ping is there to catch a connection left mid-statement by a cancelled future. Here a
//! connection goes back only when its statement finished (rows read, or an error from the
//! database itself) or its transaction committed; a transaction dropped unfinished is
//! rolled back by a task of its own before its connection goes back; any other way out
//! (cancelled statement, I/O error, failed rollback) drops the connection, and the next
//! user opens a fresh one.
//!
//! A database server that restarts (or a network that drops idle connections) leaves every
//! idle connection dead. Connections to one server share what they learn of it: once one
//! finds its connection lost, every idle connection is tested with a ping before its next
//! use, as is one that sat idle for [`IDLE_CHECK`]. A statement whose connection was lost
//! before the server ran it (PostgreSQL ends the session with a class 57 or 08 error first),
//! and a read-only statement whose connection failed in any way, is run once more on a sound
//! connection; so is a `BEGIN`. A restart then costs no request.
//!
//! A server that cannot be reached at all is found out once: after a failed attempt to
//! connect, one caller at a time tries again (see `Inner::connect`) and the others are told
//! at once, so that a database gone does not hold every request for the connection timeout.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use sqlx::error::BoxDynError;
use sqlx::{ConnectOptions, Connection, Database, Describe, Either, Execute, Executor, TransactionManager};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

type Options<DB> = <<DB as Database>::Connection as Connection>::Options;

/// How long a caller waits for a free connection before giving up (`PoolTimedOut`).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening a connection may take before the caller is told the database cannot
/// be reached: a server nearby answers in milliseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How often, at most, a server found unreachable is tried again (by one caller).
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// A connection idle this long is tested before use: servers, proxies and firewalls close
/// idle connections after some minutes.
pub const IDLE_CHECK: Duration = Duration::from_secs(60);

/// How long the test of an idle connection may take before the connection is given up.
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// Up to a fixed number of connections, opened when first needed. Cheap to clone (shared).
pub struct Connections<DB: Database>(Arc<Inner<DB>>);

struct Inner<DB: Database> {
    options: Options<DB>,
    idle: Mutex<Vec<Idle<DB>>>,
    /// One permit per connection that may be open.
    permits: Arc<Semaphore>,
    /// What every set of connections to the same server knows of it.
    server: Arc<Server>,
    /// Statements here only read: one that failed with its connection is run again.
    reads_only: bool,
}

/// What the connections to one server know of it.
#[derive(Default)]
struct Server {
    /// Connections lost so far.
    losses: AtomicU64,
    /// When the last attempt to connect found no server (refused, unanswered, not accepting
    /// connections), if none has succeeded since.
    unreachable_at: Mutex<Option<Instant>>,
    /// A caller is finding out whether an unreachable server is back.
    probing: AtomicBool,
}

/// A connection waiting for its next user.
struct Idle<DB: Database> {
    conn: DB::Connection,
    since: Instant,
    /// The server's losses when it came back: more since, and it is tested before use.
    losses: u64,
}

impl<DB: Database> Clone for Connections<DB> {
    fn clone(&self) -> Self {
        Connections(self.0.clone())
    }
}

impl<DB: Database> fmt::Debug for Connections<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connections").field("available", &self.0.permits.available_permits()).finish()
    }
}

impl<DB: Database> Connections<DB> {
    /// Up to `size` connections for writes (and reads) to a server of their own.
    pub fn new(options: Options<DB>, size: usize) -> Connections<DB> {
        Connections::with(options, size, Arc::default(), false)
    }

    /// Up to `size` more connections to the same server as these, sharing what they learn
    /// of it; `reads_only` when every statement run through them only reads.
    pub fn alongside(&self, options: Options<DB>, size: usize, reads_only: bool) -> Connections<DB> {
        Connections::with(options, size, self.0.server.clone(), reads_only)
    }

    fn with(options: Options<DB>, size: usize, server: Arc<Server>, reads_only: bool) -> Connections<DB> {
        Connections(Arc::new(Inner {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(size.max(1))),
            server,
            reads_only,
        }))
    }

    /// A connection for work of the caller's own (migrations); see [`Lease::release`].
    pub async fn acquire(&self) -> Result<Lease<DB>, sqlx::Error> {
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.0.permits.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let conn = loop {
            let idle = self.0.idle.lock().expect("connections' lock").pop();
            let Some(Idle { mut conn, since, losses }) = idle else { break self.0.connect().await? };
            let doubtful = since.elapsed() >= IDLE_CHECK || losses != self.0.server.losses.load(Ordering::SeqCst);
            if !doubtful || matches!(tokio::time::timeout(PING_TIMEOUT, conn.ping()).await, Ok(Ok(()))) {
                break conn;
            }
            // Dead: dropped; the next idle one, or a new one.
        };
        Ok(Lease { inner: self.0.clone(), conn: Some(conn), finished: false, permit: Some(permit) })
    }

    /// A transaction opened with `begin` (`BEGIN`, or SQLite's `BEGIN IMMEDIATE`); tried once
    /// more on another connection when the first was lost (a `BEGIN` does nothing).
    pub async fn begin_with(&self, begin: &'static str) -> Result<Tx<DB>, sqlx::Error> {
        let mut again = true;
        loop {
            let mut lease = self.acquire().await?;
            let begun = <DB::TransactionManager as TransactionManager>::begin(lease.conn(), Some(begin.into())).await;
            lease.settle(&begun);
            match begun {
                Ok(()) => {
                    // Open from here on: only a commit returns the connection as it is.
                    lease.finished = false;
                    return Ok(Tx { lease });
                }
                Err(e) if again && lost(&e).is_some() => again = false,
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether a statement that failed with `e` may run once more on another connection.
    fn retry_after(&self, e: &sqlx::Error) -> bool {
        match lost(e) {
            Some(Lost::BeforeRunning) => true,
            Some(Lost::Unknown) => self.0.reads_only,
            None => false,
        }
    }
}

/// The one caller trying an unreachable server again; done when dropped, also when its
/// request is abandoned half-way.
struct Probe<'a>(&'a AtomicBool);

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// No connection to be had: the server is down, does not answer, or did not lately.
fn out_of_reach(why: &str) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::NotConnected, why.to_string()))
}

/// How a connection was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lost {
    /// The server ended the session before running the statement: PostgreSQL's classes 57
    /// (operator intervention: shutdown, restart, a terminated backend) and 08 (connection
    /// exception). A statement interrupted half-way by them is rolled back with its session.
    BeforeRunning,
    /// An I/O or protocol failure: the statement may or may not have run.
    Unknown,
}

/// Whether `e` means the connection is gone (and how), rather than a refusal by the
/// database or a mistake of the caller.
fn lost(e: &sqlx::Error) -> Option<Lost> {
    match e {
        sqlx::Error::Database(d) => {
            d.code().filter(|c| c.starts_with("57P") || c.starts_with("08")).map(|_| Lost::BeforeRunning)
        }
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => {
            Some(Lost::Unknown)
        }
        _ => None,
    }
}

/// A statement taken apart to be run again: its text and a copy of its arguments.
struct Statement<'q, DB: Database> {
    sql: &'q str,
    arguments: Option<<DB as Database>::Arguments<'q>>,
    persistent: bool,
}

impl<'q, DB: Database> Statement<'q, DB>
where
    <DB as Database>::Arguments<'q>: Clone,
{
    fn from(mut query: impl Execute<'q, DB>) -> Result<Statement<'q, DB>, sqlx::Error> {
        let arguments = query.take_arguments().map_err(sqlx::Error::Encode)?;
        Ok(Statement { sql: query.sql(), arguments, persistent: query.persistent() })
    }

    fn copy(&self) -> Statement<'q, DB> {
        Statement { sql: self.sql, arguments: self.arguments.clone(), persistent: self.persistent }
    }
}

impl<'q, DB: Database> Execute<'q, DB> for Statement<'q, DB> {
    fn sql(&self) -> &'q str {
        self.sql
    }

    fn statement(&self) -> Option<&DB::Statement<'q>> {
        None
    }

    fn take_arguments(&mut self) -> Result<Option<<DB as Database>::Arguments<'q>>, BoxDynError> {
        Ok(self.arguments.take())
    }

    fn persistent(&self) -> bool {
        self.persistent
    }
}

/// A connection on loan; it goes back to the idle list only if `finished` was set.
pub struct Lease<DB: Database> {
    inner: Arc<Inner<DB>>,
    conn: Option<DB::Connection>,
    finished: bool,
    permit: Option<OwnedSemaphorePermit>,
}

impl<DB: Database> Lease<DB> {
    fn conn(&mut self) -> &mut DB::Connection {
        self.conn.as_mut().expect("present until dropped")
    }

    /// The statement ran to its end, or the database refused it: the connection is usable.
    /// A lost one is not, and the other idle connections to its server are tested next.
    fn settle<T>(&mut self, result: &Result<T, sqlx::Error>) {
        let lost = result.as_ref().err().and_then(|e| self.inner.note(e));
        self.finished =
            lost.is_none() && matches!(result, Ok(_) | Err(sqlx::Error::Database(_) | sqlx::Error::RowNotFound));
    }

    /// The caller's work finished cleanly: the connection goes back for the next user.
    pub fn release(mut self) {
        self.finished = true;
    }
}

impl<DB: Database> Deref for Lease<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl<DB: Database> DerefMut for Lease<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.conn()
    }
}

impl<DB: Database> Inner<DB> {
    /// A new connection. A server that does not answer at all (packets dropped, a host gone)
    /// would hold the caller until the operating system gives up, minutes later: it is given
    /// [`CONNECT_TIMEOUT`]. Once an attempt found no server, one caller at a time, at most
    /// once every [`PROBE_EVERY`], tries again until one succeeds; every other caller is told
    /// at once that the server is out of reach, rather than each waiting for an answer that
    /// does not come (a circuit breaker). Connections already open go on being used.
    async fn connect(&self) -> Result<DB::Connection, sqlx::Error> {
        let server = &self.server;
        let unreachable_at = *server.unreachable_at.lock().expect("server's lock");
        let _probe = match unreachable_at {
            None => None,
            Some(at) if at.elapsed() >= PROBE_EVERY && !server.probing.swap(true, Ordering::SeqCst) => {
                Some(Probe(&server.probing))
            }
            Some(_) => return Err(out_of_reach("no connection to the database server succeeded lately")),
        };
        let connected = match tokio::time::timeout(CONNECT_TIMEOUT, self.options.connect()).await {
            Ok(result) => result,
            Err(_) => Err(out_of_reach("the database server did not answer in time")),
        };
        let mut unreachable_at = server.unreachable_at.lock().expect("server's lock");
        match &connected {
            Ok(_) => *unreachable_at = None,
            Err(e) if crate::database_unavailable(e) => *unreachable_at = Some(Instant::now()),
            Err(_) => {}
        }
        connected
    }

    /// How `e` lost its connection, if it did; a loss makes every idle connection to the
    /// server doubtful.
    fn note(&self, e: &sqlx::Error) -> Option<Lost> {
        let lost = lost(e);
        if lost.is_some() {
            self.server.losses.fetch_add(1, Ordering::SeqCst);
        }
        lost
    }

    fn give_back(&self, conn: DB::Connection) {
        let idle = Idle { conn, since: Instant::now(), losses: self.server.losses.load(Ordering::SeqCst) };
        self.idle.lock().expect("connections' lock").push(idle);
    }
}

impl<DB: Database> Drop for Lease<DB> {
    fn drop(&mut self) {
        if let (true, Some(conn)) = (self.finished, self.conn.take()) {
            self.inner.give_back(conn);
        }
    }
}

/// An open transaction: derefs to its connection (`&mut *tx` is an executor). Dropped
/// without [`Tx::commit`], it is rolled back.
pub struct Tx<DB: Database> {
    lease: Lease<DB>,
}

impl<DB: Database> Deref for Tx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.lease
    }
}

impl<DB: Database> DerefMut for Tx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.lease
    }
}

impl<DB: Database> Tx<DB> {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let done = <DB::TransactionManager as TransactionManager>::commit(self.lease.conn()).await;
        // A refused commit leaves the transaction open: the drop below rolls it back.
        match &done {
            Ok(()) => self.lease.finished = true,
            Err(e) => {
                self.lease.inner.note(e);
            }
        }
        done
    }
}

impl<DB: Database> Drop for Tx<DB> {
    fn drop(&mut self) {
        if self.lease.finished {
            return;
        }
        // Unfinished (an error, or the caller went away): roll back on a task of its own,
        // holding the connection's permit until the connection is back or gone.
        let (Some(mut conn), Some(permit)) = (self.lease.conn.take(), self.lease.permit.take()) else { return };
        let inner = self.lease.inner.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                match <DB::TransactionManager as TransactionManager>::rollback(&mut conn).await {
                    Ok(()) => inner.give_back(conn),
                    Err(e) => {
                        inner.note(&e);
                    }
                }
                drop(permit);
            });
        }
    }
}

impl<'p, DB: Database> Executor<'p> for &'p Connections<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: Clone,
{
    type Database = DB;

    /// The rows are collected before they are handed on: a statement here is short.
    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Result<Either<DB::QueryResult, DB::Row>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        futures::stream::once(async move {
            let statement = Statement::from(query)?;
            let mut again = true;
            loop {
                let mut lease = self.acquire().await?;
                let items: Result<Vec<_>, sqlx::Error> = lease.conn().fetch_many(statement.copy()).try_collect().await;
                lease.settle(&items);
                match items {
                    Err(e) if again && self.retry_after(&e) => again = false,
                    items => return Ok::<_, sqlx::Error>(futures::stream::iter(items?.into_iter().map(Ok))),
                }
            }
        })
        .try_flatten()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<DB::Row>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        Box::pin(async move {
            let statement = Statement::from(query)?;
            let mut again = true;
            loop {
                let mut lease = self.acquire().await?;
                let row = lease.conn().fetch_optional(statement.copy()).await;
                lease.settle(&row);
                match row {
                    Err(e) if again && self.retry_after(&e) => again = false,
                    row => return row,
                }
            }
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [DB::TypeInfo],
    ) -> BoxFuture<'e, Result<DB::Statement<'q>, sqlx::Error>>
    where
        'p: 'e,
    {
        Box::pin(async move {
            let mut lease = self.acquire().await?;
            let statement = lease.conn().prepare_with(sql, parameters).await;
            lease.settle(&statement);
            statement
        })
    }

    fn describe<'e, 'q: 'e>(self, sql: &'q str) -> BoxFuture<'e, Result<Describe<DB>, sqlx::Error>>
    where
        'p: 'e,
    {
        Box::pin(async move {
            let mut lease = self.acquire().await?;
            let described = lease.conn().describe(sql).await;
            lease.settle(&described);
            described
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn idle(readers: &Connections<sqlx::Sqlite>) -> usize {
        readers.0.idle.lock().unwrap().len()
    }

    /// One connection to a fresh database file (kept while the folder lives).
    fn one_connection() -> (tempfile::TempDir, Connections<sqlx::Sqlite>) {
        let dir = tempfile::tempdir().unwrap();
        let options =
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("t.db")).create_if_missing(true);
        (dir, Connections::new(options, 1))
    }

    /// A finished statement (or one the database refused) gives its connection back; a
    /// statement abandoned half-way takes its connection with it, and the next one opens anew.
    #[tokio::test]
    async fn connections_return_only_from_finished_statements() {
        let (_dir, readers) = one_connection();

        let n: i64 = sqlx::query_scalar("SELECT 41 + 1").fetch_one(&readers).await.unwrap();
        assert_eq!((n, idle(&readers)), (42, 1));
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT 1 UNION ALL SELECT 2").fetch_all(&readers).await.unwrap();
        assert_eq!((rows.len(), idle(&readers)), (2, 1), "the same connection, back again");

        let refused = sqlx::query("SELECT * FROM no_such_table").fetch_all(&readers).await;
        assert!(matches!(refused, Err(sqlx::Error::Database(_))));
        assert_eq!(idle(&readers), 1, "a refused statement leaves a usable connection");

        // Rows without end (SQLite's thread stops once nobody takes them).
        let endless = sqlx::query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n")
            .fetch_all(&readers);
        assert!(tokio::time::timeout(Duration::from_millis(50), endless).await.is_err());
        assert_eq!(idle(&readers), 0, "an abandoned statement's connection is dropped");
        assert_eq!(readers.0.permits.available_permits(), 1, "and its place freed");

        let n: i64 = sqlx::query_scalar("SELECT 7").fetch_one(&readers).await.unwrap();
        assert_eq!((n, idle(&readers)), (7, 1), "a fresh connection serves the next statement");
    }

    /// A committed transaction is kept and its connection goes back; one dropped unfinished is
    /// rolled back, and its connection goes back once the rollback is done.
    #[tokio::test]
    async fn transactions_commit_or_roll_back_and_give_their_connection_back() {
        let (_dir, writer) = one_connection();
        let mut conn = writer.acquire().await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)").execute(&mut *conn).await.unwrap();
        conn.release();
        let count =
            || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM t").fetch_one(&writer).await.unwrap() };

        let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)").execute(&mut *tx).await.unwrap();
        drop(tx);
        assert_eq!(count().await, 0, "rolled back (the next user waited for the rollback)");
        assert_eq!(idle(&writer), 1);

        let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("INSERT INTO t VALUES (2)").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((count().await, idle(&writer)), (1, 1));
    }

    /// A database that cannot be opened is tried once; until [`PROBE_EVERY`] has passed
    /// callers are told at once, without trying, and then one try finds it back.
    #[tokio::test]
    async fn a_database_out_of_reach_is_tried_again_by_one_caller_after_a_while() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("not-yet");
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(folder.join("t.db")).create_if_missing(true);
        let readers: Connections<sqlx::Sqlite> = Connections::new(options, 2);
        let select = || sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&readers);
        // Tried: SQLite itself says it cannot open the file.
        assert!(matches!(select().await, Err(sqlx::Error::Database(_))));
        // Not tried again at once, even once the file can be made.
        std::fs::create_dir(&folder).unwrap();
        match select().await {
            Err(sqlx::Error::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::NotConnected, "{e}"),
            other => panic!("told at once, without trying: {other:?}"),
        }
        assert!(!folder.join("t.db").exists());
        tokio::time::sleep(PROBE_EVERY).await;
        assert_eq!(select().await.unwrap(), 1);
        assert_eq!(select().await.unwrap(), 1, "and the next callers as before");
    }
}
