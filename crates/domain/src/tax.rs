//! Benefit and tax on a JHT payment.
//!
//! PP 68/2009: JHT paid in a lump sum is taxed 0% up to Rp50,000,000 and 5% (final) on the
//! excess. An NPWP is required when the amount is above Rp50 M. Change [`TAX_BRACKETS`] and
//! [`NPWP_REQUIRED_ABOVE`] when the law changes.
//!
//! Not modelled yet: the progressive Art. 17 rates for a withdrawal more than 24 months after
//! a partial claim, and the 20% surcharge without an NPWP (domain.md §2d).

use serde::Serialize;

use crate::cause::ClaimCause;
use crate::money::Rupiah;

/// A bracket applies its rate to the part of the amount above `from`.
#[derive(Debug, Clone, Copy)]
pub struct TaxBracket {
    pub from: Rupiah,
    /// Rate in basis points (500 = 5%).
    pub rate_basis_points: i64,
}

/// PP 68/2009 final tax on lump-sum JHT.
pub const TAX_BRACKETS: &[TaxBracket] = &[
    TaxBracket { from: Rupiah::from_const(0), rate_basis_points: 0 },
    TaxBracket { from: Rupiah::from_const(50_000_000), rate_basis_points: 500 },
];

/// An NPWP is required when the payment is above this amount.
pub const NPWP_REQUIRED_ABOVE: Rupiah = Rupiah::from_const(50_000_000);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Benefit {
    /// Before tax.
    pub gross: Rupiah,
    pub tax: Rupiah,
    /// What reaches the participant's account.
    pub net: Rupiah,
    pub npwp_required: bool,
}

/// Tax on `gross` under [`TAX_BRACKETS`], rounded down to the rupiah in each bracket.
pub fn tax_on(gross: Rupiah) -> Rupiah {
    let mut tax = Rupiah::ZERO;
    for (i, bracket) in TAX_BRACKETS.iter().enumerate() {
        if gross <= bracket.from {
            break;
        }
        let upper = TAX_BRACKETS.get(i + 1).map_or(gross, |next| gross.min(next.from));
        tax = tax + (upper - bracket.from).basis_points(bracket.rate_basis_points);
    }
    tax
}

/// What a claim for `cause` pays from a JHT `balance`.
pub fn benefit(cause: ClaimCause, balance: Rupiah) -> Benefit {
    let gross = balance.basis_points(cause.share_basis_points());
    let tax = tax_on(gross);
    Benefit { gross, tax, net: gross - tax, npwp_required: gross > NPWP_REQUIRED_ABOVE }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rp(n: i64) -> Rupiah {
        Rupiah::new(n).unwrap()
    }

    #[test]
    fn no_tax_up_to_50_million() {
        assert_eq!(tax_on(rp(0)), rp(0));
        assert_eq!(tax_on(rp(50_000_000)), rp(0));
        assert!(!benefit(ClaimCause::Resignation, rp(50_000_000)).npwp_required);
    }

    #[test]
    fn five_percent_on_the_excess() {
        // domain.md §2d: Rp60 M pays 5% × Rp10 M = Rp500,000.
        let b = benefit(ClaimCause::Layoff, rp(60_000_000));
        assert_eq!(b.tax, rp(500_000));
        assert_eq!(b.net, rp(59_500_000));
        assert!(b.npwp_required);
        assert_eq!(tax_on(rp(50_000_001)), rp(0)); // 5% of Rp1 rounds down
        assert_eq!(tax_on(rp(50_000_020)), rp(1));
    }

    #[test]
    fn partial_claims_pay_their_share() {
        assert_eq!(benefit(ClaimCause::Partial10, rp(100_000_000)).gross, rp(10_000_000));
        assert_eq!(benefit(ClaimCause::Partial30, rp(100_000_000)).gross, rp(30_000_000));
        assert_eq!(benefit(ClaimCause::Death, rp(100_000_000)).gross, rp(100_000_000));
    }

    proptest! {
        #[test]
        fn net_plus_tax_is_gross_and_tax_is_at_most_5_percent(n in 0i64..10_000_000_000_000) {
            let b = benefit(ClaimCause::Resignation, rp(n));
            prop_assert_eq!(b.net + b.tax, b.gross);
            prop_assert!(b.tax.amount() * 20 <= b.gross.amount());
            prop_assert_eq!(b.npwp_required, n > 50_000_000);
        }
    }
}
