//! The rule catalog against tests/fixtures/rules: every rule fires and passes as promised, at the right place.

use crate::util::*;
use kwokprovider::lint::{RULES, Scope};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn rules_dir() -> PathBuf {
    fixture("rules")
}

/// Extra CLI args of `<kind>.args`: one per line; paths after `--templates`/`-f` are relative to `dir`.
fn fixture_args(dir: &Path, kind: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join(format!("{kind}.args"))) else {
        return Vec::new();
    };
    let mut args: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let takes_path = matches!(
            args.last().map(String::as_str),
            Some("--templates" | "-f" | "--filename")
        );
        if takes_path {
            let path = dir.join(line);
            assert!(path.exists(), "{}: {line} does not exist", dir.display());
            args.push(s(&path).to_owned());
        } else {
            args.push(line.to_owned());
        }
    }
    args
}

/// Runs `validate -f <dir>/<kind>.yaml [args] -o <format>`.
fn run_fixture(dir: &Path, kind: &str, format: &str, extra: &[&str]) -> Run {
    let file = dir.join(format!("{kind}.yaml"));
    let args = fixture_args(dir, kind);
    let mut cmd = plugin();
    cmd.args(["validate", "-f", s(&file), "--color", "never", "-o", format])
        .args(&args)
        .args(extra);
    run_cmd(&mut cmd)
}

/// The rule directories that hold `<kind>.yaml`, sorted.
fn fixtures(kind: &str) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(rules_dir())
        .expect("tests/fixtures/rules")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join(format!("{kind}.yaml")).is_file())
        .map(|p| (p.file_name().unwrap().to_str().unwrap().to_owned(), p))
        .collect();
    out.sort();
    assert!(
        out.len() >= 10,
        "expected many {kind}.yaml fixtures, found {}",
        out.len()
    );
    out
}

/// Checks what must hold for any report; returns the problems found.
fn report_problems(run: &Run) -> Vec<String> {
    let mut problems = Vec::new();
    let json: Value = match serde_json::from_str(&run.stdout) {
        Ok(json) => json,
        Err(e) => return vec![format!("stdout is not JSON ({e}); stderr: {}", run.stderr)],
    };
    let diagnostics = json["diagnostics"].as_array().cloned().unwrap_or_default();
    let mut errors = 0;
    for d in &diagnostics {
        let rule = d["rule"].as_str().unwrap_or("");
        if kwokprovider::lint::find_rule(rule).is_none() {
            problems.push(format!("diagnostic with unknown rule {d}"));
        }
        if d["hint"].as_str().is_none_or(|h| h.trim().is_empty()) {
            problems.push(format!("diagnostic without a hint: {d}"));
        }
        if d["message"].as_str().is_none_or(|m| m.trim().is_empty()) {
            problems.push(format!("diagnostic without a message: {d}"));
        }
        if d["severity"] == "error" {
            errors += 1;
        }
    }
    let expected_code = if errors > 0 { 1 } else { 0 };
    if run.code != expected_code {
        problems.push(format!(
            "exit code {} but {errors} error(s): expected {expected_code}; stderr: {}",
            run.code, run.stderr
        ));
    }
    if json["summary"]["errors"] != errors {
        problems.push(format!(
            "summary.errors is {} but {errors} error diagnostics",
            json["summary"]["errors"]
        ));
    }
    problems
}

