#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    #[versioned(id)]
    key: u64,
    #[versioned(id)]
    other_key: u64,
    version: u32,
}

fn main() {}
