//! The membership registry as Lapak receives it: imports of the agency's exports (CSV or
//! XLSX, branches → companies → members) and the deterministic demo registry.

pub mod demo;
pub mod import;
