//! Running the `ssmgate` binary from the repository root, as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run `ssmgate ARGS`, feeding `stdin` when given.
pub fn ssmgate(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssmgate"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ssmgate");
    if let Some(input) = stdin {
        // A command that refuses its arguments exits without reading: ignore the broken pipe.
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}
