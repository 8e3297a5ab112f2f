//! `ssmgate simulate-custom-policy`: the request and response of `aws iam simulate-custom-policy`.

use crate::input;
use crate::{EXIT_SERVICE_ERROR, EXIT_USAGE};
use ssmgate_ssm::simulate::{simulate, SimulateRequest};
use std::process::ExitCode;

/// Arguments of `simulate-custom-policy`.
#[derive(clap::Args)]
pub struct Args {
    /// The request as `aws iam simulate-custom-policy --cli-input-json` takes it:
    /// file://PATH, a path, `-` for standard input, or the JSON itself.
    #[arg(long = "cli-input-json", value_name = "JSON")]
    cli_input_json: String,
    /// Print each decision in plain words instead of AWS's JSON.
    #[arg(long)]
    explain: bool,
}

/// Run the command.
pub fn run(args: &Args) -> ExitCode {
    let input = match input::read(&args.cli_input_json) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("ssmgate: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let req: SimulateRequest = match serde_json::from_str(&input.text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "ssmgate: {}:{}:{}: the request is not valid input for simulate-custom-policy: {e}",
                input.name,
                e.line(),
                e.column()
            );
            eprintln!("     = help: the shape is that of `aws iam simulate-custom-policy --generate-cli-skeleton`");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match simulate(&req) {
        Ok((resp, explanations)) => {
            if args.explain {
                for e in explanations {
                    outln!("{e}");
                }
            } else {
                match serde_json::to_string_pretty(&resp) {
                    Ok(s) => outln!("{s}"),
                    Err(e) => {
                        eprintln!("ssmgate: cannot write the response: {e}");
                        return ExitCode::from(EXIT_USAGE);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "\nAn error occurred ({}) when calling the SimulateCustomPolicy operation: {}\n",
                err.code, err.message
            );
            for d in &err.details {
                eprintln!("{d}");
            }
            ExitCode::from(EXIT_SERVICE_ERROR)
        }
    }
}