fn fail_if_any(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_rule_has_fire_and_pass_fixtures_and_docs() {
    let dir = rules_dir();
    let mut problems = Vec::new();
    for rule in RULES {
        if rule.summary.trim().is_empty() {
            problems.push(format!("{}: empty summary", rule.id));
        }
        if rule.remediation.trim().is_empty() {
            problems.push(format!("{}: empty remediation", rule.id));
        }
        let rule_dir = dir.join(rule.id.as_str());
        for kind in ["fire", "pass"] {
            let yaml = rule_dir.join(format!("{kind}.yaml")).is_file();
            let seed = rule_dir.join(format!("{kind}.seed.yaml")).is_file();
            if !yaml && !seed {
                problems.push(format!(
                    "{}: no {kind}.yaml or {kind}.seed.yaml in {}",
                    rule.id,
                    rule_dir.display()
                ));
            }
            if rule.scope == Scope::Any && !yaml {
                problems.push(format!(
                    "{}: fires on files, so it needs a {kind}.yaml",
                    rule.id
                ));
            }
        }
    }
    // No stale fixture directories, and no .args without its fixture.
    for entry in std::fs::read_dir(&dir).expect("tests/fixtures/rules") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if kwokprovider::lint::find_rule(&name).is_none() {
            problems.push(format!("{name}: fixture directory for no rule in RULES"));
            continue;
        }
        for kind in ["fire", "pass"] {
            if path.join(format!("{kind}.args")).exists()
                && !path.join(format!("{kind}.yaml")).exists()
            {
                problems.push(format!("{name}: {kind}.args without {kind}.yaml"));
            }
        }
    }
    fail_if_any(problems);
}

#[test]
fn fire_fixtures_fire_their_rule() {
    let mut problems = Vec::new();
    for (rule, dir) in fixtures("fire") {
        let run = run_fixture(&dir, "fire", "json", &[]);
        problems.extend(
            report_problems(&run)
                .into_iter()
                .map(|p| format!("{rule}/fire.yaml: {p}")),
        );
        let Ok(json) = serde_json::from_str::<Value>(&run.stdout) else {
            continue;
        };
        let mine: Vec<&Value> = json["diagnostics"]
            .as_array()
            .map(|a| a.iter().filter(|d| d["rule"] == rule.as_str()).collect())
            .unwrap_or_default();
        if mine.is_empty() {
            problems.push(format!(
                "{rule}/fire.yaml: the rule did not fire; got {}",
                run.stdout
            ));
        }
        for d in mine {
            if !(d["file"].is_string() && d["line"].is_u64() && d["column"].is_u64()) {
                problems.push(format!("{rule}/fire.yaml: no file:line:column in {d}"));
            }
        }
        problems.extend(unlisted_severities(&json, &format!("{rule}/fire.yaml")));
    }
    fail_if_any(problems);
}

/// Findings whose severity the catalog (`--list-rules`) does not list for their rule.
fn unlisted_severities(report: &Value, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for d in report["diagnostics"].as_array().into_iter().flatten() {
        let id = d["rule"].as_str().unwrap_or_default();
        if d["line"].as_u64() == Some(0) || d["column"].as_u64() == Some(0) {
            problems.push(format!(
                "{what}: {id} at line/column 0 (positions are 1-based or null): {d}"
            ));
        }
        let Some(rule) = kwokprovider::lint::find_rule(id) else {
            problems.push(format!("{what}: unknown rule {id}"));
            continue;
        };
        let listed: Vec<String> = std::iter::once(rule.severity)
            .chain(rule.also)
            .map(|s| s.to_string())
            .collect();
        if !listed.contains(&d["severity"].as_str().unwrap_or_default().to_owned()) {
            problems.push(format!(
                "{what}: {id} emitted at {}, but the catalog lists {listed:?}",
                d["severity"]
            ));
        }
    }
    problems
}

/// Every finding of every fixture (files and cluster seeds) carries a severity the catalog
/// lists for its rule, so `--list-rules` tells the truth.
#[test]
fn every_finding_has_a_severity_the_catalog_lists() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for kind in ["fire", "pass"] {
        for (rule, dir) in fixtures(kind) {
            let run = run_fixture(&dir, kind, "json", &[]);
            if let Ok(json) = serde_json::from_str::<Value>(&run.stdout) {
                seen += json["diagnostics"].as_array().map_or(0, Vec::len);
                problems.extend(unlisted_severities(&json, &format!("{rule}/{kind}.yaml")));
            }
        }
    }
    assert!(seen >= 30, "only {seen} findings checked");
    fail_if_any(problems);
}

