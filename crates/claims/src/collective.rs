//! The collective channel as a service: a company's representative is appointed and
//! confirmed, checks the company's entitlement, uploads the worker list (each upload kept
//! as a version with its row-by-row report), files one claim per valid worker, and attends
//! one collective session; the officer decides the batch at once with exceptions; every
//! worker can see, object to, or take over their own claim.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use lapak_domain::application::Application;
use lapak_domain::cause::ClaimCause;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::collective::{
    check_registered, check_rows, entitlement, CellError, CollectiveRules, Entitlement, RegisteredWorker, Worker,
};
use lapak_domain::eligibility::MemberFacts;
use lapak_domain::lifecycle::{Action, Actor, ClaimState, Role};
use lapak_domain::member::Company;
use lapak_domain::schedule::{self, Mode};
use lapak_domain::upload::inspect;
use lapak_domain::{Email, MobileNumber, Npp};
use lapak_storage::{
    BatchClaim, BatchRecord, BatchSubmission, BatchVersion, BatchWorker, NewRepresentative, OutboxMessage, StorageError,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::worker_list;
use crate::{new_id, new_record_id, today, token_hash, ClaimError, ClaimService, EmailMessage, Result, TextMessage};

/// The channel's settings.
#[derive(Debug, Clone, Copy)]
pub struct CollectiveSettings {
    pub rules: CollectiveRules,
    /// Rows a worker list may have (refused beyond it, before the rest is read).
    pub max_rows: usize,
    /// Bytes a worker list may have.
    pub max_list_bytes: usize,
}

impl Default for CollectiveSettings {
    fn default() -> Self {
        CollectiveSettings { rules: CollectiveRules::default(), max_rows: 60_000, max_list_bytes: 32 << 20 }
    }
}

/// Days ahead searched for a collective session.
const SESSION_DAYS: i64 = 30;

/// A company's request to appoint a representative, as typed.
#[derive(Debug, Clone, Default)]
pub struct RepresentativeInput {
    pub npp: String,
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// An upload's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub version: i64,
    pub rows_total: usize,
    pub rows_valid: usize,
    pub problems: Vec<StoredProblem>,
}

/// A problem as kept with a version (owned strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProblem {
    pub line: usize,
    pub column: String,
    pub code: String,
}

/// A valid row as kept (sealed) with its version, ready to be filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidWorker {
    pub line: usize,
    pub kpj: String,
    pub name: String,
    pub layoff_date: jiff::civil::Date,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub gross: i64,
    pub tax: i64,
}

/// A worker's decision in a collective session: the batch decision applies to everyone
/// not listed as an exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exception {
    /// The documents the worker must still send.
    NeedsDocuments(Vec<lapak_domain::documents::DocumentKind>),
    Rejected,
}

/// What a batch decision did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub verified: usize,
    pub needs_documents: usize,
    pub rejected: usize,
}

fn problem(e: &CellError) -> StoredProblem {
    StoredProblem { line: e.line, column: e.column.to_string(), code: e.code.to_string() }
}

impl ClaimService {
    pub fn collective(&self) -> &CollectiveSettings {
        &self.collective
    }

    pub fn with_collective(mut self, settings: CollectiveSettings) -> ClaimService {
        self.collective = settings;
        self
    }

