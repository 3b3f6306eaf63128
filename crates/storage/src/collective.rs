//! The collective channel's storage: representatives (PIC) and their confirmation, batches
//! and the versions of their worker lists, and the claims a batch files. A part of the one
//! storage boundary ([`crate::Store`] requires it), kept in its own file and macro so that
//! the channel reads as one piece.

use async_trait::async_trait;
use jiff::Timestamp;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::lifecycle::{ClaimEvent, ClaimState};
use lapak_domain::member::{Company, Member};
use lapak_domain::schedule::Session;
use lapak_domain::{Kpj, Npp};

use crate::{NewStaff, OutboxMessage, Result};

/// A company's request to appoint a representative, as the form gave it.
#[derive(Debug, Clone)]
pub struct NewRepresentative {
    pub id: String,
    pub npp: Npp,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub username: String,
    pub password_hash: String,
    pub attorney_key: String,
    pub statement_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepresentativeRecord {
    pub id: String,
    pub npp: String,
    pub company: String,
    pub branch_code: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub username: String,
    pub password_hash: String,
    pub attorney_key: String,
    pub statement_key: String,
    /// `pending`, `confirmed` or `refused`.
    pub status: String,
    pub staff_id: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRecord {
    pub id: String,
    pub npp: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub letter_key: Option<String>,
    pub submitted_version: Option<i64>,
    pub submitted_at: Option<Timestamp>,
    pub workers: i64,
    pub session_id: Option<String>,
    pub seat: Option<u8>,
    /// The newest uploaded version (0: none yet).
    pub latest_version: i64,
}

/// One upload of the worker list and what its check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchVersion {
    pub batch_id: String,
    pub version: i64,
    pub file_name: String,
    pub uploaded_at: Timestamp,
    pub rows_total: i64,
    pub rows_valid: i64,
    /// JSON: the problems (line, column, reason code), no personal data.
    pub problems: String,
    /// JSON of the valid rows, sealed at rest.
    pub workers: String,
}

/// An upload as the batch page lists it: without its problems and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    pub version: i64,
    pub file_name: String,
    pub uploaded_at: Timestamp,
    pub rows_total: i64,
    pub rows_valid: i64,
}

/// A worker's claim filed by a batch.
#[derive(Debug, Clone)]
pub struct BatchClaim {
    pub claim_id: String,
    pub kpj: Kpj,
    pub number: ClaimNumber,
    pub application: lapak_domain::application::Application,
    pub benefit: lapak_domain::tax::Benefit,
    /// SHA-256 of the worker's own link (object, or turn it into an individual claim).
    pub worker_token_hash: Vec<u8>,
    /// Draft → Submitted, by the representative.
    pub event: ClaimEvent,
    pub outbox: Vec<OutboxMessage>,
}

/// A batch version filed: one claim per valid worker, all or nothing.
#[derive(Debug, Clone)]
pub struct BatchSubmission {
    pub batch_id: String,
    pub version: i64,
    pub at: Timestamp,
    pub claims: Vec<BatchClaim>,
    /// The language it was filed in ("id" or "en"): its claims' messages are sent in it.
    pub lang: String,
}

/// A worker of a filed batch and where their claim stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchWorker {
    pub claim_id: String,
    pub number: ClaimNumber,
    pub kpj: Kpj,
    pub name: String,
    pub state: ClaimState,
    pub requested_documents: Vec<lapak_domain::documents::DocumentKind>,
    pub verified_by: Option<String>,
    /// The language the batch was filed in ("id" or "en"), for the messages about it.
    pub lang: String,
}

#[async_trait]
pub trait CollectiveStore: Send + Sync {
    async fn company(&self, npp: &Npp) -> Result<Option<Company>>;
    /// Workers filed by this company's other batches submitted since `since`.
    async fn collective_laid_off_since(&self, npp: &Npp, since: Timestamp, except_batch: &str) -> Result<u32>;

