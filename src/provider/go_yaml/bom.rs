//! go-yaml's reading of byte-order marks past the first character, as a rewrite of the text the YAML front end reads, from a port of its scanner's control flow (pure).
//!
//! From yaml.v2's source (the same in gopkg.in/yaml.v2 2.4.0, sigs.k8s.io/yaml's goyaml.v2
//! fork and go.yaml.in/yaml/v2 2.4.3, so in every CA module set):
//!
//! - `yaml_parser_determine_encoding` (readerc.go) drops one BOM at the start of the stream.
//! - Every other BOM is an ordinary character (the reader allows #xE000-#xFFFD): it starts or
//!   continues a plain scalar, a key, anything. The front end refuses it inside a document, so
//!   it reads a private-use stand-in instead, turned back into the BOM after the parse.
//! - `yaml_parser_scan_to_next_token` (scannerc.go) "allows the BOM to start a line": at
//!   column 0 it skips one character when `is_bom(parser.buffer, parser.buffer_pos)`. But
//!   `is_bom` (yamlprivateh.go) ignores its index and tests the start of the decoded buffer,
//!   not the current character. So while the buffer starts with a BOM (a second BOM right
//!   after the first, which the reader decoded to `buffer[0]`), every line start the scanner
//!   reaches between tokens loses its first character, whatever it is (`r` of `readNodesFrom`,
//!   the `#` of a comment, the line break of a blank line, so the next line joins it), and the
//!   column moves on by one as if it were a space. The buffer keeps its first bytes until
//!   `yaml_parser_update_buffer` runs out of decoded characters (a read asks for up to 4) and
//!   moves the unread rest to the front, reading 512 more raw bytes. Line starts a scalar
//!   consumes (a quoted or block scalar's lines, blank lines and indentation after a plain
//!   scalar) are not skipped. Here the scanner's control flow is ported (indentation, simple
//!   keys, flow levels, the scalars) together with the buffer's refills, to find those line
//!   starts; each becomes a space in the text the front end reads (a line break: the lines
//!   join, as go-yaml counts them). Where go-yaml's scanner would stop with an error, the port
//!   stops too: the front end refuses the text there as well.
//!
//! The same port tells where a flow collection left open starts after a finished flow root
//! ([`unread_unclosed_flow_collection`]): go-yaml's parser ends the first document there; and
//! on which line go-yaml's parser gives up on an unclosed one ([`unclosed_flow_error_line`]).

use crate::yaml::{Document, Node, Value};
use std::collections::HashMap;
use std::rc::Rc;

const BOM: char = '\u{feff}';

/// yaml.v2's `input_raw_buffer_size`: bytes read from the input at a time.
const RAW_BUFFER_SIZE: usize = 512;

/// The text go-yaml's scanner effectively reads, for the front end, and how to map its
/// stand-in for an ordinary BOM back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BomView {
    pub text: String,
    /// The private-use character that stands for a BOM go-yaml reads as an ordinary one.
    stand_in: Option<char>,
}

/// go-yaml's view of `chunk` when it holds a BOM past a leading one; `None` when it does not
/// (the front end then reads the chunk as go-yaml does).
pub(super) fn bom_view(chunk: &str) -> Option<BomView> {
    let start = if chunk.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let body = &chunk[start..];
    if !body.contains(BOM) {
        return None;
    }
    let skipped = skipped_line_starts(chunk, start);
    let stand_in = ('\u{e000}'..='\u{f8ff}').find(|c| !chunk.contains(*c));
    let mut text = String::with_capacity(chunk.len());
    text.push_str(&chunk[..start]);
    let mut used_stand_in = None;
    for (index, c) in body.chars().enumerate() {
        if skipped.binary_search(&index).is_ok() {
            text.push(' ');
        } else if c == BOM && stand_in.is_some() {
            used_stand_in = stand_in;
            text.extend(stand_in);
        } else {
            text.push(c);
        }
    }
    Some(BomView {
        text,
        stand_in: used_stand_in,
    })
}

