//! The SQL both engines share. SQLite and PostgreSQL accept the same statements here
//! (`$N` parameters, `ON CONFLICT … DO UPDATE`, `RETURNING`, partial indexes), so the
//! implementation is written once and instantiated per engine by `impl_store!`; what
//! differs (connection setup, migrations, how a write transaction begins, row locking)
//! stays in `sqlite.rs` and `postgres.rs`.

/// Rows per statement in bulk upserts: within [`BOUND_PARAMETERS`] with the widest table
/// (members, 15 columns).
pub(crate) const CHUNK: usize = 1_000;
const _: () = assert!(CHUNK * 15 <= BOUND_PARAMETERS);

/// Rows a purge changes per transaction; and at most per run of keys, staff sessions and
/// phone numbers each (a backlog, as on a first run over years of data, goes over the next
/// days' runs).
pub(crate) const PURGE_BATCH: i64 = 5_000;
pub(crate) const PURGE_PER_RUN: u64 = 100_000;

/// The meta key that keeps how far delivered messages' contents have been erased.
pub(crate) const MESSAGES_ERASED_UP_TO: &str = "retention.messages_erased_up_to";

/// Bound parameters a statement may carry on both engines (SQLite's limit; PostgreSQL's
/// is 65,535).
const BOUND_PARAMETERS: usize = 32_766;

/// Rows of `columns` bound values each that fit one statement: a scheduling page's rows of
/// a table go in one statement or two (each statement is a hand-off to SQLite's writer
/// thread and back).
pub(crate) const fn rows_per_statement(columns: usize) -> usize {
    BOUND_PARAMETERS / columns
}

pub(crate) const CLAIM_COLUMNS: &str =
    "id, claim_number, kpj, state, verified_by, application_sealed, created_at, submitted_at, version, \
     requested_documents, documents_due_at, lang";

pub(crate) const DOCUMENT_COLUMNS: &str =
    "id, claim_id, kind, object_key, content_type, size_bytes, sha256, created_at";

pub(crate) const MEMBER_COLUMNS: &str = "kpj, nik_index, nik_sealed, full_name_sealed, birth_date, sex, \
    mother_name_sealed, npp, membership_start, stopped_working_on, jht_balance, email_sealed, phone_sealed, \
    fingerprint, updated_at";

/// A session with its taken seats, as `rows::SessionRow` reads it (sessions s).
macro_rules! session_columns {
    () => {
        "s.id, s.officer, s.mode, s.starts_at, s.ends_at, s.seats, \
         (SELECT COUNT(*) FROM appointments a WHERE a.session_id = s.id AND a.status = 'booked') \
         + (SELECT COUNT(*) FROM appointments a WHERE a.session_id = s.id AND a.status IN ('served', 'no_show')) \
         + (SELECT COUNT(*) FROM collective_batches b WHERE b.session_id = s.id)"
    };
}
pub(crate) use session_columns;

/// The columns `staff_row` reads (table staff); 13 of them, then the caller's.
macro_rules! staff_columns {
    () => {
        "staff.id, staff.username, staff.display_name, staff.role, staff.branch_code, staff.password_hash, \
         staff.totp_secret_sealed, staff.totp_enabled, staff.totp_last_step, staff.recovery_hashes, \
         CAST(staff.failed_logins AS BIGINT), staff.locked_until, staff.disabled"
    };
}
pub(crate) use staff_columns;

/// The columns `ticket_row` reads (tickets t).
macro_rules! ticket_columns {
    () => {
        "t.id, t.branch_code, t.day, t.number, t.status, t.created_at"
    };
}
pub(crate) use ticket_columns;

/// The columns `appointment_row` reads (appointments a, sessions s, branches sb).
macro_rules! appointment_columns {
    () => {
        "s.id, s.branch_code, sb.name, sb.time_zone, s.officer, s.mode, s.starts_at, s.ends_at, a.seat, s.room"
    };
}
pub(crate) use appointment_columns;

/// [`appointment_columns`] without the branch's name and zone (NULL in their places), for
/// [`SeatRow`] when they come from memory (see `branch_names`).
macro_rules! seat_columns {
    () => {
        "s.id, s.branch_code, NULL, NULL, s.officer, s.mode, s.starts_at, s.ends_at, a.seat, s.room"
    };
}
pub(crate) use seat_columns;

/// The columns of [`TRACKING_QUERY`] (what [`TrackingRow::read`] reads).
macro_rules! tracking_columns {
    () => {
        concat!(
            "c.state, c.cause, m.birth_date, c.branch_code, e.id, e.at, e.to_state, e.reason, ",
            seat_columns!(),
            ", c.requested_documents, c.documents_due_at, c.channel, c.batch_id"
        )
    };
}

/// The tables of [`TRACKING_QUERY`]: a claim, its holder, its events, its booked seat.
macro_rules! tracking_tables {
    () => {
        "claims c JOIN members m ON m.kpj = c.kpj \
         LEFT JOIN claim_events e ON e.claim_id = c.id \
         LEFT JOIN appointments a ON a.claim_id = c.id AND a.status = 'booked' \
         LEFT JOIN sessions s ON s.id = a.session_id"
    };
}

/// The tracking query: a claim by number, its holder's birth date, its events (a row each,
/// in any order) and its booked seat; one parameter, the claim number. Each engine reads
/// it into [`TrackingRow`]s its own way (SQLite on the caller's thread, see
/// `sqlite::InlineReads`); `tracking` makes the record from them.
pub(crate) const TRACKING_QUERY: &str =
    concat!("SELECT ", tracking_columns!(), " FROM ", tracking_tables!(), " WHERE c.claim_number = $1");

/// [`TRACKING_QUERY`] for several claim numbers at once (a `text[]`), each row beginning
/// with its claim's number (see `postgres::TrackingBatches`).
pub(crate) const TRACKING_BATCH_QUERY: &str = concat!(
    "SELECT c.claim_number, ",
    tracking_columns!(),
    " FROM ",
    tracking_tables!(),
    " WHERE c.claim_number = ANY($1)"
);

/// One row of [`TRACKING_QUERY`], as an engine's driver read it.
#[derive(Clone)]
pub(crate) struct TrackingRow {
    pub(crate) state: String,
    pub(crate) cause: Option<String>,
    pub(crate) birth_date: String,
    pub(crate) branch_code: Option<String>,
    /// Id (the events' order), time, state reached, reason.
    pub(crate) event: Option<(i64, i64, String, Option<String>)>,
    pub(crate) seat: Option<SeatRow>,
    pub(crate) requested_documents: String,
    pub(crate) documents_due_at: Option<i64>,
    pub(crate) channel: String,
    pub(crate) batch_id: Option<String>,
}

impl TrackingRow {
    /// A row of [`TRACKING_QUERY`]: the claim's first four columns, the event's four, the
    /// seat's ([`seat_columns`]), the claim's last four.
    pub(crate) fn read(r: &impl Columns) -> crate::Result<TrackingRow> {
        TrackingRow::read_at(r, 0)
    }

    /// [`TrackingRow::read`] of the columns from `base` on (after the claim number in
    /// [`TRACKING_BATCH_QUERY`]).
    pub(crate) fn read_at(r: &impl Columns, base: usize) -> crate::Result<TrackingRow> {
        let (event, seat, rest) = (base + 4, base + 8, base + 18);
        let event = match r.opt_int(event)? {
            Some(id) => Some((id, r.int(event + 1)?, r.text(event + 2)?, r.opt_text(event + 3)?)),
            None => None,
        };
        Ok(TrackingRow {
            state: r.text(base)?,
            cause: r.opt_text(base + 1)?,
            birth_date: r.text(base + 2)?,
            branch_code: r.opt_text(base + 3)?,
            event,
            seat: SeatRow::read(r, seat)?,
            requested_documents: r.text(rest)?,
            documents_due_at: r.opt_int(rest + 1)?,
            channel: r.text(rest + 2)?,
            batch_id: r.opt_text(rest + 3)?,
        })
    }
}

/// The key failed guesses at `guess` are counted under: a keyed hash, so that the table
/// holds no NIK.
pub(crate) fn guess_key(keys: &crate::crypto::KeyRing, guess: crate::Guess<'_>) -> Vec<u8> {
    match guess {
        crate::Guess::Identity(nik) => keys.blind_index("guess.identity", nik.as_str()),
        crate::Guess::Tracking(number) => keys.blind_index("guess.tracking", number.as_str()),
    }
}

/// The start of the [`crate::GUESS_WINDOW`] that `at` is in, in microseconds.
pub(crate) fn guess_window(at: jiff::Timestamp) -> i64 {
    let len = crate::GUESS_WINDOW.as_micros() as i64;
    crate::micros(at).div_euclid(len) * len
}

/// A booked seat as [`seat_columns`] gives it, its branch not yet named.
#[derive(Clone)]
pub(crate) struct SeatRow {
    pub(crate) session_id: String,
    pub(crate) branch_code: String,
    pub(crate) officer: String,
    pub(crate) mode: String,
    pub(crate) starts_at: i64,
    pub(crate) ends_at: i64,
    pub(crate) seat: i64,
    pub(crate) room: String,
}

impl SeatRow {
    /// The seat at `base` in [`seat_columns`]' (and `appointment_columns`') order, if there
    /// is one.
    pub(crate) fn read(r: &impl Columns, base: usize) -> crate::Result<Option<SeatRow>> {
        let Some(session_id) = r.opt_text(base)? else { return Ok(None) };
        Ok(Some(SeatRow {
            session_id,
            branch_code: r.text(base + 1)?,
            officer: r.text(base + 4)?,
            mode: r.text(base + 5)?,
            starts_at: r.int(base + 6)?,
            ends_at: r.int(base + 7)?,
            seat: r.int32(base + 8)?.into(),
            room: r.text(base + 9)?,
        }))
    }

    /// The appointment, its branch's name and zone given by `named` (from the branch's code).
    pub(crate) fn named(
        self,
        named: impl FnOnce(&str) -> crate::Result<(String, String)>,
    ) -> crate::Result<crate::AppointmentRecord> {
        let (branch_name, time_zone) = named(&self.branch_code)?;
        Ok(crate::AppointmentRecord {
            session_id: self.session_id,
            branch_code: self.branch_code,
            branch_name,
            time_zone,
            officer: self.officer,
            mode: lapak_domain::schedule::Mode::parse(&self.mode).ok_or_else(|| crate::rows::corrupt("mode"))?,
            starts_at: crate::from_micros(self.starts_at)?,
            ends_at: crate::from_micros(self.ends_at)?,
            seat: self.seat.clamp(0, 255) as u8,
            room: self.room,
        })
    }
}

/// A row's columns by position, whichever driver read it: sqlx's rows of either engine, or
/// rusqlite's for SQLite's reads on the caller's thread. A statement's columns are then read
/// in one place for every driver that runs it.
pub(crate) trait Columns {
    fn text(&self, i: usize) -> crate::Result<String>;
    fn opt_text(&self, i: usize) -> crate::Result<Option<String>>;
    fn int(&self, i: usize) -> crate::Result<i64>;
    fn opt_int(&self, i: usize) -> crate::Result<Option<i64>>;
    /// A 4-byte integer column (PostgreSQL's `INTEGER`, which does not read as 8 bytes).
    fn int32(&self, i: usize) -> crate::Result<i32>;
}

macro_rules! columns_by_try_get {
    ($($row:ty),*) => {$(
        impl Columns for $row {
            fn text(&self, i: usize) -> crate::Result<String> {
                Ok(sqlx::Row::try_get(self, i)?)
            }
            fn opt_text(&self, i: usize) -> crate::Result<Option<String>> {
                Ok(sqlx::Row::try_get(self, i)?)
            }
            fn int(&self, i: usize) -> crate::Result<i64> {
                Ok(sqlx::Row::try_get(self, i)?)
            }
            fn opt_int(&self, i: usize) -> crate::Result<Option<i64>> {
                Ok(sqlx::Row::try_get(self, i)?)
            }
            fn int32(&self, i: usize) -> crate::Result<i32> {
                Ok(sqlx::Row::try_get(self, i)?)
            }
        }
    )*};
}
columns_by_try_get!(sqlx::sqlite::SqliteRow, sqlx::postgres::PgRow);

impl Columns for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> crate::Result<String> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> crate::Result<Option<String>> {
        Ok(self.get(i)?)
    }
    fn int(&self, i: usize) -> crate::Result<i64> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> crate::Result<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn int32(&self, i: usize) -> crate::Result<i32> {
        Ok(self.get(i)?)
    }
}

