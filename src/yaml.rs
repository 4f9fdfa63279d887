//! Parses YAML text into a tree that remembers the line and column of every node (pure, no I/O).
//!
//! Why not `serde_yaml`: it is deprecated, and it throws positions away once a value is
//! decoded. Diagnostics need a position for every key and value, and the provider's own
//! decoding rules (Go `encoding/json` semantics behind a YAML 1.1 front end) cannot be
//! expressed with serde derives anyway. So we read the event stream of `granit-parser` —
//! the parser behind `serde-saphyr`, which kube 5 uses for kubeconfigs — and build a small
//! located tree ourselves. Why not `saphyr-parser` (which granit forked): it never gives up
//! on a flow collection that starts where a block key could (a JSON document, a `[…]` at the
//! root or after `- `) being that key, so it buffers every token of the collection before
//! emitting the first: a 50 MB one-line `[1,1,…]` took 9 GB. granit, like libyaml and
//! go-yaml, stops looking for the key's `:` after 1024 characters. Scalars stay untyped text plus their style; `resolve` applies the
//! YAML 1.1 rules of go-yaml v2, which is what `sigs.k8s.io/yaml` (and so CA) uses.
//!
//! Memory: a node is 16 bytes, a position and an `Rc` of its value, so a flow sequence
//! `[1,1,…]` costs 16 bytes an element, as a block one does. Scalars are interned (one
//! shared value per text and style): template files repeat the same keys and values
//! thousands of times. An alias shares the anchored value instead of copying it.
//! Hostile input is bounded: nesting depth and alias expansion have hard limits.

use granit_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Deepest nesting of collections accepted before giving up.
pub const MAX_DEPTH: usize = 200;
/// Most nodes that alias expansion may copy, against "billion laughs" inputs.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// A position in the parsed text; line and column count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    fn from_span(span: &Span) -> Pos {
        Pos {
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
            col: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
        }
    }
}

/// How a scalar was written; quoting changes how it resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Literal,
    Folded,
    /// Explicitly tagged `!!str`.
    TaggedString,
}

#[derive(Debug, Clone)]
pub struct Scalar {
    pub text: Box<str>,
    pub style: Style,
}

#[derive(Debug, Clone)]
pub enum Value {
    Scalar(Scalar),
    Seq(Box<[Node]>),
    Map(Box<[(Node, Node)]>),
}

/// A YAML node and where it starts. Its value is shared: equal scalars, and an alias with
/// its anchor, hold one value between them (match on `&*node.value`).
#[derive(Debug, Clone)]
pub struct Node {
    pub pos: Pos,
    pub value: Rc<Value>,
}

/// A scalar resolved by YAML 1.1 (go-yaml v2) rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

/// The JSON type a node turns into, in the words Go's `encoding/json` uses in its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl JsonKind {
    /// "an array", "a string", … for messages.
    pub fn article(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "a mapping",
        }
    }

    pub fn go_name(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "bool",
            JsonKind::Number => "number",
            JsonKind::String => "string",
            JsonKind::Array => "array",
            JsonKind::Object => "object",
        }
    }
}

impl Node {
    /// An empty (null) scalar at no particular position.
    pub fn null() -> Node {
        Node {
            pos: Pos::default(),
            value: Rc::new(Value::Scalar(Scalar {
                text: Box::from(""),
                style: Style::Plain,
            })),
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &*self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &*self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &*self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The resolved scalar, or `None` for collections.
    pub fn resolve(&self) -> Option<Resolved<'_>> {
        self.as_scalar().map(Scalar::resolve)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.resolve(), Some(Resolved::Null))
    }

    /// The text of a scalar that resolves to a string (not null, bool or number).
    pub fn as_str(&self) -> Option<&str> {
        match self.resolve() {
            Some(Resolved::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The raw text of any scalar, whatever it resolves to.
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| &*s.text)
    }

    /// The value stored under `key` (exact match; the last duplicate wins, as in go-yaml v2).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Key and value stored under `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.scalar_text() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// Follows a path of map keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The JSON type this node converts to with `sigs.k8s.io/yaml.YAMLToJSON` (no target hints).
    pub fn json_kind(&self) -> JsonKind {
        match &*self.value {
            Value::Seq(_) => JsonKind::Array,
            Value::Map(_) => JsonKind::Object,
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null => JsonKind::Null,
                Resolved::Bool(_) => JsonKind::Bool,
                Resolved::Int(_) | Resolved::Float(_) => JsonKind::Number,
                Resolved::Str(_) => JsonKind::String,
            },
        }
    }

