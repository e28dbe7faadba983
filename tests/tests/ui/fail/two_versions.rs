#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    #[versioned(version)]
    rev: u32,
    #[versioned(version)]
    lock: u32,
}

fn main() {}
