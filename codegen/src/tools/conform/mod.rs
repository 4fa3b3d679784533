//! `chargespec conform operator|city`: the conformance kit. It plays the other side of a live
//! platform, whatever language it is written in, and checks it against the edition's IR:
//! token, every interface with valid requests built from the spec, every answer validated
//! (the dynamic validator), signed and consistent, and the platform's own envelope checks
//! probed. Every check has a stable id tied to its clause ([`catalogue`]); the report
//! ([`report`]) is written as a terminal table, JUnit XML, JSON and Markdown.
//!
//! - [`catalogue`]: check ids, titles and clauses;
//! - [`session`]: sealing, sending and opening envelopes;
//! - [`probes`]: the token checks, answer checks and envelope probes both runners share;
//! - [`operator`]: the runner playing the city against an operator (queries, paging);
//! - [`city`]: the runner playing an operator against a city (pushes);
//! - [`report`]: the report model and its writers, expected failures.

pub mod catalogue;
pub mod city;
pub mod operator;
pub mod probes;
pub mod report;
pub mod session;

use std::time::Duration;

use chargespec_runtime::config::Config;

use crate::ir::Edition;
use catalogue::Catalogue;
use report::Report;
use session::Session;

/// Which platform the system under test is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// An operator platform: the kit plays the city and queries it.
    Operator,
    /// A city platform: the kit plays an operator and pushes to it.
    City,
}

impl Target {
    /// The role name in the spec of the system under test, and of the kit.
    pub fn roles(self) -> (&'static str, &'static str) {
        match self {
            Target::Operator => ("operator", "city"),
            Target::City => ("city", "operator"),
        }
    }
}

/// Options of a run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The base URL of the system under test (default: the peer's `url`).
    pub url: Option<String>,
    /// The peer (`--peer`), else the only one.
    pub peer: Option<String>,
    /// Call interfaces that change the peer's state.
    pub allow_writes: bool,
    /// Provisional rules fail instead of warning.
    pub enforce_provisional: bool,
    /// The HTTP timeout of each request (default 10 s).
    pub timeout: Option<Duration>,
}

/// Runs the kit against a live platform.
pub async fn run(
    ir: &Edition,
    config: &Config,
    target: Target,
    opts: &Options,
) -> Result<Report, String> {
    let profile = crate::tools::profile::profile(ir)?;
    let peer = config.peer(opts.peer.as_deref())?;
    let url = opts
        .url
        .clone()
        .or_else(|| peer.url.clone())
        .ok_or_else(|| {
            format!(
                "no URL for {}: give --url or set url in its [[peers]] block",
                peer.operator_id
            )
        })?;
    let (role, caller) = target.roles();
    for r in [role, caller] {
        if !ir.roles.contains_key(r) {
            return Err(format!("{} has no role `{r}`", ir.meta.id));
        }
    }
    let mut session = Session::new(
        ir,
        profile,
        &url,
        &config.operator_id,
        peer.outbound().keys(),
        opts.timeout.unwrap_or(Duration::from_secs(10)),
    )?;
    let cat = Catalogue {
        ir,
        enforce_provisional: opts.enforce_provisional || config.enforce_provisional,
        prefix: match target {
            Target::Operator => "Q",
            Target::City => "P",
        },
    };
    let mut checks = Vec::new();
    probes::token_checks(&mut session, &cat, &mut checks).await;
    if session.token.is_some() || session.profile.token.is_none() {
        match target {
            Target::Operator => {
                operator::run(&session, &cat, role, caller, opts.allow_writes, &mut checks).await
            }
            Target::City => city::run(&session, &cat, role, caller, &mut checks).await,
        }
    }
    let mut report = Report {
        target: role.to_owned(),
        edition: ir.meta.id.clone(),
        peer: peer.operator_id.clone(),
        checks,
    };
    report.sort();
    Ok(report)
}
