//! The README stays true: its rule catalog, its two set-up commands, and the shipped example.

use crate::util::*;

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

#[test]
fn readme_lists_every_rule() {
    let readme = readme();
    for rule in kwokprovider::lint::RULES {
        assert!(
            readme.contains(&format!("| `{}` |", rule.id)),
            "README lacks rule {}",
            rule.id
        );
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = readme();
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        readme.contains("\ncargo test --workspace\n"),
        "README's test command changed"
    );
    assert!(
        ci.contains("\ncargo test --workspace\n"),
        ".ci/run must run the README's test command"
    );
}

#[test]
fn the_shipped_example_is_clean() {
    let readme = readme();
    let example = "tests/fixtures/examples/kwok-provider.yaml";
    assert!(readme.contains(&format!("validate -f {example}")));
    let out = run(&["validate", "-f", s(&root().join(example))]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("will start and create 3 node groups"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no problems found"));
    assert!(
        out.stdout
            .contains("Pods must tolerate `kwok-provider=true:NoSchedule`"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_readme_main_command_inits_and_validates_three_groups() {
    let readme = readme();
    let line = readme
        .lines()
        .find(|l| {
            l.starts_with("cargo build --release && target/release/kubectl-kwokprovider init ")
        })
        .expect("README's first set-up command runs init");
    let (init_part, validate_part) = line
        .split_once(" && target/release/kubectl-kwokprovider validate ")
        .unwrap();
    let init_args: Vec<&str> = init_part
        .trim_start_matches("cargo build --release && target/release/kubectl-kwokprovider ")
        .split_whitespace()
        .collect();
    assert_eq!(validate_part, "-f kwok-demo");
    let dir = tempfile::tempdir().unwrap();
    let made = run_cmd(
        plugin()
            .current_dir(dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .args(&init_args),
    );
    assert_eq!(made.code, 0, "{made:?}");
    let out = run_cmd(
        plugin()
            .current_dir(dir.path())
            .args(["validate", "-f", "kwok-demo"]),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("will start and create 3 node groups"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no problems found"), "{}", out.stdout);
}
