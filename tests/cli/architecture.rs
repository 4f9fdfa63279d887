//! The shape of `src/`, checked from its text: no import circle between files, nothing below
//! the command line imports it, imports run down the floors (`FLOORS`), and the infrastructure
//! (`cluster/`, `output.rs`) knows nothing of clap.
//!
//! Every `crate::…`, `super::…` and child-module path in a file (in `use` trees and in code,
//! comments and strings left out) is an edge to the file that path names (the longest prefix
//! that is a file). A circle is a strongly connected set of two or more files. Unit tests
//! (from `#[cfg(test)]` on, which closes each file here) are left out: they are not the
//! program's layering. So is a module's front (`mod.rs`, `lib.rs`) reaching into its own
//! children, which it declares: a child may use what its front holds (`lint`'s rules use
//! `lint::Diagnostic`), and the circles that count run between rooms.

use crate::util::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The files allowed to import `cli.rs`: the crate root, the entry point, and completion,
/// which reads the one flag definition (the command line's own part).
const ABOVE_THE_COMMAND_LINE: &[&str] = &["lib.rs", "main.rs", "completion/mod.rs"];

/// Infrastructure that must not know clap.
const WITHOUT_CLAP: &[&str] = &["cluster/", "output.rs", "error.rs"];

/// `src/` files by their path below `src/` (`cluster/mod.rs`), with their text.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, base: &Path, files: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, base, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(name, std::fs::read_to_string(&path).expect("read file"));
            }
        }
    }
    let base = root().join("src");
    let mut files = BTreeMap::new();
    walk(&base, &base, &mut files);
    files
}

