//! Robustness of `validate -f`: hostile, random and mutated inputs never panic and always get a report or a clear error.
//!
//! Most cases run in-process (`kwokprovider::run` under `catch_unwind`, on a thread with the
//! main thread's 8 MiB stack); a few dozen go through the real binary, where a panic is exit 101
//! and a stack overflow is a signal. The contract checked for every input:
//! - exit code 0, 1 or 2, nothing else;
//! - 0/1: stdout is the report (text starts with `CA `, JSON has `ca`, `diagnostics`,
//!   `summary`, and the exit code agrees with the error count);
//! - 2: stdout is empty and the error is clear (`error: …` on stderr).

use crate::util::{self, root};
use clap::Parser as _;
use kwokprovider::cli::Cli;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The real binary's main thread gets 8 MiB of stack; in-process cases get the same.
const STACK: usize = 8 * 1024 * 1024;

/// The two ConfigMaps as helm renders them: the smallest complete, valid input.
const SEED_CONFIGMAPS: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: kwok-provider-config
  namespace: kube-system
data:
  config: |
    apiVersion: v1alpha1
    readNodesFrom: configmap
    nodegroups:
      fromNodeLabelKey: "kwok-nodegroup"
    nodes:
      skipTaint: false
      gpuConfig:
        gpuLabelKey: "k8s.amazonaws.com/accelerator"
        availableGPUTypes:
          "nvidia-tesla-k80": {}
    configmap:
      name: kwok-provider-templates
    kwok: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kwok-provider-templates
  namespace: kube-system
data:
  templates: |
    apiVersion: v1
    kind: List
    items:
    - apiVersion: v1
      kind: Node
      metadata:
        name: small
        annotations:
          cluster-autoscaler.kwok.nodegroup/min-count: "1"
          cluster-autoscaler.kwok.nodegroup/max-count: "10"
          cluster-autoscaler.kwok.nodegroup/desired-count: "1"
        labels:
          kwok-nodegroup: small
          k8s.amazonaws.com/accelerator: nvidia-tesla-k80
      status:
        allocatable: {cpu: "2", memory: 4Gi, pods: "110", nvidia.com/gpu: "1"}
        capacity: {cpu: "2", memory: 4Gi, pods: "110", nvidia.com/gpu: "1"}
    - apiVersion: v1
      kind: Node
      metadata:
        name: big
        annotations: {}
        labels: {kwok-nodegroup: big}
      spec:
        taints:
        - {key: dedicated, value: big, effect: NoSchedule}
      status:
        allocatable: {cpu: 16, memory: 64Gi, pods: 110}
"#;

/// A raw provider config (the value of the `config` key), annotation-grouped.
const SEED_CONFIG: &str = r#"apiVersion: v1alpha1
readNodesFrom: configmap
nodegroups:
  fromNodeAnnotationKey: kwok-nodegroup
nodes:
  skipTaint: true
configmap:
  name: kwok-provider-templates
  key: templates
"#;

/// Raw templates (the value of the `templates` key): two `---` Node documents and a dropped Pod.
const SEED_TEMPLATES: &str = r#"apiVersion: v1
kind: Node
metadata:
  name: worker-a
  annotations:
    kwok-nodegroup: group-a
    cluster-autoscaler.kwok.nodegroup/desired-count: "2"
  labels:
    kubernetes.io/os: linux
spec:
  providerID: aws:///eu-west-1a/i-0123
status:
  allocatable:
    cpu: 3900m
    memory: 15Gi
    pods: "110"
    ephemeral-storage: 100G
---
apiVersion: v1
kind: Pod
metadata: {name: ignored}
---
apiVersion: v1
kind: Node
metadata:
  name: worker-b
  annotations: {kwok-nodegroup: group-b, cluster-autoscaler.kwok.nodegroup/name: Group_B}
status:
  allocatable: {cpu: 50m, memory: 1Ki, pods: 1}
"#;

const SEEDS: &[&str] = &[SEED_CONFIGMAPS, SEED_CONFIG, SEED_TEMPLATES];

/// One invocation of `validate`.
#[derive(Debug, Clone)]
struct Case {
    /// Contents of the `-f` file.
    main: Vec<u8>,
    /// Contents of the `--templates` file, if any.
    templates: Option<Vec<u8>>,
    format: Format,
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Text,
    Json,
    Yaml,
}

impl Format {
    fn flag(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// What a run produced, in-process or from the binary.
#[derive(Debug)]
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Lossy text of an input, capped, for failure messages.
fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]);
    if bytes.len() > 600 {
        format!("{text}… ({} bytes)", bytes.len())
    } else {
        text.into_owned()
    }
}

/// Writes the case's files into `dir`; returns the command-line arguments after the program name.
fn args_for(case: &Case, dir: &Path) -> Vec<String> {
    let main = dir.join("input.yaml");
    std::fs::write(&main, &case.main).expect("write input");
    let mut args = vec![
        "validate".to_owned(),
        "-o".to_owned(),
        case.format.flag().to_owned(),
        "-f".to_owned(),
        main.display().to_string(),
    ];
    if let Some(templates) = &case.templates {
        let path = dir.join("templates.yaml");
        std::fs::write(&path, templates).expect("write templates");
        args.extend(["--templates".to_owned(), path.display().to_string()]);
    }
    args
}

