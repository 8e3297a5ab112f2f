//! `ssmgate`: each subcommand a thin shell over the library crates.

#![forbid(unsafe_code)]

/// `println!` for results: when the reader goes away (`ssmgate ... | head`), the process ends
/// quietly instead of panicking on the closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::out::write(&format!("{}\n", format_args!($($arg)*))) };
}

/// `print!` for results, as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write(&format!($($arg)*)) };
}

mod check;
mod input;
mod lint;
mod out;
mod serve;
mod simulate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for a usage or input error, as the aws CLI uses it.
pub const EXIT_USAGE: u8 = 252;
/// Exit code for an error the service would return (MalformedPolicyDocument, InvalidInput).
pub const EXIT_SERVICE_ERROR: u8 = 254;

#[derive(Parser)]
#[command(
    name = "ssmgate",
    version,
    about = "AWS Systems Manager access control: IAM policies evaluated exactly as AWS does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate IAM policies as `aws iam simulate-custom-policy` does, offline.
    SimulateCustomPolicy(simulate::Args),
    /// Find what is wrong or dangerous in IAM policies, and propose tighter ones.
    Lint(lint::Args),
    /// May this principal make this SSM call? The offline answer, with AWS's denial.
    Check(check::CheckArgs),
    /// Which principals may make an SSM call on which instances or sessions.
    WhoCan(check::WhoCanArgs),
    /// Serve IAM, STS and Systems Manager on a local endpoint for the aws CLI and the SDKs.
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::SimulateCustomPolicy(args) => simulate::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Check(args) => check::check(&args),
        Command::WhoCan(args) => check::who_can_cmd(&args),
        Command::Serve(args) => serve::run(args),
    }
}
