// Every mistake the derive can see is reported in one compile.
#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    #[versioned(sensitive)]
    id: u64,
    version: u32,
    #[versioned(secret)]
    password: String,
}

fn main() {}