impl BomView {
    /// `text` (an error message) with the stand-in turned back into the BOM.
    pub fn restore_text(&self, text: &str) -> String {
        match self.stand_in {
            Some(s) if text.contains(s) => text.replace(s, "\u{feff}"),
            _ => text.to_owned(),
        }
    }

    /// The documents with every scalar's stand-in turned back into the BOM; shared values
    /// (aliases) stay shared.
    pub fn restore(&self, docs: Vec<Document>) -> Vec<Document> {
        let Some(stand_in) = self.stand_in else {
            return docs;
        };
        let mut done = HashMap::new();
        docs.into_iter()
            .map(|doc| Document {
                root: restore_node(&doc.root, stand_in, &mut done),
                is_empty: doc.is_empty,
            })
            .collect()
    }
}

fn restore_node(node: &Node, stand_in: char, done: &mut HashMap<*const Value, Rc<Value>>) -> Node {
    let key = Rc::as_ptr(&node.value);
    if let Some(value) = done.get(&key) {
        return Node {
            pos: node.pos,
            value: value.clone(),
        };
    }
    let value = match &*node.value {
        Value::Scalar(s) if s.text.contains(stand_in) => {
            let mut s = s.clone();
            s.text = s.text.replace(stand_in, "\u{feff}").into();
            Rc::new(Value::Scalar(s))
        }
        Value::Scalar(_) => node.value.clone(),
        Value::Seq(items) => Rc::new(Value::Seq(
            items
                .iter()
                .map(|n| restore_node(n, stand_in, done))
                .collect(),
        )),
        Value::Map(entries) => Rc::new(Value::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        restore_node(k, stand_in, done),
                        restore_node(v, stand_in, done),
                    )
                })
                .collect(),
        )),
    };
    done.insert(key, value.clone());
    Node {
        pos: node.pos,
        value,
    }
}

/// The character indexes (in `chunk[start..]`, after the stream's BOM) of the line starts
/// whose first character go-yaml's scanner skips.
fn skipped_line_starts(chunk: &str, start: usize) -> Vec<usize> {
    let mut scanner = Scanner::new(chunk, start);
    while scanner.fetch_next_token() {}
    scanner.skipped
}

/// Where a flow collection opens that is never closed, when it starts after a finished flow
/// collection root, outside any block collection: go-yaml's `Unmarshal` reads the first
/// document only, its parser ends that document there, and an unclosed flow collection is a
/// parser error (`did not find expected ',' or '}'`) it never reaches; its scanner reads on
/// without complaint. The byte offset in `chunk`.
pub(super) fn unread_unclosed_flow_collection(chunk: &str) -> Option<usize> {
    let start = if chunk.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let mut scanner = Scanner::new(chunk, start);
    while scanner.fetch_next_token() {}
    if scanner.pos < scanner.chars.len() || scanner.flow_level == 0 {
        return None;
    }
    let (opened, after_root) = scanner.open_flow_root?;
    if !after_root {
        return None;
    }
    Some(if opened == 0 {
        start
    } else {
        scanner.ends[opened - 1]
    })
}

