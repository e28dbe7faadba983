//! `#[versioned(crate = "..")]` for a re-exported or renamed dependency.
mod support {
    pub use ::optimist as reexported;
}

#[derive(support::reexported::Versioned, serde::Serialize)]
#[versioned(crate = "crate::support::reexported")]
struct Note {
    id: u64,
    version: u64,
    text: String,
}

fn main() {
    use support::reexported::Versioned as _;
    assert_eq!(Note::FIELDS[0].name, "text");
    let n = Note { id: 1, version: 1, text: String::new() };
    assert_eq!(n.version().map(|v| v.get()), Some(1));
}
