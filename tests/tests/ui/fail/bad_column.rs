#[derive(optimist::Versioned, serde::Serialize)]
#[versioned(column = "users")]
struct User {
    id: u64,
    version: u32,
    #[versioned(column = "user name")]
    name: String,
    #[versioned(column = "mail")]
    email: String,
    #[versioned(column = "MAIL")]
    backup_email: String,
    #[versioned(column)]
    phone: String,
}

fn main() {}