/// The line (from 0) where go-yaml's parser gives up on a flow collection the stream leaves
/// open (`did not find expected ',' or '}'`): the first token after a complete entry of the
/// outermost unclosed collection that is neither `,` nor its closing bracket, the end of the
/// stream included (on a new line unless at a line's start). `None` when go-yaml's scanner
/// stops before the end, or no collection is left open.
pub(super) fn unclosed_flow_error_line(chunk: &str) -> Option<UnclosedFlow> {
    let start = if chunk.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let mut scanner = Scanner::new(chunk, start);
    while scanner.fetch_next_token() {}
    let tokens = &scanner.tokens;
    if tokens.last()?.0 != Token::StreamEnd || scanner.flow_level == 0 {
        return None;
    }
    // The outermost collection opened and never closed.
    let mut depth = 0usize;
    let mut outermost = None;
    for (i, (token, _)) in tokens.iter().enumerate() {
        match token {
            Token::Open => {
                if depth == 0 {
                    outermost = Some(i);
                }
                depth += 1;
            }
            Token::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    match flow_collection(tokens, outermost?) {
        Err(at) => {
            // go-yaml composes each node as its parser reads it: an alias to no anchor before
            // the refused token is refused first (`unknown anchor 'x' referenced`, no line).
            let mut defined = std::collections::HashSet::new();
            for (_, alias, name) in scanner.anchors.iter().take_while(|a| a.0 < at) {
                if !alias {
                    defined.insert(name.as_str());
                } else if !defined.contains(name.as_str()) {
                    return Some(UnclosedFlow::UnknownAnchor(name.clone()));
                }
            }
            Some(UnclosedFlow::Line(tokens[at].1))
        }
        Ok(_) => None,
    }
}

/// Why go-yaml's parser stops on a flow collection the stream leaves open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum UnclosedFlow {
    /// `did not find expected ',' or '}'`, at this line (from 0).
    Line(usize),
    /// An alias to no anchor, read before: `unknown anchor 'x' referenced`.
    UnknownAnchor(String),
}

/// Parses the flow collection opening at `tokens[i]`: the index after it, or the index of the
/// token the parser refuses.
fn flow_collection(tokens: &[(Token, usize)], mut i: usize) -> Result<usize, usize> {
    i += 1;
    loop {
        if tokens.get(i).map(|t| t.0) == Some(Token::Close) {
            return Ok(i + 1);
        }
        i = flow_node(tokens, i)?;
        if tokens.get(i).map(|t| t.0) == Some(Token::Value) {
            i = flow_node(tokens, i + 1)?;
        }
        match tokens.get(i).map(|t| t.0) {
            Some(Token::Close) => return Ok(i + 1),
            Some(Token::Entry) => i += 1,
            Some(_) => return Err(i),
            None => return Err(i.saturating_sub(1)),
        }
    }
}

/// A node (possibly empty) at `tokens[i]`: the index after it.
fn flow_node(tokens: &[(Token, usize)], mut i: usize) -> Result<usize, usize> {
    while tokens.get(i).map(|t| t.0) == Some(Token::Property) {
        i += 1;
    }
    match tokens.get(i).map(|t| t.0) {
        Some(Token::Node) => Ok(i + 1),
        Some(Token::Open) => flow_collection(tokens, i),
        _ => Ok(i),
    }
}

/// Where go-yaml's scanner stops: the end of the stream, or an error.
struct Stop;

#[derive(Debug, Clone, Copy)]
struct SimpleKey {
    index: usize,
    line: usize,
    col: usize,
}

/// The parts of yaml.v2's scanner state that decide where a line starts between tokens.
struct Scanner {
    chars: Vec<char>,
    /// The byte offset in the chunk where each character ends.
    ends: Vec<usize>,
    /// The chunk's length in bytes.
    len: usize,
    pos: usize,
    col: usize,
    line: usize,
    flow_level: usize,
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    /// One per flow level.
    simple_keys: Vec<Option<SimpleKey>>,
    /// The character at `buffer[0]`.
    buffer_start: usize,
    /// Characters decoded so far.
    decoded: usize,
    /// Bytes read into the raw buffer so far.
    raw_end: usize,
    eof: bool,
    /// NULs the reader appended at the end of the stream.
    nuls: usize,
    skipped: Vec<usize>,
    /// Flow collections closed outside any block collection.
    flow_roots: usize,
    /// The flow collection open outside any block collection: where it starts, and whether
    /// one such was closed before it.
    open_flow_root: Option<(usize, bool)>,
    /// The tokens fetched, each with its line (from 0).
    tokens: Vec<(Token, usize)>,
    /// Anchors and aliases: the token, whether an alias, the name.
    anchors: Vec<(usize, bool, String)>,
}

/// The tokens that matter to where go-yaml's parser gives up on an unclosed flow collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Entry,
    Value,
    /// An anchor or a tag.
    Property,
    /// A scalar or an alias.
    Node,
    StreamEnd,
    Other,
}

