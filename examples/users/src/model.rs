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

/// The body of `POST /api/users`.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The id; the service picks one when absent.
    pub id: Option<u64>,
    /// The name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The password.
    pub password: String,
}

/// The body of `PUT /api/users/{id}`.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutUser {
    /// Must equal the id in the path, if sent.
    pub id: Option<u64>,
    /// The name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The new password; absent keeps the current one.
    pub password: Option<String>,
    /// The version this replacement is based on (or send `If-Match`).
    #[schema(value_type = Option<u64>, minimum = 1)]
    pub version: Option<Version>,
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
                return Err(Error::Unprocessable("a new user needs a `password`".into()));
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

/// The rules every stored user meets.
pub fn validate(user: &User) -> Result<(), Error> {
    let problem = if user.id == 0 {
        "`id` starts at 1"
    } else if user.name.trim().is_empty() {
        "`name` cannot be empty"
    } else if user.name.chars().count() > 200 {
        "`name` has at most 200 characters"
    } else if !valid_email(&user.email) {
        "`email` must be an address such as `someone@example.org`"
    } else if user.password.is_empty() {
        "`password` cannot be empty"
    } else if user.password.len() > 1024 {
        "`password` has at most 1024 bytes"
    } else {
        return Ok(());
    };
    Err(Error::Unprocessable(problem.into()))
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
