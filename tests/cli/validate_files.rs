//! `validate -f`: inputs, summary, exit codes and output formats, through the real binary.

use crate::util::*;

#[test]
fn version_and_help() {
    let out = run(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains(env!("CARGO_PKG_VERSION")));
    let help = run(&["validate", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("kubectl kwokprovider validate -f"),
        "{}",
        help.stdout
    );
}

#[test]
fn bad_flags_exit_2() {
    let out = run(&["validate", "--no-such-flag"]);
    assert_eq!(out.code, 2, "{out:?}");
    let out = run(&["validate", "--disable", "no-such-rule", "-f", "x.yaml"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unknown rule"), "{}", out.stderr);
}

fn rule_fixture(rule: &str, kind: &str) -> std::path::PathBuf {
    fixture(&format!("rules/{rule}/{kind}.yaml"))
}

/// A clean setup: both ConfigMaps, one node group `general`.
const CLEAN: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: kwok-provider-config
data:
  config: |
    apiVersion: v1alpha1
    readNodesFrom: configmap
    nodegroups:
      fromNodeLabelKey: kwok-nodegroup
    configmap:
      name: kwok-provider-templates
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kwok-provider-templates
data:
  templates: |
    apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Node
        metadata:
          name: general
          annotations:
            cluster-autoscaler.kwok.nodegroup/max-count: \"5\"
          labels:
            kwok-nodegroup: general
        status:
          allocatable: {cpu: \"4\", memory: 16Gi, pods: \"110\"}
";

const RAW_CONFIG: &str = crate::setups::PROVIDER_CONFIG;

const RAW_TEMPLATES: &str = "apiVersion: v1
kind: Node
metadata:
  name: small
  annotations: {}
  labels:
    kwok-nodegroup: small
status:
  allocatable: {cpu: \"2\", memory: 4Gi, pods: \"110\"}
---
apiVersion: v1
kind: Node
metadata:
  name: large
  annotations: {}
  labels:
    kwok-nodegroup: large
status:
  allocatable: {cpu: \"16\", memory: 64Gi, pods: \"110\"}
";

fn write(dir: &std::path::Path, name: &str, text: impl AsRef<[u8]>) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A usage/input error: exit 2, nothing on stdout, `error:` and `= hint:` on stderr.
#[track_caller]
fn assert_input_error(out: &Run, needle: &str) {
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "data on stdout: {}", out.stdout);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains(needle), "`{needle}` in {}", out.stderr);
}

/// An input error (exit 2, nothing on stdout) that also says how to fix it.
#[track_caller]
fn assert_input_error_with_hint(out: &Run, needle: &str) {
    assert_input_error(out, needle);
    assert_hint(out);
}

#[track_caller]
fn assert_hint(out: &Run) {
    assert!(
        out.stderr.contains("\n  = hint: "),
        "no hint: {}",
        out.stderr
    );
}

#[test]
fn summary_says_which_node_groups_ca_creates() {
    let one = run_with_stdin(
        &["validate", "-f", "-", "--color", "never"],
        CLEAN.as_bytes(),
    );
    assert_eq!(one.code, 0, "{one:?}");
    assert!(
        one.stdout.starts_with(
            "CA 1.34+ will start and create 1 node group (grouping by label `kwok-nodegroup`):"
        ),
        "{}",
        one.stdout
    );
    let row = one
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("general"))
        .expect("a row for group general");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[..3], ["general", "0", "5"], "{row}");
    assert!(row.ends_with("kwok-provider=true:NoSchedule"), "{row}");
    assert!(one.stdout.contains("no problems found"), "{}", one.stdout);

    let two = run(&[
        "validate",
        "-f",
        s(&rule_fixture("nodegroup-duplicate", "pass")),
        "--color",
        "never",
    ]);
    assert!(
        two.stdout.contains("will start and create 2 node groups"),
        "{}",
        two.stdout
    );
}

#[test]
fn summary_says_when_ca_will_not_start_or_crashes() {
    let not_start = run(&[
        "validate",
        "-f",
        s(&rule_fixture("read-nodes-from-invalid", "fire")),
        "--color",
        "never",
    ]);
    assert_eq!(not_start.code, 1);
    assert!(
        not_start.stdout.starts_with("CA 1.34+ will NOT start:"),
        "{}",
        not_start.stdout
    );
    assert!(
        not_start
            .stdout
            .contains("CA says: failed to load kwok provider config:"),
        "{}",
        not_start.stdout
    );

    let crashing = rule_fixture("template-annotations-missing", "fire");
    let crash = run(&["validate", "-f", s(&crashing), "--color", "never"]);
    assert_eq!(crash.code, 1, "{crash:?}");
    assert!(
        crash.stdout.starts_with("CA 1.34+ will CRASH at start-up:"),
        "{}",
        crash.stdout
    );
    assert!(crash.stdout.contains("panic"), "{}", crash.stdout);
    let json = run(&["validate", "-f", s(&crashing), "-o", "json"]).json();
    assert_eq!(json["ca"]["crashes"], true);

    // Comment-only templates: CA's decoder fails on them (the panic path is unreachable).
    let empty = run(&[
        "validate",
        "-f",
        s(&rule_fixture("templates-empty", "fire")),
        "--color",
        "never",
    ]);
    assert!(
        empty.stdout.starts_with("CA 1.34+ will NOT start:"),
        "{}",
        empty.stdout
    );
    assert!(
        empty.stdout.contains("Object 'Kind' is missing"),
        "{}",
        empty.stdout
    );

    let never = run(&[
        "validate",
        "-f",
        s(&rule_fixture("grouping-label-missing", "fire")),
        "--color",
        "never",
    ]);
    assert!(
        never
            .stdout
            .contains("will start but creates NO node groups"),
        "{}",
        never.stdout
    );
    assert!(never.stdout.contains("skipped: "), "{}", never.stdout);
}

#[test]
fn ca_version_changes_the_target() {
    let path = rule_fixture("grouping-key-conflict", "fire");
    // The file sets `fromNodeLabelAnnotation`, which CA 1.34+ ignores, and 1.33 reads.
    let latest = run(&["validate", "-f", s(&path), "-o", "json"]);
    assert_eq!(latest.json()["ca"]["targetVersion"], "1.34+");
    assert!(!latest.rules().contains(&"grouping-key-conflict".to_owned()));
    assert!(latest.rules().contains(&"unknown-field".to_owned()));
    let old = run(&[
        "validate",
        "-f",
        s(&path),
        "-o",
        "json",
        "--ca-version",
        "1.33",
    ]);
    assert_eq!(old.json()["ca"]["targetVersion"], "1.33");
    assert_eq!(old.rules(), ["grouping-key-conflict"]);
    assert_eq!(old.code, 1);
}

#[test]
fn json_report_has_the_documented_shape() {
    let out = run(&[
        "validate",
        "-f",
        s(&rule_fixture("nodegroup-duplicate", "fire")),
        "-o",
        "json",
    ]);
    let json = out.json();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        k.sort();
        k
    };
    for key in ["ca", "diagnostics", "summary"] {
        assert!(json.get(key).is_some(), "no `{key}`: {json}");
    }
    let ca = &json["ca"];
    assert_eq!(ca["starts"], true);
    assert!(ca["failure"].is_null());
    let groups = ca["nodeGroups"].as_array().expect("ca.nodeGroups");
    assert_eq!(groups.len(), 1);
    assert_eq!(keys(&groups[0]), ["max", "min", "name", "template"]);
    assert_eq!(groups[0]["name"], "general");
    assert_eq!(groups[0]["min"], 0);
    assert_eq!(groups[0]["max"], 200);
    assert!(
        groups[0]["template"].as_str().unwrap().contains("general"),
        "{}",
        groups[0]
    );
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(
        keys(d),
        [
            "column", "file", "hint", "line", "message", "rule", "severity"
        ]
    );
    assert_eq!(d["rule"], "nodegroup-duplicate");
    assert_eq!(d["severity"], "warning");
    assert!(d["file"].as_str().unwrap().ends_with("fire.yaml"));
    assert!(d["line"].as_u64().unwrap() > 1);
    assert!(d["column"].as_u64().unwrap() >= 1);
    assert_eq!(keys(&json["summary"]), ["errors", "infos", "warnings"]);
    assert_eq!(json["summary"]["warnings"], 1);
    assert_eq!(json["summary"]["errors"], 0);

    // A failing setup: `failure` is CA's message, `starts` false.
    let failing = run(&[
        "validate",
        "-f",
        s(&rule_fixture("configmap-section-missing", "fire")),
        "-o",
        "json",
    ])
    .json();
    assert_eq!(failing["ca"]["starts"], false);
    assert!(
        failing["ca"]["failure"]
            .as_str()
            .unwrap()
            .starts_with("failed to load kwok provider config: please specify"),
        "{}",
        failing["ca"]
    );
    assert_eq!(failing["ca"]["nodeGroups"], serde_json::json!([]));
    assert_eq!(failing["summary"]["errors"], 1);
}

#[test]
fn reads_a_directory_of_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let (config, templates) = CLEAN.split_once("---\n").unwrap();
    write(dir.path(), "10-config.yaml", config);
    write(dir.path(), "20-templates.yml", templates);
    // Neither of these is read: not a manifest extension, hidden.
    write(dir.path(), "README.md", "readNodesFrom: cluster\n");
    write(dir.path(), ".backup.yaml", CLEAN);
    let out = run(&["validate", "-f", s(dir.path()), "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    assert_eq!(json["ca"]["nodeGroups"][0]["name"], "general");
    assert_eq!(json["diagnostics"], serde_json::json!([]));

    // Positions name the file inside the directory.
    write(
        dir.path(),
        "10-config.yaml",
        config.replace("fromNodeLabelKey", "fromnodelabelkey"),
    );
    let out = run(&["validate", "-f", s(dir.path()), "-o", "json"]);
    let d = &out.json()["diagnostics"][0];
    assert_eq!(d["rule"], "field-case");
    assert!(
        d["file"].as_str().unwrap().ends_with("10-config.yaml"),
        "{d}"
    );
}

#[test]
fn reads_stdin() {
    let out = run_with_stdin(&["validate", "-f", "-", "-o", "json"], CLEAN.as_bytes());
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["ca"]["nodeGroups"][0]["name"], "general");

    let broken = CLEAN.replace("readNodesFrom: configmap", "readNodesFrom: configmaps");
    let out = run_with_stdin(&["validate", "-f", "-", "-o", "json"], broken.as_bytes());
    assert_eq!(out.code, 1, "{out:?}");
    let d = &out.json()["diagnostics"][0];
    assert_eq!(d["rule"], "read-nodes-from-invalid");
    assert_eq!(d["file"], "<stdin>");
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("readNodesFrom: configmap"),
        "{d}"
    );
}

