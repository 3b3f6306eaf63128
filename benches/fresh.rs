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
            // Without FORCE first: PostgreSQL then ends an autovacuum worker busy in the new
            // rows itself, which FORCE refuses to do for a role that is not a superuser. With
            // FORCE when a connection of the run is still closing.
            let mut tries = 0;
            loop {
                let plain = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut c).await;
                if plain.is_ok() {
                    break;
                }
                match sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await {
                    Ok(_) => break,
                    Err(e) if tries >= 10 => return Err(e.into()),
                    Err(_) => {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
        }
        if let Some(file) = self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        Ok(())
    }
}