    /// Converts to JSON as `sigs.k8s.io/yaml.YAMLToJSON` does (input to `provider::nodegroups::prepare_template`).
    pub fn to_json(&self) -> serde_json::Value {
        match &*self.value {
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_string(), v.to_json()))
                    .collect(),
            ),
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null => serde_json::Value::Null,
                Resolved::Bool(b) => serde_json::Value::Bool(b),
                Resolved::Int(i) => serde_json::Value::from(i),
                Resolved::Float(f) => serde_json::Number::from_f64(f)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null),
                Resolved::Str(text) => serde_json::Value::String(text.to_owned()),
            },
        }
    }

    /// A map key as the string JSON will use.
    pub fn key_string(&self) -> String {
        match &*self.value {
            Value::Scalar(s) => s.text.to_string(),
            _ => "<complex key>".to_owned(),
        }
    }
}

impl Scalar {
    pub fn resolve(&self) -> Resolved<'_> {
        match self.style {
            Style::Plain => resolve_plain(&self.text),
            _ => Resolved::Str(&self.text),
        }
    }
}

/// Resolves a plain scalar like go-yaml v2 (YAML 1.1: `yes`/`on` are booleans, `0x1f` is an int).
pub fn resolve_plain(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Resolved::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Resolved::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Resolved::Str(text);
    }
    if let Some(i) = parse_go_int(text) {
        return Resolved::Int(i);
    }
    if is_yaml_float(text)
        && let Ok(f) = text.replace('_', "").parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str(text)
}

/// `strconv.ParseInt(s, 0, 64)` after removing `_`, as go-yaml v2 does.
fn parse_go_int(text: &str) -> Option<i64> {
    let cleaned = text.replace('_', "");
    let (negative, digits) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, &cleaned[..]),
    };
    let (radix, body) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits_at = |mut j: usize| {
        let start = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        (j, j - start)
    };
    if bytes.get(i) == Some(&b'.') {
        let (j, n) = digits_at(i + 1);
        if n == 0 {
            return false;
        }
        i = j;
    } else {
        let (j, n) = digits_at(i);
        if n == 0 {
            return false;
        }
        i = j;
        if bytes.get(i) == Some(&b'.') {
            i = digits_at(i + 1).0;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let (j, n) = digits_at(i);
        if n == 0 {
            return false;
        }
        i = j;
    }
    i == bytes.len()
}

/// One document of a YAML stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// The root node; an empty document has a null scalar root.
    pub root: Node,
    /// True when the document holds nothing but comments and whitespace.
    pub is_empty: bool,
}

/// Why YAML text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
    /// go-yaml's words for the same refusal, when it refuses too and words it without a line
    /// (its alias-ratio check: `document contains excessive aliasing`).
    pub go_yaml: Option<&'static str>,
}

impl YamlError {
    /// The error as go-yaml (CA's YAML reader) prints it: `yaml: line N: message`, or its own
    /// line-less text where it has one.
    pub fn go_text(&self) -> String {
        match self.go_yaml {
            Some(text) => format!("yaml: {text}"),
            None => format!("yaml: line {}: {}", self.pos.line, self.message),
        }
    }
}

/// go-yaml's refusal of "billion laughs" documents (yaml.v2 decode.go, which sigs.k8s.io/yaml and
/// so CA use): after each node it decodes, more than 100 of them reached through aliases, more
/// than 1000 in all, and a share of aliased nodes above what this allows.
fn go_yaml_allowed_alias_ratio(decoded: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    match decoded {
        d if d <= LOW => 0.99,
        d if d >= HIGH => 0.10,
        d => 0.99 - 0.89 * ((d - LOW) as f64 / (HIGH - LOW) as f64),
    }
}

/// go-yaml's wording of that refusal.
pub const GO_YAML_EXCESSIVE_ALIASING: &str = "document contains excessive aliasing";