#[test]
fn reads_a_raw_config_with_raw_templates() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config.yaml", RAW_CONFIG);
    let templates = write(dir.path(), "templates.yaml", RAW_TEMPLATES);
    let out = run(&[
        "validate",
        "-f",
        s(&config),
        "--templates",
        s(&templates),
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    let names: Vec<&str> = json["ca"]["nodeGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["small", "large"]);
    assert_eq!(json["diagnostics"], serde_json::json!([]));

    // A raw config alone: CA's verdict on the config, and a warning that templates are missing.
    let alone = run(&["validate", "-f", s(&config), "-o", "json"]);
    assert_eq!(alone.code, 0, "{alone:?}");
    assert_eq!(alone.rules(), ["templates-missing"]);
    assert_eq!(alone.json()["diagnostics"][0]["severity"], "warning");

    // Positions in a raw templates file are the file's own.
    let bad = write(
        dir.path(),
        "bad-templates.yaml",
        RAW_TEMPLATES.replace("    kwok-nodegroup: large", "    kwok-nodegroup: Large"),
    );
    let out = run(&[
        "validate",
        "-f",
        s(&config),
        "--templates",
        s(&bad),
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    let d = &out.json()["diagnostics"][0];
    assert_eq!(d["rule"], "nodegroup-name-invalid");
    assert_eq!(d["file"], s(&bad));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(17), Some(21))
    );
}

#[test]
fn missing_file_exits_2() {
    let out = run(&["validate", "-f", "/nonexistent/kwok-provider.yaml"]);
    assert_input_error(
        &out,
        "/nonexistent/kwok-provider.yaml: cannot open: no such file",
    );
    assert_hint(&out);
    let out = run(&[
        "validate",
        "-f",
        s(&rule_fixture("config-empty", "pass")),
        "--templates",
        "/nonexistent/t.yaml",
    ]);
    assert_input_error(&out, "/nonexistent/t.yaml");
}

#[test]
fn directory_without_manifests_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", "readNodesFrom: cluster\n");
    let out = run(&["validate", "-f", s(dir.path())]);
    assert_input_error(&out, "no .yaml, .yml or .json files");
}

#[test]
fn directory_without_manifests_has_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["validate", "-f", s(dir.path())]);
    assert_input_error_with_hint(&out, "no .yaml, .yml or .json files");
}

