//! Framework adapters and companions, each behind its feature: thin, since
//! the rules, bodies and responses they serve are framework-free.

#[cfg(feature = "actix-web")]
pub mod actix_web;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "reqwest")]
pub mod client;
#[cfg(feature = "utoipa")]
pub mod openapi;
