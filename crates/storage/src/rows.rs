//! Conversions between domain values and the columns both engines store, including the
//! sealing of personal data. Engine-independent: the SQL lives in `sql.rs`.

use jiff::civil::Date;
use lapak_domain::contact::{Email, MobileNumber};
use lapak_domain::lifecycle::{Action, Actor, ClaimEvent, ClaimState, Role};
use lapak_domain::member::{Branch, BranchCode, BranchKind, Company, Member, Name, ServiceMode};
use lapak_domain::{Kpj, Nik, Npp, Rupiah, Sex};

use crate::crypto::KeyRing;
use crate::{Result, StorageError};

pub(crate) fn corrupt(what: &str) -> StorageError {
    StorageError::Corrupt(what.to_string())
}

pub(crate) fn date(s: &str) -> Result<Date> {
    s.parse().map_err(|_| corrupt("date"))
}

pub(crate) fn opt_date(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(date).transpose()
}

/// The HMAC of a record's content: an import that brings the same content again is
/// recognised and not written.
pub(crate) fn fingerprint<T: serde::Serialize>(keys: &KeyRing, kind: &str, value: &T) -> Vec<u8> {
    keys.blind_index(kind, &serde_json::to_string(value).expect("serialisable"))
}

pub(crate) fn nik_index(keys: &KeyRing, nik: &Nik) -> Vec<u8> {
    keys.blind_index("nik", nik.as_str())
}

/// A member as stored: personal fields sealed.
pub(crate) struct MemberRow {
    pub kpj: String,
    pub nik_index: Vec<u8>,
    pub nik_sealed: Vec<u8>,
    pub full_name_sealed: Vec<u8>,
    pub birth_date: String,
    pub sex: String,
    pub mother_name_sealed: Vec<u8>,
    pub npp: Option<String>,
    pub membership_start: String,
    pub stopped_working_on: Option<String>,
    pub jht_balance: i64,
    pub email_sealed: Option<Vec<u8>>,
    pub phone_sealed: Option<Vec<u8>>,
    pub fingerprint: Vec<u8>,
}

impl MemberRow {
    pub fn seal(keys: &KeyRing, m: &Member) -> MemberRow {
        MemberRow {
            kpj: m.kpj.as_str().to_string(),
            nik_index: nik_index(keys, &m.nik),
            nik_sealed: keys.seal_str("members.nik", m.nik.as_str()),
            full_name_sealed: keys.seal_str("members.full_name", m.full_name.as_str()),
            birth_date: m.birth_date.to_string(),
            sex: m.sex.letter().to_string(),
            mother_name_sealed: keys.seal_str("members.mother_name", m.mother_maiden_name.as_str()),
            npp: m.npp.as_ref().map(|n| n.as_str().to_string()),
            membership_start: m.membership_start.to_string(),
            stopped_working_on: m.stopped_working_on.map(|d| d.to_string()),
            jht_balance: m.jht_balance.amount(),
            email_sealed: m.email.as_ref().map(|e| keys.seal_str("members.email", e.as_str())),
            phone_sealed: m.phone.as_ref().map(|p| keys.seal_str("members.phone", p.as_str())),
            fingerprint: fingerprint(keys, "fp.members", m),
        }
    }

    pub fn open(self, keys: &KeyRing) -> Result<Member> {
        let text = |ctx: &str, v: &[u8]| keys.open_string(ctx, v);
        Ok(Member {
            nik: Nik::parse(&text("members.nik", &self.nik_sealed)?).map_err(|_| corrupt("nik"))?,
            kpj: Kpj::parse(&self.kpj).map_err(|_| corrupt("kpj"))?,
            full_name: Name::parse(&text("members.full_name", &self.full_name_sealed)?).map_err(|_| corrupt("name"))?,
            birth_date: date(&self.birth_date)?,
            sex: Sex::from_letter(&self.sex).ok_or_else(|| corrupt("sex"))?,
            mother_maiden_name: Name::parse(&text("members.mother_name", &self.mother_name_sealed)?)
                .map_err(|_| corrupt("mother name"))?,
            npp: self.npp.as_deref().map(Npp::parse).transpose().map_err(|_| corrupt("npp"))?,
            membership_start: date(&self.membership_start)?,
            stopped_working_on: opt_date(self.stopped_working_on)?,
            jht_balance: Rupiah::new(self.jht_balance).map_err(|_| corrupt("balance"))?,
            email: self
                .email_sealed
                .map(|v| text("members.email", &v).map(|s| Email::parse(&s).map_err(|_| corrupt("email"))))
                .transpose()?
                .transpose()?,
            phone: self
                .phone_sealed
                .map(|v| text("members.phone", &v).map(|s| MobileNumber::parse(&s).map_err(|_| corrupt("phone"))))
                .transpose()?
                .transpose()?,
        })
    }
}