/// Runs `validate` in-process, on a thread with the binary's stack size, catching panics.
fn run_in_process(case: &Case) -> Result<Outcome, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut argv = vec![
        "kubectl-kwokprovider".to_owned(),
        "--color=never".to_owned(),
    ];
    argv.extend(args_for(case, dir.path()));
    let cli = Cli::try_parse_from(&argv)
        .map_err(|e| format!("argv {argv:?} rejected: {e}"))?
        .finish()
        .map_err(|e| format!("argv {argv:?} rejected: {}", e.message))?;
    let joined = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let mut out = Vec::new();
            let result = catch_unwind(AssertUnwindSafe(|| kwokprovider::run(&cli, &mut out)));
            (result, out)
        })
        .expect("spawn")
        .join();
    let (result, out) = joined.map_err(|_| "the worker thread died".to_owned())?;
    let stdout = String::from_utf8(out).map_err(|_| "stdout is not UTF-8".to_owned())?;
    match result {
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(format!("PANIC: {msg}"))
        }
        Ok(Ok(code)) => Ok(Outcome {
            code: i32::from(code),
            stdout,
            stderr: String::new(),
        }),
        // What main.rs prints for an error.
        Ok(Err(e)) => Ok(Outcome {
            code: i32::from(e.exit_code()),
            stdout,
            stderr: format!("error: {}\n", e.message),
        }),
    }
}

/// Runs `validate` through the real binary.
fn run_binary(case: &Case) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = args_for(case, dir.path());
    let out = util::run_cmd(util::plugin().args(&args));
    Outcome {
        code: out.code,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// The contract; `Err` explains the violation.
fn check_outcome(case: &Case, out: &Outcome) -> Result<(), String> {
    match out.code {
        0 | 1 => {}
        2 => {
            if !out.stdout.is_empty() {
                return Err(format!("exit 2 but stdout is not empty: {}", out.stdout));
            }
            let message = out.stderr.strip_prefix("error: ").unwrap_or("");
            if message.trim().is_empty() {
                return Err(format!(
                    "exit 2 without a clear `error: …` on stderr: {:?}",
                    out.stderr
                ));
            }
            return Ok(());
        }
        101 => return Err(format!("PANIC (exit 101): {}", out.stderr)),
        -1 => {
            return Err(format!(
                "killed by a signal (stack overflow?): {}",
                out.stderr
            ));
        }
        code => return Err(format!("unexpected exit code {code}: {}", out.stderr)),
    }
    match case.format {
        Format::Text => {
            if !out.stdout.starts_with("CA ") {
                return Err(format!(
                    "text report does not start with `CA `: {}",
                    out.stdout
                ));
            }
        }
        Format::Yaml => {
            if !out.stdout.starts_with("ca:") {
                return Err(format!(
                    "YAML report does not start with `ca:`: {}",
                    out.stdout
                ));
            }
        }
        Format::Json => {
            let json: serde_json::Value = serde_json::from_str(&out.stdout)
                .map_err(|e| format!("stdout is not JSON ({e}): {}", out.stdout))?;
            let ca = &json["ca"];
            let starts = ca["starts"]
                .as_bool()
                .ok_or_else(|| format!("no boolean ca.starts: {json}"))?;
            if !ca["nodeGroups"].is_array() || !json["diagnostics"].is_array() {
                return Err(format!("ca.nodeGroups or diagnostics missing: {json}"));
            }
            let errors = json["summary"]["errors"]
                .as_u64()
                .ok_or_else(|| format!("no summary.errors: {json}"))?;
            if (errors > 0) != (out.code == 1) {
                return Err(format!(
                    "exit {} but summary.errors = {errors}: {json}",
                    out.code
                ));
            }
            if !starts && errors == 0 {
                return Err(format!(
                    "CA does not start, yet no error is reported: {json}"
                ));
            }
        }
    }
    Ok(())
}

fn in_process(case: &Case) -> Result<(), TestCaseError> {
    let verdict = run_in_process(case).and_then(|out| check_outcome(case, &out));
    verdict.map_err(|why| {
        TestCaseError::fail(format!(
            "{why}\n--- -f input:\n{}\n--- templates:\n{}",
            preview(&case.main),
            case.templates.as_deref().map(preview).unwrap_or_default()
        ))
    })
}

fn through_binary(case: &Case) -> Result<(), String> {
    check_outcome(case, &run_binary(case)).map_err(|why| {
        format!(
            "{why}\n--- -f input:\n{}\n--- templates:\n{}",
            preview(&case.main),
            case.templates.as_deref().map(preview).unwrap_or_default()
        )
    })
}

/// The project's fixtures (whatever exists now), read once.
fn fixtures() -> &'static [(PathBuf, String)] {
    static FIXTURES: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut found = Vec::new();
        let mut stack = vec![root().join("tests/fixtures")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext, "yaml" | "yml" | "json") {
                    continue;
                }
                // Fixtures are small; skip anything meant as a size test.
                if let Ok(text) = std::fs::read_to_string(&path)
                    && text.len() <= 256 * 1024
                {
                    found.push((path, text));
                }
            }
        }
        found.sort();
        found
    })
}