/// `cols` with each column qualified by `table`.
pub(crate) fn prefixed(table: &str, cols: &str) -> String {
    cols.split(',').map(|c| format!("{table}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

/// Document kinds from their comma-separated codes (unknown codes are dropped).
pub(crate) fn kinds(codes: &str) -> Vec<lapak_domain::documents::DocumentKind> {
    codes.split(',').filter_map(lapak_domain::documents::DocumentKind::parse).collect()
}

/// How many columns `cols` lists.
pub(crate) fn width(cols: &str) -> usize {
    cols.split(',').count()
}

macro_rules! impl_store {
    ($store:ty, $db:ty, $engine:expr, lock_rows = $lock_rows:literal, skip_locked = $skip_locked:literal) => {
        impl $store {
            /// Stored fingerprints (and a third column, when asked) of the rows whose key
            /// is in `keys`.
            async fn existing(
                tx: &mut $crate::connections::Tx<$db>,
                select: &str,
                keys: impl Iterator<Item = String>,
            ) -> $crate::Result<std::collections::HashMap<String, (Vec<u8>, Option<Vec<u8>>)>> {
                use sqlx::Row;
                let mut qb = sqlx::QueryBuilder::<$db>::new(select);
                qb.push(" IN (");
                let mut sep = qb.separated(", ");
                for k in keys {
                    sep.push_bind(k);
                }
                sep.push_unseparated(")");
                let mut out = std::collections::HashMap::new();
                for row in qb.build().fetch_all(&mut **tx).await? {
                    let extra: Option<Vec<u8>> = if row.len() > 2 { row.try_get(2)? } else { None };
                    out.insert(row.try_get::<String, _>(0)?, (row.try_get::<Vec<u8>, _>(1)?, extra));
                }
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn engine(&self) -> $crate::Engine {
                $engine
            }

            async fn migrate(&self) -> $crate::Result<()> {
                self.run_migrations().await
            }

            async fn ping(&self) -> $crate::Result<()> {
                self.healthy()?;
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }

            async fn meta_get(&self, key: &str) -> $crate::Result<Option<String>> {
                Ok(sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn meta_set(&self, key: &str, value: &str) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind(key)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn upsert_branches(&self, rows: &[lapak_domain::member::Branch]) -> $crate::Result<$crate::UpsertOutcome> {
                let now = $crate::micros(jiff::Timestamp::now());
                let mut out = $crate::UpsertOutcome::default();
                let mut tx = self.begin_write().await?;
                for chunk in rows.chunks($crate::sql::CHUNK) {
                    let stored = Self::existing(&mut tx, "SELECT code, fingerprint FROM branches WHERE code", chunk.iter().map(|b| b.code.as_str().to_string())).await?;
                    let mut write = Vec::new();
                    for b in chunk {
                        let fp = $crate::rows::fingerprint(&self.keys, "fp.branches", b);
                        match stored.get(b.code.as_str()) {
                            Some((old, _)) if *old == fp => out.unchanged += 1,
                            Some(_) => { out.updated += 1; write.push(($crate::rows::BranchRow::from_branch(b), fp)); }
                            None => { out.inserted += 1; write.push(($crate::rows::BranchRow::from_branch(b), fp)); }
                        }
                    }
                    if write.is_empty() { continue; }
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO branches (code, name, kind, province_code, time_zone, mode, booths, room_capacity, fingerprint, updated_at) ");
                    qb.push_values(write, |mut b, (r, fp)| {
                        b.push_bind(r.code).push_bind(r.name).push_bind(r.kind).push_bind(r.province_code)
                            .push_bind(r.time_zone).push_bind(r.mode).push_bind(r.booths).push_bind(r.room_capacity)
                            .push_bind(fp).push_bind(now);
                    });
                    qb.push(" ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                        province_code = excluded.province_code, time_zone = excluded.time_zone, mode = excluded.mode, \
                        booths = excluded.booths, room_capacity = excluded.room_capacity, \
                        fingerprint = excluded.fingerprint, updated_at = excluded.updated_at");
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                self.branch_names.clear();
                self.durable().await?;
                Ok(out)
            }

            async fn upsert_companies(&self, rows: &[lapak_domain::member::Company]) -> $crate::Result<$crate::UpsertOutcome> {
                let now = $crate::micros(jiff::Timestamp::now());
                let mut out = $crate::UpsertOutcome::default();
                let mut tx = self.begin_write().await?;
                for chunk in rows.chunks($crate::sql::CHUNK) {
                    let stored = Self::existing(&mut tx, "SELECT npp, fingerprint FROM companies WHERE npp", chunk.iter().map(|c| c.npp.as_str().to_string())).await?;
                    let mut write = Vec::new();
                    for c in chunk {
                        let fp = $crate::rows::fingerprint(&self.keys, "fp.companies", c);
                        match stored.get(c.npp.as_str()) {
                            Some((old, _)) if *old == fp => out.unchanged += 1,
                            Some(_) => { out.updated += 1; write.push(($crate::rows::CompanyRow::from_company(c), fp)); }
                            None => { out.inserted += 1; write.push(($crate::rows::CompanyRow::from_company(c), fp)); }
                        }
                    }
                    if write.is_empty() { continue; }
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO companies (npp, name, scale, workforce, branch_code, fingerprint, updated_at) ");
                    qb.push_values(write, |mut b, (r, fp)| {
                        b.push_bind(r.npp).push_bind(r.name).push_bind(r.scale).push_bind(r.workforce)
                            .push_bind(r.branch_code).push_bind(fp).push_bind(now);
                    });
                    qb.push(" ON CONFLICT (npp) DO UPDATE SET name = excluded.name, scale = excluded.scale, \
                        workforce = excluded.workforce, branch_code = excluded.branch_code, \
                        fingerprint = excluded.fingerprint, updated_at = excluded.updated_at");
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(out)
            }

            async fn upsert_members(&self, rows: &[lapak_domain::member::Member]) -> $crate::Result<$crate::UpsertOutcome> {
                let now = $crate::micros(jiff::Timestamp::now());
                let mut out = $crate::UpsertOutcome::default();
                let mut tx = self.begin_write().await?;
                for (chunk_no, chunk) in rows.chunks($crate::sql::CHUNK).enumerate() {
                    let stored = Self::existing(&mut tx, "SELECT kpj, fingerprint, nik_index FROM members WHERE kpj", chunk.iter().map(|m| m.kpj.as_str().to_string())).await?;
                    let mut write = Vec::new();
                    for (i, m) in chunk.iter().enumerate() {
                        let row = $crate::rows::MemberRow::seal(&self.keys, m);
                        match stored.get(m.kpj.as_str()) {
                            Some((_, Some(nik))) if *nik != row.nik_index => {
                                out.refused.push((chunk_no * $crate::sql::CHUNK + i, $crate::RowConflict::KpjHasOtherNik));
                            }
                            Some((old, _)) if *old == row.fingerprint => out.unchanged += 1,
                            Some(_) => { out.updated += 1; write.push(row); }
                            None => { out.inserted += 1; write.push(row); }
                        }
                    }
                    if write.is_empty() { continue; }
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO members ({}) ", $crate::sql::MEMBER_COLUMNS));
                    qb.push_values(write, |mut b, r| {
                        b.push_bind(r.kpj).push_bind(r.nik_index).push_bind(r.nik_sealed).push_bind(r.full_name_sealed)
                            .push_bind(r.birth_date).push_bind(r.sex).push_bind(r.mother_name_sealed).push_bind(r.npp)
                            .push_bind(r.membership_start).push_bind(r.stopped_working_on).push_bind(r.jht_balance)
                            .push_bind(r.email_sealed).push_bind(r.phone_sealed).push_bind(r.fingerprint).push_bind(now);
                    });
                    qb.push(" ON CONFLICT (kpj) DO UPDATE SET nik_index = excluded.nik_index, nik_sealed = excluded.nik_sealed, \
                        full_name_sealed = excluded.full_name_sealed, birth_date = excluded.birth_date, sex = excluded.sex, \
                        mother_name_sealed = excluded.mother_name_sealed, npp = excluded.npp, \
                        membership_start = excluded.membership_start, stopped_working_on = excluded.stopped_working_on, \
                        jht_balance = excluded.jht_balance, email_sealed = excluded.email_sealed, \
                        phone_sealed = excluded.phone_sealed, fingerprint = excluded.fingerprint, updated_at = excluded.updated_at");
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(out)
            }

            async fn branch_codes(&self) -> $crate::Result<std::collections::HashSet<String>> {
                Ok(sqlx::query_scalar::<_, String>("SELECT code FROM branches").fetch_all(&self.read).await?.into_iter().collect())
            }

            async fn company_npps(&self) -> $crate::Result<std::collections::HashSet<String>> {
                Ok(sqlx::query_scalar::<_, String>("SELECT npp FROM companies").fetch_all(&self.read).await?.into_iter().collect())
            }

            async fn branches(&self) -> $crate::Result<Vec<lapak_domain::member::Branch>> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT code, name, kind, province_code, time_zone, mode, booths, room_capacity FROM branches ORDER BY code")
                    .fetch_all(&self.read).await?;
                rows.into_iter()
                    .map(|r| {
                        $crate::rows::BranchRow {
                            code: r.try_get(0)?, name: r.try_get(1)?, kind: r.try_get(2)?, province_code: r.try_get(3)?,
                            time_zone: r.try_get(4)?, mode: r.try_get(5)?, booths: r.try_get(6)?, room_capacity: r.try_get(7)?,
                        }
                        .into_branch()
                    })
                    .collect()
            }

            async fn branch(&self, code: &str) -> $crate::Result<Option<lapak_domain::member::Branch>> {
                use sqlx::Row;
                let row = sqlx::query("SELECT code, name, kind, province_code, time_zone, mode, booths, room_capacity FROM branches WHERE code = $1")
                    .bind(code).fetch_optional(&self.read).await?;
                row.map(|r| {
                    $crate::rows::BranchRow {
                        code: r.try_get(0)?, name: r.try_get(1)?, kind: r.try_get(2)?, province_code: r.try_get(3)?,
                        time_zone: r.try_get(4)?, mode: r.try_get(5)?, booths: r.try_get(6)?, room_capacity: r.try_get(7)?,
                    }
                    .into_branch()
                })
                .transpose()
            }

            async fn counts(&self) -> $crate::Result<$crate::RegistryCounts> {
                use sqlx::Row;
                let r = sqlx::query("SELECT (SELECT COUNT(*) FROM branches), (SELECT COUNT(*) FROM companies), \
                    (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM claims)")
                    .fetch_one(&self.read).await?;
                Ok($crate::RegistryCounts { branches: r.try_get(0)?, companies: r.try_get(1)?, members: r.try_get(2)?, claims: r.try_get(3)? })
            }

            async fn members_by_nik(&self, nik: &lapak_domain::Nik) -> $crate::Result<Vec<lapak_domain::member::Member>> {
                let index = $crate::rows::nik_index(&self.keys, nik);
                let rows = sqlx::query(&format!("SELECT {} FROM members WHERE nik_index = $1 ORDER BY kpj", $crate::sql::MEMBER_COLUMNS))
                    .bind(index).fetch_all(&self.read).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let m = Self::member_row(&r, 0)?.open(&self.keys)?;
                    // The index could collide in theory; the sealed NIK is the truth.
                    if m.nik == *nik { out.push(m); }
                }
                Ok(out)
            }

            async fn member_by_kpj(&self, kpj: &lapak_domain::Kpj) -> $crate::Result<Option<lapak_domain::member::Member>> {
                let row = sqlx::query(&format!("SELECT {} FROM members WHERE kpj = $1", $crate::sql::MEMBER_COLUMNS))
                    .bind(kpj.as_str()).fetch_optional(&self.read).await?;
                row.map(|r| Self::member_row(&r, 0)?.open(&self.keys)).transpose()
            }

            async fn member_birth_date(&self, kpj: &lapak_domain::Kpj) -> $crate::Result<Option<jiff::civil::Date>> {
                let d: Option<String> = sqlx::query_scalar("SELECT birth_date FROM members WHERE kpj = $1")
                    .bind(kpj.as_str()).fetch_optional(&self.read).await?;
                d.map(|d| $crate::rows::date(&d)).transpose()
            }

            async fn create_claim(&self, c: &$crate::NewClaim, outbox: Option<&$crate::OutboxMessage>) -> $crate::Result<()> {
                let at = $crate::micros(c.created_at);
                let mut tx = self.begin_draft().await?;
                let result = sqlx::query("INSERT INTO claims (id, kpj, open_kpj, state, version, created_at, updated_at) \
                    VALUES ($1, $2, $2, 'draft', 0, $3, $3)")
                    .bind(&c.id).bind(c.kpj.as_str()).bind(at)
                    .execute(&mut *tx).await;
                match result {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err($crate::StorageError::Conflict("the KPJ already has an open claim".into()));
                    }
                    other => { other?; }
                }
                Self::insert_resume_link(&mut tx, &c.resume_token_hash, &c.id, at, outbox.is_some()).await?;
                Self::enqueue(&mut tx, &self.keys, outbox, at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn claim(&self, claim_id: &str) -> $crate::Result<Option<$crate::ClaimRecord>> {
                let row = sqlx::query(&format!("SELECT {} FROM claims WHERE id = $1", $crate::sql::CLAIM_COLUMNS))
                    .bind(claim_id).fetch_optional(&self.read).await?;
                row.map(|r| self.claim_row(&r, 0)).transpose()
            }

            async fn partial_claims(&self, kpj: &lapak_domain::Kpj) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM claims WHERE kpj = $1 AND cause IN ('partial_10', 'partial_30') \
                    AND state NOT IN ('rejected', 'cancelled')")
                    .bind(kpj.as_str()).fetch_one(&self.read).await?)
            }

            async fn open_claim(&self, kpj: &lapak_domain::Kpj) -> $crate::Result<Option<$crate::ClaimRecord>> {
                let row = sqlx::query(&format!("SELECT {} FROM claims WHERE open_kpj = $1", $crate::sql::CLAIM_COLUMNS))
                    .bind(kpj.as_str()).fetch_optional(&self.read).await?;
                row.map(|r| self.claim_row(&r, 0)).transpose()
            }

            async fn draft_by_resume_token(&self, token_hash: &[u8]) -> $crate::Result<Option<$crate::DraftRecord>> {
                use sqlx::Row;
                static QUERY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!(
                    "SELECT {}, {}, {} FROM resume_links r JOIN claims c ON c.id = r.claim_id JOIN members m ON m.kpj = c.kpj \
                     LEFT JOIN documents d ON d.claim_id = c.id WHERE r.token_hash = $1 ORDER BY d.created_at, d.id",
                    $crate::sql::prefixed("c", $crate::sql::CLAIM_COLUMNS),
                    $crate::sql::prefixed("m", $crate::sql::MEMBER_COLUMNS),
                    $crate::sql::prefixed("d", $crate::sql::DOCUMENT_COLUMNS),
                ));
                let rows = sqlx::query(QUERY.as_str()).bind(token_hash.to_vec()).fetch_all(&self.read).await?;
                let Some(first) = rows.first() else { return Ok(None) };
                let (claims, members) = ($crate::sql::width($crate::sql::CLAIM_COLUMNS), $crate::sql::width($crate::sql::MEMBER_COLUMNS));
                let claim = self.claim_row(first, 0)?;
                let member = Self::member_row(first, claims)?.open(&self.keys)?;
                let mut documents = Vec::with_capacity(rows.len());
                for r in &rows {
                    if r.try_get::<Option<String>, _>(claims + members)?.is_some() {
                        documents.push(Self::document_row(r, claims + members)?);
                    }
                }
                Ok(Some($crate::DraftRecord { claim, member, documents }))
            }

            async fn claim_by_number(&self, number: &lapak_domain::claim_number::ClaimNumber) -> $crate::Result<Option<$crate::ClaimRecord>> {
                let row = sqlx::query(&format!("SELECT {} FROM claims WHERE claim_number = $1", $crate::sql::CLAIM_COLUMNS))
                    .bind(number.as_str()).fetch_optional(&self.read).await?;
                row.map(|r| self.claim_row(&r, 0)).transpose()
            }

            async fn tracking(&self, number: &lapak_domain::claim_number::ClaimNumber) -> $crate::Result<Option<$crate::TrackingRecord>> {
                // Events come in any order (sorted here, which spares the engine a sort). The
                // branches' names come from memory, and a collective batch's seat is read only
                // for a claim filed by one (see `branch_names`).
                let mut rows = self.tracking_rows(number).await?;
                // Every row has the claim's seat: taken from the first.
                let seat = rows.first_mut().and_then(|r| r.seat.take());
                let Some(first) = rows.first() else { return Ok(None) };
                let state = |s: &str| lapak_domain::lifecycle::ClaimState::parse(s).ok_or_else(|| $crate::rows::corrupt("state"));
                let state_now = state(&first.state)?;
                let codes: Vec<&str> = first.branch_code.iter().chain(seat.as_ref().map(|s| &s.branch_code)).map(String::as_str).collect();
                let branches = self.branches_knowing(&codes).await?;
                let named = |code: &str| branches.get(code).ok_or_else(|| $crate::rows::corrupt("branch"));
                let seat = seat.map(|s| s.named(|code| named(code).map(|b| (b.name.clone(), b.time_zone.clone())))).transpose()?;
                let appointment = match (seat, &first.batch_id) {
                    (Some(seat), _) => Some(seat),
                    // A claim filed by a company's batch is seen in the batch's session.
                    (None, Some(batch)) if state_now == lapak_domain::lifecycle::ClaimState::Scheduled => {
                        let row = sqlx::query("SELECT s.id, s.branch_code, sb.name, sb.time_zone, s.officer, s.mode, s.starts_at, s.ends_at, \
                            CAST(cb.seat AS INTEGER), s.room FROM collective_batches cb JOIN sessions s ON s.id = cb.session_id \
                            JOIN branches sb ON sb.code = s.branch_code WHERE cb.id = $1")
                            .bind(batch).fetch_optional(&self.read).await?;
                        row.map(|r| Self::appointment_row(&r, 0)).transpose()?.flatten()
                    }
                    _ => None,
                };
                let claim_branch = first.branch_code.as_deref().map(named).transpose()?;
                let mut events = Vec::with_capacity(rows.len());
                for (id, at, to, reason) in rows.iter().filter_map(|r| r.event.as_ref()) {
                    events.push((*id, $crate::from_micros(*at)?, state(to)?, reason.clone()));
                }
                events.sort_unstable_by_key(|e| e.0);
                Ok(Some($crate::TrackingRecord {
                    state: state_now,
                    cause: first.cause.as_deref().and_then(lapak_domain::cause::ClaimCause::parse),
                    birth_date: $crate::rows::date(&first.birth_date)?,
                    time_zone: claim_branch.map(|b| b.time_zone.clone()),
                    branch_name: claim_branch.map(|b| b.name.clone()),
                    events: events.into_iter().map(|(_, at, to, reason)| (at, to, reason)).collect(),
                    appointment,
                    requested_documents: $crate::sql::kinds(&first.requested_documents),
                    documents_due: first.documents_due_at.map($crate::from_micros).transpose()?,
                    collective: first.channel == "collective",
                }))
            }

            async fn failed_guesses(&self, guess: $crate::Guess<'_>, now: jiff::Timestamp) -> $crate::Result<u32> {
                let n: Option<i64> = sqlx::query_scalar("SELECT CAST(failures AS BIGINT) FROM guesses WHERE key = $1 AND window_start >= $2")
                    .bind($crate::sql::guess_key(&self.keys, guess)).bind($crate::sql::guess_window(now))
                    .fetch_optional(&self.read).await?;
                Ok(n.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32)
            }

            async fn add_failed_guess(&self, guess: $crate::Guess<'_>, now: jiff::Timestamp) -> $crate::Result<u32> {
                // One statement, its own transaction. A process whose clock is behind adds to
                // the newer window it finds rather than starting an older one.
                let n: i64 = sqlx::query_scalar("INSERT INTO guesses (key, window_start, failures) VALUES ($1, $2, 1) \
                    ON CONFLICT (key) DO UPDATE SET \
                    failures = CASE WHEN guesses.window_start >= excluded.window_start THEN guesses.failures + 1 ELSE 1 END, \
                    window_start = CASE WHEN guesses.window_start >= excluded.window_start THEN guesses.window_start ELSE excluded.window_start END \
                    RETURNING CAST(failures AS BIGINT)")
                    .bind($crate::sql::guess_key(&self.keys, guess)).bind($crate::sql::guess_window(now))
                    .fetch_one(&self.draft).await?;
                Ok(n.clamp(0, i64::from(u32::MAX)) as u32)
            }

            async fn forget_guesses(&self, before: jiff::Timestamp) -> $crate::Result<u64> {
                self.purge_in_batches("DELETE FROM guesses WHERE key IN \
                    (SELECT key FROM guesses WHERE window_start < $1 LIMIT $2)", $crate::micros(before)).await
            }

            async fn add_kiosk(&self, token_hash: &[u8], branch: &str, name: &str, by: &str) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO kiosks (token_hash, branch_code, name, enrolled_by, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash.to_vec()).bind(branch).bind(name).bind(by).bind($crate::micros(jiff::Timestamp::now()))
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn kiosk_branch(&self, token_hash: &[u8]) -> $crate::Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT branch_code FROM kiosks WHERE token_hash = $1")
                    .bind(token_hash.to_vec()).fetch_optional(&self.read).await?)
            }

            async fn kiosks(&self, branch: &str) -> $crate::Result<Vec<$crate::KioskRecord>> {
                let rows: Vec<(Vec<u8>, String, String, i64)> = sqlx::query_as(
                    "SELECT token_hash, name, enrolled_by, created_at FROM kiosks WHERE branch_code = $1 \
                     ORDER BY created_at, token_hash")
                    .bind(branch).fetch_all(&self.read).await?;
                rows.into_iter()
                    .map(|(token_hash, name, enrolled_by, at)| {
                        Ok($crate::KioskRecord { token_hash, name, enrolled_by, created_at: $crate::from_micros(at)? })
                    })
                    .collect()
            }

            async fn remove_kiosk(&self, branch: &str, token_hash: &[u8]) -> $crate::Result<Option<String>> {
                let mut tx = self.begin_write().await?;
                let name = sqlx::query_scalar("DELETE FROM kiosks WHERE branch_code = $1 AND token_hash = $2 RETURNING name")
                    .bind(branch).bind(token_hash.to_vec()).fetch_optional(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(name)
            }

            async fn remove_kiosks(&self, branch: &str) -> $crate::Result<u64> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("DELETE FROM kiosks WHERE branch_code = $1").bind(branch).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(done.rows_affected())
            }

            async fn add_resume_link(&self, claim_id: &str, token_hash: &[u8], outbox: Option<&$crate::OutboxMessage>, quiet_since: Option<jiff::Timestamp>) -> $crate::Result<bool> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_draft().await?;
                // The claim's row locked (on PostgreSQL): two visits at once send one e-mail.
                let last_emailed: Option<Option<i64>> = sqlx::query_scalar(concat!("SELECT (SELECT MAX(emailed_at) FROM resume_links \
                    WHERE claim_id = $1) FROM claims WHERE id = $1", $lock_rows))
                    .bind(claim_id).fetch_optional(&mut *tx).await?;
                let Some(last_emailed) = last_emailed else { return Err($crate::StorageError::NotFound) };
                let emailed = outbox.is_some()
                    && quiet_since.is_none_or(|q| last_emailed.is_none_or(|last| last <= $crate::micros(q)));
                // A new link counts as a change of the draft (see `purge`).
                sqlx::query("UPDATE claims SET updated_at = $1 WHERE id = $2").bind(at).bind(claim_id).execute(&mut *tx).await?;
                Self::insert_resume_link(&mut tx, token_hash, claim_id, at, emailed).await?;
                sqlx::query("DELETE FROM resume_links WHERE claim_id = $1 \
                    AND token_hash NOT IN (SELECT token_hash FROM resume_links WHERE claim_id = $1 \
                        ORDER BY created_at DESC, token_hash LIMIT $2) \
                    AND token_hash NOT IN (SELECT token_hash FROM resume_links WHERE claim_id = $1 AND emailed_at IS NOT NULL \
                        ORDER BY emailed_at DESC, token_hash LIMIT 1)")
                    .bind(claim_id).bind($crate::LIVE_RESUME_LINKS).execute(&mut *tx).await?;
                if emailed {
                    Self::enqueue(&mut tx, &self.keys, outbox, at).await?;
                }
                tx.commit().await?;
                Ok(emailed)
            }

            async fn save_application(&self, claim_id: &str, application: &lapak_domain::application::Application) -> $crate::Result<()> {
                let sealed = self.keys.seal_str("claims.application", &serde_json::to_string(application).expect("serialisable"));
                let at = $crate::micros(jiff::Timestamp::now());
                // One statement, its own transaction: a draft step is one hand-off to the engine.
                let done = sqlx::query("UPDATE claims SET application_sealed = $1, updated_at = $2, version = version + 1 \
                    WHERE id = $3 AND state IN ('draft', 'needs_documents')")
                    .bind(sealed).bind(at).bind(claim_id).execute(&self.draft).await?;
                if done.rows_affected() != 1 {
                    return Err($crate::StorageError::Conflict("the claim can no longer be changed".into()));
                }
                Ok(())
            }

            async fn add_document(&self, d: &$crate::DocumentMeta) -> $crate::Result<$crate::DocumentMeta> {
                let done = sqlx::query(concat!("INSERT INTO documents (id, claim_id, kind, object_key, content_type, size_bytes, sha256, created_at) \
                    SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS \
                    (SELECT 1 FROM claims WHERE id = $2 AND state IN ('draft', 'needs_documents')", $lock_rows, ") \
                    ON CONFLICT (claim_id, kind, sha256) DO NOTHING"))
                    .bind(&d.id).bind(&d.claim_id).bind(d.kind.code()).bind(&d.object_key).bind(&d.content_type)
                    .bind(d.size_bytes).bind(d.sha256.clone()).bind($crate::micros(d.created_at))
                    .execute(&self.draft).await?;
                if done.rows_affected() == 1 {
                    return Ok(d.clone());
                }
                use lapak_domain::lifecycle::ClaimState::{Draft, NeedsDocuments};
                match self.claim(&d.claim_id).await? {
                    None => Err($crate::StorageError::NotFound),
                    Some(c) if !matches!(c.lifecycle.state, Draft | NeedsDocuments) => {
                        Err($crate::StorageError::Conflict("the claim can no longer be changed".into()))
                    }
                    // The same page is there already.
                    Some(_) => {
                        let row = sqlx::query(&format!("SELECT {} FROM documents WHERE claim_id = $1 AND kind = $2 AND sha256 = $3",
                            $crate::sql::DOCUMENT_COLUMNS))
                            .bind(&d.claim_id).bind(d.kind.code()).bind(d.sha256.clone()).fetch_optional(&self.draft).await?;
                        row.map(|r| Self::document_row(&r, 0)).transpose()?
                            .ok_or_else(|| $crate::StorageError::Conflict("the page was removed meanwhile".into()))
                    }
                }
            }

            async fn remove_document(&self, claim_id: &str, document_id: &str) -> $crate::Result<Option<$crate::DocumentMeta>> {
                let mut tx = self.begin_draft().await?;
                let row = sqlx::query(&format!("DELETE FROM documents WHERE claim_id = $1 AND id = $2 \
                    AND claim_id IN (SELECT id FROM claims WHERE state IN ('draft', 'needs_documents')) RETURNING {}", $crate::sql::DOCUMENT_COLUMNS))
                    .bind(claim_id).bind(document_id).fetch_optional(&mut *tx).await?;
                tx.commit().await?;
                row.map(|r| Self::document_row(&r, 0)).transpose()
            }

            async fn documents(&self, claim_id: &str) -> $crate::Result<Vec<$crate::DocumentMeta>> {
                let rows = sqlx::query(&format!("SELECT {} FROM documents WHERE claim_id = $1 ORDER BY created_at, id", $crate::sql::DOCUMENT_COLUMNS))
                    .bind(claim_id).fetch_all(&self.read).await?;
                rows.iter().map(|r| Self::document_row(r, 0)).collect()
            }

            async fn submit_claim(&self, s: &$crate::Submission) -> $crate::Result<()> {
                let at = $crate::micros(s.event.at);
                let mut tx = self.begin_write().await?;
                let application = &s.application;
                let seal = |ctx: &str, v: Option<&str>| v.map(|v| self.keys.seal_str(ctx, v));
                let updated = sqlx::query("UPDATE claims SET claim_number = COALESCE(claim_number, $1), state = $2, cause = $3, \
                    branch_code = $4, last_working_day = $5, gross = $6, tax = $7, bank_code = $8, bank_account_sealed = $9, \
                    email_sealed = $10, phone_sealed = $11, npwp_sealed = $12, submitted_at = COALESCE(submitted_at, $13), updated_at = $13, \
                    version = version + 1, service_mode = $17, service_anywhere = $18, needs_appointment = $19, \
                    requested_documents = '', documents_due_at = NULL, lang = $20 \
                    WHERE id = $14 AND version = $15 AND state = $16")
                    .bind(s.number.as_str()).bind(s.event.to.code()).bind(application.cause.map(|c| c.code()))
                    .bind(application.branch.as_ref().map(|b| b.as_str().to_string()))
                    .bind(application.last_working_day.map(|d| d.to_string()))
                    .bind(s.benefit.gross.amount()).bind(s.benefit.tax.amount())
                    .bind(application.bank_account.as_ref().map(|a| a.bank_code().to_string()))
                    .bind(seal("claims.bank_account", application.bank_account.as_ref().map(|a| a.number())))
                    .bind(seal("claims.email", application.email.as_ref().map(|e| e.as_str())))
                    .bind(seal("claims.phone", application.whatsapp.as_ref().map(|p| p.as_str())))
                    .bind(seal("claims.npwp", application.npwp.as_ref().map(|n| n.as_str())))
                    .bind(at).bind(&s.claim_id).bind(s.version).bind(s.event.from.code())
                    .bind(application.service.unwrap_or(lapak_domain::schedule::Mode::VideoCall).code())
                    .bind(application.anywhere)
                    // First submission and resubmission with the documents asked for both need a
                    // seat; the original submission time keeps the claim's place in line.
                    .bind(true)
                    .bind(&s.lang)
                    .execute(&mut *tx).await;
                match updated {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err($crate::StorageError::Conflict("claim number taken".into()));
                    }
                    Ok(done) if done.rows_affected() != 1 => {
                        return Err($crate::StorageError::Conflict("the claim was changed concurrently".into()));
                    }
                    other => { other?; }
                }
                Self::insert_event(&mut tx, &s.claim_id, &s.event).await?;
                Self::enqueue(&mut tx, &self.keys, s.outbox.as_ref(), at).await?;
                if let Some((key, hash)) = &s.idempotency {
                    let r = sqlx::query("INSERT INTO idempotency_keys (key, request_hash, claim_id, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(key).bind(hash.clone()).bind(&s.claim_id).bind(at).execute(&mut *tx).await;
                    match r {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            return Err($crate::StorageError::Conflict("idempotency key already used".into()));
                        }
                        other => { other?; }
                    }
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn set_capacity(&self, c: &lapak_domain::schedule::Capacity) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO branch_capacity (branch_code, config, updated_at) VALUES ($1, $2, $3) \
                    ON CONFLICT (branch_code) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at")
                    .bind(&c.branch).bind(serde_json::to_string(c).expect("serialisable"))
                    .bind($crate::micros(jiff::Timestamp::now()))
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn capacities(&self) -> $crate::Result<Vec<lapak_domain::schedule::Capacity>> {
                let rows: Vec<String> = sqlx::query_scalar("SELECT config FROM branch_capacity ORDER BY branch_code")
                    .fetch_all(&self.read).await?;
                rows.iter().map(|r| serde_json::from_str(r).map_err(|_| $crate::rows::corrupt("capacity"))).collect()
            }

            async fn capacity(&self, branch: &str) -> $crate::Result<Option<lapak_domain::schedule::Capacity>> {
                let row: Option<String> = sqlx::query_scalar("SELECT config FROM branch_capacity WHERE branch_code = $1")
                    .bind(branch).fetch_optional(&self.read).await?;
                row.map(|r| serde_json::from_str(&r).map_err(|_| $crate::rows::corrupt("capacity"))).transpose()
            }

            async fn waiting_for_appointment(&self, after: Option<(jiff::Timestamp, &str)>, limit: i64) -> $crate::Result<$crate::WaitingPage> {
                use sqlx::Row;
                // In the order of claims_waiting, from it alone. The state is checked here, not
                // in the statement: there it led SQLite to read every submitted and scheduled
                // claim through the index on state and sort them, and PostgreSQL to read every
                // waiting claim after the cursor and sort them, on every page.
                let rows = sqlx::query("SELECT c.id, c.branch_code, c.service_mode, c.service_anywhere, \
                    c.submitted_at, c.state, \
                    (SELECT MAX(s.ends_at) FROM appointments a JOIN sessions s ON s.id = a.session_id \
                     WHERE a.claim_id = c.id AND a.status = 'no_show'), \
                    (SELECT st.username FROM claim_events e JOIN staff st ON st.id = e.actor_id \
                     WHERE e.claim_id = c.id AND e.action = 'request_documents' ORDER BY e.id DESC LIMIT 1) \
                    FROM claims c WHERE c.needs_appointment AND (c.submitted_at, c.id) > ($1, $2) \
                    ORDER BY c.submitted_at, c.id LIMIT $3")
                    .bind(after.map_or(i64::MIN, |(at, _)| $crate::micros(at))).bind(after.map_or("", |(_, id)| id))
                    .bind(limit).fetch_all(&self.read).await?;
                let mut page = $crate::WaitingPage { claims: Vec::with_capacity(rows.len()), next: None };
                for r in &rows {
                    let claim_id: String = r.try_get(0)?;
                    let submitted_at = $crate::from_micros(r.try_get::<Option<i64>, _>(4)?.unwrap_or_default())?;
                    let state: String = r.try_get(5)?;
                    if state != "submitted" && state != "scheduled" {
                        continue;
                    }
                    let mode: Option<String> = r.try_get(2)?;
                    page.claims.push($crate::WaitingClaim {
                        claim_id,
                        branch_code: r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                        mode: mode.as_deref().and_then(lapak_domain::schedule::Mode::parse).unwrap_or(lapak_domain::schedule::Mode::VideoCall),
                        anywhere: r.try_get(3)?,
                        submitted_at,
                        rebooking: state == "scheduled",
                        missed_until: r.try_get::<Option<i64>, _>(6)?.map($crate::from_micros).transpose()?,
                        asked_by: r.try_get(7)?,
                    });
                }
                if let Some(last) = rows.last() {
                    page.next = Some(($crate::from_micros(last.try_get::<Option<i64>, _>(4)?.unwrap_or_default())?, last.try_get(0)?));
                }
                Ok(page)
            }

            async fn booked_seats(&self, from: jiff::Timestamp, branch: Option<&str>) -> $crate::Result<Vec<(String, u8)>> {
                let rows: Vec<(String, i32)> = sqlx::query_as("SELECT a.session_id, a.seat FROM appointments a \
                    JOIN sessions s ON s.id = a.session_id WHERE a.status = 'booked' AND s.starts_at >= $1 \
                    AND ($2 IS NULL OR s.branch_code = $2)")
                    .bind($crate::micros(from)).bind(branch).fetch_all(&self.read).await?;
                Ok(rows.into_iter().map(|(s, seat)| (s, seat.clamp(0, 255) as u8)).collect())
            }

            async fn add_sessions(&self, sessions: &[lapak_domain::schedule::Session]) -> $crate::Result<()> {
                if sessions.is_empty() {
                    return Ok(());
                }
                let statements = Self::session_statements(sessions);
                let mut tx = self.begin_write().await?;
                Self::run_all(&mut tx, statements).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn book(&self, sessions: &[lapak_domain::schedule::Session], bookings: &[$crate::NewBooking]) -> $crate::Result<()> {
                if bookings.is_empty() {
                    return Ok(());
                }
                let at = $crate::micros(jiff::Timestamp::now());
                // Every statement is built (bound, the notices sealed) before the transaction
                // begins: on SQLite the one writer waits for nothing but the engine.
                let mut statements: Vec<(sqlx::QueryBuilder<'static, $db>, Option<u64>)> =
                    Self::session_statements(sessions).into_iter().map(|q| (q, None)).collect();
                // First seats move the claim Submitted → Scheduled with an event; new seats for
                // scheduled claims (no-show, officer away) only clear the flag. The claims go
                // before the rows that refer to them: on PostgreSQL each foreign-key check
                // locks the claim's row, and a new version locked once by the appointment's
                // check is already held for the event's (the other way round, the old version
                // and the new were each locked and logged: the pass about 3% slower).
                for first in [true, false] {
                    let ids: Vec<&str> = bookings.iter().filter(|x| x.event.is_some() == first).map(|x| x.claim_id.as_str()).collect();
                    // One bound value per claim, and one more for the time.
                    for chunk in ids.chunks($crate::sql::rows_per_statement(1) - 1) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE claims SET needs_appointment = FALSE, version = version + 1, updated_at = ");
                        qb.push_bind(at);
                        qb.push(if first {
                            ", state = 'scheduled' WHERE state = 'submitted' AND id IN ("
                        } else {
                            " WHERE state = 'scheduled' AND needs_appointment AND id IN ("
                        });
                        let mut sep = qb.separated(", ");
                        for id in chunk {
                            sep.push_bind(id.to_string());
                        }
                        sep.push_unseparated(")");
                        statements.push((qb, Some(chunk.len() as u64)));
                    }
                }
                for chunk in bookings.chunks($crate::sql::rows_per_statement(6)) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO appointments (claim_id, session_id, seat, status, created_at, video_token_hash) ");
                    qb.push_values(chunk, |mut b, x| {
                        b.push_bind(x.claim_id.clone()).push_bind(x.session.id.clone()).push_bind(i32::from(x.seat))
                            .push_bind("booked").push_bind(at).push_bind(x.video_token_hash.clone());
                    });
                    statements.push((qb, None));
                }
                let events: Vec<(&str, &lapak_domain::lifecycle::ClaimEvent)> =
                    bookings.iter().filter_map(|x| x.event.as_ref().map(|e| (x.claim_id.as_str(), e))).collect();
                statements.extend(Self::event_statements(&events).into_iter().map(|q| (q, None)));
                let messages: Vec<&$crate::OutboxMessage> = bookings.iter().flat_map(|x| x.outbox.iter()).collect();
                statements.extend(Self::outbox_statements(&self.keys, &messages, at).into_iter().map(|q| (q, None)));
                let mut tx = self.begin_write().await?;
                for (mut qb, rows) in statements {
                    let done = qb.build().execute(&mut *tx).await.map_err(|e| match e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => $crate::StorageError::Conflict("seat or claim already booked".into()),
                        other => other.into(),
                    })?;
                    if rows.is_some_and(|n| n != done.rows_affected()) {
                        return Err($crate::StorageError::Conflict("a claim moved on before it was booked".into()));
                    }
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn appointment(&self, claim_id: &str) -> $crate::Result<Option<$crate::AppointmentRecord>> {
                let row = sqlx::query(concat!("SELECT ", $crate::sql::appointment_columns!(), " FROM appointments a \
                    JOIN sessions s ON s.id = a.session_id JOIN branches sb ON sb.code = s.branch_code \
                    WHERE a.claim_id = $1 AND a.status = 'booked'"))
                    .bind(claim_id).fetch_optional(&self.read).await?;
                row.map(|r| Self::appointment_row(&r, 0).and_then(|a| a.ok_or_else(|| $crate::rows::corrupt("appointment")))).transpose()
            }

            async fn appointment_by_video_token(&self, token_hash: &[u8]) -> $crate::Result<Option<(String, $crate::AppointmentRecord)>> {
                use sqlx::Row;
                let row = sqlx::query(concat!("SELECT ", $crate::sql::appointment_columns!(), ", a.claim_id FROM appointments a \
                    JOIN sessions s ON s.id = a.session_id JOIN branches sb ON sb.code = s.branch_code \
                    WHERE a.video_token_hash = $1 AND a.status = 'booked'"))
                    .bind(token_hash.to_vec()).fetch_optional(&self.read).await?;
                let Some(r) = row else { return Ok(None) };
                let claim_id: String = r.try_get(10)?;
                Ok(Self::appointment_row(&r, 0)?.map(|a| (claim_id, a)))
            }

            async fn appointments_between(&self, from: jiff::Timestamp, to: jiff::Timestamp) -> $crate::Result<Vec<(String, jiff::Timestamp, String, jiff::Timestamp)>> {
                // The sessions of the period first, then their seats through the two indexes
                // by session (booked; served and missed): not every appointment ever made.
                let rows: Vec<(String, i64, String, Option<i64>)> = sqlx::query_as("SELECT s.branch_code, s.starts_at, a.status, c.submitted_at \
                    FROM sessions s JOIN appointments a ON a.session_id = s.id AND a.status = 'booked' JOIN claims c ON c.id = a.claim_id \
                    WHERE s.starts_at >= $1 AND s.starts_at < $2 \
                    UNION ALL SELECT s.branch_code, s.starts_at, a.status, c.submitted_at \
                    FROM sessions s JOIN appointments a ON a.session_id = s.id AND a.status IN ('served', 'no_show') \
                    JOIN claims c ON c.id = a.claim_id WHERE s.starts_at >= $1 AND s.starts_at < $2")
                    .bind($crate::micros(from)).bind($crate::micros(to)).fetch_all(&self.read).await?;
                rows.into_iter().map(|(b, s, st, sub)| Ok((b, $crate::from_micros(s)?, st, $crate::from_micros(sub.unwrap_or(s))?))).collect()
            }

            async fn release_appointment(&self, claim_id: &str, session: Option<&str>, status: &str) -> $crate::Result<bool> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE appointments SET status = $1 WHERE claim_id = $2 AND status = 'booked' \
                    AND ($3 IS NULL OR session_id = $3)")
                    .bind(status).bind(claim_id).bind(session).execute(&mut *tx).await?.rows_affected();
                if done == 0 {
                    return Ok(false);
                }
                sqlx::query("UPDATE claims SET needs_appointment = TRUE, version = version + 1, updated_at = $1 \
                    WHERE id = $2 AND state = 'scheduled'")
                    .bind(at).bind(claim_id).execute(&mut *tx).await?;
                Self::supersede_reminders(&mut tx, claim_id, at).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(true)
            }

            async fn release_officer(&self, branch: &str, officer: &str, from: jiff::Timestamp, to: jiff::Timestamp) -> $crate::Result<Vec<String>> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                let claims: Vec<String> = sqlx::query_scalar("UPDATE appointments SET status = 'moved' WHERE status = 'booked' \
                    AND session_id IN (SELECT id FROM sessions WHERE branch_code = $1 AND officer = $2 AND starts_at >= $3 AND starts_at < $4) \
                    RETURNING claim_id")
                    .bind(branch).bind(officer).bind($crate::micros(from)).bind($crate::micros(to))
                    .fetch_all(&mut *tx).await?;
                for chunk in claims.chunks($crate::sql::CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE claims SET needs_appointment = TRUE, version = version + 1, updated_at = ");
                    qb.push_bind(at).push(" WHERE state = 'scheduled' AND id IN (");
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(id.clone());
                    }
                    sep.push_unseparated(")");
                    qb.build().execute(&mut *tx).await?;
                }
                for id in &claims {
                    Self::supersede_reminders(&mut tx, id, at).await?;
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(claims)
            }

            async fn move_appointment(&self, claim_id: &str, session: &lapak_domain::schedule::Session, seat: u8, video_token_hash: Option<&[u8]>, outbox: &[$crate::OutboxMessage]) -> $crate::Result<()> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE appointments SET status = 'moved' WHERE claim_id = $1 AND status = 'booked'")
                    .bind(claim_id).execute(&mut *tx).await?.rows_affected();
                if done != 1 {
                    return Err($crate::StorageError::NotFound);
                }
                Self::insert_sessions(&mut tx, std::slice::from_ref(session)).await?;
                let r = sqlx::query("INSERT INTO appointments (claim_id, session_id, seat, status, created_at, video_token_hash) \
                    VALUES ($1, $2, $3, 'booked', $4, $5)")
                    .bind(claim_id).bind(&session.id).bind(i32::from(seat)).bind(at).bind(video_token_hash.map(<[u8]>::to_vec))
                    .execute(&mut *tx).await;
                match r {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err($crate::StorageError::Conflict("the seat was taken".into()));
                    }
                    other => { other?; }
                }
                Self::supersede_reminders(&mut tx, claim_id, at).await?;
                for m in outbox {
                    Self::enqueue(&mut tx, &self.keys, Some(m), at).await?;
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn create_staff(&self, s: &$crate::NewStaff) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                let r = sqlx::query("INSERT INTO staff (id, username, display_name, role, branch_code, password_hash, created_at) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&s.id).bind(&s.username).bind(&s.display_name).bind(s.role.code()).bind(&s.branch)
                    .bind(&s.password_hash).bind($crate::micros(jiff::Timestamp::now()))
                    .execute(&mut *tx).await;
                match r {
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        return Err($crate::StorageError::Conflict("username taken".into()));
                    }
                    other => { other?; }
                }
                tx.commit().await?;
                self.durable().await
            }

            async fn staff_by_username(&self, username: &str) -> $crate::Result<Option<$crate::StaffRecord>> {
                let row = sqlx::query(concat!("SELECT ", $crate::sql::staff_columns!(), " FROM staff WHERE username = $1"))
                    .bind(username).fetch_optional(&self.read).await?;
                row.map(|r| self.staff_row(&r, 0)).transpose()
            }

            async fn staff_by_id(&self, id: &str) -> $crate::Result<Option<$crate::StaffRecord>> {
                let row = sqlx::query(concat!("SELECT ", $crate::sql::staff_columns!(), " FROM staff WHERE id = $1"))
                    .bind(id).fetch_optional(&self.read).await?;
                row.map(|r| self.staff_row(&r, 0)).transpose()
            }

            async fn staff_login_failed(&self, id: &str, lock_until: Option<jiff::Timestamp>) -> $crate::Result<i64> {
                let mut tx = self.begin_write().await?;
                let n: i64 = sqlx::query_scalar("UPDATE staff SET failed_logins = failed_logins + 1, \
                    locked_until = COALESCE($1, locked_until) WHERE id = $2 RETURNING CAST(failed_logins AS BIGINT)")
                    .bind(lock_until.map($crate::micros)).bind(id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(n)
            }

            async fn staff_login_succeeded(&self, id: &str) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                    .bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn set_staff_totp(&self, id: &str, secret: &[u8], enabled: bool, recovery_hashes: &[String]) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE staff SET totp_secret_sealed = $1, totp_enabled = $2, recovery_hashes = $3 WHERE id = $4")
                    .bind(self.keys.seal("staff.totp_secret", secret)).bind(enabled).bind(recovery_hashes.join(","))
                    .bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn use_totp_step(&self, id: &str, step: i64) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE staff SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
                    .bind(step).bind(id).execute(&mut *tx).await?.rows_affected();
                tx.commit().await?;
                self.durable().await?;
                Ok(done == 1)
            }

            async fn use_recovery_code(&self, id: &str, hash: &str) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let current: Option<String> = sqlx::query_scalar(concat!("SELECT recovery_hashes FROM staff WHERE id = $1", $lock_rows))
                    .bind(id).fetch_optional(&mut *tx).await?;
                let Some(current) = current else { return Ok(false) };
                let mut left: Vec<&str> = current.split(',').filter(|h| !h.is_empty()).collect();
                let before = left.len();
                left.retain(|h| *h != hash);
                if left.len() == before {
                    return Ok(false);
                }
                sqlx::query("UPDATE staff SET recovery_hashes = $1 WHERE id = $2 AND recovery_hashes = $3")
                    .bind(left.join(",")).bind(id).bind(&current).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(true)
            }

            async fn set_staff_disabled(&self, id: &str, disabled: bool) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE staff SET disabled = $1 WHERE id = $2").bind(disabled).bind(id).execute(&mut *tx).await?;
                if disabled {
                    sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                self.durable().await
            }

            async fn create_staff_session(&self, id_hash: &[u8], staff_id: &str, stage: &str, csrf: &str) -> $crate::Result<()> {
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO staff_sessions (id_hash, staff_id, stage, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $5, $5)")
                    .bind(id_hash.to_vec()).bind(staff_id).bind(stage).bind(csrf).bind(at).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn staff_session(&self, id_hash: &[u8]) -> $crate::Result<Option<$crate::StaffSession>> {
                use sqlx::Row;
                let row = sqlx::query(concat!("SELECT ", $crate::sql::staff_columns!(), ", x.stage, x.csrf, x.created_at, x.last_seen \
                    FROM staff_sessions x JOIN staff ON staff.id = x.staff_id WHERE x.id_hash = $1"))
                    .bind(id_hash.to_vec()).fetch_optional(&self.read).await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some($crate::StaffSession {
                    staff: self.staff_row(&r, 0)?,
                    stage: r.try_get(13)?,
                    csrf: r.try_get(14)?,
                    created_at: $crate::from_micros(r.try_get(15)?)?,
                    last_seen: $crate::from_micros(r.try_get(16)?)?,
                }))
            }

            async fn touch_staff_session(&self, id_hash: &[u8], at: jiff::Timestamp) -> $crate::Result<()> {
                sqlx::query("UPDATE staff_sessions SET last_seen = $1 WHERE id_hash = $2")
                    .bind($crate::micros(at)).bind(id_hash.to_vec()).execute(&self.draft).await?;
                Ok(())
            }

            async fn delete_staff_session(&self, id_hash: &[u8]) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM staff_sessions WHERE id_hash = $1").bind(id_hash.to_vec()).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn set_requested_documents(&self, claim_id: &str, kinds: &[lapak_domain::documents::DocumentKind], due: jiff::Timestamp) -> $crate::Result<()> {
                let codes: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE claims SET requested_documents = $1, documents_due_at = $2 WHERE id = $3")
                    .bind(codes.join(",")).bind($crate::micros(due)).bind(claim_id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await
            }

            async fn claims_for_approval(&self, branch: &str) -> $crate::Result<Vec<$crate::ApprovalItem>> {
                let rows: Vec<(String, Option<String>, String, Option<String>, Option<i64>, Option<i64>, Option<String>)> =
                    sqlx::query_as("SELECT id, claim_number, kpj, cause, gross, tax, verified_by FROM claims \
                    WHERE state = 'verified' AND branch_code = $1 ORDER BY updated_at, id")
                    .bind(branch).fetch_all(&self.read).await?;
                rows.into_iter().map(|(id, number, kpj, cause, gross, tax, verified_by)| Ok($crate::ApprovalItem {
                    claim_id: id,
                    number: number.map(|n| lapak_domain::claim_number::ClaimNumber::parse(&n)).transpose().map_err(|_| $crate::rows::corrupt("claim number"))?,
                    kpj: lapak_domain::Kpj::parse(&kpj).map_err(|_| $crate::rows::corrupt("kpj"))?,
                    cause: cause.as_deref().and_then(lapak_domain::cause::ClaimCause::parse),
                    gross: gross.unwrap_or_default(),
                    tax: tax.unwrap_or_default(),
                    verified_by,
                })).collect()
            }

            async fn search_audit(&self, query: &str, limit: i64) -> $crate::Result<Vec<$crate::AuditEntry>> {
                let query = query.trim();
                let pattern = format!("%{}%", query.replace(['%', '_'], ""));
                // Three bounded reads: a person's entries and an object's through their
                // indexes, and the newest entries' words.
                const COLUMNS: &str = "seq, at, actor_role, actor_id, action, subject, detail";
                static QUERY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!(
                    "SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM audit_log WHERE actor_id = $1 ORDER BY seq DESC LIMIT $3) a \
                     UNION SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT $3) b \
                     UNION SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM audit_log \
                        WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM audit_log) - $4 \
                        AND (actor_id LIKE $2 OR action LIKE $2 OR subject LIKE $2) ORDER BY seq DESC LIMIT $3) c \
                     ORDER BY seq DESC LIMIT $3"));
                let rows: Vec<(i64, i64, String, String, String, String, String)> = sqlx::query_as(QUERY.as_str())
                    .bind(query).bind(pattern).bind(limit).bind($crate::AUDIT_SEARCH_WINDOW).fetch_all(&self.read).await?;
                rows.into_iter().map(|(_, at, actor_role, actor_id, action, subject, detail)| Ok($crate::AuditEntry {
                    at: $crate::from_micros(at)?, actor_role, actor_id, action, subject, detail,
                })).collect()
            }

            async fn session(&self, session_id: &str) -> $crate::Result<Option<(String, $crate::SessionSummary)>> {
                let row: Option<(String, String, String, i64, i64, i32, i64, String)> = sqlx::query_as(concat!("SELECT ",
                    $crate::sql::session_columns!(), ", s.branch_code FROM sessions s WHERE s.id = $1"))
                    .bind(session_id).fetch_optional(&self.read).await?;
                row.map(|(id, officer, mode, s, e, seats, booked, branch)| {
                    Ok((branch, $crate::rows::SessionSummaryRow::summary((id, officer, mode, s, e, seats, booked))?))
                }).transpose()
            }

            async fn session_seats(&self, session_id: &str) -> $crate::Result<Vec<(u8, String, String)>> {
                // Two halves, one per index (appointments_one_per_seat, appointments_done).
                let rows: Vec<(i32, String, String)> = sqlx::query_as("SELECT seat, claim_id, status FROM appointments \
                    WHERE session_id = $1 AND status = 'booked' UNION ALL SELECT seat, claim_id, status FROM appointments \
                    WHERE session_id = $1 AND status IN ('served', 'no_show') ORDER BY seat")
                    .bind(session_id).fetch_all(&self.read).await?;
                Ok(rows.into_iter().map(|(seat, c, s)| (seat.clamp(0, 255) as u8, c, s)).collect())
            }

            async fn document(&self, document_id: &str) -> $crate::Result<Option<$crate::DocumentMeta>> {
                let row = sqlx::query(&format!("SELECT {} FROM documents WHERE id = $1", $crate::sql::DOCUMENT_COLUMNS))
                    .bind(document_id).fetch_optional(&self.read).await?;
                row.map(|r| Self::document_row(&r, 0)).transpose()
            }

            async fn sessions_between(&self, branch: &str, from: jiff::Timestamp, to: jiff::Timestamp) -> $crate::Result<Vec<$crate::SessionSummary>> {
                let rows: Vec<$crate::rows::SessionRow> = sqlx::query_as(concat!("SELECT ", $crate::sql::session_columns!(),
                    " FROM sessions s WHERE s.branch_code = $1 AND s.starts_at >= $2 AND s.starts_at < $3 ORDER BY s.starts_at, s.officer"))
                    .bind(branch).bind($crate::micros(from)).bind($crate::micros(to)).fetch_all(&self.read).await?;
                rows.into_iter().map($crate::rows::SessionSummaryRow::summary).collect()
            }

            async fn take_ticket(&self, branch: &str, day: jiff::civil::Date, token_hash: &[u8], phone: Option<&str>, lang: &str) -> $crate::Result<$crate::TicketRecord> {
                use rand::Rng;
                let at = jiff::Timestamp::now();
                let id: String = rand::thread_rng().sample_iter(rand::distributions::Alphanumeric).take(22).map(char::from).collect();
                // Two kiosks at once on PostgreSQL may pick the same number: the unique
                // (branch, day, number) refuses one, which takes the next.
                for _ in 0..10 {
                    // The same secret again (a kiosk page sent twice): its ticket, not a second.
                    // Two sent at once: the unique secret refuses one, which finds the other's
                    // here on its next turn.
                    if let Some(given) = self.ticket_by_token(token_hash).await? {
                        return Ok(given);
                    }
                    let mut tx = self.begin_write().await?;
                    let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE branch_code = $1 AND day = $2")
                        .bind(branch).bind(day.to_string()).fetch_one(&mut *tx).await?;
                    let r = sqlx::query("INSERT INTO tickets (id, branch_code, day, number, token_hash, phone_sealed, status, created_at, lang) \
                        VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $8)")
                        .bind(&id).bind(branch).bind(day.to_string()).bind(next).bind(token_hash.to_vec())
                        .bind(phone.map(|p| self.keys.seal_str("tickets.phone", p))).bind($crate::micros(at)).bind(lang)
                        .execute(&mut *tx).await;
                    match r {
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
                        other => { other?; }
                    }
                    tx.commit().await?;
                    self.durable().await?;
                    return self.ticket_by_token(token_hash).await?.ok_or($crate::StorageError::NotFound);
                }
                Err($crate::StorageError::Conflict("no free ticket number".into()))
            }

            async fn ticket_by_token(&self, token_hash: &[u8]) -> $crate::Result<Option<$crate::TicketRecord>> {
                let row = sqlx::query(concat!("SELECT ", $crate::sql::ticket_columns!(), ", \
                    (SELECT COUNT(*) FROM tickets o WHERE o.branch_code = t.branch_code AND o.day = t.day \
                     AND o.status = 'waiting' AND o.number < t.number) FROM tickets t WHERE t.token_hash = $1"))
                    .bind(token_hash.to_vec()).fetch_optional(&self.read).await?;
                row.map(|r| Self::ticket_row(&r, true)).transpose()
            }

            async fn tickets(&self, branch: &str, day: jiff::civil::Date) -> $crate::Result<Vec<$crate::TicketRecord>> {
                let rows = sqlx::query(concat!("SELECT ", $crate::sql::ticket_columns!(), " FROM tickets t \
                    WHERE t.branch_code = $1 AND t.day = $2 ORDER BY t.number"))
                    .bind(branch).bind(day.to_string()).fetch_all(&self.read).await?;
                let mut out: Vec<$crate::TicketRecord> = rows.iter().map(|r| Self::ticket_row(r, false)).collect::<$crate::Result<_>>()?;
                let mut ahead = 0;
                for t in &mut out {
                    if t.status == lapak_domain::queue::TicketStatus::Waiting {
                        t.ahead = ahead;
                        ahead += 1;
                    }
                }
                Ok(out)
            }

            async fn room_occupancy(&self, branch: &str, day: jiff::civil::Date, now: jiff::Timestamp) -> $crate::Result<u32> {
                let walk_ins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE branch_code = $1 AND day = $2 \
                    AND status IN ('called', 'serving')")
                    .bind(branch).bind(day.to_string()).fetch_one(&self.read).await?;
                let booked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments a JOIN sessions s ON s.id = a.session_id \
                    WHERE s.branch_code = $1 AND s.mode <> 'video_call' AND a.status = 'booked' \
                    AND s.starts_at <= $2 AND s.ends_at > $2")
                    .bind(branch).bind($crate::micros(now)).fetch_one(&self.read).await?;
                Ok(u32::try_from(walk_ins + booked).unwrap_or(u32::MAX))
            }

            async fn call_tickets(
                &self,
                branch: &str,
                day: jiff::civil::Date,
                n: u32,
                message: &(dyn for<'l> Fn(i64, String, &'l str) -> $crate::OutboxMessage + Sync),
            ) -> $crate::Result<Vec<i64>> {
                if n == 0 {
                    return Ok(Vec::new());
                }
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                let rows: Vec<(i64, Option<Vec<u8>>, String)> = sqlx::query_as(concat!("SELECT number, phone_sealed, lang FROM tickets \
                    WHERE branch_code = $1 AND day = $2 AND status = 'waiting' ORDER BY number LIMIT $3", $lock_rows))
                    .bind(branch).bind(day.to_string()).bind(i64::from(n)).fetch_all(&mut *tx).await?;
                for (number, phone, lang) in &rows {
                    sqlx::query("UPDATE tickets SET status = 'called', called_at = $1 WHERE branch_code = $2 AND day = $3 AND number = $4")
                        .bind(at).bind(branch).bind(day.to_string()).bind(number).execute(&mut *tx).await?;
                    if let Some(sealed) = phone {
                        let phone = self.keys.open_string("tickets.phone", sealed)?;
                        Self::enqueue(&mut tx, &self.keys, Some(&message(*number, phone, lang)), at).await?;
                    }
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(rows.into_iter().map(|(n, _, _)| n).collect())
            }

            async fn set_ticket_status(
                &self,
                branch: &str,
                day: jiff::civil::Date,
                number: i64,
                from: &[lapak_domain::queue::TicketStatus],
                to: lapak_domain::queue::TicketStatus,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let current: Option<String> = sqlx::query_scalar(concat!("SELECT status FROM tickets WHERE branch_code = $1 AND day = $2 AND number = $3", $lock_rows))
                    .bind(branch).bind(day.to_string()).bind(number).fetch_optional(&mut *tx).await?;
                let Some(current) = current.as_deref().and_then(lapak_domain::queue::TicketStatus::parse) else { return Ok(false) };
                if !from.contains(&current) {
                    return Ok(false);
                }
                sqlx::query("UPDATE tickets SET status = $1 WHERE branch_code = $2 AND day = $3 AND number = $4")
                    .bind(to.code()).bind(branch).bind(day.to_string()).bind(number).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(true)
            }

            async fn idempotent_submission(&self, key: &str) -> $crate::Result<Option<(Vec<u8>, String)>> {
                use sqlx::Row;
                let row = sqlx::query("SELECT request_hash, claim_id FROM idempotency_keys WHERE key = $1")
                    .bind(key).fetch_optional(&self.read).await?;
                row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
            }

            async fn record_claim_event(&self, claim_id: &str, event: &lapak_domain::lifecycle::ClaimEvent, outbox: Option<&$crate::OutboxMessage>) -> $crate::Result<()> {
                use sqlx::Row;
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(concat!("SELECT state, verified_by, version FROM claims WHERE id = $1", $lock_rows))
                    .bind(claim_id).fetch_optional(&mut *tx).await?.ok_or($crate::StorageError::NotFound)?;
                let state: String = row.try_get(0)?;
                let mut lifecycle = lapak_domain::lifecycle::Lifecycle {
                    state: lapak_domain::lifecycle::ClaimState::parse(&state).ok_or_else(|| $crate::rows::corrupt("state"))?,
                    verified_by: row.try_get(1)?,
                };
                let version: i64 = row.try_get(2)?;
                // The store refuses what the lifecycle refuses, whoever calls it.
                let checked = lifecycle.check(event.action, &event.actor, event.at, event.reason.as_deref())
                    .map_err(|e| $crate::StorageError::Conflict(e.to_string()))?;
                if checked != *event {
                    return Err($crate::StorageError::Conflict("the claim moved on since the event was made".into()));
                }
                lifecycle.record(event);
                let at = $crate::micros(event.at);
                let updated = sqlx::query("UPDATE claims SET state = $1, verified_by = $2, version = version + 1, updated_at = $3, \
                    open_kpj = CASE WHEN $6 THEN NULL ELSE kpj END WHERE id = $4 AND version = $5")
                    .bind(event.to.code()).bind(lifecycle.verified_by.clone()).bind(at).bind(claim_id).bind(version)
                    .bind(event.to.is_final())
                    .execute(&mut *tx).await?;
                if updated.rows_affected() != 1 {
                    return Err($crate::StorageError::Conflict("the claim was changed concurrently".into()));
                }
                Self::insert_event(&mut tx, claim_id, event).await?;
                // Leaving Scheduled ends the appointment: attended (verified, documents asked
                // for, rejected) or cancelled.
                use lapak_domain::lifecycle::ClaimState as S;
                let ended = match (event.from, event.to) {
                    (_, S::Cancelled) => Some("cancelled"),
                    (S::Scheduled, _) => Some("served"),
                    _ => None,
                };
                if let Some(status) = ended {
                    sqlx::query("UPDATE appointments SET status = $1 WHERE claim_id = $2 AND status = 'booked'")
                        .bind(status).bind(claim_id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE claims SET needs_appointment = FALSE WHERE id = $1")
                        .bind(claim_id).execute(&mut *tx).await?;
                    Self::supersede_reminders(&mut tx, claim_id, at).await?;
                }
                Self::enqueue(&mut tx, &self.keys, outbox, at).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn claim_history(&self, claim_id: &str) -> $crate::Result<(lapak_domain::lifecycle::Lifecycle, Vec<lapak_domain::lifecycle::ClaimEvent>)> {
                use sqlx::Row;
                let exists: Option<String> = sqlx::query_scalar("SELECT id FROM claims WHERE id = $1").bind(claim_id).fetch_optional(&self.read).await?;
                if exists.is_none() {
                    return Err($crate::StorageError::NotFound);
                }
                let rows = sqlx::query("SELECT at, actor_role, actor_id, action, from_state, to_state, reason FROM claim_events \
                    WHERE claim_id = $1 ORDER BY id")
                    .bind(claim_id).fetch_all(&self.read).await?;
                let mut lifecycle = lapak_domain::lifecycle::Lifecycle::default();
                let mut events = Vec::with_capacity(rows.len());
                for r in rows {
                    let e = $crate::rows::EventRow {
                        at: r.try_get(0)?, actor_role: r.try_get(1)?, actor_id: r.try_get(2)?, action: r.try_get(3)?,
                        from_state: r.try_get(4)?, to_state: r.try_get(5)?, reason: r.try_get(6)?,
                    }.into_event()?;
                    lifecycle.record(&e);
                    events.push(e);
                }
                Ok((lifecycle, events))
            }

            async fn lease_outbox(&self, now: jiff::Timestamp, lease_micros: i64, limit: i64) -> $crate::Result<Vec<$crate::OutboxItem>> {
                use sqlx::Row;
                let now = $crate::micros(now);
                let mut tx = self.begin_write().await?;
                let rows = sqlx::query(concat!("UPDATE outbox SET lease_until = $1, attempts = attempts + 1 WHERE id IN \
                    (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $2 \
                     AND (lease_until IS NULL OR lease_until < $2) AND kind <> 'notice' ORDER BY id LIMIT $3", $skip_locked, ") \
                    RETURNING id, kind, payload_sealed, attempts"))
                    .bind(now + lease_micros).bind(now).bind(limit)
                    .fetch_all(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                let mut items = rows.into_iter().map(|r| -> $crate::Result<$crate::OutboxItem> {
                    let sealed: Vec<u8> = r.try_get(2)?;
                    Ok($crate::OutboxItem { id: r.try_get(0)?, kind: r.try_get(1)?, payload: self.keys.open_string("outbox.payload", &sealed)?, attempts: r.try_get(3)? })
                }).collect::<$crate::Result<Vec<_>>>()?;
                items.sort_by_key(|i| i.id);
                Ok(items)
            }

            async fn pending_notices(&self, limit: i64) -> $crate::Result<Vec<$crate::PendingNotice>> {
                use sqlx::Row;
                // The seat the claim holds now; its branch named from memory, as tracking's.
                let rows = sqlx::query(concat!("SELECT o.id, c.id, c.claim_number, o.payload_sealed, c.email_sealed, c.phone_sealed, \
                    m.full_name_sealed, c.lang, ", $crate::sql::seat_columns!(), " \
                    FROM outbox o JOIN claims c ON c.id = o.subject JOIN members m ON m.kpj = c.kpj \
                    LEFT JOIN appointments a ON a.claim_id = c.id AND a.status = 'booked' \
                    LEFT JOIN sessions s ON s.id = a.session_id \
                    WHERE o.kind = 'notice' AND o.delivered_at IS NULL ORDER BY o.id LIMIT $1"))
                    .bind(limit).fetch_all(&self.read).await?;
                let seats = rows.iter().map(|r| $crate::sql::SeatRow::read(r, 8)).collect::<$crate::Result<Vec<_>>>()?;
                let codes: Vec<&str> = seats.iter().flatten().map(|s| s.branch_code.as_str()).collect();
                let branches = self.branches_knowing(&codes).await?;
                let named = |code: &str| {
                    branches.get(code).map(|b| (b.name.clone(), b.time_zone.clone())).ok_or_else(|| $crate::rows::corrupt("branch"))
                };
                rows.iter().zip(seats).map(|(r, seat)| Ok($crate::PendingNotice {
                    id: r.try_get(0)?,
                    claim_id: r.try_get(1)?,
                    claim_number: r.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
                    payload: self.keys.open_string("outbox.payload", &r.try_get::<Vec<u8>, _>(3)?)?,
                    email: r.try_get::<Option<Vec<u8>>, _>(4)?.map(|e| self.keys.open_string("claims.email", &e)).transpose()?,
                    phone: r.try_get::<Option<Vec<u8>>, _>(5)?.map(|p| self.keys.open_string("claims.phone", &p)).transpose()?,
                    name: self.keys.open_string("members.full_name", &r.try_get::<Vec<u8>, _>(6)?)?,
                    lang: r.try_get(7)?,
                    seat: seat.map(|s| s.named(named)).transpose()?,
                })).collect()
            }

            async fn notices_prepared(&self, notices: &[$crate::PreparedNotice]) -> $crate::Result<usize> {
                if notices.is_empty() {
                    return Ok(0);
                }
                let at = $crate::micros(jiff::Timestamp::now());
                let mut tx = self.begin_write().await?;
                // The seats as they are now, locked: a move or a release waits for this
                // transaction, so it supersedes the reminders written here.
                let mut held = std::collections::HashSet::new();
                for chunk in notices.chunks($crate::sql::CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT claim_id, session_id FROM appointments WHERE status = 'booked' AND claim_id IN (");
                    let mut sep = qb.separated(", ");
                    for n in chunk {
                        sep.push_bind(n.claim_id.clone());
                    }
                    sep.push_unseparated(")");
                    qb.push($lock_rows);
                    let rows: Vec<(String, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    held.extend(rows);
                }
                let (current, stale): (Vec<&$crate::PreparedNotice>, Vec<&$crate::PreparedNotice>) =
                    notices.iter().partition(|n| held.contains(&(n.claim_id.clone(), n.session_id.clone())));
                let messages: Vec<&$crate::OutboxMessage> = current.iter().flat_map(|n| n.messages.iter()).collect();
                Self::enqueue_all(&mut tx, &self.keys, &messages, at).await?;
                for (group, error) in [(&current, None), (&stale, Some("superseded"))] {
                    for chunk in group.chunks($crate::sql::CHUNK) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new("UPDATE outbox SET delivered_at = ");
                        qb.push_bind(at).push(", last_error = ").push_bind(error).push(" WHERE id IN (");
                        let mut sep = qb.separated(", ");
                        for n in chunk {
                            sep.push_bind(n.id);
                        }
                        sep.push_unseparated(")");
                        qb.build().execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                self.durable().await?;
                Ok(current.len())
            }

            async fn outbox_delivered(&self, id: i64, at: jiff::Timestamp) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE outbox SET delivered_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2")
                    .bind($crate::micros(at)).bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn outbox_failed(&self, id: i64, error: &str, retry_at: jiff::Timestamp) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE outbox SET next_attempt_at = $1, lease_until = NULL, last_error = $2 WHERE id = $3")
                    .bind($crate::micros(retry_at)).bind(error).bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(())
            }

            async fn append_audit(&self, e: &$crate::AuditEntry) -> $crate::Result<i64> {
                use sqlx::Row;
                let at = $crate::micros(e.at);
                let mut tx = self.begin_write().await?;
                // Updating the head first serialises appenders on its row in both engines.
                let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                    .fetch_one(&mut *tx).await?;
                let seq: i64 = head.try_get(0)?;
                let prev: Vec<u8> = head.try_get(1)?;
                let hash = $crate::rows::audit_hash(&prev, seq, at, e);
                sqlx::query("INSERT INTO audit_log (seq, at, actor_role, actor_id, action, subject, detail, prev_hash, hash) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(seq).bind(at).bind(&e.actor_role).bind(&e.actor_id).bind(&e.action).bind(&e.subject)
                    .bind(&e.detail).bind(prev).bind(hash.clone())
                    .execute(&mut *tx).await?;
                sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(hash).execute(&mut *tx).await?;
                tx.commit().await?;
                self.durable().await?;
                Ok(seq)
            }

            async fn verify_audit_chain(&self, from: $crate::AuditMark) -> $crate::Result<$crate::AuditCheck> {
                use sqlx::Row;
                if from.seq > 0 {
                    let stored: Option<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                        .bind(from.seq).fetch_optional(&self.read).await?;
                    if stored.as_deref() != Some(&from.hash[..]) {
                        return Ok($crate::AuditCheck::BrokenAt { seq: from.seq });
                    }
                }
                let mut prev = from.hash.to_vec();
                let mut expected_seq = from.seq + 1;
                // Pages of 10,000 entries, in order: memory stays flat however long the trail.
                let mut after = from.seq;
                loop {
                    let rows = sqlx::query("SELECT seq, at, actor_role, actor_id, action, subject, detail, prev_hash, hash \
                        FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 10000").bind(after).fetch_all(&self.read).await?;
                    let Some(last) = rows.last() else { break };
                    after = last.try_get(0)?;
                    for r in &rows {
                        let seq: i64 = r.try_get(0)?;
                        let entry = $crate::AuditEntry {
                            at: $crate::from_micros(r.try_get(1)?)?, actor_role: r.try_get(2)?, actor_id: r.try_get(3)?,
                            action: r.try_get(4)?, subject: r.try_get(5)?, detail: r.try_get(6)?,
                        };
                        let stored_prev: Vec<u8> = r.try_get(7)?;
                        let stored_hash: Vec<u8> = r.try_get(8)?;
                        let hash = $crate::rows::audit_hash(&prev, seq, $crate::micros(entry.at), &entry);
                        if seq != expected_seq || stored_prev != prev || stored_hash != hash {
                            return Ok($crate::AuditCheck::BrokenAt { seq });
                        }
                        prev = hash;
                        expected_seq += 1;
                    }
                }
                let hash = <[u8; 32]>::try_from(prev.as_slice()).map_err(|_| $crate::rows::corrupt("audit hash"))?;
                Ok($crate::AuditCheck::Intact { entries: expected_seq - 1, head: $crate::AuditMark { seq: expected_seq - 1, hash } })
            }

            async fn purge(&self, r: &$crate::Retention) -> $crate::Result<$crate::Purged> {
                let mut purged = $crate::Purged::default();
                // Drafts nobody has changed (no answer, no page, no new link since), and
                // collective batches never filed with no list uploaded since. The bounds are
                // Lapak's own numbers, written into the statements.
                let drafts = $crate::micros(r.drafts_before);
                let (removed, with) = self.remove_where("claims", &format!("state = 'draft' AND updated_at < {drafts} \
                    AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.claim_id = claims.id AND d.created_at >= {drafts})"),
                    &[("documents", "claim_id"), ("idempotency_keys", "claim_id"), ("claim_events", "claim_id"), ("resume_links", "claim_id")]).await?;
                (purged.drafts, purged.documents) = (removed, with[0]);
                let batches = $crate::micros(r.batches_before);
                (purged.batches, _) = self.remove_where("collective_batches", &format!("submitted_version IS NULL AND created_at < {batches} \
                    AND NOT EXISTS (SELECT 1 FROM collective_versions v WHERE v.batch_id = collective_batches.id AND v.uploaded_at >= {batches})"),
                    &[("collective_versions", "batch_id")]).await?;

                // Delivered messages' contents, walked by id from where the last run stopped:
                // up to the newest message older than the bound (later ones cannot be due; and
                // none older is still being written, so the walk never passes one unseen).
                let messages_before = $crate::micros(r.messages_before);
                let mut after: i64 = self.meta_get($crate::sql::MESSAGES_ERASED_UP_TO).await?.and_then(|v| v.parse().ok()).unwrap_or(0);
                // One read of the messages since the mark: the newest older than the bound, and
                // the first still to keep (the next run starts there).
                let (newest, kept): (Option<i64>, Option<i64>) = sqlx::query_as("SELECT \
                    MAX(CASE WHEN created_at < $2 THEN id END), \
                    MIN(CASE WHEN delivered_at IS NULL OR delivered_at >= $2 THEN id END) \
                    FROM outbox WHERE id > $1")
                    .bind(after).bind(messages_before).fetch_one(&self.read).await?;
                if let Some(newest) = newest {
                    let mark = kept.map_or(newest, |k| (k - 1).min(newest));
                    while after < newest {
                        let to = (after + $crate::sql::PURGE_BATCH).min(newest);
                        let mut tx = self.begin_write().await?;
                        purged.messages += sqlx::query("UPDATE outbox SET payload_sealed = $1 WHERE id > $2 AND id <= $3 \
                            AND delivered_at < $4 AND length(payload_sealed) > 0")
                            .bind(Vec::<u8>::new()).bind(after).bind(to).bind(messages_before)
                            .execute(&mut *tx).await?.rows_affected();
                        tx.commit().await?;
                        self.durable().await?;
                        after = to;
                    }
                    self.meta_set($crate::sql::MESSAGES_ERASED_UP_TO, &mark.to_string()).await?;
                }

                purged.idempotency_keys = self.purge_in_batches("DELETE FROM idempotency_keys WHERE key IN \
                    (SELECT key FROM idempotency_keys WHERE created_at < $1 LIMIT $2)", $crate::micros(r.idempotency_keys_before)).await?;
                purged.ticket_phones = self.purge_in_batches("UPDATE tickets SET phone_sealed = NULL WHERE id IN \
                    (SELECT id FROM tickets WHERE day < $1 AND phone_sealed IS NOT NULL LIMIT $2)", r.ticket_phones_before.to_string()).await?;
                purged.resume_links = self.purge_in_batches("DELETE FROM resume_links WHERE token_hash IN \
                    (SELECT r.token_hash FROM resume_links r JOIN claims c ON c.id = r.claim_id \
                     WHERE r.created_at < $1 AND c.state <> 'draft' LIMIT $2)", drafts).await?;
                purged.staff_sessions = self.purge_in_batches("DELETE FROM staff_sessions WHERE id_hash IN \
                    (SELECT id_hash FROM staff_sessions WHERE last_seen < $1 OR created_at < $1 LIMIT $2)", $crate::micros(r.staff_sessions_before)).await?;
                Ok(purged)
            }
        }

        impl $store {
            /// `(id, id, …)` with the ids bound.
            fn push_ids(qb: &mut sqlx::QueryBuilder<'_, $db>, ids: &[String]) {
                let mut sep = qb.separated(", ");
                sep.push_unseparated("(");
                for id in ids {
                    sep.push_bind(id.clone());
                }
                sep.push_unseparated(")");
            }

            /// Removes the rows of `table` that `condition` finds, a chunk per transaction,
            /// each row locked and checked again there (one changed meanwhile stays; on
            /// PostgreSQL one being changed right now is skipped until the next run), with
            /// the rows of `dependents` (table, column) that refer to them. Returns the rows
            /// removed from `table` and from each dependent.
            async fn remove_where(&self, table: &str, condition: &str, dependents: &[(&str, &str)]) -> $crate::Result<(u64, Vec<u64>)> {
                let ids: Vec<String> = sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE {condition}"))
                    .fetch_all(&self.read).await?;
                let mut removed = (0, vec![0; dependents.len()]);
                for chunk in ids.chunks($crate::sql::CHUNK) {
                    let mut tx = self.begin_write().await?;
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!("SELECT id FROM {table} WHERE {condition} AND id IN "));
                    Self::push_ids(&mut qb, chunk);
                    qb.push($skip_locked);
                    let ids: Vec<String> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
                    if ids.is_empty() {
                        tx.commit().await?;
                        continue;
                    }
                    for (n, (dependent, column)) in dependents.iter().enumerate() {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(format!("DELETE FROM {dependent} WHERE {column} IN "));
                        Self::push_ids(&mut qb, &ids);
                        removed.1[n] += qb.build().execute(&mut *tx).await?.rows_affected();
                    }
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!("DELETE FROM {table} WHERE id IN "));
                    Self::push_ids(&mut qb, &ids);
                    removed.0 += qb.build().execute(&mut *tx).await?.rows_affected();
                    tx.commit().await?;
                    self.durable().await?;
                }
                Ok(removed)
            }

            /// Runs `statement` (its bound `$1`, its batch size `$2`) a batch per transaction
            /// until a batch finds less than a whole one, or [`crate::sql::PURGE_PER_RUN`]
            /// rows went (a backlog goes over the next runs). Returns the rows it changed.
            async fn purge_in_batches<T>(&self, statement: &str, bound: T) -> $crate::Result<u64>
            where
                T: for<'q> sqlx::Encode<'q, $db> + sqlx::Type<$db> + Clone + Send + Sync + 'static,
            {
                let mut done = 0;
                while done < $crate::sql::PURGE_PER_RUN {
                    let mut tx = self.begin_write().await?;
                    let n = sqlx::query(statement).bind(bound.clone()).bind($crate::sql::PURGE_BATCH)
                        .execute(&mut *tx).await?.rows_affected();
                    tx.commit().await?;
                    self.durable().await?;
                    done += n;
                    if n < $crate::sql::PURGE_BATCH as u64 {
                        break;
                    }
                }
                Ok(done)
            }

            async fn insert_event(tx: &mut $crate::connections::Tx<$db>, claim_id: &str, event: &lapak_domain::lifecycle::ClaimEvent) -> $crate::Result<()> {
                sqlx::query("INSERT INTO claim_events (claim_id, at, actor_role, actor_id, action, from_state, to_state, reason) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(claim_id).bind($crate::micros(event.at)).bind($crate::rows::role_code(event.actor.role)).bind(&event.actor.id)
                    .bind($crate::rows::action_code(event.action)).bind(event.from.code()).bind(event.to.code())
                    .bind(event.reason.clone())
                    .execute(&mut **tx).await?;
                Ok(())
            }

            /// Writes many events in the caller's transaction, a few statements in all.
            async fn insert_events(tx: &mut $crate::connections::Tx<$db>, events: &[(&str, &lapak_domain::lifecycle::ClaimEvent)]) -> $crate::Result<()> {
                Self::run_all(tx, Self::event_statements(events)).await
            }

            /// The statements that write `events`, built before a transaction needs them.
            fn event_statements(events: &[(&str, &lapak_domain::lifecycle::ClaimEvent)]) -> Vec<sqlx::QueryBuilder<'static, $db>> {
                events.chunks($crate::sql::rows_per_statement(8)).map(|chunk| {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO claim_events (claim_id, at, actor_role, actor_id, action, from_state, to_state, reason) ");
                    qb.push_values(chunk, |mut b, (claim_id, e)| {
                        b.push_bind(claim_id.to_string()).push_bind($crate::micros(e.at)).push_bind($crate::rows::role_code(e.actor.role))
                            .push_bind(e.actor.id.clone()).push_bind($crate::rows::action_code(e.action)).push_bind(e.from.code())
                            .push_bind(e.to.code()).push_bind(e.reason.clone());
                    });
                    qb
                }).collect()
            }

            /// A resume link of `claim_id` made at `at`, counted as e-mailed then when `emailed`.
            async fn insert_resume_link(tx: &mut $crate::connections::Tx<$db>, token_hash: &[u8], claim_id: &str, at: i64, emailed: bool) -> $crate::Result<()> {
                sqlx::query("INSERT INTO resume_links (token_hash, claim_id, created_at, emailed_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash.to_vec()).bind(claim_id).bind(at).bind(emailed.then_some(at))
                    .execute(&mut **tx).await?;
                Ok(())
            }

            /// Writes many outbox messages in the caller's transaction (each once: the dedupe
            /// key decides).
            async fn enqueue_all(tx: &mut $crate::connections::Tx<$db>, keys: &$crate::KeyRing, messages: &[&$crate::OutboxMessage], at: i64) -> $crate::Result<()> {
                Self::run_all(tx, Self::outbox_statements(keys, messages, at)).await
            }

            /// The statements that write `messages`, sealed and bound before a transaction
            /// needs them.
            fn outbox_statements(keys: &$crate::KeyRing, messages: &[&$crate::OutboxMessage], at: i64) -> Vec<sqlx::QueryBuilder<'static, $db>> {
                messages.chunks($crate::sql::rows_per_statement(7)).map(|chunk| {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO outbox (dedupe_key, kind, payload_sealed, created_at, next_attempt_at, subject, purpose) ");
                    qb.push_values(chunk, |mut b, m| {
                        b.push_bind(m.dedupe_key.clone()).push_bind(m.kind.clone())
                            .push_bind(keys.seal_str("outbox.payload", &m.payload)).push_bind(at)
                            .push_bind(m.not_before.map_or(at, |t| $crate::micros(t).max(at)))
                            .push_bind(m.subject.clone()).push_bind(m.purpose.clone());
                    });
                    qb.push(" ON CONFLICT (dedupe_key) DO NOTHING");
                    qb
                }).collect()
            }

            /// Runs statements built beforehand, in order, in the caller's transaction.
            async fn run_all(tx: &mut $crate::connections::Tx<$db>, statements: Vec<sqlx::QueryBuilder<'static, $db>>) -> $crate::Result<()> {
                for mut qb in statements {
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Drops the reminders not yet sent for `claim_id`: its appointment moved or ended.
            async fn supersede_reminders(tx: &mut $crate::connections::Tx<$db>, claim_id: &str, at: i64) -> $crate::Result<()> {
                sqlx::query("UPDATE outbox SET delivered_at = $1, last_error = 'superseded' \
                    WHERE subject = $2 AND purpose = 'reminder' AND delivered_at IS NULL")
                    .bind(at).bind(claim_id).execute(&mut **tx).await?;
                Ok(())
            }

            /// Writes planned sessions (once: the id decides) in the caller's transaction.
            async fn insert_sessions(tx: &mut $crate::connections::Tx<$db>, sessions: &[lapak_domain::schedule::Session]) -> $crate::Result<()> {
                Self::run_all(tx, Self::session_statements(sessions)).await
            }

            /// The statements that write `sessions`, each with a new room name: unguessable,
            /// and in the order made (see `record_id`), so that a page's new rooms go to the
            /// end of the rooms' unique index rather than one to a page of it.
            fn session_statements(sessions: &[lapak_domain::schedule::Session]) -> Vec<sqlx::QueryBuilder<'static, $db>> {
                use rand::Rng;
                let now = jiff::Timestamp::now();
                sessions.chunks($crate::sql::rows_per_statement(8)).map(|chunk| {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO sessions (id, branch_code, officer, mode, starts_at, ends_at, seats, room) ");
                    qb.push_values(chunk, |mut b, s| {
                        let room = format!("lapak-{}", lapak_domain::record_id::record_id(now, rand::thread_rng().gen()));
                        b.push_bind(s.id.clone()).push_bind(s.branch.clone()).push_bind(s.officer.clone()).push_bind(s.mode.code())
                            .push_bind($crate::micros(s.starts_at)).push_bind($crate::micros(s.ends_at)).push_bind(i32::from(s.seats))
                            .push_bind(room);
                    });
                    qb.push(" ON CONFLICT (id) DO NOTHING");
                    qb
                }).collect()
            }

            /// Writes an outbox message in the caller's transaction; a message with the same
            /// dedupe key is written once.
            async fn enqueue(tx: &mut $crate::connections::Tx<$db>, keys: &$crate::KeyRing, outbox: Option<&$crate::OutboxMessage>, at: i64) -> $crate::Result<()> {
                if let Some(m) = outbox {
                    sqlx::query("INSERT INTO outbox (dedupe_key, kind, payload_sealed, created_at, next_attempt_at, subject, purpose) \
                        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING")
                        .bind(&m.dedupe_key).bind(&m.kind).bind(keys.seal_str("outbox.payload", &m.payload)).bind(at)
                        .bind(m.not_before.map_or(at, |t| $crate::micros(t).max(at))).bind(&m.subject).bind(&m.purpose)
                        .execute(&mut **tx).await?;
                }
                Ok(())
            }

            fn claim_row(&self, r: &<$db as sqlx::Database>::Row, base: usize) -> $crate::Result<$crate::ClaimRecord> {
                use sqlx::Row;
                let sealed: Option<Vec<u8>> = r.try_get(base + 5)?;
                let application = match sealed {
                    Some(v) => serde_json::from_str(&self.keys.open_string("claims.application", &v)?).map_err(|_| $crate::rows::corrupt("application"))?,
                    None => Default::default(),
                };
                let number: Option<String> = r.try_get(base + 1)?;
                let state: String = r.try_get(base + 3)?;
                let submitted: Option<i64> = r.try_get(base + 7)?;
                Ok($crate::ClaimRecord {
                    id: r.try_get(base + 0)?,
                    number: number.map(|n| lapak_domain::claim_number::ClaimNumber::parse(&n)).transpose().map_err(|_| $crate::rows::corrupt("claim number"))?,
                    kpj: lapak_domain::Kpj::parse(&r.try_get::<String, _>(base + 2)?).map_err(|_| $crate::rows::corrupt("kpj"))?,
                    lifecycle: lapak_domain::lifecycle::Lifecycle {
                        state: lapak_domain::lifecycle::ClaimState::parse(&state).ok_or_else(|| $crate::rows::corrupt("state"))?,
                        verified_by: r.try_get(base + 4)?,
                    },
                    application,
                    created_at: $crate::from_micros(r.try_get(base + 6)?)?,
                    submitted_at: submitted.map($crate::from_micros).transpose()?,
                    version: r.try_get(base + 8)?,
                    requested_documents: $crate::sql::kinds(&r.try_get::<String, _>(base + 9)?),
                    documents_due: r.try_get::<Option<i64>, _>(base + 10)?.map($crate::from_micros).transpose()?,
                    lang: r.try_get(base + 11)?,
                })
            }

            fn staff_row(&self, r: &<$db as sqlx::Database>::Row, base: usize) -> $crate::Result<$crate::StaffRecord> {
                use sqlx::Row;
                let role: String = r.try_get(base + 3)?;
                let sealed: Option<Vec<u8>> = r.try_get(base + 6)?;
                let recovery: String = r.try_get(base + 9)?;
                let failed: i64 = r.try_get::<i64, _>(base + 10)?;
                let locked: Option<i64> = r.try_get(base + 11)?;
                Ok($crate::StaffRecord {
                    id: r.try_get(base)?,
                    username: r.try_get(base + 1)?,
                    display_name: r.try_get(base + 2)?,
                    role: lapak_domain::staff::StaffRole::parse(&role).ok_or_else(|| $crate::rows::corrupt("staff role"))?,
                    branch: r.try_get(base + 4)?,
                    password_hash: r.try_get(base + 5)?,
                    totp_secret: sealed.map(|s| self.keys.open("staff.totp_secret", &s)).transpose()?,
                    totp_enabled: r.try_get(base + 7)?,
                    totp_last_step: r.try_get(base + 8)?,
                    recovery_hashes: recovery.split(',').filter(|h| !h.is_empty()).map(String::from).collect(),
                    failed_logins: failed,
                    locked_until: locked.map($crate::from_micros).transpose()?,
                    disabled: r.try_get(base + 12)?,
                })
            }

            fn ticket_row(r: &<$db as sqlx::Database>::Row, with_ahead: bool) -> $crate::Result<$crate::TicketRecord> {
                use sqlx::Row;
                let status: String = r.try_get(4)?;
                Ok($crate::TicketRecord {
                    id: r.try_get(0)?,
                    branch_code: r.try_get(1)?,
                    day: $crate::rows::date(&r.try_get::<String, _>(2)?)?,
                    number: r.try_get(3)?,
                    status: lapak_domain::queue::TicketStatus::parse(&status).ok_or_else(|| $crate::rows::corrupt("ticket status"))?,
                    created_at: $crate::from_micros(r.try_get(5)?)?,
                    ahead: if with_ahead { u32::try_from(r.try_get::<i64, _>(6)?).unwrap_or(0) } else { 0 },
                })
            }

            /// The appointment columns from `base` on, the branch's name and zone read from the
            /// row; `None` when the (outer-joined) row has none.
            fn appointment_row(r: &<$db as sqlx::Database>::Row, base: usize) -> $crate::Result<Option<$crate::AppointmentRecord>> {
                use sqlx::Row;
                let named = |_: &str| Ok((r.try_get(base + 2)?, r.try_get(base + 3)?));
                $crate::sql::SeatRow::read(r, base)?.map(|seat| seat.named(named)).transpose()
            }

            /// The branches' names and zones from memory, knowing `codes` (see `branch_names`).
            async fn branches_knowing(&self, codes: &[&str]) -> $crate::Result<std::sync::Arc<$crate::branch_names::Snapshot>> {
                self.branch_names.knowing(codes, || async {
                    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT code, name, time_zone FROM branches")
                        .fetch_all(&self.read).await?;
                    Ok(rows)
                }).await
            }

            fn document_row(r: &<$db as sqlx::Database>::Row, base: usize) -> $crate::Result<$crate::DocumentMeta> {
                use sqlx::Row;
                let kind: String = r.try_get(base + 2)?;
                Ok($crate::DocumentMeta {
                    id: r.try_get(base + 0)?,
                    claim_id: r.try_get(base + 1)?,
                    kind: lapak_domain::documents::DocumentKind::parse(&kind).ok_or_else(|| $crate::rows::corrupt("document kind"))?,
                    object_key: r.try_get(base + 3)?,
                    content_type: r.try_get(base + 4)?,
                    size_bytes: r.try_get(base + 5)?,
                    sha256: r.try_get(base + 6)?,
                    created_at: $crate::from_micros(r.try_get(base + 7)?)?,
                })
            }

            fn member_row(r: &<$db as sqlx::Database>::Row, base: usize) -> $crate::Result<$crate::rows::MemberRow> {
                use sqlx::Row;
                Ok($crate::rows::MemberRow {
                    kpj: r.try_get(base + 0)?, nik_index: r.try_get(base + 1)?, nik_sealed: r.try_get(base + 2)?, full_name_sealed: r.try_get(base + 3)?,
                    birth_date: r.try_get(base + 4)?, sex: r.try_get(base + 5)?, mother_name_sealed: r.try_get(base + 6)?, npp: r.try_get(base + 7)?,
                    membership_start: r.try_get(base + 8)?, stopped_working_on: r.try_get(base + 9)?, jht_balance: r.try_get(base + 10)?,
                    email_sealed: r.try_get(base + 11)?, phone_sealed: r.try_get(base + 12)?, fingerprint: r.try_get(base + 13)?,
                })
            }
        }
    };
}

pub(crate) use impl_store;
