//! Who may claim JHT, and from when. Every decision says why and, when the answer is
//! "not yet", from which date.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

use crate::cause::ClaimCause;
use crate::money::Rupiah;
use crate::tax::{benefit, Benefit};

/// The numbers behind the rules, so that a change in regulation is a change of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EligibilityRules {
    /// PP 46/2015 as amended by PP 60/2015: JHT is due at pension age, 56.
    pub pension_age_years: i16,
    /// Permenaker 19/2015, kept by Permenaker 4/2022: resigned or laid-off workers (and, since
    /// 4/2022, ended PKWT contracts) may claim one month after they stop working.
    pub waiting_period_months: i8,
    /// PP 60/2015 and Permenaker 4/2022: partial claims need at least 10 years of membership.
    pub partial_min_membership_years: i16,
}

impl Default for EligibilityRules {
    fn default() -> Self {
        EligibilityRules { pension_age_years: 56, waiting_period_months: 1, partial_min_membership_years: 10 }
    }
}

/// What the registry knows about the participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberFacts {
    pub birth_date: Date,
    pub membership_start: Date,
    /// The last working day on record; `None` while still working.
    pub stopped_working_on: Option<Date>,
    pub jht_balance: Rupiah,
}

/// What the participant's earlier claims say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimHistory {
    /// A claim on this KPJ is not yet finished (paid, rejected or cancelled).
    pub has_open_claim: bool,
    pub has_earlier_partial_claim: bool,
}

/// The ground a decision stands on: the "why" shown to the participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Ground {
    /// One month has passed since the last working day.
    WaitingPeriodOver {
        last_working_day: Date,
    },
    /// Claimable one month after the last working day.
    WaitingPeriod {
        last_working_day: Date,
    },
    PensionAgeReached,
    BelowPensionAge {
        pension_age: i16,
    },
    /// Disability, death and leaving Indonesia are proven by documents at verification.
    ProvenByDocuments,
    MembershipLongEnough,
    MembershipUnderMinimum {
        min_years: i16,
    },
    EarlierPartialClaim,
    /// A partial claim is for people still working; someone who stopped claims in full.
    StoppedWorkingClaimInFull,
    /// Resignation, layoff and end of contract need the last working day.
    LastWorkingDayRequired,
    LastWorkingDayBeforeMembership,
    OpenClaimExists,
    NoBalance,
}

impl Ground {
    /// Stable code for messages and the API.
    pub fn code(self) -> &'static str {
        match self {
            Ground::WaitingPeriodOver { .. } => "waiting_period_over",
            Ground::WaitingPeriod { .. } => "waiting_period",
            Ground::PensionAgeReached => "pension_age_reached",
            Ground::BelowPensionAge { .. } => "below_pension_age",
            Ground::ProvenByDocuments => "proven_by_documents",
            Ground::MembershipLongEnough => "membership_long_enough",
            Ground::MembershipUnderMinimum { .. } => "membership_under_minimum",
            Ground::EarlierPartialClaim => "earlier_partial_claim",
            Ground::StoppedWorkingClaimInFull => "stopped_working_claim_in_full",
            Ground::LastWorkingDayRequired => "last_working_day_required",
            Ground::LastWorkingDayBeforeMembership => "last_working_day_before_membership",
            Ground::OpenClaimExists => "open_claim_exists",
            Ground::NoBalance => "no_balance",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    Eligible { why: Ground, benefit: Benefit },
    NotYet { from: Date, why: Ground, benefit: Benefit },
    Refused { why: Ground },
}

impl Decision {
    pub fn is_eligible(&self) -> bool {
        matches!(self, Decision::Eligible { .. })
    }

