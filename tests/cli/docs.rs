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
}