    async fn create_representative(&self, r: &NewRepresentative) -> Result<()>;
    async fn representative(&self, id: &str) -> Result<Option<RepresentativeRecord>>;
    async fn representative_by_staff(&self, staff_id: &str) -> Result<Option<RepresentativeRecord>>;
    /// The request waiting for confirmation for this username (e-mail address), if any.
    async fn pending_representative(&self, username: &str) -> Result<Option<RepresentativeRecord>>;
    /// Requests still to decide for companies of `branch` (every branch when `None`).
    async fn pending_representatives(&self, branch: Option<&str>) -> Result<Vec<RepresentativeRecord>>;
    /// Confirms (making the account, in the same transaction) or refuses a pending request.
    async fn decide_representative(
        &self,
        id: &str,
        decided_by: &str,
        account: Option<&NewStaff>,
        outbox: Option<&OutboxMessage>,
    ) -> Result<()>;

    async fn create_batch(&self, id: &str, npp: &Npp, created_by: &str) -> Result<()>;
    async fn batch(&self, id: &str) -> Result<Option<BatchRecord>>;
    async fn batches(&self, npp: &Npp) -> Result<Vec<BatchRecord>>;
    async fn set_batch_letter(&self, id: &str, object_key: &str) -> Result<()>;
    /// Stores an upload as the next version and returns its number.
    async fn add_batch_version(&self, v: &BatchVersion) -> Result<i64>;
    /// A version (the newest when `None`).
    async fn batch_version(&self, batch_id: &str, version: i64) -> Result<Option<BatchVersion>>;
    /// Every upload of a batch, newest first, without the rows (nothing unsealed).
    async fn batch_versions(&self, batch_id: &str) -> Result<Vec<VersionSummary>>;
    /// A version's problems (JSON), the newest version's when `None`, with its number.
    async fn batch_problems(&self, batch_id: &str, version: Option<i64>) -> Result<Option<(i64, String)>>;

    /// The registry's members for these KPJs, each with whether a claim of theirs is open.
    async fn members_with_open_claims(&self, kpjs: &[Kpj]) -> Result<Vec<(Member, bool)>>;
    /// Files a version: every claim or none. `Ok(false)`: the batch was filed already (the
    /// same version: nothing to do).
    async fn submit_batch(&self, s: &BatchSubmission) -> Result<bool>;
    async fn batch_workers(&self, batch_id: &str) -> Result<Vec<BatchWorker>>;
    /// Books the batch's seat in a collective session and moves its submitted claims to
    /// Scheduled with their events.
    async fn book_batch(
        &self,
        batch_id: &str,
        session: &Session,
        seat: u8,
        events: &[(String, ClaimEvent)],
        outbox: Option<&OutboxMessage>,
    ) -> Result<()>;
    /// Attaches workers' documents to their claims filed by `batch_id` (while the claims are
    /// still open for documents), all or none. Returns the ids of those attached: a page a
    /// claim has already (the same content for the same document: the same archive sent
    /// again) is not attached twice.
    async fn add_batch_documents(&self, batch_id: &str, documents: &[crate::DocumentMeta]) -> Result<Vec<String>>;
    /// The documents of a batch's claims: (claim id, document id, kind).
    async fn batch_documents(
        &self,
        batch_id: &str,
    ) -> Result<Vec<(String, String, lapak_domain::documents::DocumentKind)>>;
    /// Filed batches still without a collective session.
    async fn unseated_batches(&self) -> Result<Vec<BatchRecord>>;
    /// Batches seated in a session.
    async fn session_batches(&self, session_id: &str) -> Result<Vec<String>>;
    /// Seats taken by batches in collective sessions from `from` on.
    async fn booked_batch_seats(&self, from: Timestamp, branch: &str) -> Result<Vec<(String, u8)>>;
    /// A worker's claim filed by a batch, by the hash of the worker's own link.
    async fn claim_by_worker_token(&self, token_hash: &[u8]) -> Result<Option<crate::ClaimRecord>>;
}

