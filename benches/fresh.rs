//! A fresh database per benchmark run: a new SQLite file, or a new PostgreSQL database
//! next to the configured one (dropped afterwards).

use anyhow::Context;
use std::path::{Path, PathBuf};

/// A database made for one run and dropped after it.
pub struct FreshDatabase {
    pub url: String,
    admin: Option<(String, String)>,
    file: Option<PathBuf>,
}

impl FreshDatabase {
    pub async fn create(configured: &str, dir: &Path, run: u32) -> anyhow::Result<FreshDatabase> {
        if configured.starts_with("postgres") {
            use sqlx::Connection;
            let name = format!("lapak_bench_{}_{run}", std::process::id());
            let mut c = sqlx::PgConnection::connect(configured).await.context("connect to PostgreSQL")?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut c).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await?;
            Ok(FreshDatabase {
                url: lapak_storage::postgres_url_for_database(configured, &name),
                admin: Some((configured.to_string(), name)),
                file: None,
            })
        } else {
            let file = dir.join(format!("bench-{run}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            Ok(FreshDatabase { url: format!("sqlite://{}", file.display()), admin: None, file: Some(file) })
        }
    }

    pub async fn drop_it(self) -> anyhow::Result<()> {
        if let Some((admin, name)) = self.admin {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&admin).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await?;
        }
        if let Some(file) = self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        Ok(())
    }
}
