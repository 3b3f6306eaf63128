//! Connections for single read statements (tracking, drafts, pages), kept without sqlx's
//! pool. Written by hand because sqlx 0.8's pool pings every connection on its way back
//! (`PoolConnection::return_to_pool`, unconditionally): one more round trip per statement,
//! to the connection's thread for SQLite and to the server for PostgreSQL. For a statement
//! run on its own that doubles the hand-offs, and on two cores the hand-offs are most of
//! the cost of a lookup.
//!
//! The ping is there to catch a connection left mid-statement by a cancelled future. Here a
//! connection goes back only when its statement finished (rows read, or an error from the
//! database itself); any other way out (cancelled, I/O error) drops it, and the next
//! statement opens a fresh one.

use std::fmt;
use std::sync::Mutex;

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use sqlx::{ConnectOptions, Connection, Database, Describe, Either, Execute, Executor};
use tokio::sync::{Semaphore, SemaphorePermit};

type Options<DB> = <<DB as Database>::Connection as Connection>::Options;

pub struct Readers<DB: Database> {
    options: Options<DB>,
    idle: Mutex<Vec<DB::Connection>>,
    /// One permit per connection that may be open.
    permits: Semaphore,
}

impl<DB: Database> fmt::Debug for Readers<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readers").field("available", &self.permits.available_permits()).finish()
    }
}

impl<DB: Database> Readers<DB> {
    /// Up to `size` connections, opened when first needed.
    pub fn new(options: Options<DB>, size: usize) -> Readers<DB> {
        Readers { options, idle: Mutex::new(Vec::new()), permits: Semaphore::new(size.max(1)) }
    }

    async fn acquire(&self) -> Result<Lease<'_, DB>, sqlx::Error> {
        let permit = self.permits.acquire().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.idle.lock().expect("readers' lock").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.options.connect().await?,
        };
        Ok(Lease { readers: self, conn: Some(conn), finished: false, _permit: permit })
    }
}

/// A connection on loan; it goes back to the idle list only if `finished` was set.
struct Lease<'a, DB: Database> {
    readers: &'a Readers<DB>,
    conn: Option<DB::Connection>,
    finished: bool,
    _permit: SemaphorePermit<'a>,
}

impl<DB: Database> Lease<'_, DB> {
    fn conn(&mut self) -> &mut DB::Connection {
        self.conn.as_mut().expect("present until dropped")
    }

    /// The statement ran to its end, or the database refused it: the connection is usable.
    fn settle<T>(&mut self, result: &Result<T, sqlx::Error>) {
        self.finished = matches!(result, Ok(_) | Err(sqlx::Error::Database(_) | sqlx::Error::RowNotFound));
    }
}

impl<DB: Database> Drop for Lease<'_, DB> {
    fn drop(&mut self) {
        if let (true, Some(conn)) = (self.finished, self.conn.take()) {
            self.readers.idle.lock().expect("readers' lock").push(conn);
        }
    }
}

impl<'p, DB: Database> Executor<'p> for &'p Readers<DB>
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

    fn idle(readers: &Readers<sqlx::Sqlite>) -> usize {
        readers.idle.lock().unwrap().len()
    }

    /// A finished statement (or one the database refused) gives its connection back; a
    /// statement abandoned half-way takes its connection with it, and the next one opens anew.
    #[tokio::test]
    async fn connections_return_only_from_finished_statements() {
        let dir = tempfile::tempdir().unwrap();
        let options =
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("r.db")).create_if_missing(true);
        let readers = Readers::<sqlx::Sqlite>::new(options, 1);

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
        assert_eq!(readers.permits.available_permits(), 1, "and its place freed");

        let n: i64 = sqlx::query_scalar("SELECT 7").fetch_one(&readers).await.unwrap();
        assert_eq!((n, idle(&readers)), (7, 1), "a fresh connection serves the next statement");
    }
}
