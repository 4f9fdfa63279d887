//! Conformance with the provider's own inputs: every file of the corpus in `KWOK_CONFORMANCE_DIR` gets CA's verdict.
//!
//! The corpus is third-party data and is never copied into the project. CI points
//! `KWOK_CONFORMANCE_DIR` at it and runs `cargo test --test cli conformance -- --ignored`.
//! The expected verdicts are those of the corpus README's table. A missing corpus fails.

use crate::util::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The config that the provider's unit tests pair with every templates file.
const TEST_CONFIG: &str = "ca-test-inputs/testConfig.yaml";

/// How a corpus file is fed to `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `-f <file>` alone.
    Alone,
    /// `-f testConfig.yaml --templates <file>`.
    TemplatesWithTestConfig,
}

/// What CA does with one corpus file, per the corpus README.
#[derive(Debug)]
struct Case {
    file: &'static str,
    mode: Mode,
    starts: bool,
    /// Exact node-group names in order; `None` when the README says nothing about them.
    groups: Option<&'static [&'static str]>,
    /// Rules that must fire (others may fire too).
    rules: &'static [&'static str],
    /// Templates that must be reported as skipped (by template name).
    skipped: &'static [&'static str],
    /// Exact exit code, when it matters; else it must be 0 or 1.
    exit: Option<i32>,
}

const fn alone(file: &'static str) -> Case {
    Case {
        file,
        mode: Mode::Alone,
        starts: true,
        groups: None,
        rules: &[],
        skipped: &[],
        exit: None,
    }
}

const fn templates(file: &'static str, groups: &'static [&'static str]) -> Case {
    Case {
        file,
        mode: Mode::TemplatesWithTestConfig,
        starts: true,
        groups: Some(groups),
        rules: &[],
        skipped: &[],
        exit: None,
    }
}

/// The README's "provider config" row: CA accepts each of them.
const PROVIDER_CONFIGS: &[Case] = &[
    alone("ca-test-inputs/testConfig.yaml"),
    alone("ca-test-inputs/testConfigSkipTaint.yaml"),
    alone("ca-test-inputs/testConfigDynamicTemplates.yaml"),
    alone("ca-test-inputs/testConfigDynamicTemplatesSkipTaint.yaml"),
    alone("ca-test-inputs/withoutKwok.yaml"),
    alone("ca-test-inputs/withStaticKwokRelease.yaml"),
    alone("ca-test-inputs/skipKwokInstall.yaml"),
];

/// The README's templates rows, each paired with testConfig.
const TEMPLATES: &[Case] = &[
    Case {
        skipped: &["kind-worker-2"],
        ..templates("ca-test-inputs/testTemplates.yaml", &["kind-worker"])
    },
    Case {
        rules: &["template-no-resources"],
        skipped: &["node3"],
        ..templates("ca-test-inputs/testTemplatesMinimal.yaml", &["ng1", "ng2"])
    },
    templates(
        "ca-test-inputs/multipleNodes.yaml",
        &["control-plane", "kind-worker"],
    ),
    templates(
        "ca-test-inputs/nodeList.yaml",
        &["control-plane", "kind-worker"],
    ),
    Case {
        starts: false,
        rules: &["template-decode-error"],
        exit: Some(1),
        ..templates("ca-test-inputs/wrongIndentation.yaml", &[])
    },
    templates("ca-test-inputs/noGPULabel.yaml", &["kind-worker"]),
];

/// The helm chart's default ConfigMaps: CA starts, but the linter warns.
const HELM: &[Case] = &[Case {
    groups: Some(&["control-plane", "kind-worker", "kind-worker2"]),
    rules: &["template-real-node-leftovers", "template-hostname-label"],
    ..alone("helm-chart-default-configmaps.yaml")
}];

/// The provider's two sample configs.
const SAMPLES: &[Case] = &[
    Case {
        rules: &["configmap-key-ignored"],
        ..alone("static_nodegroups_config.yaml")
    },
    alone("dynamic_nodegroups_config.yaml"),
];

/// Files in the corpus that are documentation, not inputs.
const NOT_INPUTS: &[&str] = &["README.md"];

/// The corpus directory; panics (fails the test) when it is not set or not there.
fn corpus() -> PathBuf {
    let Some(value) = std::env::var_os("KWOK_CONFORMANCE_DIR") else {
        panic!(
            "KWOK_CONFORMANCE_DIR is not set: point it at the cluster-autoscaler kwok provider corpus \
             (e.g. /work/shared/reference/ca-kwok-provider); these tests must not pass without it"
        );
    };
    // Relative paths are taken from the project root, where cargo runs the tests.
    let dir = root().join(value);
    assert!(
        dir.is_dir(),
        "KWOK_CONFORMANCE_DIR={} is not a directory; the conformance corpus is missing",
        dir.display()
    );
    assert!(
        dir.join(TEST_CONFIG).is_file(),
        "KWOK_CONFORMANCE_DIR={} does not look like the corpus: no {TEST_CONFIG}",
        dir.display()
    );
    dir
}

/// Runs `validate -o json` on one case; returns the problems found (empty when it conforms).
fn check(dir: &Path, case: &Case) -> Vec<String> {
    let file = dir.join(case.file);
    let config = dir.join(TEST_CONFIG);
    let mut args = vec!["validate", "-o", "json"];
    match case.mode {
        Mode::Alone => args.extend(["-f", s(&file)]),
        Mode::TemplatesWithTestConfig => {
            args.extend(["-f", s(&config), "--templates", s(&file)]);
        }
    }
    let out = run(&args);
    let mut problems = Vec::new();
    let mut fail = |what: String| problems.push(format!("{}: {what}", case.file));
    match case.exit {
        Some(code) if out.code != code => fail(format!("exit {} (want {code})", out.code)),
        None if !matches!(out.code, 0 | 1) => fail(format!("exit {} (want 0 or 1)", out.code)),
        _ => {}
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&out.stdout) else {
        fail(format!(
            "stdout is not JSON\nstdout: {}\nstderr: {}",
            out.stdout, out.stderr
        ));
        return problems;
    };
    let ca = &json["ca"];
    if ca["starts"].as_bool() != Some(case.starts) {
        fail(format!(
            "ca.starts = {} (want {})",
            ca["starts"], case.starts
        ));
    }
    if case.starts != ca["failure"].is_null() {
        fail(format!(
            "ca.failure = {} does not match starts = {}",
            ca["failure"], case.starts
        ));
    }
    if let Some(want) = case.groups {
        let got: Vec<&str> = ca["nodeGroups"]
            .as_array()
            .map(|g| g.iter().filter_map(|g| g["name"].as_str()).collect())
            .unwrap_or_default();
        if got != want {
            fail(format!("node groups {got:?} (want {want:?})"));
        }
    }
    let rules: BTreeSet<&str> = json["diagnostics"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["rule"].as_str()).collect())
        .unwrap_or_default();
    for rule in case.rules {
        if !rules.contains(rule) {
            fail(format!("rule `{rule}` did not fire (got {rules:?})"));
        }
    }
    let skipped: Vec<&str> = ca["skippedTemplates"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["template"].as_str()).collect())
        .unwrap_or_default();
    for name in case.skipped {
        // Templates are labelled like `templates[2] node3`.
        if !skipped.iter().any(|t| t.rsplit(' ').next() == Some(name)) {
            fail(format!(
                "template `{name}` not reported skipped (got {skipped:?})"
            ));
        }
    }
    problems
}

