//! The claim lifecycle: every state a claim can be in, every move between states, and who
//! may make each move. An illegal move is a typed error; every legal one is an event.
//!
//! ```text
//! Draft ─submit→ Submitted ─schedule→ Scheduled ─verify→ Verified ─approve→ Approved
//!                    ↑                    │ ├─request_documents→ NeedsDocuments ─resubmit→ Submitted
//!                    │                    │ └─reject→ Rejected
//! Approved ─send_payment→ PaymentSent ─confirm_paid→ Paid
//!                                      └─payment_failed→ PaymentFailed ─return_for_correction→ NeedsDocuments
//! Draft | Submitted | Scheduled | NeedsDocuments ─cancel (participant)→ Cancelled
//! Verified ─reject (supervisor)→ Rejected
//! ```

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Draft,
    Submitted,
    Scheduled,
    Verified,
    NeedsDocuments,
    Rejected,
    Approved,
    PaymentSent,
    Paid,
    PaymentFailed,
    Cancelled,
}

impl ClaimState {
    pub const ALL: [ClaimState; 11] = [
        ClaimState::Draft,
        ClaimState::Submitted,
        ClaimState::Scheduled,
        ClaimState::Verified,
        ClaimState::NeedsDocuments,
        ClaimState::Rejected,
        ClaimState::Approved,
        ClaimState::PaymentSent,
        ClaimState::Paid,
        ClaimState::PaymentFailed,
        ClaimState::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClaimState::Draft => "draft",
            ClaimState::Submitted => "submitted",
            ClaimState::Scheduled => "scheduled",
            ClaimState::Verified => "verified",
            ClaimState::NeedsDocuments => "needs_documents",
            ClaimState::Rejected => "rejected",
            ClaimState::Approved => "approved",
            ClaimState::PaymentSent => "payment_sent",
            ClaimState::Paid => "paid",
            ClaimState::PaymentFailed => "payment_failed",
            ClaimState::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<ClaimState> {
        ClaimState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Finished claims no longer block a new claim on the same KPJ.
    pub fn is_final(self) -> bool {
        matches!(self, ClaimState::Paid | ClaimState::Rejected | ClaimState::Cancelled)
    }
}

/// Who acts on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Participant,
    /// Perwakilan perusahaan: files and follows a collective claim.
    CompanyRepresentative,
    Officer,
    Supervisor,
    Finance,
    /// Lapak itself: the scheduler, the bank-result import.
    System,
}

/// An actor: a role and an identity (a staff id, a participant's claim token, "system").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    pub id: String,
}

impl Actor {
    pub fn new(role: Role, id: impl Into<String>) -> Actor {
        Actor { role, id: id.into() }
    }

    pub fn system() -> Actor {
        Actor::new(Role::System, "system")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Schedule,
    Verify,
    RequestDocuments,
    Reject,
    Resubmit,
    Approve,
    SendPayment,
    ConfirmPaid,
    PaymentFailed,
    ReturnForCorrection,
    Cancel,
}

impl Action {
    /// The state an action leads to from `from`, and the roles allowed to take it there;
    /// `None` when the action is not possible from that state.
    fn rule(self, from: ClaimState) -> Option<(ClaimState, &'static [Role])> {
        use Action as A;
        use ClaimState as S;
        use Role as R;
        Some(match (from, self) {
            (S::Draft, A::Submit) => (S::Submitted, &[R::Participant, R::CompanyRepresentative]),
            (S::Submitted, A::Schedule) => (S::Scheduled, &[R::System, R::Officer]),
            (S::Scheduled, A::Verify) => (S::Verified, &[R::Officer]),
            (S::Scheduled, A::RequestDocuments) => (S::NeedsDocuments, &[R::Officer]),
            (S::Scheduled, A::Reject) => (S::Rejected, &[R::Officer]),
            (S::NeedsDocuments, A::Resubmit) => (S::Submitted, &[R::Participant, R::CompanyRepresentative]),
            (S::Verified, A::Approve) => (S::Approved, &[R::Supervisor]),
            (S::Verified, A::Reject) => (S::Rejected, &[R::Supervisor]),
            // The supervisor sends a verification back to the officers, with a reason.
            (S::Verified, A::ReturnForCorrection) => (S::Scheduled, &[R::Supervisor]),
            (S::Approved, A::SendPayment) => (S::PaymentSent, &[R::Finance, R::System]),
            (S::PaymentSent, A::ConfirmPaid) => (S::Paid, &[R::Finance, R::System]),
            (S::PaymentSent, A::PaymentFailed) => (S::PaymentFailed, &[R::Finance, R::System]),
            (S::PaymentFailed, A::ReturnForCorrection) => (S::NeedsDocuments, &[R::Officer, R::System]),
            (S::Draft | S::Submitted | S::Scheduled | S::NeedsDocuments, A::Cancel) => {
                (S::Cancelled, &[R::Participant, R::CompanyRepresentative])
            }
            _ => return None,
        })
    }

