//! Passwords are stored as Argon2id hashes (PHC strings, with a salt of
//! their own), never as sent.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use optimist::Error;

/// What to store for the password field of a state about to be saved,
/// which holds either the stored hash (kept) or a password sent in this
/// request: the hash as it is, the current hash again for the current
/// password (so that sending it once more changes nothing), else a new
/// hash.
pub fn stored(field: String, current: Option<&str>) -> Result<String, Error> {
    match current {
        Some(hash) if field == hash => Ok(field),
        Some(hash) if matches(&field, hash) => Ok(hash.to_owned()),
        _ => hash(&field),
    }
}

/// Whether `password` is the one `hash` was made from.
#[must_use]
pub fn matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A new hash of `password` (OWASP's Argon2id parameters: 19 MiB, two
/// passes).
fn hash(password: &str) -> Result<String, Error> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| {
            Error::Unavailable(optimist::StoreError::new(format!(
                "password hashing failed: {e}"
            )))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_kept_as_a_salted_hash() {
        let first = stored("hunter2".into(), None).unwrap();
        assert!(first.starts_with("$argon2id$") && !first.contains("hunter2"));
        assert_ne!(stored("hunter2".into(), None).unwrap(), first, "salted");
        assert!(matches("hunter2", &first) && !matches("hunter3", &first));
    }

    #[test]
    fn the_current_hash_or_password_changes_nothing() {
        let hash = stored("hunter2".into(), None).unwrap();
        assert_eq!(stored(hash.clone(), Some(&hash)).unwrap(), hash);
        assert_eq!(stored("hunter2".into(), Some(&hash)).unwrap(), hash);
        let new = stored("hunter3".into(), Some(&hash)).unwrap();
        assert!(new != hash && matches("hunter3", &new));
    }
}
