//! `sqlx::migrate!` embeds the migrations when the crate builds: build it
//! again when they change.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