#[test]
fn pass_fixtures_are_clean() {
    let mut problems = Vec::new();
    for (rule, dir) in fixtures("pass") {
        let run = run_fixture(&dir, "pass", "json", &[]);
        problems.extend(
            report_problems(&run)
                .into_iter()
                .map(|p| format!("{rule}/pass.yaml: {p}")),
        );
        let Ok(json) = serde_json::from_str::<Value>(&run.stdout) else {
            continue;
        };
        if run.rules().contains(&rule) {
            problems.push(format!("{rule}/pass.yaml: the rule fired"));
        }
        // Pass fixtures are examples users copy: no finding at all, and CA starts.
        if json["diagnostics"] != serde_json::json!([]) || run.code != 0 {
            problems.push(format!(
                "{rule}/pass.yaml: not clean (exit {}): {}",
                run.code, json["diagnostics"]
            ));
        }
        if json["ca"]["starts"] != true {
            problems.push(format!("{rule}/pass.yaml: CA would not start"));
        }
    }
    fail_if_any(problems);
}

#[test]
fn fire_and_pass_differ_only_in_the_rule() {
    // A fire fixture that also trips unrelated rules would not show that rule in isolation.
    let allowed_companions: &[(&str, &str)] = &[
        // The README's top-level `availableGPUTypes` is both ignored and the missing field.
        ("gpu-config-incomplete", "unknown-field"),
        // The README's `fromNodeAnnotation` is both ignored and why no key is set.
        ("grouping-key-missing", "unknown-field"),
        // A key that never matches leaves every template without the grouping label.
        ("grouping-key-whitespace", "grouping-label-missing"),
    ];
    let mut problems = Vec::new();
    for (rule, dir) in fixtures("fire") {
        let run = run_fixture(&dir, "fire", "json", &[]);
        for other in run.rules() {
            if other != rule && !allowed_companions.contains(&(rule.as_str(), other.as_str())) {
                problems.push(format!("{rule}/fire.yaml: also fires {other}"));
            }
        }
    }
    fail_if_any(problems);
}

#[test]
fn yaml_output_has_the_same_content_as_json() {
    let mut checked = 0;
    for kind in ["fire", "pass"] {
        for (rule, dir) in fixtures(kind) {
            let json = run_fixture(&dir, kind, "json", &[]);
            let yaml = run_fixture(&dir, kind, "yaml", &[]);
            assert_eq!(json.code, yaml.code, "{rule}/{kind}");
            let docs = kwokprovider::yaml::parse_stream(&yaml.stdout).unwrap_or_else(|e| {
                panic!("{rule}/{kind}: -o yaml is not YAML: {e:?}\n{}", yaml.stdout)
            });
            let docs: Vec<_> = docs.into_iter().filter(|d| !d.is_empty).collect();
            assert_eq!(docs.len(), 1, "{rule}/{kind}: one YAML document");
            assert_eq!(docs[0].root.to_json(), json.json(), "{rule}/{kind}");
            checked += 1;
        }
    }
    assert!(checked >= 20);
}