/// The text without comments, string and char literals (their contents become blanks).
fn code_only(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < bytes.len() && bytes[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < bytes.len() && !(bytes[i] == '*' && bytes[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !prev_ident(&bytes, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while bytes.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if bytes.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let closing: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            let closing: Vec<char> = closing.chars().collect();
            while j < bytes.len() && !bytes[j..].starts_with(&closing) {
                j += 1;
            }
            i = j + closing.len();
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next.is_some() && bytes.get(i + 2) == Some(&'\'') {
            i += 3; // 'x'
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < bytes.len() && bytes[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Every path in `code` that starts with `crate::`, `super::` or one of `children::`, as
/// segments (a `use` tree is expanded: `crate::{a::b, c}` gives `crate::a::b` and `crate::c`).
fn paths(code: &str, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts = tokens[i] == "crate" || tokens[i] == "super" || children.contains(&tokens[i]);
        let after_colons = i > 0 && tokens[i - 1] == "::";
        if starts && !after_colons && tokens.get(i + 1).map(String::as_str) == Some("::") {
            let (trees, end) = tree(&tokens, i);
            found.extend(trees);
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// Identifiers, `::`, and single punctuation characters.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_owned());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// The paths of the (use) tree starting at `tokens[start]`, and where it ends.
fn tree(tokens: &[String], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = start;
    loop {
        let Some(token) = tokens.get(i) else {
            return (vec![prefix], i);
        };
        if token == "{" {
            let mut all = Vec::new();
            i += 1;
            while i < tokens.len() && tokens[i] != "}" {
                if tokens[i] == "," {
                    i += 1;
                    continue;
                }
                let (inner, end) = tree(tokens, i);
                for path in inner {
                    let mut full = prefix.clone();
                    full.extend(path);
                    all.push(full);
                }
                i = end;
            }
            return (all, i + 1);
        }
        if token.chars().all(|c| c.is_alphanumeric() || c == '_') {
            prefix.push(token.clone());
            i += 1;
            if tokens.get(i).map(String::as_str) == Some("::") {
                i += 1;
                continue;
            }
        }
        return (vec![prefix], i);
    }
}

/// The module directory of a file: `a/mod.rs` and `a.rs` both hold module `a`.
fn module_of(file: &str) -> Vec<String> {
    let trimmed = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = trimmed.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file a module path names: the longest prefix that is a file.
fn file_of(module: &[String], files: &BTreeMap<String, String>) -> Option<String> {
    for len in (1..=module.len()).rev() {
        let joined = module[..len].join("/");
        for candidate in [format!("{joined}.rs"), format!("{joined}/mod.rs")] {
            if files.contains_key(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

/// Whether `file` is the front (`mod.rs`, `lib.rs`) of the module that holds `target`.
fn is_front_of(file: &str, target: &str) -> bool {
    let dir = match file.rsplit_once('/') {
        Some((dir, "mod.rs")) => format!("{dir}/"),
        None if file == "lib.rs" || file == "main.rs" => return false,
        _ => return false,
    };
    target.starts_with(&dir)
}

/// file → the files it refers to.
fn edges(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (file, text) in files {
        let program = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code = code_only(program);
        let module = module_of(file);
        let children: BTreeSet<String> = tokenize(&code)
            .windows(3)
            .filter(|w| w[0] == "mod" && w[2] == ";")
            .map(|w| w[1].clone())
            .collect();
        let mut targets = BTreeSet::new();
        for path in paths(&code, &children) {
            let absolute: Vec<String> = match path.first().map(String::as_str) {
                Some("crate") => path[1..].to_vec(),
                Some("super") => {
                    // `super` of `a/b.rs` (module a::b) is `a`; of `a/mod.rs`, the crate.
                    let mut base = module.clone();
                    let mut rest = &path[..];
                    while rest.first().map(String::as_str) == Some("super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                }
                _ => module.iter().cloned().chain(path.iter().cloned()).collect(),
            };
            if let Some(target) = file_of(&absolute, files)
                && &target != file
                && !is_front_of(file, &target)
            {
                targets.insert(target);
            }
        }
        graph.insert(file.clone(), targets);
    }
    graph
}

/// The strongly connected sets of two or more files (Tarjan).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut set = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                set.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if set.len() > 1 {
                set.sort();
                s.found.push(set);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn no_file_imports_in_a_circle() {
    let graph = edges(&sources());
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles between files: {found:#?}");
}

#[test]
fn nothing_below_the_command_line_imports_it() {
    let graph = edges(&sources());
    let upward: Vec<&String> = graph
        .iter()
        .filter(|(file, targets)| {
            targets.contains("cli.rs") && !ABOVE_THE_COMMAND_LINE.contains(&file.as_str())
        })
        .map(|(file, _)| file)
        .collect();
    assert!(upward.is_empty(), "these files import cli.rs: {upward:?}");
}

#[test]
fn the_infrastructure_knows_nothing_of_clap() {
    let files = sources();
    let knowing: Vec<&String> = files
        .iter()
        .filter(|(file, _)| WITHOUT_CLAP.iter().any(|w| file.starts_with(w)))
        .filter(|(_, text)| tokenize(&code_only(text)).iter().any(|t| t == "clap"))
        .map(|(file, _)| file)
        .collect();
    assert!(knowing.is_empty(), "these files use clap: {knowing:?}");
}

/// The checker itself: a circle, a `use` tree and `super` are seen.
#[test]
fn the_checker_sees_circles_trees_and_super() {
    let mut files = BTreeMap::new();
    files.insert("lib.rs".to_owned(), "mod a; mod b;".to_owned());
    files.insert(
        "a.rs".to_owned(),
        "use crate::{b::{self, x}, c};\n// crate::d\nfn f() { let s = \"crate::d\"; }".to_owned(),
    );
    files.insert("b.rs".to_owned(), "fn g() { super::a::f(); }".to_owned());
    files.insert("c/mod.rs".to_owned(), "mod inner; use inner::y;".to_owned());
    files.insert("c/inner.rs".to_owned(), "use super::z;".to_owned());
    files.insert("d.rs".to_owned(), String::new());
    let graph = edges(&files);
    assert_eq!(
        graph["a.rs"].iter().map(String::as_str).collect::<Vec<_>>(),
        ["b.rs", "c/mod.rs"],
        "comments and strings are not imports"
    );
    assert!(
        graph["c/mod.rs"].is_empty() && graph["c/inner.rs"].contains("c/mod.rs"),
        "a front declaring its children is no edge; a child using its front is one"
    );
    assert_eq!(
        circles(&graph),
        [vec!["a.rs".to_owned(), "b.rs".to_owned()]]
    );
}

/// The floors of `src/`, top first (docs/architecture: the command line on top, the ground
/// floor last); a file's floor is its room's (its first path segment).
const FLOORS: &[&[&str]] = &[
    &["main", "lib"],
    &["cli", "completion"],
    &[
        "validate", "scale", "events", "status", "init", "why", "options",
    ],
    &["inputs"],
    &["lint"],
    &["provider"],
    &["cluster"],
    &["output"],
    &["yaml", "source", "error", "duration"],
];

fn floor_of(file: &str) -> Option<usize> {
    let room = file.split('/').next()?.trim_end_matches(".rs");
    FLOORS.iter().position(|floor| floor.contains(&room))
}

/// Every import that runs up a floor, as `from -> to`.
fn upward(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (file, targets) in graph {
        for target in targets {
            if let (Some(from), Some(to)) = (floor_of(file), floor_of(target))
                && to < from
            {
                found.push(format!("{file} -> {target}"));
            }
        }
    }
    found
}

#[test]
fn every_room_has_a_floor_and_imports_run_down() {
    let files = sources();
    let roomless: Vec<&String> = files.keys().filter(|f| floor_of(f).is_none()).collect();
    assert!(
        roomless.is_empty(),
        "give these files' rooms a floor: {roomless:?}"
    );
    let found = upward(&edges(&files));
    assert_eq!(
        found, KNOWN_UPWARD,
        "an import runs up a floor (or a known one is gone: shorten KNOWN_UPWARD)"
    );
}

/// The imports that still run up, to be removed, not added to (none left: the namespace rule
/// moved up from `cluster/` to `inputs::connect`, issue 22).
const KNOWN_UPWARD: &[&str] = &[];

/// The verbs: each a room of its own on the verbs' floor.
const VERBS: &[&str] = &["validate", "scale", "events", "status", "init", "why"];

/// Every import from one verb's room into another's, as `from -> to`.
fn between_verbs(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let room = |file: &str| {
        file.split('/')
            .next()
            .map(|r| r.trim_end_matches(".rs").to_owned())
    };
    let mut found = Vec::new();
    for (file, targets) in graph {
        let Some(from) = room(file).filter(|r| VERBS.contains(&r.as_str())) else {
            continue;
        };
        for target in targets {
            if room(target).is_some_and(|to| VERBS.contains(&to.as_str()) && to != from) {
                found.push(format!("{file} -> {target}"));
            }
        }
    }
    found
}

#[test]
fn no_verb_imports_another_verb() {
    let found = between_verbs(&edges(&sources()));
    assert_eq!(
        found, KNOWN_BETWEEN_VERBS,
        "verbs must not import each other: what two share belongs in inputs/ or provider/ (or a known one is gone: shorten KNOWN_BETWEEN_VERBS)"
    );
}

/// The imports between verbs that remain, to be removed, not added to (none).
const KNOWN_BETWEEN_VERBS: &[&str] = &[];