#[test]
fn binary_junk_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let invalid_utf8 = write(
        dir.path(),
        "junk.yaml",
        b"apiVersion: v1\nkind: \xff\xfe\x00\n",
    );
    let out = run(&["validate", "-f", s(&invalid_utf8)]);
    assert_input_error_with_hint(&out, "junk.yaml:2:7: not UTF-8");

    let out = run_with_stdin(&["validate", "-f", "-"], b"\x89PNG\r\n\x1a\n\x00\x00");
    assert_input_error_with_hint(&out, "<stdin>");

    // Valid UTF-8, but control characters and no structure.
    let control = write(dir.path(), "control.yaml", "\u{1}\u{2}: [\u{7}\n");
    let out = run(&["validate", "-f", s(&control)]);
    assert_input_error_with_hint(&out, "control.yaml");
}

#[test]
fn nothing_recognisable_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = write(
        dir.path(),
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n---\nhello: world\n",
    );
    for format in ["text", "json"] {
        let out = run(&["validate", "-f", s(&deployment), "-o", format]);
        assert_input_error_with_hint(&out, "nothing to validate in");
    }
    // An unrelated ConfigMap is not ours either.
    let other = write(
        dir.path(),
        "other.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-settings\ndata:\n  mode: fast\n",
    );
    let out = run(&["validate", "-f", s(&other)]);
    assert_input_error(&out, "nothing to validate");
}

