#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    version: u32,
    #[versioned(sensitive = true)]
    password: String,
}

fn main() {}
