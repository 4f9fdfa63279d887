//! Command-line entry point: serves the fake API until SIGINT/SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use fake_apiserver::{Faults, ServerConfig, kubeconfig_for, parse_seed, start_with};

/// A test-only fake Kubernetes API server.
#[derive(Debug, Parser)]
#[command(name = "fake-apiserver", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Write a kubeconfig for this server to this path.
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Default namespace of the kubeconfig context.
    #[arg(long)]
    kubeconfig_namespace: Option<String>,
    /// Multi-document YAML file of objects to preload (repeatable).
    #[arg(long)]
    seed: Vec<PathBuf>,
    /// Probability (0..1) that a write fails with 500.
    #[arg(long, default_value_t = 0.0)]
    write_failure_rate: f64,
    /// Probability (0..1) that a request fails with 429.
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    /// Probability (0..1) that a create or delete is committed but its response is lost (cut connection).
    #[arg(long, default_value_t = 0.0)]
    lost_response_rate: f64,
    /// Retry-After seconds sent with 429.
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// Latency added to every API request (ms).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Cut each watch stream after N events.
    #[arg(long)]
    drop_watch_after: Option<usize>,
    /// Retained changes per resource (older resourceVersions and continue tokens get 410).
    #[arg(long, default_value_t = 10_000)]
    history_limit: usize,
    /// Answer VERB on RESOURCE with 403 (e.g. `get:configmaps`, `*:nodes`); repeatable.
    #[arg(long, value_parser = Faults::parse_deny)]
    deny: Vec<(String, String)>,
    /// Log one line per request to stderr.
    #[arg(long, short, env = "FAKE_APISERVER_VERBOSE", action = clap::ArgAction::SetTrue, value_parser = clap::builder::FalseyValueParser::new())]
    verbose: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("fake-apiserver: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut seed = Vec::new();
    for p in &args.seed {
        let text =
            std::fs::read_to_string(p).map_err(|e| format!("reading {}: {e}", p.display()))?;
        seed.extend(parse_seed(&text).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let faults = Faults {
        write_failure_rate: args.write_failure_rate,
        throttle_rate: args.throttle_rate,
        lost_response_rate: args.lost_response_rate,
        retry_after_seconds: args.retry_after,
        latency_ms: args.latency_ms,
        drop_watch_after: args.drop_watch_after,
        history_limit: args.history_limit,
        deny: args.deny.clone(),
    };
    fake_apiserver::api::check_faults(&faults)?;
    let server = start_with(ServerConfig { seed, faults }, args.listen, args.verbose)
        .await
        .map_err(|e| format!("starting: {e}"))?;
    let url = server.url();
    if let Some(path) = &args.kubeconfig {
        std::fs::write(
            path,
            kubeconfig_for(&url, args.kubeconfig_namespace.as_deref()),
        )
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {url}");
        let _ = out.flush();
    }
    wait_for_signal().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
