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
    let account = |email: &str, hash: &str| UserAccount {
        key: 1,
        lock_version: 1,
        display_name: "a".into(),
        email_address: email.into(),
        password_hash: hash.into(),
        cached_html: "<p>".into(),
    };
    let (a, b) = (account("a@x", "h"), account("b@x", "i"));
    let changed = a.diff(&b);
    let v1 = optimist::Version::FIRST;
    let current = optimist::Stored::new(a, optimist::Stamps::new(3, v1)).unwrap();
    let conflict = optimist::Conflict::new(&current, &b, v1, &changed).unwrap();
    let [mail, hash] = conflict.conflicts() else { panic!("two conflicts") };
    assert_eq!((mail.field(), mail.yours(), mail.current()), ("mail", Some(&"b@x".into()), Some(&"a@x".into())));
    assert!(hash.is_redacted() && hash.yours().is_none(), "sensitive values are never exposed");
}