/// Whether some scalar of `text` may read `word` (ASCII letters only): `word` written as is, or
/// spelled in a double-quoted scalar with the escapes that can make a letter (`\x`, `\u`,
/// `\U`) or join two lines without a space (an escaped line break). Other escapes (`\"`,
/// `\n`, …) make no letter, and line folding joins with a space or a line break. A cheap test
/// before a parse that only looks for `word`; JSON escapes quotes often, hex rarely.
pub fn may_read_as(text: &str, word: &str) -> bool {
    text.contains(word)
        || text.match_indices('\\').any(|(at, _)| {
            matches!(
                text.as_bytes().get(at + 1),
                Some(b'x' | b'u' | b'U' | b'\n' | b'\r')
            )
        })
}

/// Parses every document of a YAML stream.
pub fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    Reader::default().parse(text, 1)
}

/// Parses several texts (the chunks of one stream) sharing one scalar interner.
#[derive(Default)]
pub struct Reader {
    interner: Interner,
}

impl Reader {
    /// Parses `text`, whose first line is line `first_line` of the user's input.
    pub fn parse(&mut self, text: &str, first_line: u32) -> Result<Vec<Document>, YamlError> {
        Builder::new(&mut self.interner, first_line.saturating_sub(1)).run(text)
    }
}

/// Scalar values shared by text, one set per [`Style`]. foldhash, not std's SipHash: hashing
/// every short scalar was 6% of a parse, and these keys come from the input, never a peer.
type Interner = [HashSet<Interned, foldhash::fast::RandomState>; 5];

/// A shared scalar value, found in its set by its text.
struct Interned(Rc<Value>);

impl Interned {
    fn text(&self) -> &str {
        match &*self.0 {
            Value::Scalar(s) => &s.text,
            _ => "",
        }
    }
}

impl std::borrow::Borrow<str> for Interned {
    fn borrow(&self) -> &str {
        self.text()
    }
}

impl PartialEq for Interned {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Interned {}

impl std::hash::Hash for Interned {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text().hash(state);
    }
}

/// One chunk of a `---`-separated stream, as apimachinery's `YAMLReader` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'t> {
    pub text: &'t str,
    /// The chunk's first line in the whole text (from 1).
    pub first_line: u32,
}

/// A `---` line followed by something other than a comment, which `YAMLReader` rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeparatorError {
    pub line: u32,
    pub rest: String,
}

/// Splits text into chunks exactly as Kubernetes' `yaml.YAMLReader` does (what CA uses):
/// a line starting with `---` ends a non-empty chunk and is dropped; when nothing is buffered
/// yet, it starts the next chunk instead. Only a comment may follow `---` on its line.
/// Chunks holding nothing but blank lines or comments are returned too: CA decodes them.
pub fn split_documents(text: &str) -> Result<Vec<Chunk<'_>>, SeparatorError> {
    let mut chunks = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                return Err(SeparatorError {
                    line: number,
                    rest: rest.to_owned(),
                });
            }
            if let Some((begin, first_line)) = start.take() {
                chunks.push(Chunk {
                    text: &text[begin..offset],
                    first_line,
                });
                offset += line.len();
                continue;
            }
        }
        if start.is_none() {
            start = Some((offset, number));
        }
        offset += line.len();
    }
    if let Some((begin, first_line)) = start {
        chunks.push(Chunk {
            text: &text[begin..],
            first_line,
        });
    }
    Ok(chunks)
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
    },
}

struct Builder<'i> {
    interner: &'i mut Interner,
    /// Added to every line: the parsed text starts this many lines into the user's input.
    line_offset: u32,
    /// Each anchor's node, and how many nodes go-yaml decodes for it (inner aliases expanded).
    anchors: HashMap<usize, (Node, u64)>,
    /// go-yaml's decoded-node count of each open collection (parallel to `stack`).
    go_sizes: Vec<u64>,
    alias_budget: usize,
    /// go-yaml's counts for the current document: nodes decoded, and those reached through an alias.
    decoded: u64,
    aliased: u64,
    stack: Vec<Frame>,
    documents: Vec<Document>,
    current_root: Option<Node>,
}