#[test]
fn two_provider_configs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.yaml", RAW_CONFIG);
    let b = write(dir.path(), "b.yaml", CLEAN);
    let out = run(&["validate", "-f", s(&a), "-f", s(&b)]);
    assert_input_error_with_hint(&out, "found 2 provider configs");
}

#[test]
fn content_ca_rejects_exits_1() {
    // A value of the wrong type in the config.
    let typed = CLEAN.replace(
        "      name: kwok-provider-templates\n---",
        "      name: kwok-provider-templates\n    nodes:\n      skipTaint: \"true\"\n---",
    );
    let out = run_with_stdin(&["validate", "-f", "-", "-o", "json"], typed.as_bytes());
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.rules(), ["config-parse-error"]);
    let json = out.json();
    assert_eq!(json["ca"]["starts"], false);
    assert!(
        json["ca"]["failure"]
            .as_str()
            .unwrap()
            .contains("cannot unmarshal string into Go struct field"),
        "{}",
        json["ca"]
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);

    // Templates that do not decode: a node without `kind`.
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config.yaml", RAW_CONFIG);
    let templates = write(
        dir.path(),
        "templates.yaml",
        RAW_TEMPLATES.replacen("kind: Node\n", "", 1),
    );
    let out = run(&[
        "validate",
        "-f",
        s(&config),
        "--templates",
        s(&templates),
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.rules().contains(&"template-decode-error".to_owned()),
        "{}",
        out.stdout
    );
    assert_eq!(out.json()["ca"]["starts"], false);

    // Not YAML at all inside the templates.
    let syntax = write(
        dir.path(),
        "syntax.yaml",
        "apiVersion: v1\nkind: List\nitems: [\n",
    );
    let out = run(&[
        "validate",
        "-f",
        s(&config),
        "--templates",
        s(&syntax),
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.rules(), ["template-decode-error"]);
}

#[test]
fn colors_follow_flags_and_no_color() {
    let path = rule_fixture("unknown-field", "fire");
    let has_ansi = |out: &Run| out.stdout.contains('\u{1b}');

    let never = run(&["validate", "-f", s(&path), "--color", "never"]);
    assert!(!has_ansi(&never), "{:?}", never.stdout);
    let always = run(&["validate", "-f", s(&path), "--color", "always"]);
    assert!(has_ansi(&always), "{:?}", always.stdout);
    assert!(always.stdout.contains("\u{1b}["), "{:?}", always.stdout);
    // Not a terminal: `auto` is plain.
    let auto = run(&["validate", "-f", s(&path)]);
    assert!(!has_ansi(&auto), "{:?}", auto.stdout);
    let no_color = run_cmd(
        plugin()
            .env("NO_COLOR", "1")
            .args(["validate", "-f", s(&path)]),
    );
    assert!(!has_ansi(&no_color), "{:?}", no_color.stdout);
    // Without colors, the text is the same as with them, minus the escapes.
    assert_eq!(strip_ansi(&always.stdout), never.stdout);

    // Errors too.
    let err = run(&["validate", "-f", "/nonexistent.yaml", "--color", "never"]);
    assert!(!err.stderr.contains('\u{1b}'), "{:?}", err.stderr);
    // JSON is never coloured.
    let json = run(&[
        "validate",
        "-f",
        s(&path),
        "--color",
        "always",
        "-o",
        "json",
    ]);
    assert!(!json.stdout.contains('\u{1b}'));
    json.json();
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ params final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_failure_summary_ends_with_the_fix_for_the_first_check_ca_fails() {
    let fixture = fixture("rules/read-nodes-from-invalid/fire.yaml");
    let json = run(&["validate", "-f", s(&fixture), "-o", "json"]).json();
    let hint = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "read-nodes-from-invalid")
        .expect("the rule fires")["hint"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = run(&["validate", "-f", s(&fixture), "--color", "never"]);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines[0].contains("will NOT start"), "{}", text.stdout);
    assert_eq!(lines[3], format!("  fix: {hint}"), "{}", text.stdout);
}

/// `CLEAN` with the templates under `configmap.key`'s key, plus an unrelated ConfigMap with a `config` key.
fn config_maps_with_wrong_templates_key() -> String {
    let moved = CLEAN
        .replace(
            "      name: kwok-provider-templates\n---",
            "      name: kwok-provider-templates\n      key: kwok-config\n---",
        )
        .replace("  templates: |", "  kwok-config: |");
    format!(
        "{moved}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: some-app\ndata:\n  config: |\n    logLevel: debug\n"
    )
}

#[test]
fn templates_under_configmap_key_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "kwok.yaml",
        config_maps_with_wrong_templates_key(),
    );
    let out = run(&["validate", "-f", s(&path), "-o", "json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let json = out.json();
    assert_eq!(json["ca"]["starts"], false);
    assert_eq!(
        json["ca"]["failure"],
        "configmap 'kwok-provider-templates' doesn't have 'templates' key"
    );
    let missing = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "templates-missing")
        .expect("templates-missing");
    assert_eq!(
        missing["line"], 18,
        "points at the templates ConfigMap's name"
    );
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("`kwok-config`")
    );
    // The other ConfigMap with a `config` key is not mistaken for the provider config.
    assert!(out.rules().contains(&"configmap-key-ignored".to_owned()));
}

