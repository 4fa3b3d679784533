//! The `chargespec` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use chargespec::diag::{Code, render_all};
use chargespec::ir;

#[derive(Parser)]
#[command(
    name = "chargespec",
    version,
    about = "Protocol-specification code generator for DB4403/T 77 EV-charging data exchange"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check editions and print every problem; exits 1 when there are errors.
    Lint {
        /// Edition folders (default: every folder under `spec/`).
        dirs: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Generate the crate, OpenAPI documents and docs of every edition into `generated/`.
    Generate {
        /// Edition folders (default: every folder under `spec/`).
        dirs: Vec<PathBuf>,
        /// Output root.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Path of the runtime crate relative to each generated crate.
        #[arg(long, default_value = "../../codegen/runtime")]
        runtime_path: String,
    },
    /// Regenerate in memory and compare with `generated/`: exits 1 with a unified diff of every
    /// stale file.
    Check {
        /// Edition folders (default: every folder under `spec/`).
        dirs: Vec<PathBuf>,
        /// Output root.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Path of the runtime crate relative to each generated crate.
        #[arg(long, default_value = "../../codegen/runtime")]
        runtime_path: String,
    },
    /// Print the IR summary of an edition.
    Summary {
        /// The edition folder.
        dir: PathBuf,
    },
    /// Validate a JSON payload against an edition (no compilation): prints every violation with
    /// its JSON pointer, rule, value and provenance; exits 1 when there are errors.
    Validate {
        /// The edition: a folder, or an edition id under `spec/` (default: the only edition).
        #[arg(long)]
        edition: Option<PathBuf>,
        /// The interface whose payload this is (its request, unless `--response`).
        #[arg(long, conflicts_with = "object", required_unless_present = "object")]
        interface: Option<String>,
        /// Validate the interface's response payload.
        #[arg(long, requires = "interface")]
        response: bool,
        /// Validate as this object instead of an interface payload.
        #[arg(long)]
        object: Option<String>,
        /// Unknown codes of closed tables are warnings (tolerant reading).
        #[arg(long)]
        lenient: bool,
        /// Violations of provisional rules are errors (else warnings).
        #[arg(long)]
        enforce_provisional: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// The payload file (`-` or absent: standard input).
        file: Option<PathBuf>,
    },
    /// Compare two editions: every change, classified per direction of traffic, with a
    /// witness payload for every breaking change; exits 1 with `--fail-on breaking` when any.
    Diff {
        /// The old edition: a folder, or an edition id under `spec/`.
        old: PathBuf,
        /// The new edition: a folder, or an edition id under `spec/`.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Exit 1 when a change of this class exists.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Leave out doc-only and provenance-only changes (text and markdown).
        #[arg(long)]
        wire_only: bool,
    },
    /// Open, verify or seal an envelope with the keys of a configuration file (the mocks' TOML
    /// format; secrets from the file or CHARGESPEC_PEER_<ID>_<FIELD>, never from the command line).
    Envelope {
        #[command(subcommand)]
        action: EnvelopeAction,
    },
    /// Conformance kit: play the other side of a live operator or city platform and check it
    /// against the spec (exits 0 only when no check failed).
    Conform {
        #[command(subcommand)]
        target: ConformTarget,
    },
    /// Explain a diagnostic code, or list them all.
    Explain {
        /// A code such as E0003.
        code: Option<String>,
    },
}

#[derive(clap::Args, Clone, Debug)]
struct EnvelopeArgs {
    /// The configuration holding the keys (`[[peers]]` blocks).
    #[arg(long)]
    keys: PathBuf,
    /// The peer whose keys to use (default: the sender of a request, else the only peer).
    #[arg(long)]
    peer: Option<String>,
    /// The edition: a folder, or an edition id under `spec/` (default: the only edition).
    #[arg(long)]
    edition: Option<PathBuf>,
    /// The interface (a raw HTTP request names it in its request line).
    #[arg(long)]
    interface: Option<String>,
}

