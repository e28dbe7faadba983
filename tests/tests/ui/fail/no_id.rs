#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    key: u64,
    version: u32,
    name: String,
}

fn main() {}