    /// A company appoints a representative: the power of attorney and the representative's
    /// signed statement (PDF or image, recognised by content), kept encrypted until branch
    /// staff confirm them. `password_hash` is the Argon2id hash of the password the
    /// representative chose; `None` when the caller refused the password: everything else is
    /// still checked (every problem is reported at once) and nothing is kept.
    pub async fn request_representative(
        &self,
        input: &RepresentativeInput,
        password_hash: Option<String>,
        attorney: &[u8],
        statement: &[u8],
        client: std::net::IpAddr,
    ) -> Result<String> {
        if !self.limiter.appointment(client) {
            return Err(ClaimError::RateLimited);
        }
        let mut errors = Vec::new();
        let npp = Npp::parse(&input.npp)
            .map_err(|_| errors.push(crate::FieldError { field: "npp", code: "npp-format" }))
            .ok();
        let name = lapak_domain::member::Name::parse(&input.name)
            .map_err(|e| errors.push(crate::FieldError { field: "name", code: crate::name_code(&e) }))
            .ok();
        let email = Email::parse(&input.email.to_lowercase())
            .map_err(|_| errors.push(crate::FieldError { field: "email", code: "email-invalid" }))
            .ok();
        let phone = (!input.phone.trim().is_empty())
            .then(|| {
                MobileNumber::parse(&input.phone)
                    .map_err(|_| errors.push(crate::FieldError { field: "phone", code: "phone-invalid" }))
                    .ok()
            })
            .flatten();
        let mut letters = Vec::new();
        for (field, bytes) in [("attorney", attorney), ("statement", statement)] {
            // No file chosen: say which document is missing, not that "the file" is empty.
            if bytes.is_empty() {
                errors.push(crate::FieldError {
                    field,
                    code: if field == "attorney" { "attorney-required" } else { "statement-required" },
                });
            } else {
                match inspect(bytes, self.max_upload_bytes) {
                    Ok(kind) => letters.push((field, bytes, kind)),
                    Err(e) => errors.push(crate::FieldError { field, code: crate::upload_code(&e) }),
                }
            }
        }
        let company = match &npp {
            Some(n) => self.store.company(n).await?,
            None => None,
        };
        if npp.is_some() && company.is_none() {
            errors.push(crate::FieldError { field: "npp", code: "npp-unknown" });
        }
        let (Some(npp), Some(name), Some(email), Some(password_hash), true) =
            (npp, name, email, password_hash, errors.is_empty())
        else {
            return Err(ClaimError::Fields(errors));
        };
        if self.store.staff_by_username(email.as_str()).await?.is_some() {
            return Err(ClaimError::field("email", "representative-email-taken"));
        }
        // Sent again (a double click while the letters upload, a reload that posts the form
        // again): the request already waiting for this company is the one made.
        let waiting = || async {
            match self.store.pending_representative(email.as_str()).await? {
                Some(w) if w.npp == npp.as_str() => Ok(Some(w.id)),
                Some(_) => Err(ClaimError::field("email", "representative-email-taken")),
                None => Ok(None),
            }
        };
        if let Some(id) = waiting().await? {
            return Ok(id);
        }
        let id = new_id();
        let attorney_key = format!("kuasa/{id}/attorney");
        let statement_key = format!("kuasa/{id}/statement");
        // A photographed letter is kept as Lapak writes it anew, a PDF only without active
        // content ([`crate::kept_form`]); both are read before either is stored.
        let mut kept = Vec::new();
        for (field, bytes, kind) in letters {
            let written =
                crate::kept_form(bytes, kind).await.map_err(|e| ClaimError::field(field, crate::upload_code(&e)))?;
            kept.push((if field == "attorney" { &attorney_key } else { &statement_key }, written));
        }
        for (key, bytes) in kept {
            self.documents.put(key, &bytes).await?;
        }
        self.documents.sync(&[attorney_key.clone(), statement_key.clone()]).await?;
        let request = NewRepresentative {
            id: id.clone(),
            npp: npp.clone(),
            name: name.as_str().to_string(),
            email: email.as_str().to_string(),
            phone: phone.map(|p| p.as_str().to_string()),
            username: email.as_str().to_string(),
            password_hash,
            attorney_key,
            statement_key,
        };
        if let Err(e) = self.store.create_representative(&request).await {
            // Both copies at once: one request may wait per address (the database says so).
            let _ = self.documents.delete(&request.attorney_key).await;
            let _ = self.documents.delete(&request.statement_key).await;
            return waiting().await?.ok_or_else(|| e.into());
        }
        Ok(id)
    }

