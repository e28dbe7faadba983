#[derive(optimist::Versioned, serde::Serialize)]
#[versioned(sensitive)]
struct User {
    id: u64,
    version: u32,
}

fn main() {}