impl<'i> Builder<'i> {
    fn new(interner: &'i mut Interner, line_offset: u32) -> Self {
        Builder {
            interner,
            line_offset,
            anchors: HashMap::new(),
            go_sizes: Vec::new(),
            alias_budget: MAX_ALIAS_NODES,
            decoded: 0,
            aliased: 0,
            stack: Vec::new(),
            documents: Vec::new(),
            current_root: None,
        }
    }

    /// Counts `nodes` more decoded nodes (reached through an alias or not) as go-yaml does, and
    /// refuses the document where go-yaml would. Checking after a whole alias is exact: while
    /// aliased nodes are added the share only grows and the allowance only shrinks.
    fn decode(&mut self, nodes: u64, through_alias: bool, pos: Pos) -> Result<(), YamlError> {
        self.decoded += nodes;
        if through_alias {
            self.aliased += nodes;
        }
        if self.aliased > 100
            && self.decoded > 1000
            && self.aliased as f64 / self.decoded as f64 > go_yaml_allowed_alias_ratio(self.decoded)
        {
            return Err(YamlError {
                message: format!(
                    "{GO_YAML_EXCESSIVE_ALIASING} ({} of {} nodes come from aliases)",
                    self.aliased, self.decoded
                ),
                pos,
                go_yaml: Some(GO_YAML_EXCESSIVE_ALIASING),
            });
        }
        Ok(())
    }

    /// The shared value of a scalar; long texts (rarely repeated) are not shared.
    fn intern(&mut self, text: &str, style: Style) -> Rc<Value> {
        let new = || {
            Rc::new(Value::Scalar(Scalar {
                text: Box::from(text),
                style,
            }))
        };
        if text.len() > 64 {
            return new();
        }
        let set = &mut self.interner[style as usize];
        if let Some(existing) = set.get(text) {
            return existing.0.clone();
        }
        let shared = new();
        set.insert(Interned(shared.clone()));
        shared
    }