    /// Moves that must say why (shown to the participant).
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::RequestDocuments | Action::Reject | Action::PaymentFailed | Action::ReturnForCorrection)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a claim that is {from:?} cannot be {action:?}")]
    Illegal { from: ClaimState, action: Action },
    #[error("{role:?} may not {action:?} a claim")]
    RoleNotAllowed { role: Role, action: Action },
    #[error("the officer who verified a claim cannot also approve it")]
    ApproverIsVerifier,
    #[error("{action:?} needs a reason")]
    ReasonRequired { action: Action },
}

/// One move of one claim: who, when, from, to, why. Events are append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimEvent {
    pub at: Timestamp,
    pub actor: Actor,
    pub action: Action,
    pub from: ClaimState,
    pub to: ClaimState,
    pub reason: Option<String>,
}

/// A claim's position in its lifecycle, rebuilt from (or checked against) its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    pub state: ClaimState,
    /// The officer who verified the claim: approval must come from someone else
    /// (segregation of duties, ASVS 4.3.3).
    pub verified_by: Option<String>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle { state: ClaimState::Draft, verified_by: None }
    }
}

impl Lifecycle {
    /// Checks a move and returns the event it makes, without changing `self`.
    pub fn check(
        &self,
        action: Action,
        actor: &Actor,
        at: Timestamp,
        reason: Option<&str>,
    ) -> Result<ClaimEvent, TransitionError> {
        let (to, roles) = action.rule(self.state).ok_or(TransitionError::Illegal { from: self.state, action })?;
        if !roles.contains(&actor.role) {
            return Err(TransitionError::RoleNotAllowed { role: actor.role, action });
        }
        if action == Action::Approve && self.verified_by.as_deref() == Some(actor.id.as_str()) {
            return Err(TransitionError::ApproverIsVerifier);
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if action.needs_reason() && reason.is_none() {
            return Err(TransitionError::ReasonRequired { action });
        }
        Ok(ClaimEvent { at, actor: actor.clone(), action, from: self.state, to, reason: reason.map(String::from) })
    }

    /// Makes a move: checks it, applies it, returns its event.
    pub fn apply(
        &mut self,
        action: Action,
        actor: &Actor,
        at: Timestamp,
        reason: Option<&str>,
    ) -> Result<ClaimEvent, TransitionError> {
        let event = self.check(action, actor, at, reason)?;
        self.record(&event);
        Ok(event)
    }

    /// Applies an event already checked (when replaying stored history).
    pub fn record(&mut self, event: &ClaimEvent) {
        self.state = event.to;
        match event.action {
            Action::Verify => self.verified_by = Some(event.actor.id.clone()),
            // A claim sent back for documents is verified afresh.
            Action::RequestDocuments | Action::ReturnForCorrection => self.verified_by = None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at() -> Timestamp {
        Timestamp::UNIX_EPOCH
    }

    fn actor(role: Role, id: &str) -> Actor {
        Actor::new(role, id)
    }

    #[test]
    fn happy_path_to_paid() {
        let mut c = Lifecycle::default();
        c.apply(Action::Submit, &actor(Role::Participant, "p"), at(), None).unwrap();
        c.apply(Action::Schedule, &Actor::system(), at(), None).unwrap();
        c.apply(Action::Verify, &actor(Role::Officer, "officer-1"), at(), None).unwrap();
        c.apply(Action::Approve, &actor(Role::Supervisor, "supervisor-1"), at(), None).unwrap();
        c.apply(Action::SendPayment, &actor(Role::Finance, "f"), at(), None).unwrap();
        let e = c.apply(Action::ConfirmPaid, &Actor::system(), at(), None).unwrap();
        assert_eq!((e.from, e.to), (ClaimState::PaymentSent, ClaimState::Paid));
        assert!(c.state.is_final());
    }

    #[test]
    fn verifier_cannot_approve_their_own_verification() {
        let mut c = Lifecycle { state: ClaimState::Scheduled, verified_by: None };
        c.apply(Action::Verify, &actor(Role::Officer, "staff-7"), at(), None).unwrap();
        let err = c.apply(Action::Approve, &actor(Role::Supervisor, "staff-7"), at(), None).unwrap_err();
        assert_eq!(err, TransitionError::ApproverIsVerifier);
        assert_eq!(c.state, ClaimState::Verified);
    }

    #[test]
    fn wrong_role_is_refused() {
        let c = Lifecycle { state: ClaimState::Scheduled, verified_by: None };
        let err = c.check(Action::Verify, &actor(Role::Participant, "p"), at(), None).unwrap_err();
        assert_eq!(err, TransitionError::RoleNotAllowed { role: Role::Participant, action: Action::Verify });
    }

    #[test]
    fn illegal_move_is_a_typed_error() {
        let c = Lifecycle::default();
        let err = c.check(Action::Approve, &actor(Role::Supervisor, "s"), at(), None).unwrap_err();
        assert_eq!(err, TransitionError::Illegal { from: ClaimState::Draft, action: Action::Approve });
    }

    #[test]
    fn rejection_and_document_requests_need_a_reason() {
        let c = Lifecycle { state: ClaimState::Scheduled, verified_by: None };
        let officer = actor(Role::Officer, "o");
        assert_eq!(
            c.check(Action::Reject, &officer, at(), Some("  ")).unwrap_err(),
            TransitionError::ReasonRequired { action: Action::Reject }
        );
        let e = c.check(Action::RequestDocuments, &officer, at(), Some("KTP tidak terbaca")).unwrap();
        assert_eq!(e.reason.as_deref(), Some("KTP tidak terbaca"));
    }

    #[test]
    fn needs_documents_returns_to_submitted_and_is_verified_afresh() {
        let mut c = Lifecycle { state: ClaimState::Scheduled, verified_by: None };
        c.apply(Action::RequestDocuments, &actor(Role::Officer, "o"), at(), Some("foto buram")).unwrap();
        c.apply(Action::Resubmit, &actor(Role::Participant, "p"), at(), None).unwrap();
        assert_eq!(c.state, ClaimState::Submitted);
    }

    #[test]
    fn failed_payment_goes_back_to_the_participant() {
        let mut c = Lifecycle { state: ClaimState::PaymentSent, verified_by: Some("o".into()) };
        c.apply(Action::PaymentFailed, &Actor::system(), at(), Some("rekening tidak ditemukan")).unwrap();
        c.apply(Action::ReturnForCorrection, &Actor::system(), at(), Some("perbaiki rekening")).unwrap();
        assert_eq!(c.state, ClaimState::NeedsDocuments);
        assert_eq!(c.verified_by, None);
    }

    #[test]
    fn participant_can_cancel_only_before_verification() {
        let p = actor(Role::Participant, "p");
        for s in [ClaimState::Draft, ClaimState::Submitted, ClaimState::Scheduled, ClaimState::NeedsDocuments] {
            assert!(Lifecycle { state: s, verified_by: None }.check(Action::Cancel, &p, at(), None).is_ok(), "{s:?}");
        }
        for s in [ClaimState::Verified, ClaimState::Approved, ClaimState::PaymentSent, ClaimState::Paid] {
            assert!(Lifecycle { state: s, verified_by: None }.check(Action::Cancel, &p, at(), None).is_err(), "{s:?}");
        }
        assert!(Lifecycle::default().check(Action::Cancel, &actor(Role::Officer, "o"), at(), None).is_err());
    }

    #[test]
    fn state_codes_round_trip() {
        for s in ClaimState::ALL {
            assert_eq!(ClaimState::parse(s.code()), Some(s));
        }
    }

    const ACTIONS: [Action; 12] = [
        Action::Submit,
        Action::Schedule,
        Action::Verify,
        Action::RequestDocuments,
        Action::Reject,
        Action::Resubmit,
        Action::Approve,
        Action::SendPayment,
        Action::ConfirmPaid,
        Action::PaymentFailed,
        Action::ReturnForCorrection,
        Action::Cancel,
    ];
    const ROLES: [Role; 6] =
        [Role::Participant, Role::CompanyRepresentative, Role::Officer, Role::Supervisor, Role::Finance, Role::System];

    proptest! {
        /// Whatever anyone tries, in any order: final states stay final, a claim is only
        /// approved after verification by someone else, paid only after payment was sent,
        /// and every accepted event chains from the previous state.
        #[test]
        fn random_histories_keep_the_invariants(
            steps in proptest::collection::vec((0..ACTIONS.len(), 0..ROLES.len(), 0..3usize, any::<bool>()), 0..60)
        ) {
            let mut c = Lifecycle::default();
            let mut events: Vec<ClaimEvent> = Vec::new();
            for (a, r, who, with_reason) in steps {
                let before = c.clone();
                let actor = Actor::new(ROLES[r], format!("staff-{who}"));
                let reason = with_reason.then_some("alasan");
                match c.apply(ACTIONS[a], &actor, at(), reason) {
                    Ok(e) => {
                        prop_assert!(!before.state.is_final(), "moved out of final {:?}", before.state);
                        prop_assert_eq!(e.from, before.state);
                        if e.to == ClaimState::Approved {
                            prop_assert_eq!(before.state, ClaimState::Verified);
                            prop_assert_ne!(before.verified_by.as_deref(), Some(actor.id.as_str()));
                        }
                        if e.to == ClaimState::Paid {
                            prop_assert_eq!(before.state, ClaimState::PaymentSent);
                        }
                        if e.action.needs_reason() {
                            prop_assert!(e.reason.is_some());
                        }
                        if let Some(prev) = events.last() {
                            prop_assert_eq!(prev.to, e.from);
                        }
                        events.push(e);
                    }
                    Err(_) => prop_assert_eq!(&c, &before),
                }
            }
            // Replaying the events gives the same lifecycle.
            let mut replay = Lifecycle::default();
            for e in &events {
                replay.record(e);
            }
            prop_assert_eq!(replay, c);
        }
    }
}