/// Seeds to mutate: the embedded manifests, then every fixture.
fn seed_texts() -> Vec<String> {
    SEEDS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(fixtures().iter().map(|(_, text)| text.clone()))
        .collect()
}

// ---------------------------------------------------------------- generators

/// Scalars chosen to hit YAML 1.1 resolution, quoting and Kubernetes quantities.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("~".to_owned()),
        Just("null".to_owned()),
        Just("yes".to_owned()),
        Just("off".to_owned()),
        Just("0x1F".to_owned()),
        Just("0o17".to_owned()),
        Just("1e400".to_owned()),
        Just(".inf".to_owned()),
        Just("-.NaN".to_owned()),
        Just("9223372036854775808".to_owned()),
        Just("-1".to_owned()),
        Just("1_000".to_owned()),
        Just("\"\"".to_owned()),
        Just("''".to_owned()),
        Just("\"\\u00e9\\x00\\t\"".to_owned()),
        Just("!!str 3".to_owned()),
        Just("!!binary aGk=".to_owned()),
        Just("!custom x".to_owned()),
        Just("2Gi".to_owned()),
        Just("100m".to_owned()),
        Just("1.5Ki".to_owned()),
        Just("1e3".to_owned()),
        Just("-5Gi".to_owned()),
        Just("configmap".to_owned()),
        Just("cluster".to_owned()),
        Just("kwok-nodegroup".to_owned()),
        Just("kwok-provider=true:NoSchedule".to_owned()),
        Just("Node".to_owned()),
        Just("List".to_owned()),
        Just("ConfigMap".to_owned()),
        Just("v1".to_owned()),
        Just("v1alpha1".to_owned()),
        Just("é😀\u{200b}".to_owned()),
        "[a-zA-Z0-9_./ -]{0,12}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
    ]
}

/// Keys the tool looks at, so random documents reach deep code.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "apiVersion", "kind", "metadata", "name", "namespace", "data", "config", "templates",
            "readNodesFrom", "readnodesfrom", "nodegroups", "fromNodeLabelKey",
            "fromNodeAnnotationKey", "fromNodeAnnotation", "nodes", "skipTaint", "gpuConfig",
            "gpuLabelKey", "availableGPUTypes", "configmap", "key", "kwok", "items", "labels",
            "annotations", "spec", "taints", "effect", "value", "providerID", "status",
            "allocatable", "capacity", "cpu", "memory", "pods", "nvidia.com/gpu",
            "kwok-nodegroup", "kubernetes.io/hostname",
            "cluster-autoscaler.kwok.nodegroup/name",
            "cluster-autoscaler.kwok.nodegroup/min-count",
            "cluster-autoscaler.kwok.nodegroup/max-count",
            "cluster-autoscaler.kwok.nodegroup/desired-count", "<<", "? complex",
        ])
        .prop_map(str::to_owned),
        1 => scalar(),
    ]
}

/// A random YAML-like tree.
#[derive(Debug, Clone)]
enum Tree {
    Scalar(String),
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
    Alias(u8),
    Anchored(u8, Box<Tree>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        6 => scalar().prop_map(Tree::Scalar),
        1 => (0u8..3).prop_map(Tree::Alias),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::Seq),
            prop::collection::vec((key(), inner.clone()), 0..6).prop_map(Tree::Map),
            ((0u8..3), inner).prop_map(|(a, t)| Tree::Anchored(a, Box::new(t))),
        ]
    })
}

/// Renders a tree in flow style (`[…]`, `{…}`).
fn flow(tree: &Tree, out: &mut String) {
    match tree {
        Tree::Scalar(s) => out.push_str(s),
        Tree::Alias(a) => out.push_str(&format!("*a{a}")),
        Tree::Anchored(a, t) => {
            out.push_str(&format!("&a{a} "));
            flow(t, out);
        }
        Tree::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out);
            }
            out.push(']');
        }
        Tree::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                flow(v, out);
            }
            out.push('}');
        }
    }
}

/// Renders a tree in block style at `indent`, mixing in flow style for small leaves.
fn block(tree: &Tree, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match tree {
        Tree::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                block_value(item, indent + 2, out);
            }
        }
        Tree::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                out.push_str(&pad);
                out.push_str(k);
                out.push(':');
                block_value(v, indent + 2, out);
            }
        }
        other => {
            out.push_str(&pad);
            flow(other, out);
            out.push('\n');
        }
    }
}