impl Scanner {
    /// The scanner at the start of `chunk`, whose stream BOM (if any) ends at `start`, after
    /// the reader's first read: `yaml_parser_determine_encoding` reads a raw buffer and the
    /// reader decodes it all (from after the stream's BOM).
    fn new(chunk: &str, start: usize) -> Scanner {
        let chars: Vec<char> = chunk[start..].chars().collect();
        let mut ends = Vec::with_capacity(chars.len());
        let mut at = start;
        for c in &chars {
            at += c.len_utf8();
            ends.push(at);
        }
        let mut scanner = Scanner {
            chars,
            ends,
            len: chunk.len(),
            pos: 0,
            col: 0,
            line: 0,
            flow_level: 0,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: true,
            simple_keys: vec![None],
            buffer_start: 0,
            decoded: 0,
            raw_end: RAW_BUFFER_SIZE.min(chunk.len()),
            eof: false,
            nuls: 0,
            skipped: Vec::new(),
            flow_roots: 0,
            open_flow_root: None,
            tokens: Vec::new(),
            anchors: Vec::new(),
        };
        scanner.decode();
        scanner
    }

    fn at(&self, i: usize) -> char {
        self.chars.get(i).copied().unwrap_or('\0')
    }

    fn c(&self) -> char {
        self.at(self.pos)
    }

