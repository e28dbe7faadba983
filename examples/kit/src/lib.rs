//! What the example services share that is not about optimist: the
//! command line and logging of a service binary ([`cli`]), its database
//! pool and migrations ([`db`]), the rule every
//! id meets ([`id`]) and the building blocks of the bodies' schemas
//! ([`schema`]). Copying a service means copying this crate too; it has
//! no optimist in it.

pub mod cli;
pub mod db;
pub mod id;
pub mod schema;