/// The value after `key:` or `-`: inline when a leaf, else on the following lines.
fn block_value(tree: &Tree, indent: usize, out: &mut String) {
    match tree {
        Tree::Seq(items) if !items.is_empty() => {
            out.push('\n');
            block(tree, indent, out);
        }
        Tree::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            block(tree, indent, out);
        }
        Tree::Anchored(a, inner) if matches!(**inner, Tree::Seq(_) | Tree::Map(_)) => {
            out.push_str(&format!(" &a{a}\n"));
            block(inner, indent, out);
        }
        other => {
            out.push(' ');
            flow(other, out);
            out.push('\n');
        }
    }
}

/// A random document: block or flow, sometimes wrapped as a ConfigMap value or a List.
fn random_yaml() -> impl Strategy<Value = String> {
    (tree(), 0u8..6).prop_map(|(t, wrap)| {
        let mut body = String::new();
        match wrap {
            0 => flow(&t, &mut body),
            _ => block(&t, 0, &mut body),
        }
        let indented: String = body.lines().map(|l| format!("    {l}\n")).collect();
        match wrap {
            2 => format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kwok-provider-config\ndata:\n  config: |\n{indented}"
            ),
            3 => format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kwok-provider-templates\ndata:\n  templates: |\n{indented}"
            ),
            4 => format!("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: n\n{}", body.lines().map(|l| format!("  {l}\n")).collect::<String>()),
            _ => body,
        }
    })
}

/// Text spliced into seeds: YAML syntax edge cases and wrong-typed values.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---\n".to_owned()),
        Just("...\n".to_owned()),
        Just("%YAML 1.1\n---\n".to_owned()),
        Just("%TAG ! tag:x,2000:\n".to_owned()),
        Just("\t".to_owned()),
        Just("\r\n".to_owned()),
        Just("\0".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("# comment\n".to_owned()),
        Just("&x ".to_owned()),
        Just("*x".to_owned()),
        Just("<<: *x\n".to_owned()),
        Just("? ".to_owned()),
        Just("|-\n".to_owned()),
        Just(">+2\n".to_owned()),
        Just("[".to_owned()),
        Just("}".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just(": ".to_owned()),
        Just("- ".to_owned()),
        Just("  ".to_owned()),
        Just("!!map ".to_owned()),
        Just("!!seq ".to_owned()),
        Just("!!int ".to_owned()),
        scalar(),
        random_yaml().prop_map(|y| y.chars().take(200).collect()),
    ]
}

/// Values that have the wrong type wherever a string (or map) is expected.
fn wrong_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("42".to_owned()),
        Just("-3.5".to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("~".to_owned()),
        Just("\"\"".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("[a, 1, {b: c}]".to_owned()),
        Just("{a: 1, b: [2]}".to_owned()),
        Just("[[[[]]]]".to_owned()),
        Just("!!binary aGVsbG8=".to_owned()),
        Just("&w {k: v}".to_owned()),
        Just("*w".to_owned()),
        Just("|\n  multi\n  line".to_owned()),
        Just("\n  - a\n  - b".to_owned()),
        Just("\n  nested: {deep: [1]}".to_owned()),
        scalar(),
    ]
}

/// One edit of a seed.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value of the n-th `key: value` line with a wrong-typed one.
    WrongValue(prop::sample::Index, String),
    /// Insert text at a position.
    Insert(prop::sample::Index, String),
    /// Delete a range of characters.
    Delete(prop::sample::Index, usize),
    /// Duplicate a line range.
    DuplicateLines(prop::sample::Index, usize),
    /// Delete a line.
    DeleteLine(prop::sample::Index),
    /// Change a line's indentation.
    Reindent(prop::sample::Index, usize),
    /// Cut the text short.
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), wrong_value()).prop_map(|(i, v)| Mutation::WrongValue(i, v)),
        3 => (any::<prop::sample::Index>(), fragment()).prop_map(|(i, f)| Mutation::Insert(i, f)),
        1 => (any::<prop::sample::Index>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<prop::sample::Index>(), 1usize..20).prop_map(|(i, n)| Mutation::DuplicateLines(i, n)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<prop::sample::Index>(), 0usize..9).prop_map(|(i, n)| Mutation::Reindent(i, n)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

/// Lines of the form `key: value` (not comments).
fn value_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(':') && !l.trim_start().starts_with('#'))
        .map(|(n, _)| n)
        .collect()
}

/// Replaces the value of the `pick(count)`-th `key: value` line with `value`.
fn set_value(text: &str, pick: impl FnOnce(usize) -> usize, value: &str) -> String {
    let candidates = value_lines(text);
    if candidates.is_empty() {
        return text.to_owned();
    }
    let n = candidates[pick(candidates.len())];
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let line = &lines[n];
    let colon = line.find(':').expect("has a colon");
    let indent = line.len() - line.trim_start().len();
    let value = value.replace('\n', &format!("\n{}", " ".repeat(indent)));
    lines[n] = format!("{}: {value}", &line[..colon]);
    let mut joined = lines.join("\n");
    joined.push('\n');
    joined
}