pub(crate) struct BranchRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub province_code: String,
    pub time_zone: String,
    pub mode: String,
    pub booths: i64,
    pub room_capacity: i64,
}

impl BranchRow {
    pub fn from_branch(b: &Branch) -> BranchRow {
        BranchRow {
            code: b.code.as_str().to_string(),
            name: b.name.as_str().to_string(),
            kind: b.kind.code().to_string(),
            province_code: b.province_code.clone(),
            time_zone: b.time_zone.clone(),
            mode: b.mode.code().to_string(),
            booths: i64::from(b.booths),
            room_capacity: i64::from(b.room_capacity),
        }
    }

    pub fn into_branch(self) -> Result<Branch> {
        Ok(Branch {
            code: BranchCode::parse(&self.code).map_err(|_| corrupt("branch code"))?,
            name: Name::parse(&self.name).map_err(|_| corrupt("branch name"))?,
            kind: BranchKind::parse(&self.kind).ok_or_else(|| corrupt("branch kind"))?,
            province_code: self.province_code,
            time_zone: self.time_zone,
            mode: ServiceMode::parse(&self.mode).ok_or_else(|| corrupt("mode"))?,
            booths: u16::try_from(self.booths).map_err(|_| corrupt("booths"))?,
            room_capacity: u16::try_from(self.room_capacity).map_err(|_| corrupt("capacity"))?,
        })
    }
}

pub(crate) struct CompanyRow {
    pub npp: String,
    pub name: String,
    pub scale: String,
    pub workforce: i64,
    pub branch_code: String,
}

impl CompanyRow {
    pub fn from_company(c: &Company) -> CompanyRow {
        CompanyRow {
            npp: c.npp.as_str().to_string(),
            name: c.name.as_str().to_string(),
            scale: c.scale.code().to_string(),
            workforce: i64::from(c.workforce),
            branch_code: c.branch_code.as_str().to_string(),
        }
    }
}

pub(crate) fn role_code(r: Role) -> &'static str {
    match r {
        Role::Participant => "participant",
        Role::CompanyRepresentative => "company_representative",
        Role::Officer => "officer",
        Role::Supervisor => "supervisor",
        Role::Finance => "finance",
        Role::System => "system",
    }
}

fn role(s: &str) -> Result<Role> {
    Ok(match s {
        "participant" => Role::Participant,
        "company_representative" => Role::CompanyRepresentative,
        "officer" => Role::Officer,
        "supervisor" => Role::Supervisor,
        "finance" => Role::Finance,
        "system" => Role::System,
        _ => return Err(corrupt("role")),
    })
}

pub(crate) fn action_code(a: Action) -> String {
    serde_json::to_value(a).ok().and_then(|v| v.as_str().map(String::from)).expect("unit variant")
}

fn action(s: &str) -> Result<Action> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| corrupt("action"))
}

pub(crate) struct EventRow {
    pub at: i64,
    pub actor_role: String,
    pub actor_id: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: Option<String>,
}

impl EventRow {
    pub fn into_event(self) -> Result<ClaimEvent> {
        let state = |s: &str| ClaimState::parse(s).ok_or_else(|| corrupt("state"));
        Ok(ClaimEvent {
            at: crate::from_micros(self.at)?,
            actor: Actor::new(role(&self.actor_role)?, self.actor_id),
            action: action(&self.action)?,
            from: state(&self.from_state)?,
            to: state(&self.to_state)?,
            reason: self.reason,
        })
    }
}

/// SHA-256 over the previous hash and the entry's fields, length-prefixed so that no two
/// different entries hash alike.
pub(crate) fn audit_hash(prev: &[u8], seq: i64, at: i64, e: &crate::AuditEntry) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(at.to_be_bytes());
    for field in [&e.actor_role, &e.actor_id, &e.action, &e.subject, &e.detail] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().to_vec()
}

/// A session and the seats taken in it: id, officer, mode, start, end, seats, taken.
pub(crate) type SessionRow = (String, String, String, i64, i64, i32, i64);

pub(crate) trait SessionSummaryRow {
    fn summary(self) -> Result<crate::SessionSummary>;
}

impl SessionSummaryRow for SessionRow {
    fn summary(self) -> Result<crate::SessionSummary> {
        let (id, officer, mode, starts, ends, seats, booked) = self;
        Ok(crate::SessionSummary {
            id,
            officer,
            mode: lapak_domain::schedule::Mode::parse(&mode).ok_or_else(|| corrupt("mode"))?,
            starts_at: crate::from_micros(starts)?,
            ends_at: crate::from_micros(ends)?,
            seats: seats.clamp(0, 255) as u8,
            booked: u32::try_from(booked).unwrap_or(0),
        })
    }
}