#[test]
fn only_the_named_config_map_is_the_provider_config() {
    let dir = tempfile::tempdir().unwrap();
    let all = config_maps_with_wrong_templates_key();
    let text = all.split("---\n").nth(2).unwrap();
    let path = write(dir.path(), "other.yaml", text.as_bytes());
    let out = run(&["validate", "-f", s(&path)]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("--config-map some-app"),
        "{}",
        out.stderr
    );
}

#[test]
fn ca_1_29_accepts_a_valid_setup() {
    let example = root().join("tests/fixtures/examples/kwok-provider.yaml");
    let out = run(&[
        "validate",
        "-f",
        s(&example),
        "--ca-version",
        "1.29",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let json = out.json();
    assert_eq!(
        json["ca"]["nodeGroups"][0]["name"],
        "general-<CA start time>"
    );
    assert!(
        json["diagnostics"].as_array().unwrap().is_empty(),
        "{}",
        out.stdout
    );
}

#[test]
fn an_empty_templates_file_is_reported_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "nodes.yaml", b"");
    let config = root().join("tests/fixtures/rules/field-case/pass.yaml");
    let config_text = std::fs::read_to_string(config).unwrap().replace(
        "readNodesFrom: cluster",
        "readNodesFrom: configmap\nconfigmap:\n  name: kwok-provider-templates",
    );
    let config = write(dir.path(), "config.yaml", config_text.as_bytes());
    let out = run(&[
        "validate",
        "-f",
        s(&config),
        "--templates",
        s(&empty),
        "-o",
        "json",
    ]);
    let json = out.json();
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "templates-missing", "{}", out.stdout);
    assert!(d["file"].as_str().unwrap().ends_with("nodes.yaml"), "{d}");
    assert_eq!(d["line"], 1);
}

