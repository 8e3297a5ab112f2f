//! `ssmgate check` and `ssmgate who-can`: the offline answer to "may this principal do this
//! SSM call here", from an account dump and a fleet file.

use serde_json::{json, Value};
use ssmgate_ssm::account::Account;
use ssmgate_ssm::fleet::Fleet;
use ssmgate_ssm::identity::{Caller, CallerSpec, RequestEnv};
use ssmgate_ssm::operation::Operation;
use ssmgate_ssm::who_can::{owner_userid, who_can, Question};
use ssmgate_ssm::{authorize, plan};
use std::process::ExitCode;

const EXIT_DENIED: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Where the account and fleet come from, and the request's surroundings.
#[derive(clap::Args)]
pub struct Common {
    /// The account as `aws iam get-account-authorization-details` prints it.
    #[arg(long, value_name = "FILE")]
    account: String,
    /// The fleet: instances, documents, sessions (YAML or JSON).
    #[arg(long, value_name = "FILE")]
    fleet: String,
    /// The caller's source IP address (aws:SourceIp).
    #[arg(long, default_value = "192.0.2.10")]
    source_ip: String,
    /// The caller signed in with MFA (aws:MultiFactorAuthPresent).
    #[arg(long)]
    mfa: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// Who calls: user/NAME, role/NAME or root.
    #[arg(long = "as", value_name = "PRINCIPAL")]
    as_: String,
    /// For a role: the session name (session ids begin with it).
    #[arg(long, default_value = "ssmgate")]
    session_name: String,
    /// For a role: a session policy file.
    #[arg(long, value_name = "FILE")]
    session_policy: Option<String>,
    /// Show each check and why it passed or failed.
    #[arg(long)]
    explain: bool,
    /// The call as the aws CLI writes it: ssm start-session --target i-0abc ...
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CALL"
    )]
    call: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum WhoCanOperation {
    SendCommand,
    StartSession,
    TerminateSession,
    ResumeSession,
    GetConnectionStatus,
}

/// Arguments of `who-can`.
#[derive(clap::Args)]
pub struct WhoCanArgs {
    #[command(flatten)]
    common: Common,
    /// The SSM call.
    #[arg(value_enum)]
    operation: WhoCanOperation,
    /// The document (send-command: AWS-RunShellScript by default; start-session: none, the default session).
    #[arg(long)]
    document_name: Option<String>,
    /// The session name roles are taken with.
    #[arg(long, default_value = "ssmgate")]
    session_name: String,
}

fn load(c: &Common) -> Result<(Account, Fleet, RequestEnv), String> {
    let text = std::fs::read_to_string(&c.account)
        .map_err(|e| format!("cannot read {}: {e}", c.account))?;
    let account = Account::from_json(&c.account, &text).map_err(|e| e.to_string())?;
    let text =
        std::fs::read_to_string(&c.fleet).map_err(|e| format!("cannot read {}: {e}", c.fleet))?;
    let fleet = Fleet::from_text(&c.fleet, &text).map_err(|e| e.to_string())?;
    let env = RequestEnv {
        region: fleet.region.clone(),
        source_ip: c.source_ip.clone(),
        now: ssmgate_ssm::time::now(),
        mfa: c.mfa,
    };
    Ok((account, fleet, env))
}

