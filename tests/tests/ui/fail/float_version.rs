#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    #[versioned(version)]
    rev: f64,
}

fn main() {}