#[test]
fn min_count_without_desired_count_stops_ca_because_desired_defaults_to_zero() {
    let dir = tempfile::tempdir().unwrap();
    let min_only = CLEAN.replace(
        "cluster-autoscaler.kwok.nodegroup/max-count: \"5\"",
        "cluster-autoscaler.kwok.nodegroup/max-count: \"5\"\n            cluster-autoscaler.kwok.nodegroup/min-count: \"1\"",
    );
    let path = write(dir.path(), "min-only.yaml", &min_only);
    let out = run(&["validate", "-f", s(&path), "-o", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let json = out.json();
    assert_eq!(json["ca"]["starts"], false);
    assert_eq!(
        json["ca"]["failure"],
        "desired-count '0' cannot be lesser than min-count '1' or greater than max-count '5' for the node 'general'"
    );
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "nodegroup-size-invalid");
    // Points at min-count (desired-count is not written), and offers desired-count = min.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(29), Some(58)),
        "{d}"
    );
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("cluster-autoscaler.kwok.nodegroup/desired-count: \"1\""),
        "{d}"
    );

    let fixed = min_only.replace(
        "min-count: \"1\"",
        "min-count: \"1\"\n            cluster-autoscaler.kwok.nodegroup/desired-count: \"1\"",
    );
    let path = write(dir.path(), "fixed.yaml", &fixed);
    let out = run(&["validate", "-f", s(&path), "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["ca"]["nodeGroups"][0]["min"], 1);
}

/// `kubectl get cm kwok-provider-config kwok-provider-templates -o yaml`: one `List`.
const KUBECTL_GET_LIST: &str = "apiVersion: v1
items:
- apiVersion: v1
  data:
    config: |
      apiVersion: v1alpha1
      readNodesFrom: configmap
      nodegroups:
        fromNodeLabelKey: kwok-nodegroup
      configmap:
        name: kwok-provider-templates
  kind: ConfigMap
  metadata:
    name: kwok-provider-config
    namespace: kube-system
- apiVersion: v1
  data:
    templates: |
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Node
        metadata:
          name: general
          annotations: {}
          labels: {kwok-nodegroup: general}
        status:
          allocatable: {cpu: \"4\", memory: 16Gi, pods: \"110\"}
  kind: ConfigMap
  metadata:
    name: kwok-provider-templates
    namespace: kube-system
kind: List
metadata:
  resourceVersion: \"\"
";

#[test]
fn a_list_of_configmaps_from_kubectl_get_is_a_stream_of_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = write(dir.path(), "get.yaml", KUBECTL_GET_LIST);
    let out = run(&["validate", "-f", s(&yaml), "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    assert_eq!(json["ca"]["starts"], true);
    assert_eq!(json["ca"]["nodeGroups"][0]["name"], "general");

    // Positions inside the List's ConfigMaps still point into the file.
    let broken = write(
        dir.path(),
        "broken.yaml",
        KUBECTL_GET_LIST.replace("readNodesFrom: configmap", "readNodesFrom: everywhere"),
    );
    let out = run(&["validate", "-f", s(&broken), "-o", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let d = &out.json()["diagnostics"][0];
    assert_eq!(d["rule"], "read-nodes-from-invalid", "{d}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(22)),
        "{d}"
    );

    // kubectl's -o json prints the same List as JSON.
    let as_json: serde_json::Value = {
        let objects = fake_apiserver::parse_seed(KUBECTL_GET_LIST).unwrap();
        serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects})
    };
    let json_file = write(dir.path(), "get.json", as_json.to_string());
    let out = run(&["validate", "-f", s(&json_file), "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["ca"]["nodeGroups"][0]["name"], "general");
}

#[test]
fn configmaps_in_two_namespaces_stop_ca_and_both_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replacen(
            "name: kwok-provider-templates\n  namespace: kube-system",
            "name: kwok-provider-templates\n  namespace: autoscaling",
            1,
        );
    assert!(text.contains("namespace: autoscaling"));
    let path = write(dir.path(), "split.yaml", text);
    let out = run(&["validate", "-f", s(&path), "-o", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let json = out.json();
    assert_eq!(json["ca"]["starts"], false);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "templates-missing");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("`autoscaling`") && message.contains("`kube-system`"),
        "{message}"
    );
}

#[test]
fn bad_names_and_missing_kubeconfigs_exit_2_before_any_connection() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1: nothing listens, so reaching for the cluster would be exit 3, not 2.
    let kubeconfig = write(
        dir.path(),
        "kubeconfig",
        fake_apiserver::kubeconfig_for("http://127.0.0.1:1", None),
    );
    let flag = run(&["validate", "--kubeconfig", "/no/such/kubeconfig"]);
    assert_eq!(flag.code, 2, "{flag:?}");
    assert!(
        flag.stderr
            .contains("--kubeconfig `/no/such/kubeconfig`: no such file"),
        "{}",
        flag.stderr
    );
    let env = run_cmd(
        plugin()
            .env("KUBECONFIG", "/no/such/kubeconfig")
            .arg("validate"),
    );
    assert_eq!(env.code, 2, "{env:?}");
    assert!(
        env.stderr
            .contains("KUBECONFIG `/no/such/kubeconfig`: no such file"),
        "{}",
        env.stderr
    );
    for verb in ["validate", "scale", "events", "status"] {
        let bad_ns = run(&[verb, "--kubeconfig", s(&kubeconfig), "-n", "bad ns"]);
        assert_eq!(bad_ns.code, 2, "{verb}: {bad_ns:?}");
        assert!(
            bad_ns
                .stderr
                .contains("`bad ns` (from -n) is not a valid namespace name: it contains a space"),
            "{}",
            bad_ns.stderr
        );
    }
    let bad_cm = run_cmd(
        plugin()
            .env("KWOK_PROVIDER_CONFIGMAP", "kwok-provider-config ")
            .args(["validate", "--kubeconfig", s(&kubeconfig)]),
    );
    assert_eq!(bad_cm.code, 2, "{bad_cm:?}");
    assert!(
        bad_cm.stderr.contains(
            "KWOK_PROVIDER_CONFIGMAP: `kwok-provider-config ` is not a valid ConfigMap name"
        ),
        "{}",
        bad_cm.stderr
    );
    let flag_cm = run(&[
        "validate",
        "--kubeconfig",
        s(&kubeconfig),
        "--config-map",
        "a b",
    ]);
    assert_eq!(flag_cm.code, 2, "{flag_cm:?}");
}

#[test]
fn the_exit_code_follows_the_findings_when_the_reader_leaves() {
    // `validate … | head -0` with `set -o pipefail`: the closed pipe must not hide the errors.
    for (kind, expected) in [("fire", 1), ("pass", 0)] {
        let mut child = plugin()
            .args([
                "validate",
                "-f",
                s(&rule_fixture("read-nodes-from-invalid", kind)),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone before anything is written
        assert_eq!(child.wait().unwrap().code(), Some(expected), "{kind}");
    }
}

#[test]
fn templates_from_stdin_and_configmaps_given_as_templates() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config.yaml", RAW_CONFIG);
    let out = run_with_stdin(
        &[
            "validate",
            "-f",
            s(&config),
            "--templates",
            "-",
            "-o",
            "json",
        ],
        RAW_TEMPLATES.as_bytes(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["ca"]["nodeGroups"].as_array().unwrap().len(), 2);
    let both = run(&["validate", "-f", "-", "--templates", "-"]);
    assert_eq!(both.code, 2, "{both:?}");
    let manifests = fixture("examples/kwok-provider.yaml");
    let wrong = run(&["validate", "-f", s(&config), "--templates", s(&manifests)]);
    assert_eq!(wrong.code, 2, "{wrong:?}");
    assert!(
        wrong.stderr.contains("holds ConfigMap manifests"),
        "{}",
        wrong.stderr
    );
    assert!(
        wrong.stderr.contains("pass ConfigMap manifests with -f"),
        "{}",
        wrong.stderr
    );
}

#[test]
fn the_json_verdict_says_starts_exits_crashes_or_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let verdict = |args: &[&str]| {
        let mut all = vec!["validate", "-o", "json"];
        all.extend_from_slice(args);
        let json = run(&all).json();
        (
            json["ca"]["verdict"].as_str().unwrap().to_owned(),
            json["ca"]["nodeGroups"].as_array().unwrap().len(),
        )
    };
    let clean = write(dir.path(), "clean.yaml", CLEAN);
    assert_eq!(verdict(&["-f", s(&clean)]), ("starts".to_owned(), 1));
    let exits = rule_fixture("read-nodes-from-invalid", "fire");
    assert_eq!(verdict(&["-f", s(&exits)]), ("exits".to_owned(), 0));
    let crashes = rule_fixture("template-annotations-missing", "fire");
    assert_eq!(verdict(&["-f", s(&crashes)]), ("crashes".to_owned(), 0));
    let templates = write(dir.path(), "templates.yaml", RAW_TEMPLATES);
    assert_eq!(
        verdict(&["--templates", s(&templates)]),
        ("unknown".to_owned(), 0)
    );
}

#[test]
fn two_provider_configs_are_each_located() {
    let a = fixture("examples/kwok-provider.yaml");
    let b = rule_fixture("nodegroup-size-invalid", "pass");
    let out = run(&["validate", "-f", s(&a), "-f", s(&b)]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(&format!("at {}:6", a.display())),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("at {}:5", b.display())),
        "{}",
        out.stderr
    );
}

#[test]
fn a_misspelled_labels_field_gets_a_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config.yaml", RAW_CONFIG);
    for typo in ["lables", "Labels"] {
        let templates = write(
            dir.path(),
            "templates.yaml",
            RAW_TEMPLATES.replacen(
                "  labels:\n    kwok-nodegroup: small",
                &format!("  {typo}:\n    kwok-nodegroup: small"),
                1,
            ),
        );
        let out = run(&[
            "validate",
            "-f",
            s(&config),
            "--templates",
            s(&templates),
            "-o",
            "json",
        ]);
        let hints: Vec<String> = out.json()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["hint"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            hints.iter().any(
                |h| h.contains(&format!("`metadata.{typo}` is not a field CA reads"))
                    && h.contains("did you mean `metadata.labels`")
            ),
            "{typo}: {hints:?}"
        );
    }
}

#[test]
fn a_utf16_file_from_powershell_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(CLEAN.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let path = write(dir.path(), "ps.yaml", utf16);
    let out = run(&["validate", "-f", s(&path), "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["ca"]["nodeGroups"][0]["name"], "general");
}

#[test]
fn read_nodes_from_cluster_in_files_leaves_the_groups_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(fixture("examples/kwok-provider.yaml")).unwrap();
    let cluster_mode = example.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
    let path = write(dir.path(), "kwok.yaml", &cluster_mode);
    let out = run(&["validate", "-f", s(&path)]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("takes its templates from the cluster's nodes"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("create 3 node groups"),
        "{}",
        out.stdout
    );
    let json = run(&["validate", "-f", s(&path), "-o", "json"]).json();
    assert_eq!(json["ca"]["verdict"], "starts");
    assert_eq!(json["ca"]["nodeGroups"], serde_json::json!([]));
    assert_eq!(json["ca"]["nodeGroupsKnown"], false);
    // With configmap mode the same files give known groups.
    let known = run(&[
        "validate",
        "-f",
        s(&fixture("examples/kwok-provider.yaml")),
        "-o",
        "json",
    ])
    .json();
    assert_eq!(known["ca"]["nodeGroupsKnown"], true);
    assert_eq!(known["ca"]["nodeGroups"].as_array().unwrap().len(), 3);
}

/// Issue 18, item 2: a raw provider config with a top-level `kind:` is still the config CA
/// reads (it ignores unknown fields); before, validate said "no provider config given".
#[test]
fn a_raw_config_with_a_kind_is_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    std::fs::write(
        &path,
        "apiVersion: v1alpha1\nkind: Config\nreadNodesFrom: nowhere\nnodegroups:\n  fromNodeLabelKey: kwok-nodegroup\n",
    )
    .unwrap();
    let out = run(&["validate", "-o", "json", "-f", s(&path)]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.rules().contains(&"read-nodes-from-invalid".to_owned()),
        "{}",
        out.stdout
    );
}

/// Issue 18, item 3: a namespace dump with a backup templates ConfigMap: CA reads the one
/// `configmap.name` names; the other is mentioned, not an ambiguity (exit 2).
#[test]
fn a_namespace_dump_with_a_backup_templates_config_map_reads_the_named_one() {
    let backup = CLEAN
        .split("---\n")
        .nth(1)
        .unwrap()
        .replace(
            "name: kwok-provider-templates",
            "name: kwok-provider-templates-backup",
        )
        .replace("name: general", "name: old");
    let dump = format!("{CLEAN}---\n{backup}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dump.yaml");
    std::fs::write(&path, dump).unwrap();
    let out = run(&["validate", "-o", "json", "-f", s(&path)]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.json()["ca"]["nodeGroups"][0]["name"],
        "general",
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("CA reads ConfigMap `kwok-provider-templates`")
            && out.stderr.contains("kwok-provider-templates-backup"),
        "{}",
        out.stderr
    );
}

/// Issue 18, item 5: a ConfigMap whose data key is a mapping is refused by the API server (its
/// words), and CA then finds no such ConfigMap (CA's words): each attributed to who prints it.
#[test]
fn a_mapping_under_data_is_the_api_servers_refusal_then_cas_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cms.yaml");
    std::fs::write(&path, MAPPING_UNDER_DATA).unwrap();
    let out = run(&["validate", "-o", "json", "-f", s(&path)]);
    assert_eq!(out.code, 1, "{out:?}");
    let ca = &out.json()["ca"];
    assert_eq!(ca["verdict"], "exits", "{}", out.stdout);
    assert_eq!(
        ca["apiServerFailure"],
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go struct field ConfigMap.data of type string"
    );
    assert_eq!(
        ca["failure"],
        "failed to get configmap 'kwok-provider-templates': configmaps \"kwok-provider-templates\" not found"
    );
    let text = run(&["validate", "--color", "never", "-f", s(&path)]);
    assert!(
        text.stdout
            .contains("API server says: ConfigMap in version")
            && text
                .stdout
                .contains("then CA says: failed to get configmap"),
        "{}",
        text.stdout
    );
}

/// Both ConfigMaps, the templates one with `data.templates` a mapping (no `|`).
pub const MAPPING_UNDER_DATA: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: kwok-provider-config
  namespace: kube-system
data:
  config: |
    apiVersion: v1alpha1
    readNodesFrom: configmap
    nodegroups:
      fromNodeLabelKey: kwok-nodegroup
    configmap:
      name: kwok-provider-templates
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kwok-provider-templates
  namespace: kube-system
data:
  templates:
    apiVersion: v1
    kind: List
    items: []
";

/// A number too big for a float64 (or `.inf`) stops CA before any field is read; the report
/// names it where it is written (found by `robustness::random_yaml_never_breaks_validate`).
#[test]
fn a_number_json_cannot_hold_is_an_error_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "inf.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kwok-provider-config\ndata:\n  config: |\n    fromNodeLabelKey:\n      - 1e400\n",
    );
    let out = run(&["validate", "-f", file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains(
            "inf.yaml:8:9: error[config-parse-error] `1e400` is a number JSON cannot hold"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("json: unsupported value: +Inf"),
        "{}",
        out.stdout
    );
}