fn check_all(cases: &[Case]) {
    let dir = corpus();
    let problems: Vec<String> = cases.iter().flat_map(|c| check(&dir, c)).collect();
    assert!(
        problems.is_empty(),
        "{} verdict(s) differ from the corpus README:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
#[ignore = "needs the conformance corpus"]
fn provider_configs_are_accepted() {
    check_all(PROVIDER_CONFIGS);
}

#[test]
#[ignore = "needs the conformance corpus"]
fn templates_with_test_config() {
    check_all(TEMPLATES);
}

#[test]
#[ignore = "needs the conformance corpus"]
fn helm_chart_defaults() {
    check_all(HELM);
    // The warnings are about the right things: the control-plane taint and the hostname labels.
    let dir = corpus();
    let out = run(&[
        "validate",
        "-o",
        "json",
        "-f",
        s(&dir.join("helm-chart-default-configmaps.yaml")),
    ]);
    let json = out.json();
    let messages = |rule: &str| -> Vec<String> {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == rule)
            .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let leftovers = messages("template-real-node-leftovers");
    assert!(
        leftovers.iter().any(|m| m.contains("control-plane")),
        "no warning about the control-plane taint: {leftovers:?}"
    );
    let hostnames = messages("template-hostname-label");
    for node in ["kind-control-plane", "kind-worker", "kind-worker2"] {
        assert!(
            hostnames.iter().any(|m| m.contains(node)),
            "no hostname-label warning for `{node}`: {hostnames:?}"
        );
    }
}

#[test]
#[ignore = "needs the conformance corpus"]
fn samples() {
    check_all(SAMPLES);
}

/// A new file in the corpus must get a verdict here before the suite passes.
#[test]
#[ignore = "needs the conformance corpus"]
fn covers_every_corpus_file() {
    let dir = corpus();
    let covered: BTreeSet<&str> = [PROVIDER_CONFIGS, TEMPLATES, HELM, SAMPLES]
        .iter()
        .flat_map(|cases| cases.iter().map(|c| c.file))
        .chain(NOT_INPUTS.iter().copied())
        .collect();
    let mut present = BTreeSet::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&dir).expect("under the corpus");
                present.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let unchecked: Vec<&String> = present
        .iter()
        .filter(|p| !covered.contains(p.as_str()))
        .collect();
    assert!(
        unchecked.is_empty(),
        "corpus files without a verdict in tests/cli/conformance.rs: {unchecked:?}"
    );
    let missing: Vec<&&str> = covered.iter().filter(|c| !present.contains(**c)).collect();
    assert!(
        missing.is_empty(),
        "files expected in the corpus but absent: {missing:?}"
    );
}
