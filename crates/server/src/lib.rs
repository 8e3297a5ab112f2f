//! The AWS-compatible endpoint. For now: SigV4, the signing scheme every request carries,
//! and its verification.

#![forbid(unsafe_code)]

pub mod sigv4;
pub mod verify;
