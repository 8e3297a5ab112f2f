//! `ssmgate lint`: lint policy files, directories or standard input.

/// Exit code for a usage or I/O error (clap uses 2 for usage errors too).
const EXIT_USAGE: u8 = 2;
use ssmgate_lint::output::{self, FileReport};
use ssmgate_lint::{fails, fix, lint, Severity};
use ssmgate_policy::PolicyKind;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FixMode {
    /// Only fixes that change no intended permission.
    Safe,
    /// Every fix, including did-you-mean corrections that change what the policy grants.
    All,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Deny {
    /// Fail (exit 1) on security warnings and warnings too, not only errors.
    Warnings,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    Identity,
    Resource,
}

/// Arguments of `lint`.
#[derive(clap::Args)]
pub struct Args {
    /// Policy files, directories (every *.json below them), or `-` for standard input.
    #[arg(required = true)]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also fail on warnings.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// Write fixes into the files: `--fix` for the safe ones, `--fix=all` for every one.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "safe", require_equals = true)]
    fix: Option<FixMode>,
    /// The kind of policy: identity-based (users, groups, roles, boundaries) or resource-based.
    #[arg(long, value_enum, default_value = "identity")]
    kind: Kind,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "json") {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Run the command.
pub fn run(args: &Args) -> ExitCode {
    let mut inputs: Vec<(String, String)> = Vec::new();
    for p in &args.paths {
        if p == "-" {
            if args.fix.is_some() {
                eprintln!("ssmgate: --fix cannot rewrite standard input; lint a file instead");
                return ExitCode::from(EXIT_USAGE);
            }
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("ssmgate: cannot read standard input: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
            inputs.push(("<stdin>".into(), text));
            continue;
        }
        let mut files = Vec::new();
        if let Err(e) = collect(Path::new(p), &mut files) {
            eprintln!("ssmgate: cannot read {p}: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
        for f in files {
            match std::fs::read_to_string(&f) {
                Ok(t) => inputs.push((f.display().to_string(), t)),
                Err(e) => {
                    eprintln!("ssmgate: cannot read {}: {e}", f.display());
                    return ExitCode::from(EXIT_USAGE);
                }
            }
        }
    }
    let kind = match args.kind {
        Kind::Identity => PolicyKind::Identity,
        Kind::Resource => PolicyKind::Resource,
    };
    let mut results: Vec<(String, String, Vec<ssmgate_lint::Finding>)> = Vec::new();
    for (path, text) in inputs {
        let mut findings = lint(&text, kind);
        let mut text = text;
        if let Some(mode) = args.fix {
            let (fixed, applied) = fix::apply(&text, &findings, mode == FixMode::All);
            if applied > 0 {
                if let Err(e) = std::fs::write(&path, &fixed) {
                    eprintln!("ssmgate: cannot write {path}: {e}");
                    return ExitCode::from(EXIT_USAGE);
                }
                eprintln!("ssmgate: {path}: applied {applied} fix(es)");
                text = fixed;
                findings = lint(&text, kind);
            }
        }
        results.push((path, text, findings));
    }
    let reports: Vec<FileReport> = results
        .iter()
        .map(|(path, text, findings)| FileReport {
            path,
            text,
            findings,
        })
        .collect();
    match args.format {
        Format::Text => out!("{}", output::text(&reports)),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&output::json(&reports)).unwrap_or_default()
        ),
        Format::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&output::sarif(&reports)).unwrap_or_default()
        ),
    }
    let threshold = match args.deny {
        Some(Deny::Warnings) => Severity::Warning,
        None => Severity::Error,
    };
    if results.iter().any(|(_, _, f)| fails(f, threshold)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