    fn is_break_at(&self, i: usize) -> bool {
        matches!(self.at(i), '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
    }

    fn is_breakz_at(&self, i: usize) -> bool {
        self.is_break_at(i) || self.at(i) == '\0'
    }

    fn is_blank_at(&self, i: usize) -> bool {
        matches!(self.at(i), ' ' | '\t')
    }

    fn is_blankz_at(&self, i: usize) -> bool {
        self.is_blank_at(i) || self.is_breakz_at(i)
    }

    /// Decodes the complete characters of the raw buffer.
    fn decode(&mut self) {
        while self.decoded < self.chars.len() && self.ends[self.decoded] <= self.raw_end {
            self.decoded += 1;
        }
    }

    /// `yaml_parser_update_buffer(parser, length)` behind the scanner's `cache` checks: when
    /// fewer than `length` characters are left, the unread ones move to the buffer's start.
    fn cache(&mut self, length: usize) {
        let unread = self.decoded.saturating_sub(self.pos) + self.nuls;
        if unread >= length {
            return;
        }
        self.buffer_start = self.pos;
        let mut first = true;
        loop {
            let raw_consumed = self.decoded == 0 || self.ends[self.decoded - 1] == self.raw_end;
            if !first || raw_consumed {
                if self.raw_end == self.len {
                    self.eof = true;
                } else {
                    let decoded_bytes = if self.decoded == 0 {
                        0
                    } else {
                        self.ends[self.decoded - 1]
                    };
                    self.raw_end = (decoded_bytes + RAW_BUFFER_SIZE).min(self.len);
                }
            }
            first = false;
            self.decode();
            if self.eof {
                self.nuls += 1;
                break;
            }
            if self.decoded.saturating_sub(self.pos) + self.nuls >= length {
                break;
            }
        }
    }

    /// `is_bom(parser.buffer, parser.buffer_pos)`: whether the buffer *starts* with a BOM.
    fn buffer_starts_with_bom(&self) -> bool {
        self.at(self.buffer_start) == BOM
    }

    fn skip(&mut self) {
        self.pos += 1;
        self.col += 1;
    }

    fn skip_line(&mut self) {
        if self.c() == '\r' && self.at(self.pos + 1) == '\n' {
            self.pos += 2;
        } else if self.is_break_at(self.pos) {
            self.pos += 1;
        } else {
            return;
        }
        self.col = 0;
        self.line += 1;
    }

    fn roll_indent(&mut self, column: usize) {
        if self.flow_level == 0 && self.indent < column as isize {
            self.indents.push(self.indent);
            self.indent = column as isize;
        }
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn save_simple_key(&mut self) {
        if self.simple_key_allowed {
            let key = SimpleKey {
                index: self.pos,
                line: self.line,
                col: self.col,
            };
            if let Some(top) = self.simple_keys.last_mut() {
                *top = Some(key);
            }
        }
    }

    fn remove_simple_key(&mut self) {
        if let Some(top) = self.simple_keys.last_mut() {
            *top = None;
        }
    }

    fn at_document_indicator(&self) -> bool {
        let (a, b, c) = (self.c(), self.at(self.pos + 1), self.at(self.pos + 2));
        self.col == 0
            && ((a == '-' && b == '-' && c == '-') || (a == '.' && b == '.' && c == '.'))
            && self.is_blankz_at(self.pos + 3)
    }

    /// `yaml_parser_scan_to_next_token`, with its skip of a line's first character.
    fn scan_to_next_token(&mut self) {
        loop {
            self.cache(1);
            if self.col == 0 && self.pos < self.chars.len() && self.buffer_starts_with_bom() {
                self.skipped.push(self.pos);
                self.skip();
            }
            self.cache(1);
            while self.c() == ' '
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.c() == '\t')
            {
                self.skip();
                self.cache(1);
            }
            if self.c() == '#' {
                while !self.is_breakz_at(self.pos) {
                    self.skip();
                    self.cache(1);
                }
            }
            if self.is_break_at(self.pos) {
                self.cache(2);
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    /// `yaml_parser_fetch_next_token`: false at the end of the stream or on an error.
    fn fetch_next_token(&mut self) -> bool {
        self.fetch().is_ok()
    }

    fn fetch(&mut self) -> Result<(), Stop> {
        self.cache(1);
        self.scan_to_next_token();
        self.unroll_indent(self.col as isize);
        self.cache(4);
        if self.pos >= self.chars.len() {
            // STREAM-END, on a new line unless at a line's start (fetch_stream_end).
            let line = self.line + usize::from(self.col != 0);
            self.tokens.push((Token::StreamEnd, line));
            return Err(Stop);
        }
        let c = self.c();
        let flow = self.flow_level > 0;
        let blankz_next = self.is_blankz_at(self.pos + 1);
        let token = match c {
            _ if (self.col == 0 && c == '%') || self.at_document_indicator() => Token::Other,
            '[' | '{' => Token::Open,
            ']' | '}' => Token::Close,
            ',' => Token::Entry,
            '-' if blankz_next => Token::Other,
            '?' if flow || blankz_next => Token::Other,
            ':' if flow || blankz_next => Token::Value,
            '&' | '!' => Token::Property,
            _ => Token::Node,
        };
        self.tokens.push((token, self.line));
        if self.col == 0 && c == '%' {
            // A directive: its line, as far as where the next token may start.
            while !self.is_breakz_at(self.pos) {
                self.skip();
                self.cache(1);
            }
            return Ok(());
        }
        if self.at_document_indicator() {
            self.unroll_indent(-1);
            self.remove_simple_key();
            self.simple_key_allowed = false;
            self.pos += 3;
            self.col += 3;
            return Ok(());
        }
        match c {
            '[' | '{' => {
                if self.flow_level == 0 && self.indent == -1 {
                    self.open_flow_root = Some((self.pos, self.flow_roots > 0));
                }
                self.save_simple_key();
                self.flow_level += 1;
                self.simple_keys.push(None);
                self.simple_key_allowed = true;
                self.skip();
            }
            ']' | '}' => {
                self.remove_simple_key();
                if self.flow_level > 0 {
                    self.flow_level -= 1;
                    self.simple_keys.pop();
                    if self.flow_level == 0 && self.open_flow_root.take().is_some() {
                        self.flow_roots += 1;
                    }
                }
                self.simple_key_allowed = false;
                self.skip();
            }
            ',' => {
                self.remove_simple_key();
                self.simple_key_allowed = true;
                self.skip();
            }
            '-' if self.is_blankz_at(self.pos + 1) => {
                if !flow {
                    if !self.simple_key_allowed {
                        return Err(Stop);
                    }
                    self.roll_indent(self.col);
                }
                self.remove_simple_key();
                self.simple_key_allowed = true;
                self.skip();
            }
            '?' if flow || self.is_blankz_at(self.pos + 1) => {
                if !flow {
                    if !self.simple_key_allowed {
                        return Err(Stop);
                    }
                    self.roll_indent(self.col);
                }
                self.remove_simple_key();
                self.simple_key_allowed = !flow;
                self.skip();
            }
            ':' if flow || self.is_blankz_at(self.pos + 1) => self.fetch_value()?,
            '*' | '&' => {
                self.save_simple_key();
                self.simple_key_allowed = false;
                let token = self.tokens.len() - 1;
                let start = self.pos + 1;
                self.scan_anchor()?;
                let name: String = self.chars[start..self.pos].iter().collect();
                self.anchors.push((token, c == '*', name));
            }
            '!' => {
                self.save_simple_key();
                self.simple_key_allowed = false;
                self.scan_tag()?;
            }
            '|' | '>' if !flow => {
                self.remove_simple_key();
                self.simple_key_allowed = true;
                self.scan_block_scalar()?;
            }
            '\'' | '"' => {
                self.save_simple_key();
                self.simple_key_allowed = false;
                self.scan_flow_scalar(c == '\'')?;
            }
            _ => {
                let indicator = self.is_blankz_at(self.pos) || "-?:,[]{}#&*!|>'\"%@`".contains(c);
                let plain = !indicator
                    || (c == '-' && !self.is_blank_at(self.pos + 1))
                    || (!flow && (c == '?' || c == ':') && !self.is_blankz_at(self.pos + 1));
                if !plain {
                    return Err(Stop);
                }
                self.save_simple_key();
                self.simple_key_allowed = false;
                self.scan_plain_scalar()?;
            }
        }
        Ok(())
    }

    fn fetch_value(&mut self) -> Result<(), Stop> {
        let key = self.simple_keys.last().copied().flatten();
        let valid = key.filter(|k| k.line >= self.line && k.index + 1024 >= self.pos);
        if let Some(key) = valid {
            self.roll_indent(key.col);
            self.remove_simple_key();
            self.simple_key_allowed = false;
        } else {
            if let Some(top) = self.simple_keys.last_mut() {
                *top = None;
            }
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(Stop);
                }
                self.roll_indent(self.col);
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        self.skip();
        Ok(())
    }

    fn scan_anchor(&mut self) -> Result<(), Stop> {
        self.skip();
        self.cache(1);
        let start = self.pos;
        while self.c().is_ascii_alphanumeric() || self.c() == '_' || self.c() == '-' {
            self.skip();
            self.cache(1);
        }
        if start == self.pos || !(self.is_blankz_at(self.pos) || "?:,]}%@`".contains(self.c())) {
            return Err(Stop);
        }
        Ok(())
    }

    fn scan_tag(&mut self) -> Result<(), Stop> {
        // The handle and suffix: URI characters, up to a blank (or a flow entry).
        while !(self.is_blankz_at(self.pos) || (self.flow_level > 0 && self.c() == ',')) {
            self.skip();
            self.cache(1);
        }
        Ok(())
    }

    fn scan_block_scalar(&mut self) -> Result<(), Stop> {
        self.skip();
        self.cache(1);
        let mut increment = 0isize;
        if matches!(self.c(), '+' | '-') {
            self.skip();
            self.cache(1);
            if self.c().is_ascii_digit() {
                if self.c() == '0' {
                    return Err(Stop);
                }
                increment = self.c() as isize - '0' as isize;
                self.skip();
            }
        } else if self.c().is_ascii_digit() {
            if self.c() == '0' {
                return Err(Stop);
            }
            increment = self.c() as isize - '0' as isize;
            self.skip();
            self.cache(1);
            if matches!(self.c(), '+' | '-') {
                self.skip();
            }
        }
        self.cache(1);
        while self.is_blank_at(self.pos) {
            self.skip();
            self.cache(1);
        }
        if self.c() == '#' {
            while !self.is_breakz_at(self.pos) {
                self.skip();
                self.cache(1);
            }
        }
        if !self.is_breakz_at(self.pos) {
            return Err(Stop);
        }
        if self.is_break_at(self.pos) {
            self.cache(2);
            self.skip_line();
        }
        let mut indent = 0isize;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent + increment
            } else {
                increment
            };
        }
        self.block_scalar_breaks(&mut indent)?;
        self.cache(1);
        while self.col as isize == indent && self.pos < self.chars.len() {
            while !self.is_breakz_at(self.pos) {
                self.skip();
                self.cache(1);
            }
            self.cache(2);
            self.skip_line();
            self.block_scalar_breaks(&mut indent)?;
        }
        Ok(())
    }

    fn block_scalar_breaks(&mut self, indent: &mut isize) -> Result<(), Stop> {
        let mut max_indent = 0isize;
        loop {
            self.cache(1);
            while (*indent == 0 || (self.col as isize) < *indent) && self.c() == ' ' {
                self.skip();
                self.cache(1);
            }
            max_indent = max_indent.max(self.col as isize);
            if (*indent == 0 || (self.col as isize) < *indent) && self.c() == '\t' {
                return Err(Stop);
            }
            if !self.is_break_at(self.pos) {
                break;
            }
            self.cache(2);
            self.skip_line();
        }
        if *indent == 0 {
            *indent = max_indent.max(self.indent + 1).max(1);
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> Result<(), Stop> {
        self.skip();
        loop {
            self.cache(4);
            if self.at_document_indicator() || self.pos >= self.chars.len() {
                return Err(Stop);
            }
            while !self.is_blankz_at(self.pos) {
                let (c, next) = (self.c(), self.at(self.pos + 1));
                if single && c == '\'' && next == '\'' {
                    self.skip();
                    self.skip();
                } else if (single && c == '\'') || (!single && c == '"') {
                    break;
                } else if !single && c == '\\' && self.is_break_at(self.pos + 1) {
                    self.cache(3);
                    self.skip();
                    self.skip_line();
                    break;
                } else if !single && c == '\\' {
                    let code_length = match next {
                        'x' => 2,
                        'u' => 4,
                        'U' => 8,
                        '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"'
                        | '\'' | '\\' | 'N' | '_' | 'L' | 'P' => 0,
                        _ => return Err(Stop),
                    };
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        self.cache(code_length);
                        for k in 0..code_length {
                            if !self.at(self.pos + k).is_ascii_hexdigit() {
                                return Err(Stop);
                            }
                        }
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.skip();
                }
                self.cache(2);
            }
            self.cache(1);
            if (single && self.c() == '\'') || (!single && self.c() == '"') {
                break;
            }
            while self.is_blank_at(self.pos) || self.is_break_at(self.pos) {
                if self.is_blank_at(self.pos) {
                    self.skip();
                } else {
                    self.cache(2);
                    self.skip_line();
                }
                self.cache(1);
            }
        }
        self.skip();
        Ok(())
    }

    fn scan_plain_scalar(&mut self) -> Result<(), Stop> {
        let indent = self.indent + 1;
        let mut leading_blanks = false;
        loop {
            self.cache(4);
            if self.at_document_indicator() || self.c() == '#' {
                break;
            }
            while !self.is_blankz_at(self.pos) {
                let c = self.c();
                if (c == ':' && self.is_blankz_at(self.pos + 1))
                    || (self.flow_level > 0 && ",?[]{}".contains(c))
                {
                    break;
                }
                leading_blanks = false;
                self.skip();
                self.cache(2);
            }
            if !(self.is_blank_at(self.pos) || self.is_break_at(self.pos)) {
                break;
            }
            self.cache(1);
            while self.is_blank_at(self.pos) || self.is_break_at(self.pos) {
                if self.is_blank_at(self.pos) {
                    if leading_blanks && (self.col as isize) < indent && self.c() == '\t' {
                        return Err(Stop);
                    }
                    self.skip();
                } else {
                    self.cache(2);
                    self.skip_line();
                    leading_blanks = true;
                }
                self.cache(1);
            }
            if self.flow_level == 0 && (self.col as isize) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> String {
        bom_view(text)
            .map(|v| v.text)
            .unwrap_or_else(|| text.to_owned())
    }

    #[test]
    fn one_leading_bom_is_left_to_the_front_end() {
        assert!(bom_view("\u{feff}a: 1\n").is_none());
        assert!(bom_view("a: 1\n").is_none());
    }

    #[test]
    fn a_doubled_bom_skips_the_first_character_of_lines_between_tokens() {
        assert_eq!(
            view("\u{feff}\u{feff}apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n"),
            "\u{feff} apiVersion: v1\n ind: Node\n etadata:\n  name: a\n"
        );
        // A comment line loses its `#`; a blank line after a colon its line break.
        assert_eq!(
            view("\u{feff}\u{feff}a:\n\n  b: 1\n# c\n"),
            "\u{feff} a:\n   b: 1\n  c\n"
        );
        // A blank line after a plain scalar is the scalar's: kept.
        assert_eq!(
            view("\u{feff}\u{feff}a: x\n\nb: 1\n"),
            "\u{feff} a: x\n\n : 1\n"
        );
        // A quoted scalar's lines are its own.
        assert_eq!(
            view("\u{feff}\u{feff}a: \"x\ny\"\nb: 1\n"),
            "\u{feff} a: \"x\ny\"\n : 1\n"
        );
    }

    #[test]
    fn the_skip_ends_when_the_buffer_is_refilled() {
        // Past the first 512 bytes the decoded buffer no longer starts with the BOM.
        let mut text = String::from("\u{feff}\u{feff}");
        for i in 0..60 {
            text.push_str(&format!("key{i:02}: v\n"));
        }
        let view = view(&text);
        assert!(view.contains("\n ey05: v\n"));
        assert!(view.contains("\nkey59: v\n"), "{view}");
    }

    #[test]
    fn other_boms_are_ordinary_characters() {
        let view = bom_view("a: 1\n\u{feff}b: 2\n").unwrap();
        assert!(!view.text.contains('\u{feff}'));
        let mut reader = crate::yaml::Reader::default();
        let docs = view.restore(reader.parse(&view.text, 1).unwrap());
        assert_eq!(
            docs[0].root.get("\u{feff}b").and_then(|n| n.scalar_text()),
            Some("2")
        );
    }

    #[test]
    fn an_unclosed_flow_collection_after_a_flow_root_is_not_read() {
        let text = "{\"a\": 1}\n{\"b\": yes\n";
        assert_eq!(unread_unclosed_flow_collection(text), Some(9));
        // Inside the first document, or with nothing before it, go-yaml's parser reads it.
        assert_eq!(unread_unclosed_flow_collection("a: {b: 1\n"), None);
        assert_eq!(unread_unclosed_flow_collection("{\"b\": yes\n"), None);
        assert_eq!(
            unread_unclosed_flow_collection("{\"a\": 1}\n{\"b\": 2}\n"),
            None
        );
    }

    #[test]
    fn an_unclosed_flow_collection_fails_at_the_token_after_its_last_entry() {
        use UnclosedFlow::*;
        assert_eq!(
            unclosed_flow_error_line("---\n{\"a\": Pod\n{\"a\": Pod"),
            Some(Line(2))
        );
        // The end of the stream, on a new line unless at a line's start.
        assert_eq!(unclosed_flow_error_line("{\"a\": []\n\n"), Some(Line(2)));
        assert_eq!(unclosed_flow_error_line("{\"a\": [x, y]"), Some(Line(1)));
        assert_eq!(unclosed_flow_error_line("{\"a\": 1}\n"), None);
        // An alias to no anchor is composed first.
        assert_eq!(
            unclosed_flow_error_line("{\"a\": *x\n"),
            Some(UnknownAnchor("x".to_owned()))
        );
        assert_eq!(unclosed_flow_error_line("{a: &x 1, b: *x\n"), Some(Line(1)));
    }
}
