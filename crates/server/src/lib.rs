//! The AWS-compatible endpoint. For now: SigV4, the signing scheme every request carries.

#![forbid(unsafe_code)]

pub mod sigv4;
