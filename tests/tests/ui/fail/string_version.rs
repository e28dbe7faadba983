#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    version: String,
}

fn main() {}
