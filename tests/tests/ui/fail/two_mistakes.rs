#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    version: String,
    #[versioned(secret)]
    password: String,
}

fn main() {}