    pub fn ground(&self) -> Ground {
        match *self {
            Decision::Eligible { why, .. } | Decision::NotYet { why, .. } | Decision::Refused { why } => why,
        }
    }
}

/// Decides whether `cause` may be claimed on `today`.
///
/// `last_working_day` is what the participant states; it falls back to the registry's date.
pub fn decide(
    rules: &EligibilityRules,
    cause: ClaimCause,
    member: &MemberFacts,
    history: &ClaimHistory,
    last_working_day: Option<Date>,
    today: Date,
) -> Decision {
    // Permenaker 4/2022 procedure: one claim at a time per KPJ, so a payment cannot happen twice.
    if history.has_open_claim {
        return Decision::Refused { why: Ground::OpenClaimExists };
    }
    if member.jht_balance == Rupiah::ZERO {
        return Decision::Refused { why: Ground::NoBalance };
    }
    let pays = benefit(cause, member.jht_balance);
    let when = |from: Date, why_later: Ground, why_now: Ground| {
        if today >= from {
            Decision::Eligible { why: why_now, benefit: pays }
        } else {
            Decision::NotYet { from, why: why_later, benefit: pays }
        }
    };
    match cause {
        ClaimCause::Resignation | ClaimCause::Layoff | ClaimCause::EndOfContract => {
            let Some(lwd) = last_working_day.or(member.stopped_working_on) else {
                return Decision::Refused { why: Ground::LastWorkingDayRequired };
            };
            if lwd < member.membership_start {
                return Decision::Refused { why: Ground::LastWorkingDayBeforeMembership };
            }
            // Permenaker 19/2015 art. 26, kept by Permenaker 4/2022: one month after the
            // last working day (resignation letter date, PHK date, contract end).
            let from = lwd.saturating_add(i64::from(rules.waiting_period_months).months());
            when(
                from,
                Ground::WaitingPeriod { last_working_day: lwd },
                Ground::WaitingPeriodOver { last_working_day: lwd },
            )
        }
        ClaimCause::RetirementAge => {
            // PP 46/2015 art. 26 as amended by PP 60/2015: due at pension age 56.
            let from = member.birth_date.saturating_add(i64::from(rules.pension_age_years).years());
            when(from, Ground::BelowPensionAge { pension_age: rules.pension_age_years }, Ground::PensionAgeReached)
        }
        // PP 60/2015 art. 26: total permanent disability and death; Permenaker 4/2022 art. 12:
        // leaving Indonesia permanently. The facts are proven by documents at verification.
        ClaimCause::TotalPermanentDisability | ClaimCause::Death | ClaimCause::LeavingIndonesia => {
            Decision::Eligible { why: Ground::ProvenByDocuments, benefit: pays }
        }
        ClaimCause::Partial10 | ClaimCause::Partial30 => {
            // Permenaker 4/2022 (and PP 60/2015 art. 37): partial claims while still working,
            // after at least 10 years of membership, and not after an earlier partial claim.
            if member.stopped_working_on.is_some() {
                return Decision::Refused { why: Ground::StoppedWorkingClaimInFull };
            }
            if history.has_earlier_partial_claim {
                return Decision::Refused { why: Ground::EarlierPartialClaim };
            }
            let min = rules.partial_min_membership_years;
            let from = member.membership_start.saturating_add(i64::from(min).years());
            when(from, Ground::MembershipUnderMinimum { min_years: min }, Ground::MembershipLongEnough)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn member() -> MemberFacts {
        MemberFacts {
            birth_date: date(1990, 5, 15),
            membership_start: date(2012, 1, 2),
            stopped_working_on: Some(date(2026, 11, 12)),
            jht_balance: Rupiah::new(25_000_000).unwrap(),
        }
    }

    fn decide_on(cause: ClaimCause, m: &MemberFacts, today: Date) -> Decision {
        decide(&EligibilityRules::default(), cause, m, &ClaimHistory::default(), None, today)
    }

    #[test]
    fn resignation_waits_one_month_after_the_last_working_day() {
        let d = decide_on(ClaimCause::Resignation, &member(), date(2026, 11, 25));
        assert_eq!(
            d,
            Decision::NotYet {
                from: date(2026, 12, 12),
                why: Ground::WaitingPeriod { last_working_day: date(2026, 11, 12) },
                benefit: benefit(ClaimCause::Resignation, member().jht_balance),
            }
        );
        assert!(decide_on(ClaimCause::Resignation, &member(), date(2026, 12, 12)).is_eligible());
        assert!(!decide_on(ClaimCause::Layoff, &member(), date(2026, 12, 11)).is_eligible());
    }

    #[test]
    fn waiting_period_at_month_end_saturates() {
        let m = MemberFacts { stopped_working_on: Some(date(2026, 1, 31)), ..member() };
        match decide_on(ClaimCause::EndOfContract, &m, date(2026, 2, 1)) {
            Decision::NotYet { from, .. } => assert_eq!(from, date(2026, 2, 28)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stated_last_working_day_overrides_registry() {
        let m = MemberFacts { stopped_working_on: None, ..member() };
        let d = decide(
            &EligibilityRules::default(),
            ClaimCause::Layoff,
            &m,
            &ClaimHistory::default(),
            Some(date(2026, 9, 1)),
            date(2026, 11, 25),
        );
        assert!(d.is_eligible());
        assert_eq!(
            decide_on(ClaimCause::Layoff, &m, date(2026, 11, 25)),
            Decision::Refused { why: Ground::LastWorkingDayRequired }
        );
    }

    #[test]
    fn last_working_day_before_membership_is_refused() {
        let d = decide(
            &EligibilityRules::default(),
            ClaimCause::Layoff,
            &member(),
            &ClaimHistory::default(),
            Some(date(2000, 1, 1)),
            date(2026, 11, 25),
        );
        assert_eq!(d, Decision::Refused { why: Ground::LastWorkingDayBeforeMembership });
    }

    #[test]
    fn retirement_at_56() {
        let m = MemberFacts { birth_date: date(1970, 12, 1), ..member() };
        match decide_on(ClaimCause::RetirementAge, &m, date(2026, 11, 25)) {
            Decision::NotYet { from, why: Ground::BelowPensionAge { pension_age: 56 }, .. } => {
                assert_eq!(from, date(2026, 12, 1))
            }
            other => panic!("{other:?}"),
        }
        assert!(decide_on(ClaimCause::RetirementAge, &m, date(2026, 12, 1)).is_eligible());
    }

    #[test]
    fn pension_age_is_configurable() {
        let rules = EligibilityRules { pension_age_years: 58, ..Default::default() };
        let m = MemberFacts { birth_date: date(1970, 1, 1), ..member() };
        let d = decide(&rules, ClaimCause::RetirementAge, &m, &ClaimHistory::default(), None, date(2026, 11, 25));
        assert!(matches!(d, Decision::NotYet { from, .. } if from == date(2028, 1, 1)));
    }

    #[test]
    fn disability_death_and_leaving_are_proven_by_documents() {
        for c in [ClaimCause::TotalPermanentDisability, ClaimCause::Death, ClaimCause::LeavingIndonesia] {
            assert_eq!(decide_on(c, &member(), date(2026, 11, 25)).ground(), Ground::ProvenByDocuments);
        }
    }

    #[test]
    fn partial_claims_need_ten_years_still_working_and_no_earlier_partial() {
        let working = MemberFacts { stopped_working_on: None, membership_start: date(2017, 3, 1), ..member() };
        match decide_on(ClaimCause::Partial10, &working, date(2026, 11, 25)) {
            Decision::NotYet { from, .. } => assert_eq!(from, date(2027, 3, 1)),
            other => panic!("{other:?}"),
        }
        let long = MemberFacts { membership_start: date(2010, 1, 1), ..working };
        assert!(decide_on(ClaimCause::Partial30, &long, date(2026, 11, 25)).is_eligible());
        let history = ClaimHistory { has_earlier_partial_claim: true, ..Default::default() };
        let d = decide(&EligibilityRules::default(), ClaimCause::Partial30, &long, &history, None, date(2026, 11, 25));
        assert_eq!(d, Decision::Refused { why: Ground::EarlierPartialClaim });
        assert_eq!(
            decide_on(ClaimCause::Partial10, &member(), date(2026, 11, 25)),
            Decision::Refused { why: Ground::StoppedWorkingClaimInFull }
        );
    }

    #[test]
    fn partial_claim_pays_its_share() {
        let long = MemberFacts { stopped_working_on: None, membership_start: date(2010, 1, 1), ..member() };
        match decide_on(ClaimCause::Partial30, &long, date(2026, 11, 25)) {
            Decision::Eligible { benefit, .. } => {
                assert_eq!(benefit.gross, Rupiah::new(7_500_000).unwrap())
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn at_most_one_open_claim_per_kpj() {
        let history = ClaimHistory { has_open_claim: true, ..Default::default() };
        let d = decide(&EligibilityRules::default(), ClaimCause::Death, &member(), &history, None, date(2026, 11, 25));
        assert_eq!(d, Decision::Refused { why: Ground::OpenClaimExists });
    }

    #[test]
    fn empty_balance_is_refused() {
        let m = MemberFacts { jht_balance: Rupiah::ZERO, ..member() };
        assert_eq!(decide_on(ClaimCause::Death, &m, date(2026, 11, 25)), Decision::Refused { why: Ground::NoBalance });
    }
}
