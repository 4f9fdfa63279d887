//! `validate`: analyses what CA reads (read by `inputs`) and reports what it finds.

pub mod options;

use crate::cluster::{ConnectOptions, runtime};
use crate::error::{Result, exit};
use crate::inputs::{self, GivenFiles};
use crate::lint::{self, Diagnostic, Severity, analysis::Analysis, report};
use crate::output::{OutputFormat, Ui};
use crate::provider::CaVersion;
use options::ValidateOptions;
use std::io::Write;

pub fn run(
    connection: &ConnectOptions,
    args: &ValidateOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let styles = report::Styles::new(ui.stdout_colors);
    if args.list_rules {
        match args.output {
            OutputFormat::Text => report::render_rules(out, &styles)?,
            format => crate::output::write_data(out, format, &crate::lint::RULES)?,
        }
        return Ok(exit::OK);
    }
    let analysis = match GivenFiles::read(&args.files, args.templates.as_deref())? {
        None => {
            let config_map = args.provider.config_map_name()?;
            analyze_live(connection, args, &config_map, ui)?
        }
        Some(given) => {
            let (config_map, from_deployment) =
                args.provider.config_map_name_for_files(&given.files)?;
            if let Some(note) = from_deployment {
                ui.say(note);
            }
            let version = args.provider.ca_version();
            lint::analyze(&given.classify(&config_map, version, ui)?, version)
        }
    };
    report(out, &analysis, args, &styles)
}

/// The live cluster: what CA reads there, analysed for the CA version that reads it (its
/// Deployment's image, unless `--ca-version`), then the cluster rules over what else is there.
fn analyze_live(
    connection: &ConnectOptions,
    args: &ValidateOptions,
    config_map: &str,
    ui: &Ui,
) -> Result<Analysis> {
    runtime()?.block_on(async {
        let cluster = inputs::connect(connection).await?;
        let ns = cluster.namespace.name.clone();
        ui.say(format!(
            "validating ConfigMap `{config_map}` in namespace `{ns}` ({}), context `{}` at {}",
            cluster.namespace.reason, cluster.context, cluster.server
        ));
        // Which ConfigMaps and nodes to read does not depend on the CA version.
        let (inputs, mut facts, nodes) =
            inputs::live::read_config_maps(&cluster, config_map, args.provider.ca_version())
                .await?;
        facts.namespace = ns.clone();
        facts.config_map = config_map.to_owned();
        let deployments = inputs::live::list_deployments(&cluster).await;
        let version = match args.provider.ca_version {
            Some(version) => version,
            None => match deployments
                .as_ref()
                .ok()
                .and_then(|d| inputs::live::deployed_ca_version(d, &ns, config_map))
            {
                Some((version, deployment, image)) => {
                    ui.say(format!(
                        "linting for CA {version}: the image of {deployment} ({image}); --ca-version overrides it"
                    ));
                    version
                }
                None => CaVersion::LATEST,
            },
        };
        let mut analysis = lint::analyze(&inputs, version);
        inputs::live::gather_facts(
            &cluster,
            &mut facts,
            nodes,
            deployments,
            analysis.verdict.settings.as_ref(),
            ui,
        )
        .await;
        lint::check_cluster(&facts, &mut analysis);
        Ok(analysis)
    })
}

/// Prints the analysis and returns the exit code it means.
pub fn report(
    out: &mut impl Write,
    analysis: &Analysis,
    args: &ValidateOptions,
    styles: &report::Styles,
) -> Result<u8> {
    let diagnostics: Vec<Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|d| !args.disable.contains(&d.rule))
        .cloned()
        .collect();
    let failing = diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || (args.strict && d.severity == Severity::Warning));
    let code = if failing { exit::FINDINGS } else { exit::OK };
    let written = match args.output {
        OutputFormat::Text => report::render_text(out, analysis, &diagnostics, styles),
        format => {
            crate::output::write_data(out, format, &report::json_report(analysis, &diagnostics))
        }
    };
    match written {
        // `validate … | head`: the reader left, but the verdict stands (for `set -o pipefail`).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(code),
    }
}
