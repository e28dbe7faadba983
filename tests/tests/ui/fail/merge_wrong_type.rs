#[derive(optimist::Versioned, serde::Serialize, Clone)]
#[versioned(history = 10)]
struct Doc {
    id: u64,
    version: u64,
    #[versioned(text)]
    body: Vec<u8>,
    #[versioned(counter)]
    score: f64,
    #[versioned(set)]
    tags: String,
}

#[derive(serde::Serialize, PartialEq)]
struct NotClone;

#[derive(optimist::Versioned, serde::Serialize)]
#[versioned(history = 10)]
struct Kept {
    id: u64,
    version: u64,
    value: NotClone,
}

fn main() {}
