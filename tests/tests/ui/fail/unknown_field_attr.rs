#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    version: u32,
    #[versioned(secret)]
    password: String,
}

fn main() {}