    /// Branch staff decide a request from the documents: confirmed, the representative's
    /// account exists (with the password they chose; the second factor is enrolled at the
    /// first sign-in) and an e-mail says so; refused, an e-mail says that too.
    pub async fn decide_representative(&self, id: &str, decided_by: &str, confirm: bool, lang: &str) -> Result<()> {
        let r = self.store.representative(id).await?.ok_or(ClaimError::NotFound)?;
        if r.status != "pending" {
            return Err(ClaimError::NotEditable);
        }
        let account = confirm.then(|| lapak_storage::NewStaff {
            id: new_id(),
            username: r.username.clone(),
            display_name: r.name.clone(),
            role: lapak_domain::staff::StaffRole::Representative,
            branch: Some(r.branch_code.clone()),
            password_hash: r.password_hash.clone(),
        });
        let template = if confirm { "representative-confirmed" } else { "representative-refused" };
        let message = OutboxMessage {
            dedupe_key: format!("{template}:{id}"),
            kind: "email".into(),
            payload: serde_json::to_string(&EmailMessage {
                to: r.email.clone(),
                template: template.into(),
                lang: lang.into(),
                name: r.name.clone(),
                resume_token: None,
                claim_number: None,
                appointment: None,
                company: Some(r.company.clone()),
            })
            .expect("serialisable"),
            ..Default::default()
        };
        match self.store.decide_representative(id, decided_by, account.as_ref(), Some(&message)).await {
            Err(StorageError::Conflict(_)) => Err(ClaimError::NotEditable),
            other => Ok(other?),
        }
    }

    /// Whether the company may use the channel for `this_batch` workers, with the numbers.
    pub async fn entitlement(&self, npp: &Npp, batch_id: &str, this_batch: u32) -> Result<(Company, Entitlement)> {
        let company = self.store.company(npp).await?.ok_or(ClaimError::NotFound)?;
        let rules = self.collective.rules;
        let since = Timestamp::now() - jiff::SignedDuration::from_hours(24 * i64::from(rules.window_days));
        let earlier = self.store.collective_laid_off_since(npp, since, batch_id).await?;
        let e = entitlement(&rules, company.scale, company.workforce, this_batch, earlier);
        Ok((company, e))
    }

    /// Reads, checks and keeps an upload of the worker list as the batch's next version.
    pub async fn upload_worker_list(&self, batch: &BatchRecord, file_name: &str, bytes: &[u8]) -> Result<Checked> {
        if batch.submitted_version.is_some() {
            return Err(ClaimError::NotEditable);
        }
        if bytes.len() > self.collective.max_list_bytes {
            return Err(ClaimError::field("list", "list-too-large"));
        }
        let max_rows = self.collective.max_rows;
        let owned = bytes.to_vec();
        let list = tokio_blocking(move || worker_list::read(&owned, max_rows)).await.map_err(ClaimError::List)?;
        let npp = Npp::parse(&batch.npp).map_err(|_| ClaimError::NotFound)?;
        let rows_total = list.rows.len();
        let (problems, valid) = self.check_list(&npp, list).await?;
        let version = BatchVersion {
            batch_id: batch.id.clone(),
            version: 0,
            file_name: file_name.chars().filter(|c| !c.is_control()).take(200).collect(),
            uploaded_at: Timestamp::now(),
            rows_total: rows_total as i64,
            rows_valid: valid.len() as i64,
            problems: serde_json::to_string(&problems).expect("serialisable"),
            workers: serde_json::to_string(&valid).expect("serialisable"),
        };
        let number = self.store.add_batch_version(&version).await?;
        Ok(Checked { version: number, rows_total, rows_valid: valid.len(), problems })
    }

