#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    revision: u32,
}

fn main() {}