macro_rules! impl_collective_store {
    ($store:ty, $db:ty, lock_rows = $lock_rows:literal) => {
        impl $store {
            fn representative_row(&self, r: &<$db as sqlx::Database>::Row) -> $crate::Result<$crate::collective::RepresentativeRecord> {
                use sqlx::Row;
                let open = |ctx: &str, v: Vec<u8>| self.keys.open_string(ctx, &v);
                Ok($crate::collective::RepresentativeRecord {
                    id: r.try_get(0)?,
                    npp: r.try_get(1)?,
                    company: r.try_get(2)?,
                    branch_code: r.try_get(3)?,
                    name: open("representatives.name", r.try_get(4)?)?,
                    email: open("representatives.email", r.try_get(5)?)?,
                    phone: r.try_get::<Option<Vec<u8>>, _>(6)?.map(|p| open("representatives.phone", p)).transpose()?,
                    username: r.try_get(7)?,
                    password_hash: r.try_get(8)?,
                    attorney_key: r.try_get(9)?,
                    statement_key: r.try_get(10)?,
                    status: r.try_get(11)?,
                    staff_id: r.try_get(12)?,
                    created_at: $crate::from_micros(r.try_get(13)?)?,
                })
            }

            fn batch_row(r: &<$db as sqlx::Database>::Row) -> $crate::Result<$crate::collective::BatchRecord> {
                use sqlx::Row;
                Ok($crate::collective::BatchRecord {
                    id: r.try_get(0)?,
                    npp: r.try_get(1)?,
                    created_by: r.try_get(2)?,
                    created_at: $crate::from_micros(r.try_get(3)?)?,
                    letter_key: r.try_get(4)?,
                    submitted_version: r.try_get(5)?,
                    submitted_at: r.try_get::<Option<i64>, _>(6)?.map($crate::from_micros).transpose()?,
                    workers: r.try_get(7)?,
                    session_id: r.try_get(8)?,
                    seat: r.try_get::<Option<i64>, _>(9)?.map(|s| s.clamp(0, 255) as u8),
                    latest_version: r.try_get(10)?,
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::collective::CollectiveStore for $store {
            async fn company(&self, npp: &lapak_domain::Npp) -> $crate::Result<Option<lapak_domain::member::Company>> {
                let row: Option<(String, String, String, i64, String)> = sqlx::query_as(
                    "SELECT npp, name, scale, CAST(workforce AS BIGINT), branch_code FROM companies WHERE npp = $1")
                    .bind(npp.as_str()).fetch_optional(&self.read).await?;
                row.map(|(npp, name, scale, workforce, branch)| {
                    Ok(lapak_domain::member::Company {
                        npp: lapak_domain::Npp::parse(&npp).map_err(|_| $crate::rows::corrupt("npp"))?,
                        name: lapak_domain::member::Name::parse(&name).map_err(|_| $crate::rows::corrupt("company name"))?,
                        scale: lapak_domain::member::CompanyScale::parse(&scale).ok_or_else(|| $crate::rows::corrupt("scale"))?,
                        workforce: u32::try_from(workforce).map_err(|_| $crate::rows::corrupt("workforce"))?,
                        branch_code: lapak_domain::member::BranchCode::parse(&branch).map_err(|_| $crate::rows::corrupt("branch"))?,
                    })
                }).transpose()
            }

            async fn collective_laid_off_since(&self, npp: &lapak_domain::Npp, since: jiff::Timestamp, except_batch: &str) -> $crate::Result<u32> {
                let n: Option<i64> = sqlx::query_scalar("SELECT CAST(SUM(workers) AS BIGINT) FROM collective_batches \
                    WHERE npp = $1 AND submitted_at >= $2 AND id <> $3")
                    .bind(npp.as_str()).bind($crate::micros(since)).bind(except_batch).fetch_one(&self.read).await?;
                Ok(n.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32)
            }

            async fn create_representative(&self, r: &$crate::collective::NewRepresentative) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO representatives (id, npp, name_sealed, email_sealed, phone_sealed, username, password_hash, \
                    attorney_key, statement_key, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10)")
                    .bind(&r.id).bind(r.npp.as_str())
                    .bind(self.keys.seal_str("representatives.name", &r.name))
                    .bind(self.keys.seal_str("representatives.email", &r.email))
                    .bind(r.phone.as_ref().map(|p| self.keys.seal_str("representatives.phone", p)))
                    .bind(&r.username).bind(&r.password_hash).bind(&r.attorney_key).bind(&r.statement_key)
                    .bind($crate::micros(jiff::Timestamp::now()))
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn representative(&self, id: &str) -> $crate::Result<Option<$crate::collective::RepresentativeRecord>> {
                let row = sqlx::query(concat!($crate::collective::representative_select!(), " WHERE r.id = $1"))
                    .bind(id).fetch_optional(&self.read).await?;
                row.map(|r| self.representative_row(&r)).transpose()
            }

            async fn pending_representative(&self, username: &str) -> $crate::Result<Option<$crate::collective::RepresentativeRecord>> {
                let row = sqlx::query(concat!($crate::collective::representative_select!(), " WHERE r.username = $1 AND r.status = 'pending'"))
                    .bind(username).fetch_optional(&self.draft).await?;
                row.map(|r| self.representative_row(&r)).transpose()
            }

            async fn representative_by_staff(&self, staff_id: &str) -> $crate::Result<Option<$crate::collective::RepresentativeRecord>> {
                let row = sqlx::query(concat!($crate::collective::representative_select!(), " WHERE r.staff_id = $1"))
                    .bind(staff_id).fetch_optional(&self.read).await?;
                row.map(|r| self.representative_row(&r)).transpose()
            }

            async fn pending_representatives(&self, branch: Option<&str>) -> $crate::Result<Vec<$crate::collective::RepresentativeRecord>> {
                let rows = sqlx::query(concat!($crate::collective::representative_select!(),
                    " WHERE r.status = 'pending' AND ($1 IS NULL OR c.branch_code = $1) ORDER BY r.created_at"))
                    .bind(branch).fetch_all(&self.read).await?;
                rows.iter().map(|r| self.representative_row(r)).collect()
            }

            async fn decide_representative(&self, id: &str, decided_by: &str, account: Option<&$crate::NewStaff>, outbox: Option<&$crate::OutboxMessage>) -> $crate::Result<()> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                if let Some(s) = account {
                    let r = sqlx::query("INSERT INTO staff (id, username, display_name, role, branch_code, password_hash, created_at) \
                        VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(&s.id).bind(&s.username).bind(&s.display_name).bind(s.role.code()).bind(&s.branch)
                        .bind(&s.password_hash).bind(at)
                        .execute(&mut *tx).await;
                    match r {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            return Err($crate::StorageError::Conflict("username taken".into()));
                        }
                        other => { other?; }
                    }
                }
                let done = sqlx::query("UPDATE representatives SET status = $1, decided_by = $2, decided_at = $3, staff_id = $4 \
                    WHERE id = $5 AND status = 'pending'")
                    .bind(if account.is_some() { "confirmed" } else { "refused" }).bind(decided_by).bind(at)
                    .bind(account.map(|s| s.id.clone())).bind(id)
                    .execute(&mut *tx).await?;
                if done.rows_affected() != 1 {
                    return Err($crate::StorageError::Conflict("the request was decided already".into()));
                }
                Self::enqueue(&mut tx, &self.keys, outbox, at).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn create_batch(&self, id: &str, npp: &lapak_domain::Npp, created_by: &str) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO collective_batches (id, npp, created_by, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(npp.as_str()).bind(created_by).bind($crate::micros(jiff::Timestamp::now()))
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn batch(&self, id: &str) -> $crate::Result<Option<$crate::collective::BatchRecord>> {
                let row = sqlx::query(concat!($crate::collective::batch_select!(), " WHERE b.id = $1"))
                    .bind(id).fetch_optional(&self.read).await?;
                row.map(|r| Self::batch_row(&r)).transpose()
            }

            async fn batches(&self, npp: &lapak_domain::Npp) -> $crate::Result<Vec<$crate::collective::BatchRecord>> {
                let rows = sqlx::query(concat!($crate::collective::batch_select!(), " WHERE b.npp = $1 ORDER BY b.created_at DESC"))
                    .bind(npp.as_str()).fetch_all(&self.read).await?;
                rows.iter().map(Self::batch_row).collect()
            }

            async fn set_batch_letter(&self, id: &str, object_key: &str) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE collective_batches SET letter_key = $1 WHERE id = $2 AND submitted_version IS NULL")
                    .bind(object_key).bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn add_batch_version(&self, v: &$crate::collective::BatchVersion) -> $crate::Result<i64> {
                let mut tx = self.begin_write().await?;
                let next: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(version), 0) + 1 AS BIGINT) FROM collective_versions WHERE batch_id = $1")
                    .bind(&v.batch_id).fetch_one(&mut *tx).await?;
                let r = sqlx::query("INSERT INTO collective_versions (batch_id, version, file_name, uploaded_at, rows_total, rows_valid, problems, workers_sealed) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(&v.batch_id).bind(next).bind(&v.file_name).bind($crate::micros(v.uploaded_at))
                    .bind(v.rows_total).bind(v.rows_valid).bind(&v.problems)
                    .bind(self.keys.seal_str("collective_versions.workers", &v.workers))
                    .execute(&mut *tx).await;
                match r {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err($crate::StorageError::Conflict("another upload came at the same moment".into()));
                    }
                    other => { other?; }
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(next)
            }

            async fn batch_versions(&self, batch_id: &str) -> $crate::Result<Vec<$crate::collective::VersionSummary>> {
                let rows: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as("SELECT version, file_name, uploaded_at, rows_total, rows_valid \
                    FROM collective_versions WHERE batch_id = $1 ORDER BY version DESC")
                    .bind(batch_id).fetch_all(&self.read).await?;
                rows.into_iter().map(|(version, file_name, at, rows_total, rows_valid)| {
                    Ok($crate::collective::VersionSummary { version, file_name, uploaded_at: $crate::from_micros(at)?, rows_total, rows_valid })
                }).collect()
            }

            async fn batch_problems(&self, batch_id: &str, version: Option<i64>) -> $crate::Result<Option<(i64, String)>> {
                Ok(sqlx::query_as("SELECT version, problems FROM collective_versions \
                    WHERE batch_id = $1 AND ($2 IS NULL OR version = $2) ORDER BY version DESC LIMIT 1")
                    .bind(batch_id).bind(version).fetch_optional(&self.read).await?)
            }

            async fn batch_version(&self, batch_id: &str, version: i64) -> $crate::Result<Option<$crate::collective::BatchVersion>> {
                use sqlx::Row;
                let row = sqlx::query("SELECT batch_id, version, file_name, uploaded_at, rows_total, rows_valid, problems, workers_sealed \
                    FROM collective_versions WHERE batch_id = $1 AND version = $2")
                    .bind(batch_id).bind(version).fetch_optional(&self.read).await?;
                row.map(|r| -> $crate::Result<$crate::collective::BatchVersion> {
                    Ok($crate::collective::BatchVersion {
                        batch_id: r.try_get(0)?,
                        version: r.try_get(1)?,
                        file_name: r.try_get(2)?,
                        uploaded_at: $crate::from_micros(r.try_get(3)?)?,
                        rows_total: r.try_get(4)?,
                        rows_valid: r.try_get(5)?,
                        problems: r.try_get(6)?,
                        workers: self.keys.open_string("collective_versions.workers", &r.try_get::<Vec<u8>, _>(7)?)?,
                    })
                }).transpose()
            }

            async fn members_with_open_claims(&self, kpjs: &[lapak_domain::Kpj]) -> $crate::Result<Vec<(lapak_domain::member::Member, bool)>> {
                use sqlx::Row;
                let mut out = Vec::with_capacity(kpjs.len());
                let width = $crate::sql::width($crate::sql::MEMBER_COLUMNS);
                for chunk in kpjs.chunks($crate::sql::CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {}, EXISTS (SELECT 1 FROM claims c WHERE c.open_kpj = m.kpj) \
                         FROM members m WHERE m.kpj IN (", $crate::sql::prefixed("m", $crate::sql::MEMBER_COLUMNS)));
                    let mut sep = qb.separated(", ");
                    for k in chunk {
                        sep.push_bind(k.as_str().to_string());
                    }
                    sep.push_unseparated(")");
                    for r in qb.build().fetch_all(&self.read).await? {
                        let member = Self::member_row(&r, 0)?.open(&self.keys)?;
                        out.push((member, r.try_get::<bool, _>(width)?));
                    }
                }
                Ok(out)
            }

            async fn submit_batch(&self, s: &$crate::collective::BatchSubmission) -> $crate::Result<bool> {
                let at = $crate::micros(s.at);
                let mut tx = self.begin_write().await?;
                let filed: Option<Option<i64>> = sqlx::query_scalar(concat!("SELECT submitted_version FROM collective_batches WHERE id = $1", $lock_rows))
                    .bind(&s.batch_id).fetch_optional(&mut *tx).await?;
                match filed {
                    None => return Err($crate::StorageError::NotFound),
                    Some(Some(v)) if v == s.version => return Ok(false),
                    Some(Some(_)) => return Err($crate::StorageError::Conflict("the batch was filed with another version".into())),
                    Some(None) => {}
                }
                let conflict = |e: sqlx::Error| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        $crate::StorageError::Conflict("a worker has an open claim or a claim number is taken".into())
                    }
                    other => other.into(),
                };
                let seal = |ctx: &str, v: Option<&str>| v.map(|v| self.keys.seal_str(ctx, v));
                for chunk in s.claims.chunks(500) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO claims (id, claim_number, kpj, open_kpj, cause, state, branch_code, \
                        last_working_day, gross, tax, bank_code, bank_account_sealed, email_sealed, phone_sealed, application_sealed, \
                        worker_token_hash, submitted_at, version, created_at, updated_at, service_mode, service_anywhere, needs_appointment, \
                        channel, batch_id, lang) ");
                    qb.push_values(chunk, |mut b, c| {
                        let a = &c.application;
                        b.push_bind(c.claim_id.clone()).push_bind(c.number.as_str().to_string()).push_bind(c.kpj.as_str().to_string())
                            .push_bind(c.kpj.as_str().to_string()).push_bind(a.cause.map(|c| c.code())).push_bind("submitted")
                            .push_bind(a.branch.as_ref().map(|b| b.as_str().to_string()))
                            .push_bind(a.last_working_day.map(|d| d.to_string()))
                            .push_bind(c.benefit.gross.amount()).push_bind(c.benefit.tax.amount())
                            .push_bind(a.bank_account.as_ref().map(|x| x.bank_code().to_string()))
                            .push_bind(seal("claims.bank_account", a.bank_account.as_ref().map(|x| x.number())))
                            .push_bind(seal("claims.email", a.email.as_ref().map(|e| e.as_str())))
                            .push_bind(seal("claims.phone", a.whatsapp.as_ref().map(|p| p.as_str())))
                            .push_bind(self.keys.seal_str("claims.application", &serde_json::to_string(a).expect("serialisable")))
                            .push_bind(c.worker_token_hash.clone())
                            .push_bind(at).push_bind(1i64).push_bind(at).push_bind(at)
                            .push_bind(lapak_domain::schedule::Mode::Collective.code()).push_bind(false).push_bind(false)
                            .push_bind("collective").push_bind(s.batch_id.clone()).push_bind(s.lang.clone());
                    });
                    qb.build().execute(&mut *tx).await.map_err(conflict)?;
                    let events: Vec<(&str, &lapak_domain::lifecycle::ClaimEvent)> =
                        chunk.iter().map(|c| (c.claim_id.as_str(), &c.event)).collect();
                    Self::insert_events(&mut tx, &events).await?;
                    let messages: Vec<&$crate::OutboxMessage> = chunk.iter().flat_map(|c| c.outbox.iter()).collect();
                    Self::enqueue_all(&mut tx, &self.keys, &messages, at).await?;
                }
                sqlx::query("UPDATE collective_batches SET submitted_version = $1, submitted_at = $2, workers = $3 WHERE id = $4")
                    .bind(s.version).bind(at).bind(s.claims.len() as i64).bind(&s.batch_id)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(true)
            }

            async fn batch_workers(&self, batch_id: &str) -> $crate::Result<Vec<$crate::collective::BatchWorker>> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT c.id, c.claim_number, c.kpj, m.full_name_sealed, c.state, c.requested_documents, c.verified_by, c.lang \
                    FROM claims c JOIN members m ON m.kpj = c.kpj WHERE c.batch_id = $1 ORDER BY c.kpj")
                    .bind(batch_id).fetch_all(&self.read).await?;
                rows.iter().map(|r| {
                    let number: String = r.try_get(1)?;
                    let state: String = r.try_get(4)?;
                    Ok($crate::collective::BatchWorker {
                        claim_id: r.try_get(0)?,
                        number: lapak_domain::claim_number::ClaimNumber::parse(&number).map_err(|_| $crate::rows::corrupt("claim number"))?,
                        kpj: lapak_domain::Kpj::parse(&r.try_get::<String, _>(2)?).map_err(|_| $crate::rows::corrupt("kpj"))?,
                        name: self.keys.open_string("members.full_name", &r.try_get::<Vec<u8>, _>(3)?)?,
                        state: lapak_domain::lifecycle::ClaimState::parse(&state).ok_or_else(|| $crate::rows::corrupt("state"))?,
                        requested_documents: $crate::sql::kinds(&r.try_get::<String, _>(5)?),
                        verified_by: r.try_get(6)?,
                        lang: r.try_get(7)?,
                    })
                }).collect()
            }

            async fn book_batch(&self, batch_id: &str, session: &lapak_domain::schedule::Session, seat: u8, events: &[(String, lapak_domain::lifecycle::ClaimEvent)], outbox: Option<&$crate::OutboxMessage>) -> $crate::Result<()> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                Self::insert_sessions(&mut tx, std::slice::from_ref(session)).await?;
                let booked = sqlx::query("UPDATE collective_batches SET session_id = $1, seat = $2 WHERE id = $3 AND session_id IS NULL")
                    .bind(&session.id).bind(i64::from(seat)).bind(batch_id).execute(&mut *tx).await;
                match booked {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err($crate::StorageError::Conflict("seat or claim already booked".into()));
                    }
                    Ok(done) if done.rows_affected() != 1 => {
                        return Err($crate::StorageError::Conflict("the batch has its session already".into()));
                    }
                    other => { other?; }
                }
                // The seat must also be free of individual bookings (a collective session
                // could, in principle, have been given to a claim by hand).
                let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE session_id = $1 AND seat = $2 AND status = 'booked'")
                    .bind(&session.id).bind(i32::from(seat)).fetch_one(&mut *tx).await?;
                if taken > 0 {
                    return Err($crate::StorageError::Conflict("seat or claim already booked".into()));
                }
                for chunk in events.chunks(500) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE claims SET state = 'scheduled', version = version + 1, updated_at = ");
                    qb.push_bind(at);
                    qb.push(" WHERE state = 'submitted' AND batch_id = ");
                    qb.push_bind(batch_id.to_string());
                    qb.push(" AND id IN (");
                    let mut sep = qb.separated(", ");
                    for (id, _) in chunk {
                        sep.push_bind(id.clone());
                    }
                    sep.push_unseparated(")");
                    let moved = qb.build().execute(&mut *tx).await?.rows_affected();
                    if moved != chunk.len() as u64 {
                        return Err($crate::StorageError::Conflict("a claim moved on before it was booked".into()));
                    }
                    let events: Vec<(&str, &lapak_domain::lifecycle::ClaimEvent)> = chunk.iter().map(|(id, e)| (id.as_str(), e)).collect();
                    Self::insert_events(&mut tx, &events).await?;
                }
                Self::enqueue(&mut tx, &self.keys, outbox, at).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn add_batch_documents(&self, batch_id: &str, documents: &[$crate::DocumentMeta]) -> $crate::Result<Vec<String>> {
                let mut tx = self.begin_write().await?;
                let mut added = Vec::new();
                for d in documents {
                    let done = sqlx::query("INSERT INTO documents (id, claim_id, kind, object_key, content_type, size_bytes, sha256, created_at) \
                        SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM claims WHERE id = $2 AND batch_id = $9 \
                        AND state IN ('submitted', 'scheduled', 'needs_documents')) ON CONFLICT (claim_id, kind, sha256) DO NOTHING")
                        .bind(&d.id).bind(&d.claim_id).bind(d.kind.code()).bind(&d.object_key).bind(&d.content_type)
                        .bind(d.size_bytes).bind(d.sha256.clone()).bind($crate::micros(d.created_at)).bind(batch_id)
                        .execute(&mut *tx).await?.rows_affected();
                    if done == 1 {
                        added.push(d.id.clone());
                    }
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(added)
            }

            async fn batch_documents(&self, batch_id: &str) -> $crate::Result<Vec<(String, String, lapak_domain::documents::DocumentKind)>> {
                let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT d.claim_id, d.id, d.kind FROM documents d \
                    JOIN claims c ON c.id = d.claim_id WHERE c.batch_id = $1 ORDER BY d.claim_id, d.kind, d.created_at")
                    .bind(batch_id).fetch_all(&self.read).await?;
                Ok(rows.into_iter().filter_map(|(c, d, k)| lapak_domain::documents::DocumentKind::parse(&k).map(|k| (c, d, k))).collect())
            }

            async fn unseated_batches(&self) -> $crate::Result<Vec<$crate::collective::BatchRecord>> {
                let rows = sqlx::query(concat!($crate::collective::batch_select!(),
                    " WHERE b.submitted_version IS NOT NULL AND b.session_id IS NULL ORDER BY b.submitted_at"))
                    .fetch_all(&self.read).await?;
                rows.iter().map(Self::batch_row).collect()
            }

            async fn session_batches(&self, session_id: &str) -> $crate::Result<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT id FROM collective_batches WHERE session_id = $1 ORDER BY seat")
                    .bind(session_id).fetch_all(&self.read).await?)
            }

            async fn booked_batch_seats(&self, from: jiff::Timestamp, branch: &str) -> $crate::Result<Vec<(String, u8)>> {
                let rows: Vec<(String, i64)> = sqlx::query_as("SELECT b.session_id, b.seat FROM collective_batches b \
                    JOIN sessions s ON s.id = b.session_id WHERE s.starts_at >= $1 AND s.branch_code = $2")
                    .bind($crate::micros(from)).bind(branch).fetch_all(&self.read).await?;
                Ok(rows.into_iter().map(|(s, seat)| (s, seat.clamp(0, 255) as u8)).collect())
            }

            async fn claim_by_worker_token(&self, token_hash: &[u8]) -> $crate::Result<Option<$crate::ClaimRecord>> {
                let row = sqlx::query(&format!("SELECT {} FROM claims WHERE worker_token_hash = $1 AND channel = 'collective'", $crate::sql::CLAIM_COLUMNS))
                    .bind(token_hash.to_vec()).fetch_optional(&self.read).await?;
                row.map(|r| self.claim_row(&r, 0)).transpose()
            }
        }
    };
}
pub(crate) use impl_collective_store;

/// A representative request with its company (representatives r, companies c).
macro_rules! representative_select {
    () => {
        "SELECT r.id, r.npp, c.name, c.branch_code, r.name_sealed, r.email_sealed, r.phone_sealed, r.username, \
         r.password_hash, r.attorney_key, r.statement_key, r.status, r.staff_id, r.created_at \
         FROM representatives r JOIN companies c ON c.npp = r.npp"
    };
}
pub(crate) use representative_select;

/// A batch with its newest version number (collective_batches b).
macro_rules! batch_select {
    () => {
        "SELECT b.id, b.npp, b.created_by, b.created_at, b.letter_key, b.submitted_version, b.submitted_at, \
         CAST(b.workers AS BIGINT), b.session_id, b.seat, \
         CAST((SELECT COALESCE(MAX(v.version), 0) FROM collective_versions v WHERE v.batch_id = b.id) AS BIGINT) \
         FROM collective_batches b"
    };
}
pub(crate) use batch_select;
