//! The user resource, its representation and the request bodies.

use optimist::{Creation, Error, Replacement, Version, Versioned};
use optimist_example_kit::schema::is_blank;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user as stored. The password is write-only: clients send it as
/// `password`, the service keeps only its hash ([`crate::password`]),
/// compared and merged like any field, never returned, never shown in a
/// conflict.
#[derive(Versioned, Serialize, Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The id.
    pub id: u64,
    /// The version.
    pub version: u64,
    /// The name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The Argon2id hash of the password (`password` on the wire: a PUT
    /// or PATCH sets it by sending a password).
    #[versioned(sensitive)]
    #[serde(rename = "password")]
    pub password_hash: String,
}

/// A user as the API returns it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, ToSchema)]
pub struct UserView {
    /// The id.
    pub id: u64,
    /// The name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The version: send it back in PUT or PATCH bodies, or use the `ETag`.
    pub version: u64,
}

impl optimist::View<User> for UserView {
    fn view(user: &User) -> Self {
        UserView {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            version: user.version,
        }
    }
}

/// The body of `POST /api/users`. The schema states every rule that
/// [`before_save`] checks, so that any body it allows is accepted.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The id, from 1 to 999999999999999 (15 digits: exact in every JSON
    /// parser, JavaScript's included); the service picks one when absent.
    #[schema(minimum = 1, maximum = 999_999_999_999_999_f64)]
    #[serde(default, deserialize_with = "optimist::content::optional_integer")]
    pub id: Option<u64>,
    /// The name.
    #[schema(schema_with = rule::name)]
    pub name: String,
    /// The email address.
    #[schema(schema_with = rule::email)]
    pub email: String,
    /// The password.
    #[schema(schema_with = rule::password)]
    pub password: String,
}

/// The body of `PUT /api/users/{id}`: the whole user; the path names
/// the id.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutUser {
    /// The id is the path's: it is read-only here, and a client that sends
    /// back the representation it read may leave it in. Another id is 422.
    #[schema(read_only, value_type = Option<u64>)]
    #[serde(default, deserialize_with = "optimist::content::optional_integer")]
    pub id: Option<u64>,
    /// The name.
    #[schema(schema_with = rule::name)]
    pub name: String,
    /// The email address.
    #[schema(schema_with = rule::email)]
    pub email: String,
    /// The new password; absent (or `null`) keeps the current one.
    #[schema(schema_with = rule::kept_password)]
    pub password: Option<String>,
    /// The version this replacement is based on (or send `If-Match`).
    #[schema(value_type = Option<u64>, minimum = 1)]
    pub version: Option<Version>,
}

/// The body of `PATCH /api/users/{id}`, a JSON merge patch (RFC 7396):
/// the members to change. Only described, never built: the service reads
/// patches with [`optimist::ResourcePatch`].
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UserPatch {
    /// The id is the path's: it is read-only here, and a client that sends
    /// back the representation it read may leave it in. Another id is 422.
    #[schema(read_only, value_type = Option<u64>)]
    id: Option<u64>,
    /// A new name.
    #[schema(schema_with = rule::name)]
    #[serde(default)]
    name: Option<String>,
    /// A new email address.
    #[schema(schema_with = rule::email)]
    #[serde(default)]
    email: Option<String>,
    /// A new password.
    #[schema(schema_with = rule::password)]
    #[serde(default)]
    password: Option<String>,
    /// The version this patch is based on (or send `If-Match`).
    #[schema(value_type = Option<u64>, minimum = 1)]
    #[serde(default)]
    version: Option<u64>,
}

impl Creation<User> for NewUser {
    fn id(&self) -> Option<u64> {
        self.id
    }

    /// The user at `id`, its password still as sent: [`before_save`]
    /// validates it, then hashes it.
    fn to_resource(&self, id: u64) -> Result<User, Error> {
        Ok(User {
            id,
            version: 0,
            name: self.name.clone(),
            email: self.email.clone(),
            password_hash: self.password.clone(),
        })
    }
}