    fn run(mut self, text: &str) -> Result<Vec<Document>, YamlError> {
        let mut parser = Parser::new_from_str(text);
        let mut doc_start = Pos::default();
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| YamlError {
                message: e.info(),
                pos: Pos {
                    line: u32::try_from(e.marker().line())
                        .unwrap_or(u32::MAX)
                        .saturating_add(self.line_offset),
                    col: u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
                },
                go_yaml: None,
            })?;
            let mut pos = Pos::from_span(&span);
            pos.line = pos.line.saturating_add(self.line_offset);
            match event {
                Event::DocumentStart(..) => {
                    doc_start = pos;
                    // go-yaml decodes each document afresh; the document node counts too.
                    (self.decoded, self.aliased) = (1, 0);
                    self.anchors.clear();
                    self.go_sizes.clear();
                    self.current_root = None;
                }
                Event::DocumentEnd => {
                    let root = self.current_root.take();
                    let is_empty = root.as_ref().is_none_or(|r| {
                        matches!(&*r.value, Value::Scalar(s) if s.text.is_empty() && s.style == Style::Plain)
                    });
                    let root = match root {
                        Some(root) => root,
                        None => Node {
                            pos: doc_start,
                            value: self.intern("", Style::Plain),
                        },
                    };
                    self.documents.push(Document { root, is_empty });
                }
                Event::Alias(id) => {
                    let (node, go_size) =
                        self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                            message: "alias refers to an unknown anchor".to_owned(),
                            pos,
                            go_yaml: None,
                        })?;
                    let size = count_nodes(&node);
                    // go-yaml decodes the alias node, then the anchor's nodes through it.
                    self.decode(1, false, pos)?;
                    self.decode(go_size, true, pos)?;
                    if size > self.alias_budget {
                        return Err(YamlError {
                            message: format!(
                                "aliases expand to more than {MAX_ALIAS_NODES} nodes; refusing to expand further"
                            ),
                            pos,
                            go_yaml: None,
                        });
                    }
                    self.alias_budget -= size;
                    self.push_node(Node { pos, ..node }, 0, 1 + go_size)?;
                }
                Event::Scalar(text, style, anchor, tag) => {
                    self.decode(1, false, pos)?;
                    let tagged_str = tag.as_ref().is_some_and(|t| t.suffix().ends_with("str"));
                    // go-yaml resolves `!!int "7"` (or !!float, !!bool, !!null) as if unquoted.
                    let tagged_plain = tag.as_ref().is_some_and(|t| {
                        ["int", "float", "bool", "null"]
                            .contains(&t.suffix().trim_start_matches("tag:yaml.org,2002:"))
                    });
                    let style = match style {
                        _ if tagged_str => Style::TaggedString,
                        _ if tagged_plain => Style::Plain,
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                        ScalarStyle::Literal => Style::Literal,
                        ScalarStyle::Folded => Style::Folded,
                    };
                    // granit writes an empty node (`a:`, `---` alone) as a plain `~` with an empty
                    // span; the tree keeps such a node's text empty, as written.
                    let written = if span.is_empty() && style == Style::Plain {
                        ""
                    } else {
                        &text
                    };
                    let value = self.intern(written, style);
                    self.push_node(Node { pos, value }, anchor, 1)?;
                }
                Event::SequenceStart(_, anchor, _) => {
                    self.decode(1, false, pos)?;
                    self.open(
                        Frame::Seq {
                            pos,
                            anchor,
                            items: Vec::new(),
                        },
                        pos,
                    )?;
                }
                Event::MappingStart(_, anchor, _) => {
                    self.decode(1, false, pos)?;
                    self.open(
                        Frame::Map {
                            pos,
                            anchor,
                            entries: Vec::new(),
                            pending_key: None,
                        },
                        pos,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (node, anchor) = match self.stack.pop() {
                        Some(Frame::Seq { pos, anchor, items }) => (
                            Node {
                                pos,
                                value: Rc::new(Value::Seq(items.into_boxed_slice())),
                            },
                            anchor,
                        ),
                        Some(Frame::Map {
                            pos,
                            anchor,
                            entries,
                            ..
                        }) => (
                            Node {
                                pos,
                                value: Rc::new(Value::Map(merge_keys(entries).into_boxed_slice())),
                            },
                            anchor,
                        ),
                        None => {
                            return Err(YamlError {
                                message: "unbalanced collection end".to_owned(),
                                pos,
                                go_yaml: None,
                            });
                        }
                    };
                    let go_size = self.go_sizes.pop().unwrap_or(1);
                    self.push_node(node, anchor, go_size)?;
                }
                // Stream start and end; comments and anchor names (not asked for).
                _ => {}
            }
        }
        Ok(self.documents)
    }

    fn open(&mut self, frame: Frame, pos: Pos) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting is deeper than {MAX_DEPTH} levels"),
                pos,
                go_yaml: None,
            });
        }
        self.stack.push(frame);
        self.go_sizes.push(1);
        Ok(())
    }

    /// Adds a finished node to its parent; `go_size` is how many nodes go-yaml decodes for it.
    fn push_node(&mut self, node: Node, anchor: usize, go_size: u64) -> Result<(), YamlError> {
        if let Some(parent) = self.go_sizes.last_mut() {
            *parent += go_size;
        }
        if anchor != 0 {
            let size = count_nodes(&node);
            if size > self.alias_budget {
                return Err(YamlError {
                    message: format!("anchored node larger than {MAX_ALIAS_NODES} nodes"),
                    pos: node.pos,
                    go_yaml: None,
                });
            }
            self.anchors.insert(anchor, (node.clone(), go_size));
        }
        match self.stack.last_mut() {
            None => self.current_root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

/// Applies YAML merge keys (`<<: *anchor`, or a list of them) as go-yaml v2 does:
/// keys written in the mapping win, then earlier merged mappings over later ones.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| matches!(&*k.value, Value::Scalar(s) if s.style == Style::Plain && &*s.text == "<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _)| is_merge(k));
    let mut seen: HashSet<Box<str>> = own
        .iter()
        .filter_map(|(k, _)| k.as_scalar().map(|s| s.text.clone()))
        .collect();
    for (_, value) in merges {
        let sources: Vec<Node> = match &*value.value {
            Value::Map(_) => vec![value.clone()],
            Value::Seq(items) => items.to_vec(),
            // Not a mapping: go-yaml rejects it; keep the entry visible as a plain key instead.
            _ => continue,
        };
        for source in sources {
            if let Value::Map(merged) = &*source.value {
                for (k, v) in merged.iter().cloned() {
                    let Some(text) = k.as_scalar().map(|s| s.text.clone()) else {
                        continue;
                    };
                    if seen.insert(text) {
                        own.push((k, v));
                    }
                }
            }
        }
    }
    own
}

fn count_nodes(node: &Node) -> usize {
    match &*node.value {
        Value::Scalar(_) => 1,
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_from_one() {
        let docs = parse_stream("a: 1\nb:\n  c: x\n").unwrap();
        let root = &docs[0].root;
        let (key, value) = root.entry("b").unwrap();
        assert_eq!(key.pos, Pos { line: 2, col: 1 });
        let c = value.get("c").unwrap();
        assert_eq!(c.pos, Pos { line: 3, col: 6 });
        assert_eq!(c.as_str(), Some("x"));
    }

    #[test]
    fn yaml_1_1_resolution() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain("0x1f"), Resolved::Int(31));
        assert_eq!(resolve_plain("017"), Resolved::Int(15));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain("12Ki"), Resolved::Str("12Ki"));
        assert_eq!(resolve_plain("v1"), Resolved::Str("v1"));
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str("1.2.3"));
        assert_eq!(resolve_plain("-"), Resolved::Str("-"));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let docs = parse_stream("a: \"yes\"\nb: '1'\nc: !!str 2\n").unwrap();
        let root = &docs[0].root;
        assert_eq!(root.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(root.get("b").unwrap().as_str(), Some("1"));
        assert_eq!(root.get("c").unwrap().as_str(), Some("2"));
    }

    #[test]
    fn empty_and_comment_only_documents_are_marked_empty() {
        let docs = parse_stream("# only a comment\n").unwrap();
        assert!(docs.iter().all(|d| d.is_empty));
        let docs = parse_stream("---\n---\na: 1\n").unwrap();
        assert_eq!(docs.iter().filter(|d| !d.is_empty).count(), 1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let err = parse_stream(&text).unwrap_err();
        assert!(
            err.message.contains("deeper") || err.message.contains("recursion"),
            "{err:?}"
        );
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse_stream(&text).unwrap_err();
        assert!(err.message.contains("alias"), "{err:?}");
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse_stream("a: 1\n  b: 2\n").unwrap_err();
        assert!(err.pos.line >= 1);
        assert!(!err.message.is_empty());
    }

    #[test]
    fn merge_keys_merge_with_own_keys_winning() {
        let text = "base: &b {a: 1, b: 2}\nmore: &m {c: 3, a: 9}\nx:\n  <<: [*b, *m]\n  b: own\n";
        let docs = parse_stream(text).unwrap();
        let x = docs[0].root.get("x").unwrap();
        assert_eq!(x.get("a").unwrap().resolve(), Some(Resolved::Int(1)));
        assert_eq!(x.get("b").unwrap().as_str(), Some("own"));
        assert_eq!(x.get("c").unwrap().resolve(), Some(Resolved::Int(3)));
        assert!(x.get("<<").is_none());
    }

    #[test]
    fn splits_like_apimachinery_yaml_reader() {
        let texts = |t: &str| -> Vec<(String, u32)> {
            split_documents(t)
                .unwrap()
                .iter()
                .map(|c| (c.text.to_owned(), c.first_line))
                .collect()
        };
        assert_eq!(
            texts("a: 1\n---\nb: 2\n"),
            [("a: 1\n".into(), 1), ("b: 2\n".into(), 3)]
        );
        // A leading separator starts the first chunk; a trailing one ends the last.
        assert_eq!(texts("---\na: 1\n---\n"), [("---\na: 1\n".into(), 1)]);
        // Blank and comment-only chunks are chunks too (CA then fails to decode them).
        assert_eq!(
            texts("a: 1\n---\n\n"),
            [("a: 1\n".into(), 1), ("\n".into(), 3)]
        );
        assert_eq!(
            texts("# c\n---\na: 1\n"),
            [("# c\n".into(), 1), ("a: 1\n".into(), 3)]
        );
        assert_eq!(texts("---"), [("---".into(), 1)]);
        assert_eq!(
            texts("--- # comment\na: 1"),
            [("--- # comment\na: 1".into(), 1)]
        );
        assert_eq!(
            split_documents("a: 1\n--- {b: 2}\n").unwrap_err(),
            SeparatorError {
                line: 2,
                rest: "{b: 2}".into()
            }
        );
    }

    #[test]
    fn chunk_positions_are_positions_in_the_whole_text() {
        let text = "a: 1\n---\nb: 2\n";
        let chunks = split_documents(text).unwrap();
        let mut reader = Reader::default();
        let docs = reader.parse(chunks[1].text, chunks[1].first_line).unwrap();
        assert_eq!(
            docs[0].root.entry("b").unwrap().0.pos,
            Pos { line: 3, col: 1 }
        );
    }

    #[test]
    fn a_node_is_a_position_and_a_pointer() {
        // 16 bytes an element in a flow `[1,1,…]` (it was 32, and ~350 with the old parser).
        assert_eq!(std::mem::size_of::<Node>(), 16);
    }

    #[test]
    fn equal_scalars_share_one_value_and_aliases_share_their_anchor() {
        let docs = parse_stream("a: [x, x, 'x']\nb: &b {c: 1}\nd: *b\n").unwrap();
        let root = &docs[0].root;
        let items = root.get("a").unwrap().as_seq().unwrap();
        assert!(Rc::ptr_eq(&items[0].value, &items[1].value));
        assert!(!Rc::ptr_eq(&items[0].value, &items[2].value));
        let (b, d) = (root.get("b").unwrap(), root.get("d").unwrap());
        assert!(Rc::ptr_eq(&b.value, &d.value));
        assert_eq!(d.pos, Pos { line: 3, col: 4 });
    }

    #[test]
    fn empty_values_have_empty_text() {
        let docs = parse_stream("a:\nb: ~\n").unwrap();
        assert_eq!(docs[0].root.get("a").unwrap().scalar_text(), Some(""));
        assert_eq!(docs[0].root.get("b").unwrap().scalar_text(), Some("~"));
        assert!(docs[0].root.get("a").unwrap().is_null());
    }

    #[test]
    fn to_json_follows_yaml_to_json() {
        let docs = parse_stream("a: yes\nb: [1, '2', ~]\n").unwrap();
        assert_eq!(
            docs[0].root.to_json(),
            serde_json::json!({"a": true, "b": [1, "2", null]})
        );
    }

    #[test]
    fn a_word_can_only_be_read_where_it_is_written_or_escaped() {
        let read = |text: &str| {
            parse_stream(text).unwrap()[0]
                .root
                .get("kind")
                .and_then(Node::as_str)
                .map(str::to_owned)
        };
        // Escaped in a double-quoted scalar, or broken with an escaped line break: a backslash.
        for text in ["kind: \"Config\\x4dap\"\n", "kind: \"Config\\\n  Map\"\n"] {
            assert_eq!(read(text).as_deref(), Some("ConfigMap"), "{text}");
            assert!(may_read_as(text, "ConfigMap"), "{text}");
        }
        // Folded lines join with a space: never the word.
        for text in [
            "kind: Config\n  Map\n",
            "kind: >-\n  Config\n  Map\n",
            "kind: Node\n",
        ] {
            assert_ne!(read(text).as_deref(), Some("ConfigMap"), "{text}");
            assert!(!may_read_as(text, "ConfigMap"), "{text}");
        }
        assert!(may_read_as("kind: !!str ConfigMap\n", "ConfigMap"));
        assert!(may_read_as("kind: \"Config\\u004dap\"\n", "ConfigMap"));
        // JSON's escaped quotes make no letter.
        assert!(!may_read_as(
            r#"{"kind": "Node", "a": "{\"b\":\"c\\\\d\"}"}"#,
            "ConfigMap"
        ));
    }

    #[test]
    fn go_yamls_alias_ratio_is_refused_in_go_yamls_words() {
        let mut bomb = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for level in 1..=3 {
            let refs = vec![format!("*a{}", level - 1); 10].join(",");
            bomb.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        let err = parse_stream(&bomb).unwrap_err();
        assert_eq!(err.go_text(), "yaml: document contains excessive aliasing");
        // A few aliases among many written nodes are fine, as in go-yaml.
        let mut fine = format!("p: [{}]\n", vec!["y"; 3000].join(","));
        fine.push_str("a: &a [x,x,x]\nb: [*a, *a, *a]\n");
        assert!(parse_stream(&fine).is_ok());
    }
}
