#[derive(optimist::Versioned, serde::Serialize, Clone)]
#[versioned(history = 10)]
struct Doc {
    #[versioned(text)]
    id: u64,
    version: u64,
    #[versioned(text, set)]
    body: String,
    #[versioned(sensitive, counter)]
    key: u64,
    #[versioned(skip, group = "g")]
    notes: String,
    #[versioned(group = "alone")]
    city: String,
    #[versioned(set, group = "pair")]
    zip: Vec<String>,
    #[versioned(group = "pair")]
    street: String,
    #[versioned(counter(min = 5, max = 1))]
    likes: u32,
}

#[derive(optimist::Versioned, serde::Serialize, Clone)]
#[versioned(history = 5)]
struct SecretGroup {
    id: u64,
    version: u64,
    #[versioned(group = "login", sensitive)]
    password: String,
    #[versioned(group = "login")]
    user: String,
}

#[derive(optimist::Versioned, serde::Serialize, Clone)]
#[versioned(history = 0)]
struct NoDepth {
    id: u64,
    version: u64,
}

#[derive(optimist::Versioned, serde::Serialize, Clone)]
struct NoHistory {
    id: u64,
    version: u64,
    #[versioned(text)]
    body: String,
}

fn main() {}
