//! Checking the audit trail's hash chain without reading all of it each time.
//!
//! The trail grows with every staff access (millions of entries a year for a national
//! agency), and a check from its first entry reads and hashes every one. The auditor's page
//! therefore checks from the last point found intact (kept in `meta`) to the newest entry,
//! and `lapak serve` checks the whole chain once a day (as does `lapak audit verify`); the
//! page says when that last happened and what it found.

use jiff::Timestamp;

use crate::{AuditCheck, AuditMark, Result, Store};

/// The meta key of the last point found intact: `seq:hash` (hex).
const MARK: &str = "audit.intact_up_to";
/// The meta key of the last check from the first entry: `at:intact:entries` or
/// `at:broken:seq` (`at` in microseconds).
const FULL: &str = "audit.full_check";

/// What a check found, and what the last check of the whole chain found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditStatus {
    pub check: AuditCheck,
    pub last_full: Option<FullCheck>,
}

/// A check of the whole chain: when, and what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullCheck {
    pub at: Timestamp,
    pub found: Found,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Intact { entries: i64 },
    BrokenAt { seq: i64 },
}

/// Checks the chain: the whole of it when `full` (and records when), else from the last
/// point found intact. An intact chain moves that point to its newest entry; a broken one
/// leaves it, so every later check reports the break again.
pub async fn check(store: &dyn Store, full: bool, now: Timestamp) -> Result<AuditStatus> {
    let from = if full { AuditMark::START } else { mark(store).await?.unwrap_or(AuditMark::START) };
    let check = store.verify_audit_chain(from).await?;
    if let AuditCheck::Intact { head, .. } = check {
        if head != from {
            store.meta_set(MARK, &format!("{}:{}", head.seq, hex::encode(head.hash))).await?;
        }
    }
    let last_full = if full {
        let (kind, n, found) = match check {
            AuditCheck::Intact { entries, .. } => ("intact", entries, Found::Intact { entries }),
            AuditCheck::BrokenAt { seq } => ("broken", seq, Found::BrokenAt { seq }),
        };
        store.meta_set(FULL, &format!("{}:{kind}:{n}", now.as_microsecond())).await?;
        Some(FullCheck { at: now, found })
    } else {
        last_full(store).await?
    };
    Ok(AuditStatus { check, last_full })
}

async fn mark(store: &dyn Store) -> Result<Option<AuditMark>> {
    let Some(value) = store.meta_get(MARK).await? else { return Ok(None) };
    let parsed = value.split_once(':').and_then(|(seq, hash)| {
        let hash = <[u8; 32]>::try_from(hex::decode(hash).ok()?).ok()?;
        Some(AuditMark { seq: seq.parse().ok()?, hash })
    });
    // One that cannot be read: from the first entry.
    Ok(parsed)
}

/// The last check of the whole chain, if one was made (and can be read).
pub async fn last_full(store: &dyn Store) -> Result<Option<FullCheck>> {
    let Some(value) = store.meta_get(FULL).await? else { return Ok(None) };
    let mut parts = value.splitn(3, ':');
    let (Some(at), Some(kind), Some(n)) = (parts.next(), parts.next(), parts.next()) else { return Ok(None) };
    let (Some(at), Ok(n)) = (at.parse().ok().and_then(|at| Timestamp::from_microsecond(at).ok()), n.parse::<i64>())
    else {
        return Ok(None);
    };
    let found = match kind {
        "intact" => Found::Intact { entries: n },
        "broken" => Found::BrokenAt { seq: n },
        _ => return Ok(None),
    };
    Ok(Some(FullCheck { at, found }))
}
