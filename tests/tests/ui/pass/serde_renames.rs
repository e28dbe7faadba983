//! Wire names follow `#[serde(rename)]` and `#[serde(rename_all)]`.
use optimist::Versioned;

#[derive(Versioned, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[versioned(resource = "Account")]
struct UserAccount {
    #[serde(rename = "userId")]
    #[versioned(id)]
    key: u64,
    #[versioned(version)]
    lock_version: u32,
    display_name: String,
    #[serde(rename(serialize = "mail", deserialize = "email"))]
    email_address: String,
    #[versioned(sensitive)]
    password_hash: String,
    #[versioned(skip)]
    cached_html: String,
}

#[derive(Versioned, serde::Serialize)]
#[serde(rename_all(serialize = "SCREAMING-KEBAB-CASE"))]
struct Shouty {
    id: u64,
    version: u64,
    some_field: u8,
}

fn main() {
    assert_eq!(UserAccount::RESOURCE, "Account");
    assert_eq!(UserAccount::ID_FIELD, "userId");
    assert_eq!(UserAccount::VERSION_FIELD, "lockVersion");
    let names: Vec<_> = UserAccount::FIELDS.iter().map(|f| (f.name, f.sensitive)).collect();
    assert_eq!(names, [("displayName", false), ("mail", false), ("passwordHash", true)]);
    assert_eq!(Shouty::FIELDS[0].name, "SOME-FIELD");
    let a = UserAccount {
        key: 1,
        lock_version: 1,
        display_name: "a".into(),
        email_address: "a@x".into(),
        password_hash: "h".into(),
        cached_html: "<p>".into(),
    };
    assert!(a.field_json(2).is_none(), "sensitive values are never exposed");
    assert_eq!(a.field_json(1).unwrap().unwrap(), "a@x");
}
