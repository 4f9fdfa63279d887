//! Entry point of `kubectl-kwokprovider`: parse flags, run, print errors (with their causes
//! under -v), map them to exit codes.

use clap::{CommandFactory, FromArgMatches};
use kwokprovider::cli::{self, Cli};
use kwokprovider::error::{ErrorKind, exit};
use kwokprovider::output::UiOptions;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// The hidden subcommand kubectl's completion helper calls.
const COMPLETE: &str = "__complete";

fn main() -> ExitCode {
    tidy_no_proxy();
    // kubectl's plugin completion (`kubectl_complete-kwokprovider` runs `__complete WORDS…`):
    // the words are raw, partial last, so they never go through clap's parser.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(COMPLETE) {
        let stdout = std::io::stdout();
        let _ = kwokprovider::completion::run_complete(&args[2..], &mut stdout.lock());
        return ExitCode::from(exit::OK);
    }
    let args = cli::normalize_args(std::env::args_os().collect());
    // clap prints help and usage errors before we see --color: it is read from argv first.
    let mut ui = cli::early_ui_options(&args, &cli::Environment::from_process());
    let parsed = Cli::command()
        .color(cli::clap_color(&ui))
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let invocation = match cli.finish() {
        Ok(invocation) => invocation,
        Err(e) => {
            report(&e, &ui);
            return ExitCode::from(e.exit_code());
        }
    };
    ui = invocation.ui.clone();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = kwokprovider::run(&invocation, &mut out).and_then(|code| match out.flush() {
        // The reader went away (`… | head`): the exit code still tells what was found.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        flushed => flushed.map(|()| code).map_err(Into::into),
    });
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of our output went away (`… | head`): not a failure.
        Err(e) if e.kind == ErrorKind::BrokenPipe => ExitCode::from(exit::OK),
        Err(e) => {
            report(&e, &ui);
            ExitCode::from(e.exit_code())
        }
    }
}

/// kube 5 reads `NO_PROXY` itself whenever a proxy variable is set, and refuses an empty entry
/// (`localhost,,10.0.0.0/8`, a trailing comma) that Go, kubectl and curl skip: such entries are
/// dropped from the environment before anything reads it (children, such as credential plugins,
/// read the same list, as Go reads it).
fn tidy_no_proxy() {
    for name in ["NO_PROXY", "no_proxy"] {
        if let Ok(value) = std::env::var(name) {
            let tidy = kwokprovider::cluster::tidy_no_proxy(&value);
            if tidy != value {
                // SAFETY: the first thing `main` does, while this process has no other thread.
                unsafe { std::env::set_var(name, tidy) };
            }
        }
    }
}

/// Prints the error and its hint on stderr, `error:` coloured as --color and NO_COLOR say; with
/// -v, the errors that caused it, one `caused by:` line each. A closed stderr (`2>&1 | head -1`)
/// loses them, but never panics: the exit code still tells what happened.
fn report(e: &kwokprovider::error::Error, ui: &UiOptions) {
    let red = console::Style::new()
        .red()
        .bold()
        .force_styling(ui.stderr_colors());
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{} {}", red.apply_to("error:"), e.message);
    if ui.verbosity > 0 {
        for cause in e.causes() {
            let _ = writeln!(stderr, "  caused by: {cause}");
        }
    }
    if let Some(hint) = &e.hint {
        let _ = writeln!(stderr, "  = hint: {hint}");
    }
}
