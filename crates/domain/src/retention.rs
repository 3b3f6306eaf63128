//! How long data that serves a passing purpose is kept (UU PDP: processing stops when its
//! purpose is served, Pasal 42–44). The agency sets its own period within these bounds.

/// Days a draft (or an unfiled collective batch) is kept after its last change, by default.
pub const DRAFT_DAYS: u32 = 90;

/// The shortest period allowed: a participant who left work recently waits a month before
/// they may file, and may prepare their claim meanwhile.
pub const MIN_DRAFT_DAYS: u32 = 31;
