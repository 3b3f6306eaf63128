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

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use sqlx::{ConnectOptions, Connection, Database, Describe, Either, Execute, Executor, TransactionManager};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

type Options<DB> = <<DB as Database>::Connection as Connection>::Options;

/// How long a caller waits for a free connection before giving up (`PoolTimedOut`).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Up to a fixed number of connections, opened when first needed. Cheap to clone (shared).
pub struct Connections<DB: Database>(Arc<Inner<DB>>);

struct Inner<DB: Database> {
    options: Options<DB>,
    idle: Mutex<Vec<DB::Connection>>,
    /// One permit per connection that may be open.
    permits: Arc<Semaphore>,
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
    pub fn new(options: Options<DB>, size: usize) -> Connections<DB> {
        Connections(Arc::new(Inner {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(size.max(1))),
        }))
    }

    /// A connection for work of the caller's own (migrations); see [`Lease::release`].
    pub async fn acquire(&self) -> Result<Lease<DB>, sqlx::Error> {
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.0.permits.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.0.idle.lock().expect("connections' lock").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.0.options.connect().await?,
        };
        Ok(Lease { inner: self.0.clone(), conn: Some(conn), finished: false, permit: Some(permit) })
    }

    /// A transaction opened with `begin` (`BEGIN`, or SQLite's `BEGIN IMMEDIATE`).
    pub async fn begin_with(&self, begin: &'static str) -> Result<Tx<DB>, sqlx::Error> {
        let mut lease = self.acquire().await?;
        let begun = <DB::TransactionManager as TransactionManager>::begin(lease.conn(), Some(begin.into())).await;
        lease.settle(&begun);
        begun?;
        // Open from here on: only a commit returns the connection as it is.
        lease.finished = false;
        Ok(Tx { lease })
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
    fn settle<T>(&mut self, result: &Result<T, sqlx::Error>) {
        self.finished = matches!(result, Ok(_) | Err(sqlx::Error::Database(_) | sqlx::Error::RowNotFound));
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

impl<DB: Database> Drop for Lease<DB> {
    fn drop(&mut self) {
        if let (true, Some(conn)) = (self.finished, self.conn.take()) {
            self.inner.idle.lock().expect("connections' lock").push(conn);
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
        if done.is_ok() {
            self.lease.finished = true;
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
                if <DB::TransactionManager as TransactionManager>::rollback(&mut conn).await.is_ok() {
                    inner.idle.lock().expect("connections' lock").push(conn);
                }
                drop(permit);
            });
        }
    }
}

impl<'p, DB: Database> Executor<'p> for &'p Connections<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Database = DB;

    /// The rows are collected before they are handed on: a statement here is short.
    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Result<Either<DB::QueryResult, DB::Row>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, DB>,
    {
        futures::stream::once(async move {
            let mut lease = self.acquire().await?;
            let items: Result<Vec<_>, sqlx::Error> = lease.conn().fetch_many(query).try_collect().await;
            lease.settle(&items);
            Ok::<_, sqlx::Error>(futures::stream::iter(items?.into_iter().map(Ok)))
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
            let mut lease = self.acquire().await?;
            let row = lease.conn().fetch_optional(query).await;
            lease.settle(&row);
            row
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
}
