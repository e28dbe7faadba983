// An alias is accepted for what it names: one of a string is refused,
// at the field.
type Rev = String;

#[derive(optimist::Versioned, serde::Serialize)]
struct Page {
    id: u64,
    version: Rev,
}

fn main() {}
