//! The state survives a restart, and a data directory keeps its account.

#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

mod harness;

use harness::{xml, xml_all, Endpoint};
use ssmgate_server::bootstrap::{self, Options, StartError};

#[test]
fn everything_written_is_there_after_a_restart() {
    let e = Endpoint::new();
    let alice = e.user("alice", Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#));
    e.root_ok(&[("Action", "CreateGroup"), ("GroupName", "g")]);
    e.root_ok(&[
        ("Action", "AddUserToGroup"),
        ("GroupName", "g"),
        ("UserName", "alice"),
    ]);
    e.root_ok(&[("Action", "CreatePolicy"), ("PolicyName", "pol"), ("PolicyDocument", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#)]);
    let before = e.root_ok(&[("Action", "GetAccountAuthorizationDetails")]);
    let dir = e.dir;
    drop(e.svc);
    let e = Endpoint::open_in(dir);
    let after = e.root_ok(&[("Action", "GetAccountAuthorizationDetails")]);
    let strip = |s: &str| s.replace(&xml(s, "RequestId").unwrap(), "");
    assert_eq!(strip(&before), strip(&after));
    assert_eq!(
        e.iam(&alice, &[("Action", "ListUsers")]).status,
        200,
        "alice's key and policy survive"
    );
    assert_eq!(xml_all(&after, "UserName"), vec!["alice"]);
}

#[test]
fn a_data_directory_refuses_another_account_id() {
    let dir = tempfile::tempdir().unwrap();
    let opts = |account: &str| Options {
        data_dir: dir.path().to_path_buf(),
        account_id: account.into(),
        region: "us-east-1".into(),
        root_key: None,
        fleet: None,
    };
    let first = bootstrap::open(&opts("111122223333"), 0).unwrap();
    let file = first.credentials_file.clone().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("[default]\naws_access_key_id = AKIA"),
        "{text}"
    );
    assert!(text.contains("\naws_secret_access_key = "));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    drop(first);
    let again = bootstrap::open(&opts("111122223333"), 0).unwrap();
    assert!(
        again.credentials_file.is_none(),
        "the credentials are written once"
    );
    drop(again);
    match bootstrap::open(&opts("444455556666"), 0) {
        Err(StartError::OtherAccount { found, .. }) => assert_eq!(found, "111122223333"),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("opened another account's data"),
    }
    assert!(matches!(
        bootstrap::open(&opts("12345"), 0),
        Err(StartError::BadAccountId(_))
    ));
}