impl Replacement<User> for PutUser {
    fn base(&self) -> Option<Version> {
        self.version
    }

    /// The requested state at `id`: a new password as sent, for
    /// [`before_save`] to hash, or else the current hash (a create with
    /// `If-None-Match: *` has none, and must carry a password). A body
    /// that names another id is refused by optimist (422).
    fn to_resource(&self, &id: &u64, current: Option<&User>) -> Result<User, Error> {
        let kept = current.map(|u| &u.password_hash);
        Ok(User {
            id: self.id.unwrap_or(id),
            version: 0,
            name: self.name.clone(),
            email: self.email.clone(),
            password_hash: optimist::kept(self.password.as_ref(), kept, "password")?,
        })
    }
}

/// The rules of each field, stated once: [`before_save`] checks them and the
/// OpenAPI schemas of the bodies say them (`schema_with`), so that any
/// body the document allows is accepted.
mod rule {
    use core::ops::RangeInclusive;

    use optimist_example_kit::schema::{NOT_BLANK, text};
    use utoipa::openapi::schema::SchemaType;
    use utoipa::openapi::{Object, Type};

    /// Characters in a name.
    pub const NAME: RangeInclusive<usize> = 1..=200;
    /// Characters (all ASCII) in an email address.
    pub const EMAIL: RangeInclusive<usize> = 3..=254;
    /// Characters in a password.
    pub const PASSWORD: RangeInclusive<usize> = 1..=1024;

    pub fn name() -> Object {
        text("1 to 200 characters, not all of them whitespace", &NAME)
            .pattern(Some(NOT_BLANK))
            .build()
    }

    /// `^[!-?A-~]+@[!-?A-~]+$`: printable ASCII around one `@`.
    pub fn is_email(email: &str) -> bool {
        let printable = |part: &str| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_graphic() && b != b'@')
        };
        EMAIL.contains(&email.len())
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| printable(local) && printable(domain))
    }

    pub fn email() -> Object {
        text(
            "printable ASCII around one `@`, at most 254 characters",
            &EMAIL,
        )
        .pattern(Some(r"^[!-?A-~]+@[!-?A-~]+$"))
        .build()
    }

    pub fn password() -> Object {
        text("1 to 1024 characters", &PASSWORD).build()
    }

    /// A password in a replacement: `null` keeps the current one.
    pub fn kept_password() -> Object {
        text(
            "1 to 1024 characters; `null` keeps the current one",
            &PASSWORD,
        )
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .build()
    }
}

/// What runs before every save: the rules, checked on the password as
/// sent, then the password hashed (a PATCH sets it like any member, so
/// the hash is made here, whichever request changed it).
///
/// # Errors
/// 422 for a broken rule.
pub fn before_save(current: Option<&User>, mut user: User) -> Result<User, Error> {
    validate(&user)?;
    let current = current.map(|c| c.password_hash.as_str());
    user.password_hash = crate::password::stored(user.password_hash, current)?;
    Ok(user)
}

/// The rules every user meets, as the bodies' schemas state them.
fn validate(user: &User) -> Result<(), Error> {
    let problem = if let Some(problem) = optimist_example_kit::id::problem(user.id) {
        problem
    } else if user.name.chars().all(is_blank) {
        "`name` cannot be empty or only whitespace"
    } else if !rule::NAME.contains(&user.name.chars().count()) {
        "`name` has at most 200 characters"
    } else if !rule::is_email(&user.email) {
        "`email` must be an address such as `someone@example.org`: printable ASCII around one `@`, at most 254"
    } else if !rule::PASSWORD.contains(&user.password_hash.chars().count()) {
        "`password` has 1 to 1024 characters"
    } else {
        return Ok(());
    };
    Err(Error::Unprocessable(problem.into()))
}
