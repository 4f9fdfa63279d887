//! The committed bash, zsh and fish scripts, sourced into the real shells and completed: bash and
//! zsh at an interactive prompt in a pty (TAB, as a user types it), fish through `complete -C`.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A directory with `kubectl-kwokprovider` on PATH and a file the completions must not offer
/// where a flag wants a value.
struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    fn new() -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_kubectl-kwokprovider"),
            dir.path().join("bin/kubectl-kwokprovider"),
        )
        .unwrap();
        std::fs::write(dir.path().join("SOMEFILE"), "").unwrap();
        Workdir { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env_path(&self) -> std::ffi::OsString {
        std::env::join_paths(
            std::iter::once(self.path().join("bin")).chain(std::env::split_paths(
                &std::env::var_os("PATH").unwrap_or_default(),
            )),
        )
        .unwrap()
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.path())
            .env("PATH", self.env_path())
            .env("HOME", self.path())
            .env("TERM", "dumb")
            .env_remove("KUBECONFIG");
        cmd
    }
}

fn committed(file: &str) -> PathBuf {
    root().join("completions").join(file)
}

/// An interactive shell in a pty with the committed script sourced.
struct Prompt {
    session: rexpect::session::PtySession,
    /// What lists candidates: bash needs a second TAB, zsh lists on the first.
    list_keys: &'static str,
}

impl Prompt {
    fn start(work: &Workdir, shell: &str) -> Prompt {
        let (args, setup, list_keys): (&[&str], String, _) = match shell {
            "bash" => (
                &["--norc", "--noprofile", "-i"],
                format!(
                    "PS1='$ '; bind 'set bell-style none'; source {}\n",
                    committed("kubectl-kwokprovider.bash").display()
                ),
                "\t\t",
            ),
            "zsh" => (
                &["-f", "-i"],
                format!(
                    "PS1='$ '; unsetopt beep; bindkey -e; autoload -Uz compinit; compinit -u -D; source {}\n",
                    committed("_kubectl-kwokprovider").display()
                ),
                "\t",
            ),
            other => panic!("no prompt for {other}"),
        };
        let mut cmd = work.command(shell);
        cmd.args(args);
        let mut session = rexpect::spawn_with_options(
            cmd,
            rexpect::session::Options::new()
                .timeout_ms(Some(20_000))
                .strip_ansi_escape_codes(true),
        )
        .unwrap_or_else(|e| panic!("start {shell} in a pty (.ci/run installs it): {e}"));
        session.send(&setup).unwrap();
        session.send("echo READY-$((40+2))\n").unwrap();
        session.flush().unwrap();
        session.exp_string("READY-42").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        Prompt { session, list_keys }
    }

    /// Types `line`, completes once, and returns the command line the completion made.
    fn complete(&mut self, line: &str) -> String {
        // TAB, then Ctrl-A and `echo RESULT"":` before the line, then Enter: the shell prints
        // the line as `RESULT:…` (the typed text, with its quotes, never matches).
        self.session
            .send(&format!("{line}\t\x01echo RESULT\"\":\n"))
            .unwrap();
        self.session.flush().unwrap();
        let (_, found) = self
            .session
            .exp_regex(r"RESULT:[^\r\n]*\r")
            .unwrap_or_else(|e| panic!("completing {line:?}: {e}"));
        found.trim_start_matches("RESULT:").trim_end().to_owned()
    }

    /// Types `line`, asks for the list of candidates, waits for `last` among them, and returns
    /// what the shell listed up to it; the line is then discarded.
    fn list(&mut self, line: &str, last: &str) -> String {
        self.session
            .send(&format!("{line}{}", self.list_keys))
            .unwrap();
        self.session.flush().unwrap();
        let listed = self
            .session
            .exp_string(last)
            .unwrap_or_else(|e| panic!("listing {line:?}: {e}"));
        self.session.send("\x03").unwrap();
        self.session.flush().unwrap();
        self.session.exp_string("$ ").unwrap();
        // zsh drops keys typed before its line editor is back.
        std::thread::sleep(Duration::from_millis(300));
        listed
    }
}

fn completes_in_a_prompt(shell: &str) {
    let work = Workdir::new();
    let mut prompt = Prompt::start(&work, shell);
    // A flag's values, past the first word (clap_complete's bash script offered files here).
    let listed = prompt.list("kubectl-kwokprovider validate -o ", "yaml");
    assert!(
        listed.contains("json") && listed.contains("text"),
        "{shell}: {listed:?}"
    );
    assert!(
        !listed.contains("SOMEFILE"),
        "{shell} offered files for -o: {listed:?}"
    );
    assert_eq!(
        prompt.complete("kubectl-kwokprovider validate --output=j"),
        "kubectl-kwokprovider validate --output=json",
        "{shell}"
    );
    assert_eq!(
        prompt.complete("kubectl-kwokprovider val"),
        "kubectl-kwokprovider validate",
        "{shell}"
    );
    assert_eq!(
        prompt.complete("kubectl-kwokprovider scale --dry-run --qp"),
        "kubectl-kwokprovider scale --dry-run --qps",
        "{shell}"
    );
    // Where a flag takes files, files are offered.
    assert_eq!(
        prompt.complete("kubectl-kwokprovider validate -f SOME"),
        "kubectl-kwokprovider validate -f SOMEFILE",
        "{shell}"
    );
    let versions = prompt.list("kubectl-kwokprovider validate --ca-version 1.3", "1.36");
    assert!(versions.contains("1.33"), "{shell}: {versions:?}");
}

#[test]
fn bash_completes_through_the_committed_script() {
    completes_in_a_prompt("bash");
}

#[test]
fn zsh_completes_through_the_committed_script() {
    completes_in_a_prompt("zsh");
}

#[test]
fn fish_completes_through_the_committed_script() {
    let work = Workdir::new();
    let complete = |line: &str| -> Vec<String> {
        let script = format!(
            "source {}; complete -C {}",
            committed("kubectl-kwokprovider.fish").display(),
            shell_quote(line)
        );
        let out = work
            .command("fish")
            .args(["--no-config", "-c", &script])
            .output()
            .expect("fish (.ci/run installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        complete("kubectl-kwokprovider validate -o "),
        ["json", "text", "yaml"]
    );
    assert_eq!(
        complete("kubectl-kwokprovider validate --output=y"),
        ["--output=yaml"]
    );
    assert_eq!(complete("kubectl-kwokprovider val"), ["validate"]);
    assert_eq!(
        complete("kubectl-kwokprovider validate -f SOME"),
        ["SOMEFILE"]
    );
    let versions = complete("kubectl-kwokprovider validate --ca-version ");
    assert_eq!(versions.first().map(String::as_str), Some("1.29"));
    assert!(versions.contains(&"1.36".to_owned()), "{versions:?}");
    assert_eq!(versions.last().map(String::as_str), Some("latest"));
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "\\'"))
}