/// Run `check`.
pub fn check(args: &CheckArgs) -> ExitCode {
    match run_check(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ssmgate: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, String> {
    let (account, fleet, env) = load(&args.common)?;
    let mut spec =
        CallerSpec::parse(&args.as_, Some(&args.session_name)).map_err(|e| e.to_string())?;
    if let (CallerSpec::Role { session_policy, .. }, Some(path)) = (&mut spec, &args.session_policy)
    {
        *session_policy =
            Some(std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?);
    }
    let caller = Caller::from_account(&account, &spec).map_err(|e| e.to_string())?;
    let (service, op, rest) = match args.call.as_slice() {
        [s, o, rest @ ..] => (s.as_str(), o.as_str(), rest),
        _ => {
            return Err(
                "write the call as the aws CLI does: ssm start-session --target i-0abc".into(),
            )
        }
    };
    let operation = Operation::from_cli(service, op, rest).map_err(|e| e.to_string())?;
    let owner = |o: &str| owner_userid(&account, o);
    let p = plan(&operation, &caller, &fleet, &owner);
    let outcome = authorize(&caller, &p, &env);
    match args.common.format {
        Format::Json => {
            let checks: Vec<Value> = outcome
                .results
                .iter()
                .map(|r| {
                    let matched: Vec<Value> = r
                        .evaluation
                        .matched_statements()
                        .map(|s| json!({"policy": s.policy_id, "policyType": s.source_type, "statement": s.statement.index + 1, "sid": s.statement.sid}))
                        .collect();
                    json!({
                        "action": r.check.action,
                        "resource": r.check.resource,
                        "target": r.check.target,
                        "decision": r.evaluation.verdict.decision.as_str(),
                        "context": r.check.context,
                        "matchedStatements": matched,
                        "missingContextValues": r.evaluation.missing_context_values,
                    })
                })
                .collect();
            let error = outcome
                .denial
                .as_ref()
                .map(|m| json!({"Code": "AccessDeniedException", "Message": m}));
            let v = json!({
                "operation": outcome.operation,
                "caller": caller.arn,
                "allowed": outcome.allowed(),
                "error": error,
                "deniedTargets": outcome.denied_targets,
                "checks": checks,
            });
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Text => {
            if args.explain {
                for r in &outcome.results {
                    outln!("{}", r.explain());
                }
            }
            match &outcome.denial {
                None => {
                    outln!("allowed: {} by {}", outcome.operation, caller.arn);
                    for t in &outcome.denied_targets {
                        outln!("  invocation on {t}: AccessDenied (the instance is not allowed)");
                    }
                }
                Some(m) => eprintln!(
                    "An error occurred (AccessDeniedException) when calling the {} operation: {m}",
                    outcome.operation
                ),
            }
        }
    }
    Ok(if outcome.allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DENIED)
    })
}

/// Run `who-can`.
pub fn who_can_cmd(args: &WhoCanArgs) -> ExitCode {
    let (account, fleet, env) = match load(&args.common) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("ssmgate: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let doc = args.document_name.as_deref();
    let q = match args.operation {
        WhoCanOperation::SendCommand => Question::SendCommand {
            document: doc.unwrap_or("AWS-RunShellScript"),
        },
        WhoCanOperation::StartSession => Question::StartSession { document: doc },
        WhoCanOperation::TerminateSession => Question::TerminateSession,
        WhoCanOperation::ResumeSession => Question::ResumeSession,
        WhoCanOperation::GetConnectionStatus => Question::GetConnectionStatus,
    };
    let m = who_can(&account, &fleet, q, &env, &args.session_name);
    match args.common.format {
        Format::Json => {
            let rows: Vec<Value> = m
                .rows
                .iter()
                .map(|r| {
                    let allowed: Vec<&String> = m
                        .targets
                        .iter()
                        .zip(&r.allowed)
                        .filter(|(_, a)| **a)
                        .map(|(t, _)| t)
                        .collect();
                    json!({"principal": r.principal, "allowed": allowed})
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"operation": m.operation, "targets": m.targets, "principals": rows})
                )
                .unwrap_or_default()
            );
        }
        Format::Text => out!("{}", table(&m, &fleet)),
    }
    ExitCode::SUCCESS
}

fn table(m: &ssmgate_ssm::who_can::Matrix, fleet: &Fleet) -> String {
    let label = |t: &str| {
        let name = fleet.instance(t).and_then(|i| i.name.clone());
        match name {
            Some(n) => format!("{t} ({n})"),
            None => t.to_string(),
        }
    };
    let width = m
        .rows
        .iter()
        .map(|r| r.principal.len())
        .max()
        .unwrap_or(9)
        .max(9);
    let mut out = format!("who can {}:\n\n", m.operation);
    for (n, t) in m.targets.iter().enumerate() {
        out.push_str(&format!("  [{}] {}\n", n + 1, label(t)));
    }
    out.push('\n');
    out.push_str(&format!("{:width$}", "principal"));
    for n in 0..m.targets.len() {
        out.push_str(&format!(" {:>4}", format!("[{}]", n + 1)));
    }
    out.push('\n');
    for r in &m.rows {
        out.push_str(&format!("{:width$}", r.principal));
        for a in &r.allowed {
            out.push_str(&format!(" {:>4}", if *a { "yes" } else { "-" }));
        }
        out.push('\n');
    }
    out
}
