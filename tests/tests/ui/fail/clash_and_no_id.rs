// A clash on an ordinary field does not hide the missing id.
#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    version: u32,
    #[versioned(sensitive, skip)]
    password: String,
}

fn main() {}