#[derive(Subcommand, Debug)]
enum EnvelopeAction {
    /// Open a captured request or response (JSON body or raw HTTP): verify, decrypt, validate,
    /// and print the payload; when a step fails, say which known mistake explains it.
    Open {
        #[command(flatten)]
        args: EnvelopeArgs,
        /// A bare JSON body is a response.
        #[arg(long)]
        response: bool,
        /// Check the TimeStamp against the clock (else against the capture's Date header).
        #[arg(long)]
        now: bool,
        /// The accepted distance of the TimeStamp, in seconds.
        #[arg(long, default_value_t = 300)]
        window: u64,
        /// The capture (`-` or absent: standard input).
        file: Option<PathBuf>,
    },
    /// Like `open`, without printing the payload.
    Verify {
        #[command(flatten)]
        args: EnvelopeArgs,
        #[arg(long)]
        response: bool,
        #[arg(long)]
        now: bool,
        #[arg(long, default_value_t = 300)]
        window: u64,
        file: Option<PathBuf>,
    },
    /// Seal a payload (JSON) into a ready request of `--interface` to the peer, and print a curl
    /// line that sends it (the token as $CHARGESPEC_TOKEN).
    Seal {
        #[command(flatten)]
        args: EnvelopeArgs,
        /// The Seq of the request.
        #[arg(long, default_value_t = 1)]
        seq: u32,
        /// The payload (`-` or absent: standard input).
        file: Option<PathBuf>,
    },
}

fn read_input(file: Option<&Path>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut buf = Vec::new();
    match file {
        None => std::io::stdin().read_to_end(&mut buf).map(|_| ()),
        Some(p) if p == Path::new("-") => std::io::stdin().read_to_end(&mut buf).map(|_| ()),
        Some(p) => std::fs::read(p).map(|b| buf = b),
    }
    .map_err(|e| format!("cannot read the input: {e}"))?;
    Ok(buf)
}