#[test]
fn disable_removes_a_rule_and_its_exit_code() {
    let dir = rules_dir().join("kwok-section-ignored");
    let before = run_fixture(&dir, "fire", "json", &[]);
    assert!(before.rules().contains(&"kwok-section-ignored".to_owned()));
    let after = run_fixture(&dir, "fire", "json", &["--disable", "kwok-section-ignored"]);
    assert_eq!(after.code, 0, "{after:?}");
    assert!(after.rules().is_empty(), "{}", after.stdout);
    assert_eq!(after.json()["summary"]["warnings"], 0);

    // Disabling the only error turns exit 1 into 0; comma-separated ids work too.
    let dir = rules_dir().join("gpu-config-incomplete");
    let before = run_fixture(&dir, "fire", "json", &[]);
    assert_eq!(before.code, 1, "{before:?}");
    let after = run_fixture(
        &dir,
        "fire",
        "json",
        &["--disable", "gpu-config-incomplete,unknown-field"],
    );
    assert_eq!(after.code, 0, "{after:?}");
    assert!(after.rules().is_empty(), "{}", after.stdout);
    // The verdict does not depend on what is shown.
    assert_eq!(after.json()["ca"]["starts"], false);

    let text = run_fixture(
        &dir,
        "fire",
        "text",
        &["--disable", "gpu-config-incomplete"],
    );
    assert!(
        !text.stdout.contains("[gpu-config-incomplete]"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("[unknown-field]"), "{}", text.stdout);
}

#[test]
fn strict_fails_on_warnings_but_not_on_infos() {
    let warning = rules_dir().join("unknown-field");
    assert_eq!(run_fixture(&warning, "fire", "json", &[]).code, 0);
    let strict = run_fixture(&warning, "fire", "json", &["--strict"]);
    assert_eq!(strict.code, 1, "{strict:?}");
    assert_eq!(run_fixture(&warning, "pass", "json", &["--strict"]).code, 0);

    let info = rules_dir().join("grouping-key-shared-with-real-nodes");
    let run = run_fixture(&info, "fire", "json", &["--strict"]);
    assert_eq!(run.json()["summary"]["infos"], 1, "{}", run.stdout);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn list_rules_lists_every_rule() {
    let text = run(&["validate", "--list-rules", "--color", "never"]);
    assert_eq!(text.code, 0, "{text:?}");
    let first_words: Vec<&str> = text
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let ids: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(first_words, ids);
    for (line, rule) in text.stdout.lines().skip(1).zip(RULES) {
        assert!(line.contains(rule.summary), "{line}");
        assert!(line.contains(&rule.severity.to_string()), "{line}");
    }

    let json = run(&["validate", "--list-rules", "-o", "json"]);
    assert_eq!(json.code, 0, "{json:?}");
    let listed = json.json();
    let listed = listed.as_array().expect("an array of rules");
    assert_eq!(listed.len(), RULES.len());
    for (item, rule) in listed.iter().zip(RULES) {
        assert_eq!(item["id"], rule.id.as_str());
        assert_eq!(item["severity"], rule.severity.to_string());
        assert_eq!(
            item["also"].as_str(),
            rule.also.map(|s| s.to_string()).as_deref()
        );
        assert_eq!(
            item["scope"],
            if rule.scope == Scope::Any {
                "any"
            } else {
                "cluster"
            }
        );
        assert_eq!(item["summary"], rule.summary);
        assert_eq!(item["remediation"], rule.remediation);
    }
}

/// (line, column), 1-based, of `token` on the only line of `text` containing `line_marker`
/// (comment lines do not count, unless the marker is a comment).
fn position(text: &str, line_marker: &str, token: &str) -> (u64, u64) {
    let hits: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(line_marker))
        .filter(|(_, l)| line_marker.starts_with('#') || !l.trim_start().starts_with('#'))
        .collect();
    assert_eq!(hits.len(), 1, "`{line_marker}` must be on exactly one line");
    let (index, line) = hits[0];
    let col = line
        .find(token)
        .unwrap_or_else(|| panic!("`{token}` in `{line}`"));
    (index as u64 + 1, col as u64 + 1)
}

/// Asserts that `rule` is reported at `token` on the line with `line_marker` of `file`.
fn assert_located(run: &Run, rule: &str, file: &Path, line_marker: &str, token: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let (line, column) = position(&text, line_marker, token);
    let json = run.json();
    let found: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect();
    assert!(!found.is_empty(), "{rule} did not fire: {}", run.stdout);
    let d = found[0];
    assert_eq!(d["file"], s(file), "{d}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(column)),
        "{rule} should point at `{token}` in `{line_marker}` ({}:{line}:{column}): {d}",
        file.display()
    );
}

fn located(rule: &str, kind: &str, line_marker: &str, token: &str) {
    let dir = rules_dir().join(rule);
    let run = run_fixture(&dir, kind, "json", &[]);
    assert_located(
        &run,
        rule,
        &dir.join(format!("{kind}.yaml")),
        line_marker,
        token,
    );
}

#[test]
fn locations_in_raw_config_files() {
    // Value of a misspelt-case key; the key itself.
    located(
        "field-case",
        "fire",
        "fromnodelabelkey:",
        "fromnodelabelkey",
    );
    // In a JSON file, the value's opening quote.
    located(
        "grouping-key-shared-with-real-nodes",
        "fire",
        "fromNodeLabelKey",
        "\"node.kubernetes.io/instance-type\"",
    );
}

#[test]
fn locations_in_raw_templates_given_with_templates_flag() {
    let dir = rules_dir().join("templates-single-node");
    let run = run_fixture(&dir, "fire", "json", &[]);
    assert_located(
        &run,
        "templates-single-node",
        &dir.join("fire-templates.yaml"),
        "kind: Node",
        "Node",
    );
}

#[test]
fn locations_in_text_output_match_json() {
    let dir = rules_dir().join("field-case");
    let file = dir.join("fire.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (line, col) = position(&text, "fromnodelabelkey:", "fromnodelabelkey");
    let out = run_fixture(&dir, "fire", "text", &[]);
    let expected = format!("{}:{line}:{col}: warning[field-case] ", s(&file));
    assert!(out.stdout.contains(&expected), "{expected}\n{}", out.stdout);
}

/// Positions inside a ConfigMap's `data: |` block must be the manifest's line and column.
#[test]
fn locations_inside_configmap_data_blocks() {
    located(
        "config-parse-error",
        "fire",
        "skipTaint: \"yes\"",
        "\"yes\"",
    );
    located(
        "read-nodes-from-invalid",
        "fire",
        "readNodesFrom: ConfigMap",
        "ConfigMap",
    );
    located("unknown-field", "fire", "skipTaints:", "skipTaints");
    located(
        "grouping-key-conflict",
        "fire",
        "fromNodeLabelAnnotation:",
        "fromNodeLabelAnnotation",
    );
    located(
        "nodegroup-size-invalid",
        "fire",
        "nodegroup/max-count",
        "\"2\"",
    );
    located(
        "template-hostname-label",
        "fire",
        "kubernetes.io/hostname:",
        "kubernetes.io/hostname",
    );
    located(
        "gpu-type-unknown",
        "fire",
        "accelerator: nvidia-tesla-v100",
        "nvidia-tesla-v100",
    );
    located("templates-empty", "fire", "# TODO: add node templates", "#");
}

/// Findings about the manifests themselves point into the manifest, outside the data blocks.
#[test]
fn locations_in_configmap_manifests() {
    // The ConfigMap's name, when it is not the one `configmap.name` gives.
    located(
        "templates-missing",
        "fire",
        "name: kwok-templates",
        "kwok-templates",
    );
    // The `data:` key of a provider-config ConfigMap without a `config` key (the first document).
    let dir = rules_dir().join("config-empty");
    let file = dir.join("fire.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().position(|l| l == "data:").unwrap() as u64 + 1;
    let d = run_fixture(&dir, "fire", "json", &[]).json()["diagnostics"][0].clone();
    assert_eq!(d["rule"], "config-empty", "{d}");
    assert_eq!(d["file"], s(&file));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(1))
    );
}

/// Every location of every fire fixture lies inside the file it names.
#[test]
fn fire_locations_are_inside_their_files() {
    let mut problems = Vec::new();
    for (rule, dir) in fixtures("fire") {
        let run = run_fixture(&dir, "fire", "json", &[]);
        for d in run.json()["diagnostics"].as_array().unwrap() {
            let (Some(file), Some(line), Some(col)) =
                (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64())
            else {
                continue;
            };
            let text = std::fs::read_to_string(file).unwrap();
            let line_text = text.lines().nth(line as usize - 1);
            match line_text {
                Some(l) if col as usize <= l.len() && !l[col as usize - 1..].trim().is_empty() => {}
                _ => problems.push(format!("{rule}: {file}:{line}:{col} points at nothing")),
            }
        }
    }
    fail_if_any(problems);
}

/// Every catalog rule is emitted somewhere: some non-test code outside the catalog
/// (`src/lint/mod.rs`) names its `RuleId` variant. (An id not in the catalog does not compile.)
#[test]
fn every_catalog_rule_is_emitted_by_some_check() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    let catalog = root().join("src/lint/mod.rs");
    let mut named = std::collections::BTreeSet::new();
    for file in files.iter().filter(|f| **f != catalog) {
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String = code
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (at, _) in code.match_indices("RuleId::") {
            let variant: String = code[at + "RuleId::".len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            named.insert(variant);
        }
    }
    for rule in RULES {
        let variant = format!("{:?}", rule.id);
        assert!(
            named.contains(&variant),
            "rule `{}` (RuleId::{variant}) is in the catalog but nothing emits it",
            rule.id
        );
    }
}
