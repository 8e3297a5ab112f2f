//! Standard output for results.

use std::io::{ErrorKind, Write};

/// Write `text` to standard output. A closed pipe (the reader has all it wants, as with
/// `| head`) ends the process quietly with success, as Unix tools do; any other write error is
/// reported and ends it with status 1. Either way, never a panic.
pub fn write(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("ssmgate: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}