fn envelope_cmd(action: EnvelopeAction) -> ExitCode {
    use chargespec::tools::envelope;
    let run = || -> Result<bool, String> {
        let (args, open) = match &action {
            EnvelopeAction::Open {
                args,
                response,
                now,
                window,
                file,
            } => (args, Some((*response, *now, *window, file, true))),
            EnvelopeAction::Verify {
                args,
                response,
                now,
                window,
                file,
            } => (args, Some((*response, *now, *window, file, false))),
            EnvelopeAction::Seal { args, .. } => (args, None),
        };
        let ir = edition_ir(&edition_dir(args.edition.clone())?)?;
        let profile = chargespec::tools::profile::profile(&ir)?;
        let config = chargespec_runtime::config::Config::load(&args.keys)?;
        if let Some((response, now, window, file, print)) = open {
            let text = String::from_utf8_lossy(&read_input(file.as_deref())?).into_owned();
            let auth = profile
                .token
                .as_ref()
                .map_or("Authorization", |t| t.header.as_str());
            let captured = envelope::parse_captured(&text, auth)?;
            let opts = envelope::OpenOptions {
                peer: args.peer.clone(),
                interface: args.interface.clone(),
                response,
                now: now.then(chargespec_runtime::now_unix),
                window_s: window,
                mode: config.base_mode(),
            };
            let opened = envelope::open(&ir, &profile, &config, &captured, &opts)?;
            eprint!("{}", opened.text());
            if print && let Some(p) = &opened.payload {
                match serde_json::from_slice::<serde_json::Value>(p) {
                    Ok(v) => println!("{v:#}"),
                    Err(_) => println!("{}", String::from_utf8_lossy(p)),
                }
            }
            return Ok(!opened.failed());
        }
        let EnvelopeAction::Seal { seq, file, .. } = &action else {
            return Ok(false);
        };
        let interface = args
            .interface
            .as_deref()
            .ok_or("seal needs --interface NAME")?;
        let payload = read_input(file.as_deref())?;
        let sealed = envelope::seal(
            &ir,
            &profile,
            &config,
            args.peer.as_deref(),
            interface,
            &payload,
            chargespec_runtime::now_unix(),
            *seq,
        )?;
        if !sealed.validation.report.violations.is_empty() {
            eprint!("{}", sealed.validation.text());
        }
        println!("{}", serde_json::Value::Object(sealed.envelope));
        println!("{}", sealed.curl);
        Ok(true)
    };
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FailOn {
    Breaking,
}

fn diff_cmd(
    old: PathBuf,
    new: PathBuf,
    format: DiffFormat,
    fail_on: Option<FailOn>,
    wire_only: bool,
) -> ExitCode {
    use std::io::IsTerminal;
    let run = || -> Result<chargespec::tools::diff::Diff, String> {
        let old = edition_ir(&edition_dir(Some(old))?)?;
        let new = edition_ir(&edition_dir(Some(new))?)?;
        Ok(chargespec::tools::diff::diff(&old, &new))
    };
    let d = match run() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let render = chargespec::tools::diff::Render {
        colour: std::io::stdout().is_terminal(),
        wire_only,
    };
    match format {
        DiffFormat::Text => print!("{}", chargespec::tools::diff::text(&d, render)),
        DiffFormat::Markdown => print!("{}", chargespec::tools::diff::markdown(&d, render)),
        DiffFormat::Json => println!("{:#}", chargespec::tools::diff::json(&d)),
    }
    match fail_on {
        Some(FailOn::Breaking)
            if d.changes
                .iter()
                .any(chargespec::tools::diff::Change::breaking) =>
        {
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

/// The edition a tool works on: a folder, an id under `spec/`, or the only edition there.
fn edition_dir(given: Option<PathBuf>) -> Result<PathBuf, String> {
    match given {
        Some(p) if p.is_dir() => Ok(p),
        Some(p) => {
            let under = Path::new("spec").join(&p);
            if under.is_dir() {
                Ok(under)
            } else {
                Err(format!("no edition folder `{}`", p.display()))
            }
        }
        None => {
            let all = default_editions();
            match all.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err("no edition folder under spec/; give --edition DIR".to_owned()),
                many => Err(format!(
                    "several editions under spec/ ({}); choose one with --edition",
                    many.iter()
                        .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

/// The checked IR of an edition folder, or the rendered diagnostics.
fn edition_ir(dir: &Path) -> Result<ir::Edition, String> {
    let checked = chargespec::check_dir(dir);
    match checked.ir {
        Some(ir) => Ok(ir),
        None => Err(format!(
            "{}{}: the edition has errors",
            render_all(&checked.sources, &checked.diags.sorted()),
            dir.display()
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn validate_cmd(
    edition: Option<PathBuf>,
    target: chargespec::tools::validate::Target,
    lenient: bool,
    enforce_provisional: bool,
    format: Format,
    file: Option<PathBuf>,
) -> ExitCode {
    use std::io::Read;
    let run = || -> Result<chargespec::tools::validate::Outcome, String> {
        let ir = edition_ir(&edition_dir(edition)?)?;
        let mut json = Vec::new();
        match file.as_deref() {
            None => std::io::stdin().read_to_end(&mut json).map(|_| ()),
            Some(p) if p == Path::new("-") => std::io::stdin().read_to_end(&mut json).map(|_| ()),
            Some(p) => std::fs::read(p).map(|b| json = b),
        }
        .map_err(|e| format!("cannot read the payload: {e}"))?;
        let mode = if lenient {
            chargespec_runtime::Mode::lenient()
        } else {
            chargespec_runtime::Mode::strict()
        }
        .with_provisional(enforce_provisional);
        chargespec::tools::validate::validate(&ir, &target, &json, mode)
    };
    match run() {
        Ok(out) => {
            match format {
                Format::Text => print!("{}", out.text()),
                Format::Json => println!("{:#}", out.json()),
            }
            if out.errors() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Every edition folder under `spec/`, sorted.
fn default_editions() -> Vec<PathBuf> {
    chargespec::edition_dirs(Path::new("spec"))
}

fn lint(dirs: Vec<PathBuf>, deny_warnings: bool) -> ExitCode {
    let dirs = if dirs.is_empty() {
        default_editions()
    } else {
        dirs
    };
    if dirs.is_empty() {
        eprintln!("error: no edition folder given and none found under spec/");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for dir in &dirs {
        failed |= lint_one(dir, deny_warnings);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn lint_one(dir: &Path, deny_warnings: bool) -> bool {
    let checked = chargespec::check_dir(dir);
    let sorted = checked.diags.sorted();
    if !sorted.is_empty() {
        eprint!("{}", render_all(&checked.sources, &sorted));
    }
    let errors = checked.diags.error_count();
    let warnings = checked.diags.warning_count();
    match &checked.ir {
        Some(ir) if errors == 0 => {
            println!(
                "{}: ok — {}{}",
                dir.display(),
                ir::Counts::of(ir),
                plural(warnings, "warning")
            );
            deny_warnings && warnings > 0
        }
        _ => {
            eprintln!(
                "{}: {}{}",
                dir.display(),
                plural_n(errors, "error"),
                plural(warnings, "warning")
            );
            true
        }
    }
}

fn generate(dirs: Vec<PathBuf>, out: &Path, runtime_path: String, check_only: bool) -> ExitCode {
    let dirs = if dirs.is_empty() {
        default_editions()
    } else {
        dirs
    };
    let started = std::time::Instant::now();
    let generated = match chargespec::generate(&dirs, &chargespec::emit::Options { runtime_path }) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if check_only {
        let drift = chargespec::emit::check(out, &generated.files, &generated.editions);
        if drift.is_empty() {
            println!(
                "{}: {} files up to date",
                out.display(),
                generated.files.len()
            );
            return ExitCode::SUCCESS;
        }
        for d in &drift {
            print!("{}", d.diff);
        }
        eprintln!(
            "{}: {} stale file(s); run `cargo run --release --bin chargespec -- generate`",
            out.display(),
            drift.len()
        );
        return ExitCode::FAILURE;
    }
    match chargespec::emit::write(out, &generated.files, &generated.editions) {
        Ok(changed) => {
            println!(
                "{}: {} files generated ({} changed) in {} ms",
                out.display(),
                generated.files.len(),
                changed,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn plural_n(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn plural(n: usize, what: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("; {}", plural_n(n, what))
    }
}

// ---- chargespec conform ------------------------------------------------------------------

#[derive(Subcommand, Debug)]
enum ConformTarget {
    /// Play the city against a live operator platform: token, every query (paging through the
    /// stations), every answer validated, signed and consistent, then the envelope probes.
    Operator {
        #[command(flatten)]
        args: ConformArgs,
        /// Also call the queries that change the operator's state (commands, key distribution).
        #[arg(long)]
        allow_writes: bool,
    },
    /// Play an operator against a live city platform: token, every push with a valid sample,
    /// every answer checked, then the envelope probes.
    City {
        #[command(flatten)]
        args: ConformArgs,
    },
}

#[derive(clap::Args, Clone, Debug)]
struct ConformArgs {
    /// The base URL of the platform under test, up to the interface name (default: the peer's
    /// `url`).
    #[arg(long)]
    url: Option<String>,
    /// The configuration (the mocks' TOML format): our `operator_id` and the peer's keys.
    #[arg(long)]
    config: PathBuf,
    /// The peer under test (default: the only `[[peers]]` block).
    #[arg(long)]
    peer: Option<String>,
    /// The edition: a folder, or an edition id under `spec/`.
    #[arg(long)]
    edition: Option<PathBuf>,
    /// Provisional rules fail instead of warning.
    #[arg(long)]
    enforce_provisional: bool,
    /// Write a JUnit XML report (one testcase per check).
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write the JSON report (schema `chargespec-conform/1`, in the README).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write a Markdown report in Chinese and English.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Known failures: one check id a line, `#` comments.
    #[arg(long)]
    expect_fail: Option<PathBuf>,
}

fn conform_cmd(target: ConformTarget) -> ExitCode {
    use chargespec::tools::conform::{self, Options, Target, report};
    let (args, allow_writes, target) = match target {
        ConformTarget::Operator { args, allow_writes } => (args, allow_writes, Target::Operator),
        ConformTarget::City { args } => (args, false, Target::City),
    };
    let run = || -> Result<bool, String> {
        let ir = edition_ir(&edition_dir(args.edition.clone())?)?;
        let config = chargespec_runtime::config::Config::load(&args.config)?;
        let expected = match &args.expect_fail {
            Some(p) => report::parse_expect_fail(
                &std::fs::read_to_string(p)
                    .map_err(|e| format!("{}: cannot read: {e}", p.display()))?,
            ),
            None => Vec::new(),
        };
        let opts = Options {
            url: args.url.clone(),
            peer: args.peer.clone(),
            allow_writes,
            enforce_provisional: args.enforce_provisional,
            timeout: None,
        };
        let rt = chargespec_runtime::tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
        if progress {
            eprint!("chargespec conform: running the checks…\r");
        }
        let mut rep = rt.block_on(conform::run(&ir, &config, target, &opts))?;
        if progress {
            eprint!("{:40}\r", "");
        }
        for id in rep.apply_expected(&expected) {
            eprintln!("warning: the expect-fail file lists `{id}`, which no check has");
        }
        print!("{}", rep.text());
        let write = |path: &Option<PathBuf>, text: String| -> Result<(), String> {
            match path {
                Some(p) => std::fs::write(p, text)
                    .map_err(|e| format!("{}: cannot write: {e}", p.display())),
                None => Ok(()),
            }
        };
        write(&args.junit, rep.junit())?;
        write(&args.json, format!("{:#}\n", rep.json()))?;
        write(&args.markdown, rep.markdown())?;
        Ok(!rep.failed())
    };
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

// ---- end of chargespec conform -------------------------------------------------------------

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint {
            dirs,
            deny_warnings,
        } => lint(dirs, deny_warnings),
        Command::Generate {
            dirs,
            out,
            runtime_path,
        } => generate(dirs, &out, runtime_path, false),
        Command::Check {
            dirs,
            out,
            runtime_path,
        } => generate(dirs, &out, runtime_path, true),
        Command::Summary { dir } => {
            let checked = chargespec::check_dir(&dir);
            let sorted = checked.diags.sorted();
            eprint!("{}", render_all(&checked.sources, &sorted));
            match checked.ir {
                Some(ir) => {
                    print!("{}", ir::summary(&ir));
                    ExitCode::SUCCESS
                }
                None => ExitCode::FAILURE,
            }
        }
        Command::Validate {
            edition,
            interface,
            response,
            object,
            lenient,
            enforce_provisional,
            format,
            file,
        } => {
            let target = match (interface, object) {
                (Some(name), _) => {
                    chargespec::tools::validate::Target::Interface { name, response }
                }
                (None, Some(o)) => chargespec::tools::validate::Target::Object(o),
                (None, None) => {
                    eprintln!("error: give --interface NAME or --object NAME");
                    return ExitCode::from(2);
                }
            };
            validate_cmd(edition, target, lenient, enforce_provisional, format, file)
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
            wire_only,
        } => diff_cmd(old, new, format, fail_on, wire_only),
        Command::Envelope { action } => envelope_cmd(action),
        Command::Conform { target } => conform_cmd(target),
        Command::Explain { code } => match code {
            None => {
                for c in Code::ALL {
                    println!(
                        "{} {:<7} {}",
                        c.as_str(),
                        c.severity().to_string(),
                        c.title()
                    );
                }
                ExitCode::SUCCESS
            }
            Some(s) => match Code::parse(&s) {
                Some(c) => {
                    println!(
                        "{} ({}): {}\n\n{}",
                        c.as_str(),
                        c.severity(),
                        c.title(),
                        c.explanation()
                    );
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "error: unknown diagnostic code `{s}`; `chargespec explain` lists them"
                    );
                    ExitCode::from(2)
                }
            },
        },
    }
}