/// Char-boundary positions of `text` (including its end).
fn boundary(text: &str, index: &prop::sample::Index) -> usize {
    let mut at = index.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match m {
        Mutation::WrongValue(i, value) => {
            return set_value(text, |n| i.index(n), value);
        }
        Mutation::Insert(i, fragment) => {
            let at = boundary(text, i);
            return format!("{}{fragment}{}", &text[..at], &text[at..]);
        }
        Mutation::Delete(i, n) => {
            let at = boundary(text, i);
            let mut end = (at + n).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            return format!("{}{}", &text[..at], &text[end..]);
        }
        Mutation::DuplicateLines(i, n) if !lines.is_empty() => {
            let start = i.index(lines.len());
            let end = (start + n).min(lines.len());
            let copy: Vec<String> = lines[start..end].to_vec();
            lines.splice(end..end, copy);
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::Reindent(i, n) if !lines.is_empty() => {
            let k = i.index(lines.len());
            lines[k] = format!("{}{}", " ".repeat(*n), lines[k].trim_start());
        }
        Mutation::Truncate(i) => return text[..boundary(text, i)].to_owned(),
        _ => {}
    }
    let mut joined = lines.join("\n");
    joined.push('\n');
    joined
}

/// A seed (embedded or fixture) with a few edits.
fn mutated_seed() -> impl Strategy<Value = String> {
    let seeds = seed_texts();
    (
        prop::sample::select(seeds),
        prop::collection::vec(mutation(), 1..4),
    )
        .prop_map(|(seed, mutations)| mutations.iter().fold(seed, |text, m| apply(&text, m)))
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        3 => Just(Format::Text),
        3 => Just(Format::Json),
        1 => Just(Format::Yaml),
    ]
}

/// A templates file: mutated templates seed, random YAML, or garbage.
fn templates_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), prop::collection::vec(mutation(), 0..3)).prop_map(
            |(i, ms)| {
                let seed = [SEED_TEMPLATES, seed_templates_list()][i.index(2)];
                ms.iter().fold(seed.to_owned(), |t, m| apply(&t, m)).into_bytes()
            }
        ),
        1 => random_yaml().prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..64),
    ]
}