    /// Every check of every row: cells, duplicates, then the registry (identity, company,
    /// open claims, the waiting period). Returns the problems, and the valid rows with their
    /// benefit.
    pub async fn check_list(
        &self,
        npp: &Npp,
        list: worker_list::WorkerList,
    ) -> Result<(Vec<StoredProblem>, Vec<ValidWorker>)> {
        let today = today();
        let (workers, cell_errors) = check_rows(&list.rows, today);
        let mut problems: Vec<StoredProblem> = list.problems.iter().chain(cell_errors.iter()).map(problem).collect();
        let kpjs: Vec<lapak_domain::Kpj> = workers.iter().map(|w| w.kpj.clone()).collect();
        let registered: HashMap<String, RegisteredWorker> = self
            .store
            .members_with_open_claims(&kpjs)
            .await?
            .into_iter()
            .map(|(m, open)| {
                let facts = MemberFacts {
                    birth_date: m.birth_date,
                    membership_start: m.membership_start,
                    stopped_working_on: m.stopped_working_on,
                    jht_balance: m.jht_balance,
                };
                let r = RegisteredWorker {
                    nik: m.nik,
                    name: m.full_name,
                    birth_date: m.birth_date,
                    npp: m.npp,
                    facts,
                    open_claim: open,
                };
                (m.kpj.as_str().to_string(), r)
            })
            .collect();
        let flagged: std::collections::HashSet<usize> = list.problems.iter().map(|p| p.line).collect();
        let mut valid = Vec::with_capacity(workers.len());
        for w in &workers {
            match check_registered(w, registered.get(w.kpj.as_str()), npp, &self.rules, today) {
                Ok(_) if flagged.contains(&w.line) => {}
                Ok(benefit) => valid.push(valid_worker(w, benefit)),
                Err(errors) => problems.extend(errors.iter().map(problem)),
            }
        }
        problems.sort_by_key(|p| p.line);
        Ok((problems, valid))
    }

    /// Keeps the mass termination letter (PDF) with the batch.
    pub async fn upload_letter(&self, batch: &BatchRecord, bytes: &[u8]) -> Result<()> {
        if batch.submitted_version.is_some() {
            return Err(ClaimError::NotEditable);
        }
        let kind =
            inspect(bytes, self.max_upload_bytes).map_err(|e| ClaimError::field("letter", crate::upload_code(&e)))?;
        if kind.content_type() != "application/pdf" {
            return Err(ClaimError::field("letter", "letter-pdf"));
        }
        let kept =
            crate::kept_form(bytes, kind).await.map_err(|e| ClaimError::field("letter", crate::upload_code(&e)))?;
        let key = format!("kolektif/{}/letter-{}", batch.id, new_id());
        self.documents.put(&key, &kept).await?;
        self.documents.sync(std::slice::from_ref(&key)).await?;
        self.store.set_batch_letter(&batch.id, &key).await?;
        Ok(())
    }

