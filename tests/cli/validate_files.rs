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
