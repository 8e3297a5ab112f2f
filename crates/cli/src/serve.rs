//! `ssmgate serve`: the AWS-compatible endpoint for the aws CLI and the SDKs.

use crate::EXIT_USAGE;
use ssmgate_server::bootstrap::{self, Options};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `serve`.
#[derive(clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:4510")]
    listen: SocketAddr,
    /// Where the state (SQLite) and the root credentials live.
    #[arg(long, default_value = "./ssmgate-data")]
    data_dir: PathBuf,
    /// The account the endpoint plays, created on first start.
    #[arg(long, default_value = "123456789012")]
    account_id: String,
    /// The region the endpoint answers for.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// The root user's access key id, instead of a generated one.
    #[arg(long, env = "SSMGATE_ROOT_ACCESS_KEY", requires = "root_secret_key")]
    root_access_key: Option<String>,
    /// A fleet file (the format of `ssmgate check --fleet`): its instances, with their tags,
    /// become managed nodes at start-up.
    #[arg(long, value_name = "FILE")]
    fleet: Option<PathBuf>,
    /// The root user's secret access key (prefer the environment variable: arguments show in `ps`).
    #[arg(
        long,
        env = "SSMGATE_ROOT_SECRET_KEY",
        hide_env_values = true,
        requires = "root_access_key"
    )]
    root_secret_key: Option<String>,
}

/// Run the server until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> ExitCode {
    let fleet = match &args.fleet {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "ssmgate: cannot read the fleet file {}: {e}",
                        path.display()
                    );
                    return ExitCode::from(EXIT_USAGE);
                }
            };
            match ssmgate_ssm::fleet::Fleet::from_text(&path.display().to_string(), &text) {
                Ok(f) if f.account != args.account_id => {
                    eprintln!(
                        "ssmgate: the fleet file {} is for account {}, not {}; start with --account-id {} (and --region {})",
                        path.display(), f.account, args.account_id, f.account, f.region
                    );
                    return ExitCode::from(EXIT_USAGE);
                }
                Ok(f) => Some(f),
                Err(e) => {
                    eprintln!("ssmgate: {e}");
                    return ExitCode::from(EXIT_USAGE);
                }
            }
        }
        None => None,
    };
    let options = Options {
        fleet,
        data_dir: args.data_dir.clone(),
        account_id: args.account_id.clone(),
        region: args.region.clone(),
        root_key: args
            .root_access_key
            .clone()
            .zip(args.root_secret_key.clone().map(zeroize::Zeroizing::new)),
    };
    let opened = match bootstrap::open(&options, ssmgate_ssm::time::now()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ssmgate: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ssmgate: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("ssmgate: cannot listen on {}: {e}", args.listen);
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let addr = listener.local_addr().unwrap_or(args.listen);
        let creds = args.data_dir.join(bootstrap::ROOT_CREDENTIALS);
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ssmgate: account {} in {}, state in {}", args.account_id, args.region, args.data_dir.display());
        if args.fleet.is_some() {
            let _ = writeln!(out, "ssmgate: {} instances from the fleet file are managed nodes", opened.imported);
        }
        match &opened.credentials_file {
            Some(p) => {
                let _ = writeln!(out, "ssmgate: created the account; root access key {} written to {}", opened.root_key_id, p.display());
            }
            None => {
                let _ = writeln!(out, "ssmgate: root access key {} (credentials in {})", opened.root_key_id, creds.display());
            }
        }
        let _ = writeln!(out, "ssmgate: listening on http://{addr}\n\nTry:\n  export AWS_SHARED_CREDENTIALS_FILE={} AWS_DEFAULT_REGION={}\n  aws --endpoint-url http://{addr} sts get-caller-identity\n  aws --endpoint-url http://{addr} iam create-user --user-name alice\n", creds.display(), args.region);
        drop(out);
        let log: ssmgate_server::http::Logger = Arc::new(|line: &str| {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{line}");
        });
        let shutdown = async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(t) => t,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        return;
                    }
                };
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            #[cfg(not(unix))]
            {
                let _ = ctrl_c.await;
            }
        };
        match ssmgate_server::http::serve(listener, Arc::new(opened.service), log, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ssmgate: the server stopped: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        }
    })
}
