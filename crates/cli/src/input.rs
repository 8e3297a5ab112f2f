//! Reading `--cli-input-json` values the way the aws CLI does: `file://PATH`, `-`, or JSON text.

use std::io::Read;

/// Where the input came from and what it said.
pub struct Input {
    pub name: String,
    pub text: String,
}

/// Read `arg`: `file://PATH`, a path, `-` for standard input, or inline JSON text.
pub fn read(arg: &str) -> Result<Input, String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(Input {
            name: "<stdin>".into(),
            text,
        });
    }
    if arg.trim_start().starts_with('{') {
        return Ok(Input {
            name: "<cli-input-json>".into(),
            text: arg.to_string(),
        });
    }
    let path = arg.strip_prefix("file://").unwrap_or(arg);
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(Input {
        name: path.to_string(),
        text,
    })
}
