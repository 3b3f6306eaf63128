//! Lapak's benchmarks, run through the one binary: `lapak bench import`.
pub mod import;
