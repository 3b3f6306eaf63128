//! Staff: roles, the scope of each (one branch or the whole country), and who may do what
//! to an object of which branch. Pure: the web layer asks before every action, the storage
//! layer records what was done.

use serde::{Deserialize, Serialize};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Verifies claims in sessions (customer-service officer).
    Officer,
    /// Approves verified claims of their branch.
    Supervisor,
    /// Sets the branch's capacity and runs its queue.
    BranchAdmin,
    /// Sends approved claims to the bank.
    Finance,
    /// Manages staff accounts everywhere.
    NationalAdmin,
    /// Reads the audit trail everywhere; changes nothing.
    Auditor,
    /// A company's representative (PIC) for the collective channel: not an agency employee,
    /// signs in the same way, and reaches only their own company's batches.
    Representative,
}

impl StaffRole {
    pub const ALL: [StaffRole; 7] = [
        StaffRole::Officer,
        StaffRole::Supervisor,
        StaffRole::BranchAdmin,
        StaffRole::Finance,
        StaffRole::NationalAdmin,
        StaffRole::Auditor,
        StaffRole::Representative,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Officer => "officer",
            StaffRole::Supervisor => "supervisor",
            StaffRole::BranchAdmin => "branch_admin",
            StaffRole::Finance => "finance",
            StaffRole::NationalAdmin => "national_admin",
            StaffRole::Auditor => "auditor",
            StaffRole::Representative => "company_representative",
        }
    }

    pub fn parse(s: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.code() == s.trim())
    }

    /// National roles see every branch; the others only their own.
    pub fn national(self) -> bool {
        matches!(self, StaffRole::NationalAdmin | StaffRole::Auditor | StaffRole::Finance)
    }
}

/// What staff do, as access control names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Open a session, see participants' identity data and documents, decide.
    Verify,
    Approve,
    SetCapacity,
    RunQueue,
    Pay,
    ManageStaff,
    ReadAudit,
    /// Confirm a company's representative from the power of attorney (branch of the company).
    ConfirmRepresentative,
    /// File and follow the collective claims of one company: the scope is the company's NPP,
    /// so `home` is the representative's NPP and `object` the batch's.
    FileCollective,
}

/// Whether a staff member with `role` at `home` (None: national) may take `action` on an
/// object of branch `object` (None: not tied to a branch).
pub fn may(role: StaffRole, home: Option<&str>, action: StaffAction, object: Option<&str>) -> bool {
    use StaffAction as A;
    use StaffRole as R;
    let allowed = match action {
        A::Verify => role == R::Officer,
        A::Approve => role == R::Supervisor,
        A::SetCapacity | A::RunQueue => role == R::BranchAdmin,
        A::Pay => role == R::Finance,
        A::ManageStaff => role == R::NationalAdmin,
        A::ReadAudit => matches!(role, R::Auditor | R::NationalAdmin),
        A::ConfirmRepresentative => matches!(role, R::BranchAdmin | R::Supervisor),
        A::FileCollective => role == R::Representative,
    };
    if !allowed {
        return false;
    }
    if role.national() {
        return true;
    }
    match (home, object) {
        (Some(home), Some(object)) => home == object,
        // A branch role without a branch reaches nothing tied to a branch.
        (None, Some(_)) => false,
        (_, None) => true,
    }
}

/// A username: 3–32 lowercase letters, digits, `.`, `-`, `_`.
pub fn valid_username(s: &str) -> bool {
    (3..=32).contains(&s.len()) && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
}

/// A representative signs in with their e-mail address, lower-cased.
pub fn valid_sign_in_name(s: &str) -> bool {
    valid_username(s) || crate::Email::parse(s).is_ok_and(|e| e.as_str() == s && s.len() <= 254)
}

/// A password good enough to hash: 12 to 128 characters (ASVS 2.1.1/2.1.2); the strength
/// beyond length is the person's, with no composition rules (ASVS 2.1.9).
pub fn valid_password(s: &str) -> bool {
    (12..=128).contains(&s.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_roles_reach_only_their_branch_and_national_roles_everything_they_may_do() {
        assert!(may(StaffRole::Officer, Some("KC001"), StaffAction::Verify, Some("KC001")));
        assert!(!may(StaffRole::Officer, Some("KC001"), StaffAction::Verify, Some("KC002")));
        assert!(!may(StaffRole::Officer, Some("KC001"), StaffAction::Approve, Some("KC001")));
        assert!(may(StaffRole::Supervisor, Some("KC001"), StaffAction::Approve, Some("KC001")));
        assert!(!may(StaffRole::Supervisor, None, StaffAction::Approve, Some("KC001")));
        assert!(may(StaffRole::Auditor, None, StaffAction::ReadAudit, None));
        assert!(!may(StaffRole::Auditor, None, StaffAction::Verify, Some("KC001")));
        assert!(may(StaffRole::NationalAdmin, None, StaffAction::ManageStaff, None));
        assert!(may(StaffRole::Finance, None, StaffAction::Pay, Some("KC009")));
        assert!(may(StaffRole::Representative, Some("10000037"), StaffAction::FileCollective, Some("10000037")));
        assert!(!may(StaffRole::Representative, Some("10000037"), StaffAction::FileCollective, Some("10000074")));
        assert!(!may(StaffRole::Representative, Some("10000037"), StaffAction::Verify, Some("10000037")));
        assert!(may(StaffRole::BranchAdmin, Some("KC001"), StaffAction::ConfirmRepresentative, Some("KC001")));
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.code()), Some(role));
        }
    }

    #[test]
    fn usernames_and_passwords() {
        assert!(valid_username("siti.aminah"));
        assert!(!valid_username("Siti"));
        assert!(!valid_username("ab"));
        assert!(valid_password("kuda laut biru 7"));
        assert!(!valid_password("pendek"));
    }
}
