// `sqlx::migrate!` embeds the migrations at compile time; without this, a new migration
// file is not picked up until something else in the crate changes (sqlx's documented
// build script).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
