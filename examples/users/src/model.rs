//! The user resource, its representation and the request bodies.

use optimist::{Error, Version, Versioned};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user as stored. `password` is write-only: compared and merged like
/// any field, never returned, never shown in a conflict.
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
    /// The password (this example keeps it as sent; a real service would
    /// keep a hash — see the closing note of the README).
    #[versioned(sensitive)]
    pub password: String,
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

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        UserView {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            version: user.version,
        }
    }
}

/// The body of `POST /api/users`. The schema states every rule that
/// [`validate`] checks, so that any body it allows is accepted.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The id, from 1 to 999999999999999 (15 digits: exact in every JSON
    /// parser, JavaScript's included); the service picks one when absent.
    #[schema(minimum = 1, maximum = 999_999_999_999_999_f64)]
    #[serde(default, deserialize_with = "optimist::content::optional_integer")]
    pub id: Option<u64>,
    /// The name: 1 to 200 characters, not all of them whitespace.
    #[schema(min_length = 1, max_length = 200, pattern = r"[^\t\n\v\f\r ]")]
    pub name: String,
    /// The email address: printable ASCII around one `@`, at most 254.
    #[schema(max_length = 254, pattern = r"^[!-?A-~]+@[!-?A-~]+$")]
    pub email: String,
    /// The password: 1 to 1024 characters.
    #[schema(min_length = 1, max_length = 1024)]
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
    pub id: Option<u64>,
    /// The name: 1 to 200 characters, not all of them whitespace.
    #[schema(min_length = 1, max_length = 200, pattern = r"[^\t\n\v\f\r ]")]
    pub name: String,
    /// The email address: printable ASCII around one `@`, at most 254.
    #[schema(max_length = 254, pattern = r"^[!-?A-~]+@[!-?A-~]+$")]
    pub email: String,
    /// The new password (1 to 1024 characters); absent keeps the current one.
    #[schema(min_length = 1, max_length = 1024)]
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
    /// A new name: 1 to 200 characters, not all of them whitespace.
    #[schema(value_type = String, min_length = 1, max_length = 200, pattern = r"[^\t\n\v\f\r ]")]
    #[serde(default)]
    name: Option<String>,
    /// A new email address: printable ASCII around one `@`, at most 254.
    #[schema(value_type = String, max_length = 254, pattern = r"^[!-?A-~]+@[!-?A-~]+$")]
    #[serde(default)]
    email: Option<String>,
    /// A new password: 1 to 1024 characters.
    #[schema(value_type = String, min_length = 1, max_length = 1024)]
    #[serde(default)]
    password: Option<String>,
    /// The version this patch is based on (or send `If-Match`).
    #[schema(value_type = Option<u64>, minimum = 1)]
    #[serde(default)]
    version: Option<u64>,
}

impl NewUser {
    /// The user at `id`, once valid.
    pub fn into_user(self, id: u64) -> Result<User, Error> {
        let user = User {
            id,
            version: 0,
            name: self.name,
            email: self.email,
            password: self.password,
        };
        validate(&user)?;
        Ok(user)
    }
}

impl PutUser {
    /// The requested state at `id`, from the current one (`None`: a create
    /// with `If-None-Match: *`, which must carry a password).
    pub fn to_user(&self, id: u64, current: Option<&User>) -> Result<User, Error> {
        if self.id.is_some_and(|sent| sent != id) {
            return Err(Error::Unprocessable(
                "the id in the body differs from the one in the path".into(),
            ));
        }
        let password = match (&self.password, current) {
            (Some(password), _) => password.clone(),
            (None, Some(current)) => current.password.clone(),
            (None, None) => {
                return Err(Error::StateConflict(
                    "a new user needs a `password`: only a replacement keeps the current one"
                        .into(),
                ));
            }
        };
        let user = User {
            id,
            version: current.map_or(0, |c| c.version),
            name: self.name.clone(),
            email: self.email.clone(),
            password,
        };
        validate(&user)?;
        Ok(user)
    }
}

/// The largest id: 15 digits, exact in every JSON parser (JavaScript's
/// numbers are exact to 2^53).
pub const MAX_ID: u64 = 999_999_999_999_999;

/// The rules every stored user meets: exactly those the OpenAPI schemas
/// of the bodies state, so that a body the document allows is accepted.
pub fn validate(user: &User) -> Result<(), Error> {
    let problem = if user.id == 0 {
        "`id` starts at 1"
    } else if user.id > MAX_ID {
        "`id` is at most 999999999999999"
    } else if user.name.chars().all(is_schema_whitespace) {
        "`name` cannot be empty or only whitespace"
    } else if user.name.chars().count() > 200 {
        "`name` has at most 200 characters"
    } else if !valid_email(&user.email) {
        "`email` must be an address such as `someone@example.org`: printable ASCII around one `@`, at most 254"
    } else if user.password.is_empty() {
        "`password` cannot be empty"
    } else if user.password.chars().count() > 1024 {
        "`password` has at most 1024 characters"
    } else {
        return Ok(());
    };
    Err(Error::Unprocessable(problem.into()))
}

/// The whitespace of the schema's `[^\t\n\v\f\r ]`.
fn is_schema_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// `^[!-?A-~]+@[!-?A-~]+$`, at most 254 bytes.
fn valid_email(email: &str) -> bool {
    let printable =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_graphic() && b != b'@');
    email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| printable(local) && printable(domain))
}
