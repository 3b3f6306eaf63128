//! The collective channel (klaim kolektif, from 20 May 2020): a medium or large company that
//! had to lay off at least 30% of its workers files for all of them through one
//! representative. Whether a company may use it is decided here, with the computation shown.
//!
//! The sources do not say which headcount the 30% is measured against (domain.md §3); Lapak
//! takes the workforce before the layoffs, as the registry holds it, and counts the layoffs
//! of this batch plus earlier ones within a window, both configurable.

use serde::Serialize;

use crate::member::CompanyScale;

/// The thresholds, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectiveRules {
    /// Laid-off share of the workforce, in per cent (30 in 2020).
    pub min_percent: u32,
    /// Earlier layoffs counted with this batch, in days.
    pub window_days: u32,
    /// Small companies file per worker.
    pub min_scale: CompanyScale,
}

impl Default for CollectiveRules {
    fn default() -> Self {
        // BPJS Ketenagakerjaan, 20 May 2020: medium and large companies, at least 30%.
        CollectiveRules { min_percent: 30, window_days: 90, min_scale: CompanyScale::Medium }
    }
}

/// Why a company may not use the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Small companies: each worker claims on their own.
    Scale,
    /// Under the share; `percent` is rounded down.
    Share,
    /// No workforce in the registry to measure against.
    NoWorkforce,
}

/// The decision and the numbers behind it, for the page ("312 dari 1.200 tenaga kerja =
/// 26%: di bawah 30%").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlement {
    pub laid_off: u32,
    pub workforce: u32,
    /// Rounded down to a whole per cent, so 29.9% is never shown as 30%.
    pub percent: u32,
    pub threshold: u32,
    pub refusal: Option<Refusal>,
}

impl Entitlement {
    pub fn allowed(&self) -> bool {
        self.refusal.is_none()
    }
}

fn rank(scale: CompanyScale) -> u8 {
    match scale {
        CompanyScale::Small => 0,
        CompanyScale::Medium => 1,
        CompanyScale::Large => 2,
    }
}

/// May a company of `scale` with `workforce` workers (before the layoffs) file collectively
/// for `this_batch` workers, having laid off `earlier` more within the window?
pub fn entitlement(
    rules: &CollectiveRules,
    scale: CompanyScale,
    workforce: u32,
    this_batch: u32,
    earlier: u32,
) -> Entitlement {
    let laid_off = this_batch.saturating_add(earlier);
    // Integer arithmetic: the share is compared exactly, laid_off * 100 >= min * workforce.
    let percent = if workforce == 0 { 0 } else { ((u64::from(laid_off) * 100) / u64::from(workforce)) as u32 };
    let refusal = if rank(scale) < rank(rules.min_scale) {
        Some(Refusal::Scale)
    } else if workforce == 0 {
        Some(Refusal::NoWorkforce)
    } else if u64::from(laid_off) * 100 < u64::from(rules.min_percent) * u64::from(workforce) {
        Some(Refusal::Share)
    } else {
        None
    };
    Entitlement { laid_off, workforce, percent, threshold: rules.min_percent, refusal }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_measured_against_the_workforce_before_the_layoffs() {
        let rules = CollectiveRules::default();
        let e = entitlement(&rules, CompanyScale::Large, 1_200, 312, 0);
        assert_eq!((e.percent, e.refusal), (26, Some(Refusal::Share)));
        let e = entitlement(&rules, CompanyScale::Large, 1_200, 312, 48);
        assert_eq!((e.laid_off, e.percent, e.refusal), (360, 30, None), "earlier layoffs in the window count");
        // 29.99% is under 30%, even if a page would round it up.
        let e = entitlement(&rules, CompanyScale::Medium, 10_000, 2_999, 0);
        assert_eq!((e.percent, e.refusal), (29, Some(Refusal::Share)));
        assert!(entitlement(&rules, CompanyScale::Medium, 100, 40, 0).allowed());
    }

    #[test]
    fn small_companies_and_missing_headcounts_are_refused() {
        let rules = CollectiveRules::default();
        assert_eq!(entitlement(&rules, CompanyScale::Small, 50, 40, 0).refusal, Some(Refusal::Scale));
        assert_eq!(entitlement(&rules, CompanyScale::Large, 0, 40, 0).refusal, Some(Refusal::NoWorkforce));
        let stricter = CollectiveRules { min_percent: 50, ..rules };
        assert_eq!(entitlement(&stricter, CompanyScale::Large, 100, 40, 0).refusal, Some(Refusal::Share));
    }
}