/// The templates inside SEED_CONFIGMAPS, as a raw file.
fn seed_templates_list() -> &'static str {
    static LIST: OnceLock<String> = OnceLock::new();
    LIST.get_or_init(|| {
        let (_, after) = SEED_CONFIGMAPS
            .split_once("  templates: |\n")
            .expect("seed has templates");
        after
            .lines()
            .map(|l| l.strip_prefix("    ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Case counts are explicit (the suite stays fast); `KWOK_ROBUSTNESS_SCALE=10` multiplies them for a deeper hunt.
fn config(cases: u32) -> Config {
    let scale = std::env::var("KWOK_ROBUSTNESS_SCALE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    Config {
        cases: cases.saturating_mul(scale),
        max_shrink_iters: 256,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs a property on a thread with the binary's stack size.
fn on_big_stack(body: impl FnOnce() + Send + 'static) {
    let result = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(body)
        .expect("spawn")
        .join();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

// ---------------------------------------------------------------- in-process properties

#[test]
fn mutated_seeds_never_break_validate() {
    on_big_stack(|| {
        proptest!(config(400), |(text in mutated_seed(), format in format())| {
            in_process(&Case { main: text.into_bytes(), templates: None, format })?;
        });
    });
}

#[test]
fn mutated_templates_with_a_config_never_break_validate() {
    on_big_stack(|| {
        proptest!(config(250), |(
            main in prop_oneof![Just(SEED_CONFIG.to_owned()), mutated_seed()],
            templates in templates_text(),
            format in format(),
        )| {
            in_process(&Case { main: main.into_bytes(), templates: Some(templates), format })?;
        });
    });
}

#[test]
fn random_yaml_never_breaks_validate() {
    on_big_stack(|| {
        proptest!(config(300), |(text in random_yaml(), format in format())| {
            in_process(&Case { main: text.into_bytes(), templates: None, format })?;
        });
    });
}

#[test]
fn random_bytes_never_break_validate() {
    on_big_stack(|| {
        proptest!(config(150), |(
            bytes in prop_oneof![
                prop::collection::vec(any::<u8>(), 0..512),
                // Mostly text with a few bad bytes.
                (mutated_seed(), prop::collection::vec((any::<prop::sample::Index>(), 0x80u8..=0xff), 1..4))
                    .prop_map(|(text, bad)| {
                        let mut bytes = text.into_bytes();
                        for (i, b) in bad {
                            let at = i.index(bytes.len() + 1);
                            bytes.insert(at, b);
                        }
                        bytes
                    }),
            ],
            format in format(),
        )| {
            in_process(&Case { main: bytes, templates: None, format })?;
        });
    });
}

/// Wrong types at every `key: value` of the seeds, one at a time (exhaustive, not random).
#[test]
fn every_value_of_the_seeds_with_every_wrong_type() {
    on_big_stack(|| {
        let wrong = ["42", "true", "null", "[a, 1]", "{a: 1}", "\"\"", "\n  - x"];
        let mut failures = Vec::new();
        for seed in SEEDS {
            for slot in 0..value_lines(seed).len() {
                for value in wrong {
                    let case = Case {
                        main: set_value(seed, |_| slot, value).into_bytes(),
                        templates: None,
                        format: Format::Json,
                    };
                    if let Err(e) = in_process(&case) {
                        failures.push(e.to_string());
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    });
}

// ---------------------------------------------------------------- hostile inputs

/// A hand-made hostile input: (name, -f contents, --templates contents).
type Hostile = (&'static str, Vec<u8>, Option<Vec<u8>>);

fn hostile() -> Vec<Hostile> {
    let cfg = || SEED_CONFIG.as_bytes().to_vec();
    let in_config_map = |key: &str, name: &str, body: &str| -> Vec<u8> {
        let indented: String = body.lines().map(|l| format!("    {l}\n")).collect();
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  {key}: |\n{indented}"
        )
        .into_bytes()
    };
    let laughs = {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        s
    };
    let huge = "x".repeat(4 * 1024 * 1024);
    let deep_block: String = (0..3000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    vec![
        ("empty", Vec::new(), None),
        ("empty templates", cfg(), Some(Vec::new())),
        ("comments only", b"# nothing\n---\n# here\n".to_vec(), None),
        ("comment-only templates", cfg(), Some(b"# no docs\n".to_vec())),
        ("document markers only", b"---\n---\n...\n".to_vec(), None),
        ("BOM only", "\u{feff}".as_bytes().to_vec(), None),
        ("NUL bytes", b"readNodesFrom: \0configmap\n".to_vec(), None),
        ("invalid UTF-8", b"readNodesFrom: config\xffmap\n".to_vec(), None),
        ("invalid UTF-8 templates", cfg(), Some(b"kind: List\n\xc3\x28\n".to_vec())),
        ("10k [", "[".repeat(10_000).into_bytes(), None),
        ("10k {", "{".repeat(10_000).into_bytes(), None),
        ("10k [ closed", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(), None),
        ("10k {a: closed", format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000)).into_bytes(), None),
        ("10k - ", format!("{}x", "- ".repeat(10_000)).into_bytes(), None),
        ("3k block levels", deep_block.clone().into_bytes(), None),
        ("10k [ templates", cfg(), Some("[".repeat(10_000).into_bytes())),
        ("3k block levels templates", cfg(), Some(deep_block.into_bytes())),
        ("10k [ in config value", in_config_map("config", "kwok-provider-config", &"[".repeat(10_000)), None),
        ("10k { in templates value", in_config_map("templates", "kwok-provider-templates", &"{a: ".repeat(10_000)), None),
        ("billion laughs", laughs.clone().into_bytes(), None),
        ("billion laughs templates", cfg(), Some(laughs.clone().into_bytes())),
        ("billion laughs in config value", in_config_map("config", "kwok-provider-config", &format!("{laughs}readNodesFrom: configmap\n")), None),
        ("unknown alias", b"readNodesFrom: *nope\n".to_vec(), None),
        ("alias as key", b"a: &k readNodesFrom\n*k : configmap\n".to_vec(), None),
        ("merge key", b"base: &b {name: x}\nconfigmap:\n  <<: *b\nreadNodesFrom: configmap\n".to_vec(), None),
        ("recursive-looking alias", b"a: &a [*a]\n".to_vec(), None),
        ("huge plain scalar", format!("readNodesFrom: {huge}\n").into_bytes(), None),
        ("huge quoted key", format!("\"{huge}\": 1\nreadNodesFrom: configmap\n").into_bytes(), None),
        ("huge label in templates", cfg(), Some(format!("kind: List\napiVersion: v1\nitems:\n- kind: Node\n  apiVersion: v1\n  metadata:\n    name: n\n    annotations: {{}}\n    labels: {{kwok-nodegroup: {huge}}}\n").into_bytes())),
        ("huge config value", in_config_map("config", "kwok-provider-config", &format!("configmap:\n  name: {huge}\n")), None),
        ("wrong types everywhere (config)", b"readNodesFrom: [configmap]\nnodegroups: 7\nnodes: {skipTaint: \"yes\", gpuConfig: [1]}\nconfigmap: {name: {a: b}}\nkwok: 3\n".to_vec(), None),
        ("wrong types everywhere (templates)", cfg(), Some(b"apiVersion: [v1]\nkind: {List: 1}\nitems: {a: b}\n".to_vec())),
        ("wrong item types", cfg(), Some(b"apiVersion: v1\nkind: List\nitems: [1, \"x\", [a], null, {kind: Node, apiVersion: v1, metadata: [1], status: {allocatable: [1]}}]\n".to_vec())),
        ("wrong metadata types", cfg(), Some(b"apiVersion: v1\nkind: Node\nmetadata: {name: 5, labels: [kwok-nodegroup], annotations: \"x\"}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b, labels: {kwok-nodegroup: [a]}, annotations: {cluster-autoscaler.kwok.nodegroup/min-count: [1]}}\n".to_vec())),
        ("10k empty documents", "---\n".repeat(10_000).into_bytes(), None),
        ("CRLF and tabs", b"readNodesFrom:\tconfigmap\r\nnodegroups:\r\n\tfromNodeLabelKey: x\r\n".to_vec(), None),
    ]
}

/// Every hostile input, in-process, in text and JSON.
#[test]
fn hostile_inputs_in_process() {
    on_big_stack(|| {
        let mut failures = Vec::new();
        for (name, main, templates) in hostile() {
            for format in [Format::Text, Format::Json] {
                let case = Case {
                    main: main.clone(),
                    templates: templates.clone(),
                    format,
                };
                if let Err(e) = in_process(&case) {
                    failures.push(format!("[{name}, {format:?}] {e}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    });
}

// ---------------------------------------------------------------- through the real binary

/// Every hostile input through the real binary (panic = exit 101, stack overflow = signal).
#[test]
fn hostile_inputs_through_the_binary() {
    let mut failures = Vec::new();
    for (i, (name, main, templates)) in hostile().into_iter().enumerate() {
        let format = if i % 2 == 0 {
            Format::Text
        } else {
            Format::Json
        };
        let case = Case {
            main,
            templates,
            format,
        };
        if let Err(e) = through_binary(&case) {
            failures.push(format!("[{name}] {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A handful of random mutations through the real binary, and stdin as input.
#[test]
fn mutated_seeds_through_the_binary() {
    proptest!(config(12), |(text in mutated_seed(), format in format())| {
        let case = Case { main: text.into_bytes(), templates: None, format };
        through_binary(&case).map_err(TestCaseError::fail)?;
    });
    let out = util::run_with_stdin(&["validate", "-f", "-"], SEED_CONFIGMAPS.as_bytes());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("CA "), "{out:?}");
    let out = util::run_with_stdin(&["validate", "-f", "-"], b"\xff\xfe garbage");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("error: "), "{out:?}");
}

/// The embedded seeds are valid: CA starts with them and they produce node groups.
#[test]
fn seeds_are_valid() {
    let case = Case {
        main: SEED_CONFIGMAPS.as_bytes().to_vec(),
        templates: None,
        format: Format::Json,
    };
    let out = run_binary(&case);
    check_outcome(&case, &out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["ca"]["starts"], true, "{json}");
    let groups: Vec<&str> = json["ca"]["nodeGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["small", "big"], "{json}");
    let case = Case {
        main: SEED_CONFIG.as_bytes().to_vec(),
        templates: Some(SEED_TEMPLATES.as_bytes().to_vec()),
        format: Format::Json,
    };
    let out = run_binary(&case);
    check_outcome(&case, &out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["ca"]["starts"], true, "{json}");
    assert_eq!(
        json["ca"]["nodeGroups"].as_array().unwrap().len(),
        2,
        "{json}"
    );
}

// ---------------------------------------------------------------- closed output streams

/// Runs the plugin with stderr (or stdout) a pipe whose reader is already gone, as in
/// `… 2>&1 | head -1` after `head` exits: every write to it fails with EPIPE.
fn run_with_closed(stream: &str, args: &[&str]) -> std::process::ExitStatus {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = util::plugin();
    cmd.args(args);
    match stream {
        "stderr" => cmd.stderr(writer).stdout(std::process::Stdio::null()),
        _ => cmd.stdout(writer).stderr(std::process::Stdio::null()),
    };
    cmd.status().expect("run plugin")
}

#[test]
fn a_closed_stderr_or_stdout_never_panics() {
    let text = std::fs::read_to_string(util::fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", "namespace: default");
    let cluster = util::FakeCluster::new(
        fake_apiserver::parse_seed(&text).unwrap(),
        fake_apiserver::Faults::default(),
    );
    let kubeconfig = util::s(&cluster.kubeconfig).to_owned();
    let k = kubeconfig.as_str();
    // (arguments, exit code): an error, a note-and-error, and a dry run's plan.
    let cases: [(&[&str], i32); 4] = [
        (&["scale", "nope", "--replicas", "3", "--kubeconfig", k], 1),
        (&["status", "--kubeconfig", k], 1),
        (
            &[
                "scale",
                "general",
                "--replicas",
                "3",
                "--dry-run",
                "--kubeconfig",
                k,
            ],
            0,
        ),
        (&["scale", "--kubeconfig", k], 0),
    ];
    // ConfigMaps CA would refuse: `scale` reports why on stderr, then fails (exit 1), stderr or not.
    let broken = util::FakeCluster::new(
        fake_apiserver::parse_seed(
            &text.replace("readNodesFrom: configmap", "readNodesFrom: nowhere"),
        )
        .unwrap(),
        fake_apiserver::Faults::default(),
    );
    let broken_kubeconfig = util::s(&broken.kubeconfig).to_owned();
    let refused = util::run(&["scale", "--kubeconfig", &broken_kubeconfig]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("CA would not start"),
        "{}",
        refused.stderr
    );
    let status = run_with_closed("stderr", &["scale", "--kubeconfig", &broken_kubeconfig]);
    assert_eq!(status.code(), Some(1), "a closed stderr hid the failure");
    for (args, code) in cases {
        for stream in ["stderr", "stdout"] {
            let status = run_with_closed(stream, args);
            assert_ne!(
                status.code(),
                Some(101),
                "{args:?} with {stream} closed panicked"
            );
            assert!(
                status.code().is_some(),
                "{args:?} with {stream} closed: killed by {status:?}"
            );
            if stream == "stderr" {
                assert_eq!(status.code(), Some(code), "{args:?} with {stream} closed");
            }
        }
    }
}

// ---- kubectl's habits: --color in help and errors, unwrapped examples, --wait (issue 19) ----

/// Every command that has examples in its `--help`.
const COMMANDS_WITH_EXAMPLES: [&str; 7] = [
    "",
    "validate",
    "scale",
    "events",
    "status",
    "init",
    "completion",
];

/// The `Examples:` section of `COMMAND --help` on a terminal `columns` wide.
fn examples_at(command: &str, columns: &str) -> String {
    let mut cmd = util::plugin();
    if !command.is_empty() {
        cmd.arg(command);
    }
    let out = util::run_cmd(cmd.arg("--help").env("COLUMNS", columns));
    assert_eq!(out.code, 0, "{out:?}");
    let at = out
        .stdout
        .find("Examples:")
        .unwrap_or_else(|| panic!("`{command} --help` has no examples:\n{}", out.stdout));
    out.stdout[at..].to_owned()
}

#[test]
fn help_examples_are_never_wrapped_at_60_columns() {
    for command in COMMANDS_WITH_EXAMPLES {
        let narrow = examples_at(command, "60");
        assert_eq!(
            narrow,
            examples_at(command, "200"),
            "`{command} --help` wraps its examples at 60 columns"
        );
        for line in narrow.lines() {
            assert!(line.chars().count() < 60, "`{command} --help`: {line}");
        }
    }
}

/// `args` with CLICOLOR_FORCE=1, which makes clap colour even a pipe under `auto`.
fn forced_colors(args: &[&str], env: &[(&str, &str)]) -> util::Run {
    let mut cmd = util::plugin();
    cmd.args(args)
        .env("CLICOLOR_FORCE", "1")
        .envs(env.iter().copied());
    util::run_cmd(&mut cmd)
}

#[test]
fn color_never_and_no_color_reach_clap_help_and_usage_errors() {
    let help = forced_colors(&["status", "--help"], &[]);
    assert!(
        help.stdout.contains('\x1b'),
        "the control: clap colours help"
    );
    let usage = forced_colors(&["status", "--bogus"], &[]);
    assert_eq!(usage.code, 2, "{usage:?}");
    assert!(
        usage.stderr.contains('\x1b'),
        "the control: clap colours errors"
    );
    for (args, env) in [
        (&["--color", "never", "status", "--help"][..], &[][..]),
        (&["status", "--help", "--color=never"], &[]),
        (&["status", "--help"], &[("NO_COLOR", "1")]),
    ] {
        let out = forced_colors(args, env);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            !out.stdout.contains('\x1b'),
            "{args:?} {env:?}: {:?}",
            out.stdout
        );
    }
    let out = forced_colors(&["status", "--bogus", "--color", "never"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}

#[test]
fn color_always_reaches_help_usage_errors_and_our_own_errors() {
    let out = util::run(&["--color", "always", "scale", "--help"]);
    assert!(out.stdout.contains('\x1b'), "{:?}", out.stdout);
    let out = util::run(&["scale", "--bogus", "--color=always"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains('\x1b'), "{:?}", out.stderr);
    // An error of ours found before the command runs: `error:` in red too, and plain with never.
    let out = util::run(&[
        "scale",
        "g",
        "--replicas",
        "1",
        "--wait",
        "3s",
        "--color",
        "always",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("\x1b[1m\x1b[31merror:")
            || out.stderr.contains("\x1b[31m\x1b[1merror:"),
        "{:?}",
        out.stderr
    );
    let out = forced_colors(
        &[
            "scale",
            "g",
            "--replicas",
            "1",
            "--wait",
            "3s",
            "--color",
            "never",
        ],
        &[],
    );
    assert!(out.stderr.starts_with("error: "), "{:?}", out.stderr);
}

#[test]
fn wait_with_a_duration_after_it_is_refused_never_taken_as_a_group() {
    let cluster = util::FakeCluster::new(Vec::new(), fake_apiserver::Faults::default());
    let out = cluster.run("scale", &["general", "--replicas", "3", "--wait", "3s"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("`3s` after --wait reads as a node group"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--wait --timeout 3s"), "{}", out.stderr);
    assert!(!out.stderr.contains("no node group"), "{}", out.stderr);
    assert_eq!(
        cluster.server.request_count(),
        0,
        "refused before any request"
    );
    let out = cluster.run("scale", &["general", "--replicas", "3", "--timeout", "3s"]);
    assert_eq!(out.code, 2, "--timeout needs --wait: {out:?}");
    let out = cluster.run(
        "scale",
        &["general", "--replicas", "3", "--wait=1m", "--timeout", "3s"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("both say how long to wait"),
        "{}",
        out.stderr
    );
}
