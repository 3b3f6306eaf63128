//! Lapak's benchmarks, run through the one binary: `lapak bench import` and
//! `lapak bench claims`, `lapak bench schedule` and `lapak bench collective`. Each measures the storage engine's own raw rate in the same run
//! and reports Lapak's rates as ratios of it.
pub mod claims;
pub mod collective;
mod fresh;
pub mod import;
pub mod schedule;

/// The median of a sample (the upper one for an even count).
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The `q` quantile (0..1) of latencies in milliseconds.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

/// The one branch the registry benchmarks' members and companies belong to.
pub(crate) fn bench_branch(province_code: &str) -> anyhow::Result<lapak_domain::member::Branch> {
    use lapak_domain::member::{Branch, BranchCode, BranchKind, Name, ServiceMode};
    Ok(Branch {
        code: BranchCode::parse("KC001")?,
        name: Name::parse("Kantor Cabang Bench")?,
        kind: BranchKind::Kc,
        province_code: province_code.into(),
        time_zone: "Asia/Jakarta".into(),
        mode: ServiceMode::OneToMany,
        booths: 5,
        room_capacity: 20,
    })
}
