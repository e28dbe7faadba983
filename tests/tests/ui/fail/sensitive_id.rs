#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    #[versioned(id, sensitive)]
    id: u64,
    version: u32,
}

fn main() {}
