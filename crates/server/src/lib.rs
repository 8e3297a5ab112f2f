//! The AWS-compatible endpoint: SigV4, the Query (IAM, STS) and JSON 1.1 (SSM) protocols,
//! IAM and STS on a SQLite store, every call authorized by the engine.

#![forbid(unsafe_code)]

pub mod bootstrap;
pub mod dispatch;
pub mod ec2;
pub mod error;
pub mod http;
pub mod iam;
pub mod ids;
pub mod input;
pub mod model;
pub mod query;
pub mod service;
pub mod sigv4;
pub mod ssm_api;
pub mod store;
pub mod sts;
pub mod validate;
pub mod verify;