    /// Files the valid rows of `version`: one claim per worker, channel collective, all in
    /// one transaction; filing the same version again changes nothing. Each worker gets a
    /// message with their claim number, their tracking link and a link of their own to
    /// object or to file on their own instead. Then the batch gets its collective session.
    pub async fn submit_batch(
        &self,
        batch: &BatchRecord,
        version: i64,
        representative: &str,
        lang: &str,
    ) -> Result<usize> {
        if batch.submitted_version == Some(version) {
            return Ok(batch.workers as usize);
        }
        if batch.submitted_version.is_some() {
            return Err(ClaimError::NotEditable);
        }
        if batch.letter_key.is_none() {
            return Err(ClaimError::field("letter", "letter-required"));
        }
        let stored = self.store.batch_version(&batch.id, version).await?.ok_or(ClaimError::NotFound)?;
        let workers: Vec<ValidWorker> =
            serde_json::from_str(&stored.workers).map_err(|_| ClaimError::Storage(StorageError::NotFound))?;
        if workers.is_empty() {
            return Err(ClaimError::field("list", "list-no-valid-rows"));
        }
        let npp = Npp::parse(&batch.npp).map_err(|_| ClaimError::NotFound)?;
        let (company, e) = self.entitlement(&npp, &batch.id, workers.len() as u32).await?;
        if !e.allowed() {
            return Err(ClaimError::field("list", "collective-not-entitled"));
        }
        // The registry may have changed since the upload (a worker filed on their own).
        let kpjs: Vec<lapak_domain::Kpj> =
            workers.iter().filter_map(|w| lapak_domain::Kpj::parse(&w.kpj).ok()).collect();
        let open: std::collections::HashSet<String> = self
            .store
            .members_with_open_claims(&kpjs)
            .await?
            .into_iter()
            .filter(|(_, open)| *open)
            .map(|(m, _)| m.kpj.as_str().to_string())
            .collect();
        if !open.is_empty() {
            return Err(ClaimError::field("list", "collective-recheck"));
        }
        let actor = Actor::new(Role::CompanyRepresentative, representative);
        let now = Timestamp::now();
        let event = lapak_domain::lifecycle::Lifecycle::default()
            .check(Action::Submit, &actor, now, None)
            .map_err(|_| ClaimError::NotEditable)?;
        for _ in 0..5 {
            let mut claims = Vec::with_capacity(workers.len());
            for w in &workers {
                claims.push(self.batch_claim(w, &company, &event, lang)?);
            }
            let submission =
                BatchSubmission { batch_id: batch.id.clone(), version, at: now, claims, lang: lang.into() };
            match self.store.submit_batch(&submission).await {
                Ok(_) => {
                    let filed = self.store.batch(&batch.id).await?.ok_or(ClaimError::NotFound)?;
                    if let Err(e) = self.schedule_batch(&filed).await {
                        // The claims are filed; the scheduler's next round seats the batch.
                        tracing::warn!(error = %e, "collective session not booked yet");
                    }
                    return Ok(workers.len());
                }
                // A claim number collided (or a worker filed meanwhile, caught above).
                Err(StorageError::Conflict(reason)) if reason.contains("claim number") => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ClaimError::Storage(StorageError::Conflict("no free claim numbers".into())))
    }

    fn batch_claim(
        &self,
        w: &ValidWorker,
        company: &Company,
        event: &lapak_domain::lifecycle::ClaimEvent,
        lang: &str,
    ) -> Result<BatchClaim> {
        let invalid = || ClaimError::Storage(StorageError::NotFound);
        let kpj = lapak_domain::Kpj::parse(&w.kpj).map_err(|_| invalid())?;
        let account = lapak_domain::BankAccount::parse(&w.bank_code, &w.account_number).map_err(|_| invalid())?;
        let email = w.email.as_deref().and_then(|e| Email::parse(e).ok());
        let mobile = w.mobile.as_deref().and_then(|m| MobileNumber::parse(m).ok());
        let application = Application {
            cause: Some(ClaimCause::Layoff),
            last_working_day: Some(w.layoff_date),
            bank_account: Some(account),
            account_holder: lapak_domain::member::Name::parse(&w.account_holder).ok(),
            email: email.clone(),
            whatsapp: mobile.clone(),
            npwp: None,
            branch: Some(company.branch_code.clone()),
            service: Some(Mode::Collective),
            anywhere: false,
        };
        let number = ClaimNumber::from_random(rand::thread_rng().next_u64());
        let claim_id = new_record_id();
        let token = new_id() + &new_id();
        let mut outbox = Vec::new();
        if let Some(email) = &email {
            outbox.push(OutboxMessage {
                dedupe_key: format!("collective-filed:{claim_id}"),
                kind: "email".into(),
                payload: serde_json::to_string(&EmailMessage {
                    to: email.as_str().into(),
                    template: "collective-filed".into(),
                    lang: lang.into(),
                    name: w.name.clone(),
                    resume_token: Some(token.clone()),
                    claim_number: Some(number.as_str().into()),
                    appointment: None,
                    company: Some(company.name.as_str().into()),
                })
                .expect("serialisable"),
                ..Default::default()
            });
        }
        if let Some(mobile) = &mobile {
            outbox.push(OutboxMessage {
                dedupe_key: format!("collective-filed-sms:{claim_id}"),
                kind: "sms".into(),
                payload: serde_json::to_string(&TextMessage {
                    to: mobile.as_str().into(),
                    template: "collective-filed".into(),
                    lang: lang.into(),
                    claim_number: number.as_str().into(),
                    appointment: None,
                    place: Some(company.name.as_str().into()),
                    link: Some(format!("/kolektif/klaim/{token}")),
                })
                .expect("serialisable"),
                ..Default::default()
            });
        }
        Ok(BatchClaim {
            claim_id,
            kpj,
            number,
            application,
            benefit: lapak_domain::tax::Benefit {
                gross: lapak_domain::Rupiah::new(w.gross).map_err(|_| invalid())?,
                tax: lapak_domain::Rupiah::new(w.tax).map_err(|_| invalid())?,
                net: lapak_domain::Rupiah::new(w.gross - w.tax).map_err(|_| invalid())?,
                npwp_required: false,
            },
            worker_token_hash: token_hash(&token),
            event: event.clone(),
            outbox,
        })
    }

    /// Seats a filed batch in its collective session (see [`seat_batch`]).
    pub async fn schedule_batch(
        &self,
        batch: &BatchRecord,
    ) -> Result<Option<(lapak_domain::schedule::Session, String)>> {
        Ok(seat_batch(self.store.as_ref(), batch).await?)
    }

    /// The officer's decision for a whole batch in its collective session: every scheduled
    /// worker verified, except those listed (documents asked for, or rejected, each with
    /// the reason).
    pub async fn decide_batch(
        &self,
        batch: &BatchRecord,
        officer: &Actor,
        exceptions: &HashMap<String, (Exception, String)>,
    ) -> Result<BatchOutcome> {
        let mut outcome = BatchOutcome::default();
        for w in self.store.batch_workers(&batch.id).await? {
            if w.state != ClaimState::Scheduled {
                continue;
            }
            let (action, reason) = match exceptions.get(&w.claim_id) {
                Some((Exception::NeedsDocuments(_), reason)) => (Action::RequestDocuments, Some(reason.as_str())),
                Some((Exception::Rejected, reason)) => (Action::Reject, Some(reason.as_str())),
                None => (Action::Verify, None),
            };
            let kinds = match exceptions.get(&w.claim_id) {
                Some((Exception::NeedsDocuments(kinds), _)) => kinds.clone(),
                _ => Vec::new(),
            };
            let lc = lapak_domain::lifecycle::Lifecycle { state: w.state, verified_by: w.verified_by.clone() };
            let event = lc.check(action, officer, Timestamp::now(), reason).map_err(|_| ClaimError::NotEditable)?;
            if action == Action::RequestDocuments {
                self.request_documents(&w.claim_id, &event, &kinds).await?;
            } else {
                self.store.record_claim_event(&w.claim_id, &event, None).await?;
            }
            match action {
                Action::Verify => outcome.verified += 1,
                Action::RequestDocuments => outcome.needs_documents += 1,
                _ => outcome.rejected += 1,
            }
        }
        Ok(outcome)
    }

    /// Workers' documents as one ZIP with a folder per NIK (see [`crate::document_zip`]):
    /// each file recognised by content and attached to that worker's claim in this batch.
    /// Returns how many were attached and what was left out, and why.
    pub async fn attach_documents(
        &self,
        batch: &BatchRecord,
        bytes: &[u8],
    ) -> Result<(usize, Vec<crate::document_zip::ZipProblem>)> {
        use crate::document_zip::{self, ZipLimits, ZipProblem};
        if batch.submitted_version.is_none() {
            return Err(ClaimError::field("documents", "zip-before-filing"));
        }
        let limits = ZipLimits { max_file: self.max_upload_bytes as u64, ..ZipLimits::default() };
        let owned = bytes.to_vec();
        let (documents, mut problems) = tokio_blocking(move || document_zip::read(&owned, limits))
            .await
            .map_err(|e| ClaimError::field("documents", e.code()))?;
        let workers = self.store.batch_workers(&batch.id).await?;
        let kpjs: Vec<lapak_domain::Kpj> = workers.iter().map(|w| w.kpj.clone()).collect();
        let by_kpj: HashMap<String, &BatchWorker> = workers.iter().map(|w| (w.kpj.as_str().to_string(), w)).collect();
        let mut by_nik: HashMap<String, &BatchWorker> = HashMap::new();
        for (member, _) in self.store.members_with_open_claims(&kpjs).await? {
            if let Some(w) = by_kpj.get(member.kpj.as_str()) {
                by_nik.insert(member.nik.as_str().to_string(), w);
            }
        }
        let mut attached = Vec::new();
        for doc in documents {
            let worker = match by_nik.get(&doc.nik) {
                Some(w)
                    if matches!(
                        w.state,
                        ClaimState::Submitted | ClaimState::Scheduled | ClaimState::NeedsDocuments
                    ) =>
                {
                    w
                }
                Some(_) => {
                    problems
                        .push(ZipProblem { entry: format!("{}/{}", doc.nik, doc.kind.code()), code: "not-editable" });
                    continue;
                }
                None => {
                    problems.push(ZipProblem { entry: doc.nik.clone(), code: "zip-nik-unknown" });
                    continue;
                }
            };
            // Kept as a participant's own upload is: a PDF without active content, a picture
            // written anew ([`crate::kept_form`]). The hash is of what was sent, so that the
            // same archive sent again attaches nothing twice.
            let kept = match crate::kept_form(&doc.bytes, doc.file).await {
                Ok(kept) => kept,
                Err(e) => {
                    problems.push(ZipProblem {
                        entry: format!("{}/{}", doc.nik, doc.kind.code()),
                        code: crate::upload_code(&e),
                    });
                    continue;
                }
            };
            let id = new_record_id();
            let meta = lapak_storage::DocumentMeta {
                object_key: format!("claims/{}/{id}.{}", worker.claim_id, doc.file.extension()),
                id,
                claim_id: worker.claim_id.clone(),
                kind: doc.kind,
                content_type: doc.file.content_type().into(),
                size_bytes: kept.len() as i64,
                sha256: sha2::Sha256::digest(&doc.bytes).to_vec(),
                created_at: Timestamp::now(),
            };
            self.documents.put(&meta.object_key, &kept).await?;
            attached.push(meta);
        }
        // The files are on disk before the rows that point at them.
        let keys: Vec<String> = attached.iter().map(|m| m.object_key.clone()).collect();
        self.documents.sync(&keys).await?;
        let added = self.store.add_batch_documents(&batch.id, &attached).await?;
        // Pages a claim has already, or could no longer take: their copies are not kept.
        for meta in attached.iter().filter(|m| !added.contains(&m.id)) {
            let _ = self.documents.delete(&meta.object_key).await;
        }
        Ok((added.len(), problems))
    }

    /// What each worker of a filed batch has sent: claim id → document kinds.
    pub async fn batch_documents(
        &self,
        batch_id: &str,
    ) -> Result<HashMap<String, Vec<(String, lapak_domain::documents::DocumentKind)>>> {
        let mut out: HashMap<String, Vec<(String, lapak_domain::documents::DocumentKind)>> = HashMap::new();
        for (claim, id, kind) in self.store.batch_documents(batch_id).await? {
            out.entry(claim).or_default().push((id, kind));
        }
        Ok(out)
    }

    pub async fn batch_workers(&self, batch_id: &str) -> Result<Vec<BatchWorker>> {
        Ok(self.store.batch_workers(batch_id).await?)
    }

    /// The claim a worker's own link opens.
    pub async fn worker_claim(&self, token: &str) -> Result<lapak_storage::ClaimRecord> {
        self.store.claim_by_worker_token(&token_hash(token)).await?.ok_or(ClaimError::NotFound)
    }

    /// The worker objects to the claim filed on their behalf, or takes it over to file on
    /// their own: either way the collective claim is cancelled, with the reason.
    pub async fn withdraw_from_batch(&self, token: &str, take_over: bool) -> Result<()> {
        let claim = self.worker_claim(token).await?;
        let reason = if take_over { "worker-files-individually" } else { "worker-objects" };
        let event = claim
            .lifecycle
            .check(Action::Cancel, &Actor::new(Role::Participant, claim.kpj.as_str()), Timestamp::now(), Some(reason))
            .map_err(|_| ClaimError::NotEditable)?;
        self.store.record_claim_event(&claim.id, &event, None).await?;
        Ok(())
    }
}

/// Seats a filed batch in the earliest collective session with a free seat at the
/// company's branch, from the next working day on; its claims become Scheduled.
pub async fn seat_batch(
    store: &dyn lapak_storage::Store,
    batch: &BatchRecord,
) -> std::result::Result<Option<(lapak_domain::schedule::Session, String)>, StorageError> {
    if batch.session_id.is_some() || batch.submitted_version.is_none() {
        return Ok(None);
    }
    let npp = Npp::parse(&batch.npp).map_err(|_| StorageError::NotFound)?;
    let company = store.company(&npp).await?.ok_or(StorageError::NotFound)?;
    let branch = company.branch_code.as_str();
    let Some(capacity) = store.capacity(branch).await? else { return Ok(None) };
    let tz = TimeZone::get(&capacity.time_zone).map_err(|_| StorageError::NotFound)?;
    for _ in 0..5 {
        let now = Timestamp::now();
        let not_before = schedule::next_day_start(now, &tz);
        let mut taken: HashMap<String, Vec<u8>> = HashMap::new();
        for (session, seat) in
            store.booked_seats(now, Some(branch)).await?.into_iter().chain(store.booked_batch_seats(now, branch).await?)
        {
            taken.entry(session).or_default().push(seat);
        }
        let day0 = now.to_zoned(tz.clone()).date();
        let mut found = None;
        'days: for offset in 0..=SESSION_DAYS {
            let Ok(day) = day0.checked_add(offset.days()) else { break };
            for s in capacity.sessions(day, schedule::national_holiday) {
                if s.mode != Mode::Collective || s.starts_at < not_before {
                    continue;
                }
                let held = taken.get(&s.id).map_or(&[][..], |v| v.as_slice());
                if let Some(seat) = (1..=s.seats).find(|n| !held.contains(n)) {
                    found = Some((s, seat));
                    break 'days;
                }
            }
        }
        let Some((session, seat)) = found else { return Ok(None) };
        let workers = store.batch_workers(&batch.id).await?;
        let events: Vec<(String, lapak_domain::lifecycle::ClaimEvent)> = workers
            .iter()
            .filter(|w| w.state == ClaimState::Submitted)
            .filter_map(|w| {
                let lc = lapak_domain::lifecycle::Lifecycle { state: w.state, verified_by: None };
                lc.check(Action::Schedule, &Actor::system(), now, None).ok().map(|e| (w.claim_id.clone(), e))
            })
            .collect();
        // The representative is told when and where, with a calendar invitation, in the
        // language they filed the batch in.
        let message = match store.representative_by_staff(&batch.created_by).await? {
            Some(r) => {
                let place = store.branch(branch).await?.map(|b| b.name.as_str().to_string()).unwrap_or_default();
                let (note, _) =
                    crate::AppointmentNote::for_seat(&batch.id, &session, capacity.time_zone.clone(), place);
                Some(OutboxMessage {
                    dedupe_key: format!("collective-session:{}:{}", batch.id, session.id),
                    kind: "email".into(),
                    payload: serde_json::to_string(&EmailMessage {
                        to: r.email,
                        template: "collective-session".into(),
                        lang: workers.first().map_or("id", |w| w.lang.as_str()).into(),
                        name: r.name,
                        resume_token: None,
                        claim_number: None,
                        appointment: Some(note),
                        company: Some(company.name.as_str().to_string()),
                    })
                    .expect("serialisable"),
                    ..Default::default()
                })
            }
            None => None,
        };
        match store.book_batch(&batch.id, &session, seat, &events, message.as_ref()).await {
            Ok(()) => return Ok(Some((session, capacity.time_zone.clone()))),
            Err(StorageError::Conflict(r)) if r.contains("seat") => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

fn valid_worker(w: &Worker, benefit: lapak_domain::tax::Benefit) -> ValidWorker {
    ValidWorker {
        line: w.line,
        kpj: w.kpj.as_str().to_string(),
        name: w.name.as_str().to_string(),
        layoff_date: w.layoff_date,
        bank_code: w.account.bank_code().to_string(),
        account_number: w.account.number().to_string(),
        account_holder: w.name.as_str().to_string(),
        email: w.email.as_ref().map(|e| e.as_str().to_string()),
        mobile: w.mobile.as_ref().map(|m| m.as_str().to_string()),
        gross: benefit.gross.amount(),
        tax: benefit.tax.amount(),
    }
}

/// Parsing a large workbook is CPU work: off the async threads.
async fn tokio_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("the readers catch their parsers' panics")
}
