//! The end-to-end suite in `tests/e2e`: `ssmgate serve` on a free loopback port, driven by the
//! real aws CLI and boto3. CI installs both (`.ci/run`); without them this test fails and says
//! so rather than passing silently.

#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

#[test]
fn aws_cli_and_boto3_against_ssmgate_serve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e");
    let check = Command::new("python3")
        .args([
            "-c",
            "import boto3, botocore; import shutil, sys; sys.exit(0 if shutil.which('aws') else 3)",
        ])
        .status()
        .expect("python3 is needed for the end-to-end tests");
    assert!(
        check.success(),
        "the end-to-end tests need boto3 and the aws CLI: pip install boto3 awscli (`.ci/run` does this)"
    );
    let out = Command::new("python3")
        .args(["-m", "unittest", "-v"])
        .current_dir(&root)
        .env("SSMGATE_BIN", env!("CARGO_BIN_EXE_ssmgate"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    assert!(out.status.success(), "end-to-end suite failed:\n{stderr}");
    assert!(stderr.contains("\nOK"), "{stderr}");
}
