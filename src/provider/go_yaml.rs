//! CA's decoding error texts, emulated: Go's `encoding/json` syntax errors (a port of its
//! scanner) and go-yaml's wording of YAML syntax errors, which the YAML front end words its own
//! way (pure).
//!
//! The provider decodes through three Go readers. `encoding/json` reads a config or a template
//! chunk that starts with `{`: its scanner is small and deterministic, so it is ported state by
//! state and its messages come out byte for byte. go-yaml (yaml.v2, behind sigs.k8s.io/yaml)
//! reads the rest: its messages are libyaml's "problem" without the context, and its line is
//! 1-based for scanner errors but libyaml's 0-based mark for parser errors (yaml.v2's `fail`),
//! with no line at all when that mark is 0. [`go_yaml_text`] maps the front end's refusals onto
//! those, kind by kind, where the two parsers stop at the same place.

use crate::yaml::{Document, Node, Reader, Resolved, Value, YamlError};

mod bom;

/// A syntax error of Go's `encoding/json` scanner: its message and `Offset` (bytes read,
/// the offending one included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Why `json.Decoder.Decode` stops on the first value of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonDecodeError {
    Syntax(JsonSyntaxError),
    /// The text ends inside the value: `io.ErrUnexpectedEOF`.
    UnexpectedEof,
    /// Nothing but whitespace: `io.EOF`.
    Eof,
}

impl JsonDecodeError {
    /// The error as apimachinery's `YAMLOrJSONDecoder` returns it (`JSONSyntaxError` adds the
    /// offset).
    pub fn apimachinery_text(&self) -> String {
        match self {
            JsonDecodeError::Syntax(e) => format!("json: offset {}: {}", e.offset, e.message),
            JsonDecodeError::UnexpectedEof => "unexpected EOF".to_owned(),
            JsonDecodeError::Eof => "EOF".to_owned(),
        }
    }

    /// The byte offset the error points at (the end of the text for an EOF).
    pub fn offset(&self, text: &str) -> usize {
        match self {
            JsonDecodeError::Syntax(e) => e.offset.saturating_sub(1),
            _ => text.len(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    BeginValueOrEmpty,
    BeginValue,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// Inside `\u`, with this many hex digits read.
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`/`false`/`null`: the rest of the literal still expected.
    Literal(&'static [u8], &'static str),
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// What one byte did (the scanner's `scan…` results that matter here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Continue,
    EndObjectOrArray,
    End,
    Error,
}

/// Go's `encoding/json` scanner (scanner.go), byte for byte.
struct Scanner {
    step: Step,
    parse: Vec<Parse>,
    end_top: bool,
    bytes: usize,
    err: Option<JsonSyntaxError>,
}

/// encoding/json's `maxNestingDepth`.
const MAX_NESTING_DEPTH: usize = 10_000;

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// encoding/json's `quoteChar`: the byte as `strconv.Quote` writes the rune of that value.
fn quote_char(c: u8) -> String {
    let inner = match c {
        b'\'' => "\\'".to_owned(),
        b'"' => "\"".to_owned(),
        0x07 => "\\a".to_owned(),
        0x08 => "\\b".to_owned(),
        0x0c => "\\f".to_owned(),
        b'\n' => "\\n".to_owned(),
        b'\r' => "\\r".to_owned(),
        b'\t' => "\\t".to_owned(),
        0x0b => "\\v".to_owned(),
        b'\\' => "\\\\".to_owned(),
        c if c < 0x20 || c == 0x7f => format!("\\x{c:02x}"),
        // Latin-1 runes strconv.IsPrint refuses: C1 controls, NBSP, the soft hyphen.
        c if (0x80..=0xa0).contains(&c) || c == 0xad => format!("\\u{:04x}", c as u32),
        c => char::from(c).to_string(),
    };
    format!("'{inner}'")
}

const LITERAL_TRUE: Step = Step::Literal(b"rue", "true");
const LITERAL_FALSE: Step = Step::Literal(b"alse", "false");
const LITERAL_NULL: Step = Step::Literal(b"ull", "null");

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            step: Step::BeginValue,
            parse: Vec::new(),
            end_top: false,
            bytes: 0,
            err: None,
        }
    }

    fn error(&mut self, c: u8, context: &str) -> Scan {
        self.step = Step::Error;
        self.err = Some(JsonSyntaxError {
            message: format!("invalid character {} {context}", quote_char(c)),
            offset: self.bytes,
        });
        Scan::Error
    }

    fn push(&mut self, step: Step, state: Parse) -> Scan {
        self.step = step;
        self.parse.push(state);
        if self.parse.len() > MAX_NESTING_DEPTH {
            self.step = Step::Error;
            self.err = Some(JsonSyntaxError {
                message: "exceeded max depth".to_owned(),
                offset: self.bytes,
            });
            return Scan::Error;
        }
        Scan::Continue
    }

    fn step(&mut self, c: u8) -> Scan {
        match self.step {
            Step::BeginValueOrEmpty => {
                if is_space(c) {
                    Scan::Continue
                } else if c == b']' {
                    self.end_value(c)
                } else {
                    self.begin_value(c)
                }
            }
            Step::BeginValue => self.begin_value(c),
            Step::BeginStringOrEmpty => {
                if is_space(c) {
                    Scan::Continue
                } else if c == b'}' {
                    if let Some(last) = self.parse.last_mut() {
                        *last = Parse::ObjectValue;
                    }
                    self.end_value(c)
                } else {
                    self.begin_string(c)
                }
            }
            Step::BeginString => self.begin_string(c),
            Step::EndValue => self.end_value(c),
            Step::EndTop => self.end_top(c),
            Step::InString => {
                if c == b'"' {
                    self.step = Step::EndValue;
                    Scan::Continue
                } else if c == b'\\' {
                    self.step = Step::InStringEsc;
                    Scan::Continue
                } else if c < 0x20 {
                    self.error(c, "in string literal")
                } else {
                    Scan::Continue
                }
            }
            Step::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.step = Step::InString;
                    Scan::Continue
                }
                b'u' => {
                    self.step = Step::InStringEscU(0);
                    Scan::Continue
                }
                _ => self.error(c, "in string escape code"),
            },
            Step::InStringEscU(read) => {
                if c.is_ascii_hexdigit() {
                    self.step = if read == 3 {
                        Step::InString
                    } else {
                        Step::InStringEscU(read + 1)
                    };
                    Scan::Continue
                } else {
                    self.error(c, "in \\u hexadecimal character escape")
                }
            }
            Step::Neg => match c {
                b'0' => {
                    self.step = Step::Zero;
                    Scan::Continue
                }
                b'1'..=b'9' => {
                    self.step = Step::One;
                    Scan::Continue
                }
                _ => self.error(c, "in numeric literal"),
            },
            Step::One if c.is_ascii_digit() => Scan::Continue,
            Step::One | Step::Zero => match c {
                b'.' => {
                    self.step = Step::Dot;
                    Scan::Continue
                }
                b'e' | b'E' => {
                    self.step = Step::E;
                    Scan::Continue
                }
                _ => self.end_value(c),
            },
            Step::Dot => {
                if c.is_ascii_digit() {
                    self.step = Step::Dot0;
                    Scan::Continue
                } else {
                    self.error(c, "after decimal point in numeric literal")
                }
            }
            Step::Dot0 => match c {
                b'0'..=b'9' => Scan::Continue,
                b'e' | b'E' => {
                    self.step = Step::E;
                    Scan::Continue
                }
                _ => self.end_value(c),
            },
            Step::E if c == b'+' || c == b'-' => {
                self.step = Step::ESign;
                Scan::Continue
            }
            Step::E | Step::ESign => {
                if c.is_ascii_digit() {
                    self.step = Step::E0;
                    Scan::Continue
                } else {
                    self.error(c, "in exponent of numeric literal")
                }
            }
            Step::E0 => {
                if c.is_ascii_digit() {
                    Scan::Continue
                } else {
                    self.end_value(c)
                }
            }
            Step::Literal(rest, word) => {
                if c == rest[0] {
                    self.step = if rest.len() == 1 {
                        Step::EndValue
                    } else {
                        Step::Literal(&rest[1..], word)
                    };
                    Scan::Continue
                } else {
                    let context = format!("in literal {word} (expecting {})", quote_char(rest[0]));
                    self.error(c, &context)
                }
            }
            Step::Error => Scan::Error,
        }
    }

    fn begin_value(&mut self, c: u8) -> Scan {
        if is_space(c) {
            return Scan::Continue;
        }
        let next = match c {
            b'{' => return self.push(Step::BeginStringOrEmpty, Parse::ObjectKey),
            b'[' => return self.push(Step::BeginValueOrEmpty, Parse::ArrayValue),
            b'"' => Step::InString,
            b'-' => Step::Neg,
            b'0' => Step::Zero,
            b't' => LITERAL_TRUE,
            b'f' => LITERAL_FALSE,
            b'n' => LITERAL_NULL,
            b'1'..=b'9' => Step::One,
            _ => return self.error(c, "looking for beginning of value"),
        };
        self.step = next;
        Scan::Continue
    }

    fn begin_string(&mut self, c: u8) -> Scan {
        if is_space(c) {
            Scan::Continue
        } else if c == b'"' {
            self.step = Step::InString;
            Scan::Continue
        } else {
            self.error(c, "looking for beginning of object key string")
        }
    }

    fn end_value(&mut self, c: u8) -> Scan {
        let Some(&state) = self.parse.last() else {
            self.step = Step::EndTop;
            self.end_top = true;
            return self.end_top(c);
        };
        if is_space(c) {
            self.step = Step::EndValue;
            return Scan::Continue;
        }
        match (state, c) {
            (Parse::ObjectKey, b':') => {
                *self.parse.last_mut().unwrap() = Parse::ObjectValue;
                self.step = Step::BeginValue;
                Scan::Continue
            }
            (Parse::ObjectKey, _) => self.error(c, "after object key"),
            (Parse::ObjectValue, b',') => {
                *self.parse.last_mut().unwrap() = Parse::ObjectKey;
                self.step = Step::BeginString;
                Scan::Continue
            }
            (Parse::ObjectValue | Parse::ArrayValue, b'}' | b']')
                if (c == b'}') == (state == Parse::ObjectValue) =>
            {
                self.parse.pop();
                if self.parse.is_empty() {
                    self.step = Step::EndTop;
                    self.end_top = true;
                } else {
                    self.step = Step::EndValue;
                }
                Scan::EndObjectOrArray
            }
            (Parse::ObjectValue, _) => self.error(c, "after object key:value pair"),
            (Parse::ArrayValue, b',') => {
                self.step = Step::BeginValue;
                Scan::Continue
            }
            (Parse::ArrayValue, _) => self.error(c, "after array element"),
        }
    }

    fn end_top(&mut self, c: u8) -> Scan {
        if !is_space(c) {
            // Go records the error and still returns scanEnd; the next byte reports it.
            self.error(c, "after top-level value");
        }
        Scan::End
    }

    /// `scanner.eof`: whether the text may end here.
    fn eof(&mut self) -> Result<(), JsonSyntaxError> {
        if let Some(err) = &self.err {
            return Err(err.clone());
        }
        if self.end_top {
            return Ok(());
        }
        self.step(b' ');
        if self.end_top {
            return Ok(());
        }
        Err(self.err.clone().unwrap_or(JsonSyntaxError {
            message: "unexpected end of JSON input".to_owned(),
            offset: self.bytes,
        }))
    }
}

/// `json.Unmarshal`'s validity check (`checkValid`) of a whole text: its syntax error, if any.
pub fn json_unmarshal_syntax(text: &[u8]) -> Result<(), JsonSyntaxError> {
    let mut scanner = Scanner::new();
    for &c in text {
        scanner.bytes += 1;
        if scanner.step(c) == Scan::Error {
            return Err(scanner.err.unwrap_or(JsonSyntaxError {
                message: String::new(),
                offset: scanner.bytes,
            }));
        }
    }
    scanner.eof()
}

/// How far `json.Decoder.Decode` reads for the first value of `text` (its end, in bytes), or
/// why it stops (`readValue`).
pub fn json_decoder_first_value(text: &[u8]) -> Result<usize, JsonDecodeError> {
    let mut scanner = Scanner::new();
    for (i, &c) in text.iter().enumerate() {
        scanner.bytes += 1;
        match scanner.step(c) {
            // The value ended one byte earlier (numbers and literals end on the next byte).
            Scan::End => return Ok(i),
            Scan::EndObjectOrArray if scanner.parse.is_empty() => return Ok(i + 1),
            Scan::Error => {
                return Err(JsonDecodeError::Syntax(scanner.err.unwrap_or(
                    JsonSyntaxError {
                        message: String::new(),
                        offset: scanner.bytes,
                    },
                )));
            }
            _ => {}
        }
    }
    // At the end: a number or literal may end here; anything else is cut off.
    if scanner.step(b' ') == Scan::End {
        return Ok(text.len());
    }
    if text.iter().any(|&c| !is_space(c)) {
        Err(JsonDecodeError::UnexpectedEof)
    } else {
        Err(JsonDecodeError::Eof)
    }
}

/// apimachinery's `hasJSONPrefix`: the first non-space character (Go's `unicode.IsSpace`)
/// is `{`. Such a config or template chunk is read as JSON.
pub fn has_json_prefix(text: &str) -> bool {
    text.trim_start_matches(is_go_unicode_space)
        .starts_with('{')
}

/// Go's `unicode.IsSpace`.
fn is_go_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c > '\u{ff}' && c.is_whitespace())
}

/// Line and column (from 1, the column in characters) of a byte offset into `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// Go's `strconv.Quote` (fmt's `%q` of a string): printable runes as they are, the rest
/// escaped as Go escapes them.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`, near enough: letters, marks, numbers, punctuation, symbols and the
/// ASCII space; not other spaces, controls, format characters (a BOM), or unassigned ones.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x206f | 0xd800..=0xdfff | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff)
}

/// The first value `json.Marshal` refuses in what sigs.k8s.io/yaml made of `node` (YAML's
/// `.inf`, `-.inf`, `.nan`: JSON has no such numbers), in Marshal's order (map keys sorted).
pub fn first_unsupported_float(node: &Node) -> Option<&Node> {
    match &*node.value {
        Value::Map(entries) => {
            let mut sorted: Vec<&(Node, Node)> = entries.iter().collect();
            sorted.sort_by_cached_key(|(k, _)| k.key_string());
            sorted
                .into_iter()
                .find_map(|(_, v)| first_unsupported_float(v))
        }
        Value::Seq(items) => items.iter().find_map(first_unsupported_float),
        _ => match node.resolve() {
            Some(Resolved::Float(f)) if !f.is_finite() => Some(node),
            _ => None,
        },
    }
}

/// `json.Marshal`'s refusal of such a value: `json: unsupported value: +Inf`.
pub fn unsupported_value_text(node: &Node) -> String {
    let value = match node.resolve() {
        Some(Resolved::Float(f)) => go_format_float(f),
        _ => String::new(),
    };
    format!("json: unsupported value: {value}")
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: what sigs.k8s.io/yaml makes of a YAML float
/// bound for a string field (and, for non-finite ones, `+Inf`, `-Inf`, `NaN`).
pub fn go_format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let single = f as f32;
    if single == 0.0 {
        return if single.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest digits that read back as this f32, as Go's does.
    let shortest = format!("{:e}", single.abs());
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if single < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exponent) {
        let rest = &digits[1..];
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{}{point}{rest}e{exp_sign}{:02}",
            &digits[..1],
            exponent.abs()
        );
    }
    let point = exponent + 1;
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{sign}{whole}.{fraction}")
    }
}

/// A YAML refusal of the front end, with go-yaml's words for it (what CA prints). Derefs to
/// the front end's error (its message and position, for diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoYamlError {
    pub error: YamlError,
    /// `yaml: …` as go-yaml words the refusal of this chunk.
    pub text: String,
}

impl std::ops::Deref for GoYamlError {
    type Target = YamlError;

    fn deref(&self) -> &YamlError {
        &self.error
    }
}

impl GoYamlError {
    /// The error as go-yaml (CA's YAML reader) prints it.
    pub fn go_text(&self) -> String {
        self.text.clone()
    }
}

/// Parses one chunk (`YAMLReader`'s, whose first line is line `first_line` of the input) as
/// go-yaml's `Unmarshal` reads it: the first document only (after a `...` line, or once a
/// finished root is followed by more, go-yaml stops reading), a tab after a key's colon as a
/// space, and refusals in go-yaml's words.
pub fn read_first_document(
    reader: &mut Reader,
    chunk: &str,
    first_line: u32,
) -> Result<Vec<Document>, GoYamlError> {
    // A BOM past the first character: the front end reads the text as go-yaml's scanner does.
    let Some(view) = bom::bom_view(chunk) else {
        return read_first_document_of(reader, chunk, first_line);
    };
    match read_first_document_of(reader, &view.text, first_line) {
        Ok(docs) => Ok(view.restore(docs)),
        Err(mut e) => {
            e.text = view.restore_text(&e.text);
            e.error.message = view.restore_text(&e.error.message);
            Err(e)
        }
    }
}

fn read_first_document_of(
    reader: &mut Reader,
    chunk: &str,
    first_line: u32,
) -> Result<Vec<Document>, GoYamlError> {
    if let Some(refusal) = leading_document_end(chunk, first_line) {
        return Err(refusal);
    }
    let read = read_until_refusal(reader, chunk, first_line);
    // How many lines of the chunk go-yaml scans before it stops (or fails).
    let lines_read = match &read {
        Ok((_, end)) => chunk[..*end].lines().count(),
        Err(e) => e.error.pos.line.saturating_sub(first_line) as usize,
    };
    if let Some(index) = tab_led_blank_line(chunk).filter(|&index| index < lines_read) {
        let problem = "found character that cannot start any token";
        return Err(GoYamlError {
            error: YamlError {
                message: "a tab indents this line; go-yaml refuses a tab where indentation is read"
                    .to_owned(),
                pos: crate::yaml::Pos {
                    line: first_line + index as u32,
                    col: 1,
                },
                go_yaml: None,
            },
            text: if index == 0 {
                format!("yaml: {problem}")
            } else {
                format!("yaml: line {}: {problem}", index + 1)
            },
        });
    }
    // go-yaml's Unmarshal decodes the first document, empty or not (`---` then `...`).
    read.map(|(mut docs, _)| {
        docs.truncate(1);
        docs
    })
}

/// Parses text that Go's JSON scanner accepted (a JSON-looking config or template chunk) into
/// the tree: a tab there can only be whitespace between tokens, so it is read as a space (the
/// YAML front end would refuse one that starts a line).
pub fn read_json(
    reader: &mut Reader,
    json: &str,
    first_line: u32,
) -> Result<Vec<Document>, GoYamlError> {
    // Copied only when there is a tab to replace: a templates `List` is often one 28 MiB line.
    if json.contains('\t') {
        read_first_document(reader, &json.replace('\t', " "), first_line)
    } else {
        read_first_document(reader, json, first_line)
    }
}

/// The documents go-yaml reads of `chunk`, with how many bytes of it that takes.
fn read_until_refusal(
    reader: &mut Reader,
    chunk: &str,
    first_line: u32,
) -> Result<(Vec<Document>, usize), GoYamlError> {
    let error = match super::tabs::parse(reader, chunk, first_line) {
        Ok(docs) => return Ok((docs, chunk.len())),
        Err(error) => error,
    };
    // go-yaml drops one BOM at the start of the stream, whatever follows it.
    if let Some(rest) = chunk.strip_prefix('\u{feff}')
        && let Ok(docs) = super::tabs::parse(reader, rest, first_line)
    {
        return Ok((docs, chunk.len()));
    }
    // A quoted scalar as the document's root, followed by more: go-yaml's first document is
    // the scalar alone.
    if error.message.contains("invalid trailing content after")
        && let Some(end) = leading_quoted_scalar_end(chunk)
        && !value_indicator_follows(&chunk[end..])
        && let Ok(docs) = super::tabs::parse(reader, &chunk[..end], first_line)
    {
        return Ok((docs, end));
    }
    let error_line = error.pos.line.saturating_sub(first_line) as usize;
    // The first document ended where the front end wanted a new one: go-yaml never asks.
    if error
        .message
        .contains("did not find expected <document start>")
    {
        let end = byte_offset(chunk, error_line, error.pos.col.saturating_sub(1) as usize);
        if let Ok(docs) = super::tabs::parse(reader, &chunk[..end], first_line) {
            return Ok((docs, end));
        }
    }
    // A flow collection left open after a finished flow root: go-yaml's parser ends the first
    // document before it and never sees it unclosed.
    if error.message.contains("unclosed bracket")
        && let Some(end) = bom::unread_unclosed_flow_collection(chunk)
        && let Ok(docs) = super::tabs::parse(reader, &chunk[..end], first_line)
    {
        return Ok((docs, end));
    }
    // A `...` line ends the first document: go-yaml reads nothing after it.
    let mut start = 0;
    for (index, line) in chunk.split_inclusive('\n').enumerate() {
        if index >= error_line {
            break;
        }
        start += line.len();
        let rest = line.strip_prefix("...");
        if rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r', '\n'])) {
            if let Ok(docs) = super::tabs::parse(reader, &chunk[..start], first_line) {
                return Ok((docs, start));
            }
            break;
        }
    }
    let text = go_yaml_words(&error, chunk, first_line);
    Err(GoYamlError { error, text })
}

/// The first line (from 0) that go-yaml's scanner starts on a tab in block context: a tab in
/// its indentation (the front end lets it pass before a comment, on a blank line, or on a
/// chunk's first line). (libyaml skips a tab between tokens only in flow context or where no simple key may
/// start, and one may at the start of every block line.) Lines inside a flow collection, a
/// block scalar or a quoted scalar are not between tokens, and are passed over.
fn tab_led_blank_line(chunk: &str) -> Option<usize> {
    let mut flow_depth: i32 = 0;
    let mut in_quote: Option<char> = None;
    let mut block_scalar_parent: Option<usize> = None;
    for (index, line) in chunk.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if let Some(parent) = block_scalar_parent {
            if content.is_empty() || line.len() - line.trim_start_matches(' ').len() > parent {
                continue;
            }
            block_scalar_parent = None;
        }
        let at_token_boundary = flow_depth == 0 && in_quote.is_none();
        if at_token_boundary && line[..indent].contains('\t') {
            return Some(index);
        }
        // Track quotes, flow brackets and block scalar headers along the line.
        let mut previous = ' ';
        let mut chars = content.chars().peekable();
        while let Some(c) = chars.next() {
            match in_quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => {
                    if q == '\'' && chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        in_quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    '#' if previous == ' ' || previous == '\t' => break,
                    '"' | '\'' if matches!(previous, ' ' | '\t' | '[' | '{' | ',' | ':' | '-') => {
                        in_quote = Some(c)
                    }
                    '[' | '{' => flow_depth += 1,
                    ']' | '}' => flow_depth -= 1,
                    _ => {}
                },
            }
            previous = c;
        }
        if flow_depth == 0 && in_quote.is_none() {
            let value = content.split(" #").next().unwrap_or("").trim_end();
            let header = value.rsplit([' ', '\t']).next().unwrap_or("");
            if header.starts_with(['|', '>'])
                && header[1..]
                    .chars()
                    .all(|c| matches!(c, '+' | '-' | '1'..='9'))
            {
                block_scalar_parent = Some(indent);
            }
        }
    }
    None
}

/// A `...` before any content: go-yaml (yaml.v2) skips such markers only before a later
/// document, so for the first it finds no node (`did not find expected node content`); the
/// front end reads past it.
fn leading_document_end(chunk: &str, first_line: u32) -> Option<GoYamlError> {
    let chunk = chunk.strip_prefix('\u{feff}').unwrap_or(chunk);
    let (index, _) = chunk.lines().enumerate().find(|(_, l)| {
        let l = l.trim_start_matches([' ', '\t']);
        !l.is_empty() && !l.starts_with('#') && l != "\r"
    })?;
    let line = chunk.lines().nth(index)?;
    let rest = line.strip_prefix("...")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t', '\r'])) {
        return None;
    }
    let problem = "did not find expected node content";
    Some(GoYamlError {
        error: YamlError {
            message:
                "a document end marker (`...`) comes before any content; go-yaml finds no document"
                    .to_owned(),
            pos: crate::yaml::Pos {
                line: first_line + index as u32,
                col: 1,
            },
            go_yaml: None,
        },
        // The parser's 0-based line, none when 0.
        text: if index == 0 {
            format!("yaml: {problem}")
        } else {
            format!("yaml: line {index}: {problem}")
        },
    })
}

/// Where a quoted scalar that starts the chunk's content ends (after its closing quote).
fn leading_quoted_scalar_end(chunk: &str) -> Option<usize> {
    let body = chunk.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let start = chunk.len() - body.len();
    let quote = body.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut chars = body.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && body[i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            return Some(start + i + 1);
        }
    }
    None
}

/// Whether the rest of the line holds a `: ` outside brackets and quotes: then the quoted
/// scalar before it is a mapping key to libyaml, not a root of its own.
fn value_indicator_follows(rest: &str) -> bool {
    let line = rest.split('\n').next().unwrap_or("");
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ':') if depth <= 0 && chars.peek().is_none_or(|n| n.is_whitespace()) => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// The byte offset of character `col` (from 0) of line `line` (from 0) of `text`.
fn byte_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let rest = &text[start.min(text.len())..];
    start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
}

/// Where go-yaml's message comes from: its scanner prints the 1-based line of the problem;
/// its parser prints libyaml's 0-based mark (yaml.v2 `fail`), and no line when that is 0.
enum GoYamlStage {
    Scanner(usize),
    Parser(usize),
    NoLine,
}

/// go-yaml's `yaml: …` text for the front end's refusal `error` of `chunk`.
fn go_yaml_words(error: &YamlError, chunk: &str, first_line: u32) -> String {
    if error.go_yaml.is_some() {
        return error.go_text();
    }
    // The line within the chunk (go-yaml reads one chunk at a time), from 1.
    let line = error.pos.line.saturating_sub(first_line) as usize + 1;
    let message = error.message.as_str();
    let (problem, stage) = if message.contains("tabs disallowed within this context") {
        (
            "found character that cannot start any token".to_owned(),
            GoYamlStage::Scanner(line),
        )
    } else if message.contains("while scanning a plain scalar, found a tab") {
        // libyaml stops at the tab indenting the scalar's next line.
        (
            "found a tab character that violates indentation".to_owned(),
            GoYamlStage::Scanner(next_tab_indented_line(chunk, line).unwrap_or(line + 1)),
        )
    } else if message.contains("alias refers to an unknown anchor") {
        // The front end's own check: the anchor is still open (go-yaml: it contains itself),
        // or there is none.
        let name = alias_name(chunk, line, error.pos.col as usize);
        let before = byte_offset(chunk, line - 1, error.pos.col.saturating_sub(1) as usize);
        let anchored = chunk[..before].contains(&format!("&{name}"));
        let problem = if anchored {
            format!("anchor '{name}' value contains itself")
        } else {
            format!("unknown anchor '{name}' referenced")
        };
        (problem, GoYamlStage::NoLine)
    } else if message.contains("found unknown anchor") {
        let name = alias_name(chunk, line, error.pos.col as usize);
        (
            format!("unknown anchor '{name}' referenced"),
            GoYamlStage::NoLine,
        )
    } else if message.contains("invalid trailing content after")
        || message.contains("misplaced bracket")
    {
        (
            "did not find expected key".to_owned(),
            GoYamlStage::Parser(line),
        )
    } else if message.contains("comment intercepting the multiline text") {
        (
            "did not find expected key".to_owned(),
            GoYamlStage::Parser(line + 1),
        )
    } else if message.contains("unclosed bracket") {
        // libyaml complains at the token after the last entry (found by a port of go-yaml's
        // scanner; else: on the next line), unless an alias to no anchor came first.
        let close = if message.contains("'['") { ']' } else { '}' };
        match bom::unclosed_flow_error_line(chunk) {
            Some(bom::UnclosedFlow::UnknownAnchor(name)) => (
                format!("unknown anchor '{name}' referenced"),
                GoYamlStage::NoLine,
            ),
            found => {
                let at = match found {
                    Some(bom::UnclosedFlow::Line(l)) => l + 1,
                    _ => line + 1,
                };
                (
                    format!("did not find expected ',' or '{close}'"),
                    GoYamlStage::Parser(at),
                )
            }
        }
    } else if message.contains("simple key expected ':'") {
        (
            "could not find expected ':'".to_owned(),
            GoYamlStage::Scanner(line + 1),
        )
    } else if message.contains("mapping values are not allowed in this context") {
        (
            "mapping values are not allowed in this context".to_owned(),
            GoYamlStage::Scanner(line),
        )
    } else if let Some((_, problem)) = message
        .strip_prefix("while parsing ")
        .and_then(|m| m.split_once(", "))
    {
        // libyaml's parser errors: go-yaml prints the problem without the context.
        (problem.to_owned(), GoYamlStage::Parser(line))
    } else {
        // No known counterpart: the front end's own words, on its line.
        (message.to_owned(), GoYamlStage::Scanner(line))
    };
    match stage {
        // yaml.v2 prints no line when libyaml's mark is on the first line (0).
        GoYamlStage::Scanner(line) if line > 1 => format!("yaml: line {line}: {problem}"),
        GoYamlStage::Scanner(_) => format!("yaml: {problem}"),
        GoYamlStage::Parser(line) if line > 1 => format!("yaml: line {}: {problem}", line - 1),
        GoYamlStage::Parser(_) | GoYamlStage::NoLine => format!("yaml: {problem}"),
    }
}

/// The first line after `line` (both from 1) whose indentation holds a tab.
fn next_tab_indented_line(chunk: &str, line: usize) -> Option<usize> {
    chunk
        .lines()
        .enumerate()
        .skip(line)
        .find(|(_, l)| {
            l.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .any(|c| c == '\t')
        })
        .map(|(i, _)| i + 1)
}

/// The alias name (`*name`) at or after column `col` (from 1) of line `line` (from 1).
fn alias_name(chunk: &str, line: usize, col: usize) -> String {
    let text = chunk.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let from: String = text.chars().skip(col.saturating_sub(1)).collect();
    let from = match from.find('*') {
        Some(i) => &from[i + 1..],
        None => match text.find('*') {
            Some(i) => &text[i + 1..],
            None => "",
        },
    };
    from.chars()
        .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unmarshal(text: &str) -> String {
        json_unmarshal_syntax(text.as_bytes())
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    }

    fn decode(text: &str) -> Result<usize, String> {
        json_decoder_first_value(text.as_bytes()).map_err(|e| e.apimachinery_text())
    }

    /// Messages and offsets as Go 1.26's encoding/json gives them (checked with the oracle).
    #[test]
    fn json_syntax_errors_in_gos_words() {
        assert_eq!(unmarshal(r#"{"a": 1}"#), "");
        assert_eq!(
            unmarshal(r#"{"a": 1}{"b": 2}"#),
            "invalid character '{' after top-level value"
        );
        assert_eq!(unmarshal(r#"{"a": "#), "unexpected end of JSON input");
        assert_eq!(unmarshal(""), "unexpected end of JSON input");
        assert_eq!(
            unmarshal(r#"{a: 1}"#),
            "invalid character 'a' looking for beginning of object key string"
        );
        assert_eq!(
            unmarshal(r#"{"a": 'x'}"#),
            r#"invalid character '\'' looking for beginning of value"#
        );
        assert_eq!(
            unmarshal("{\"a\": \"x\ty\"}"),
            r#"invalid character '\t' in string literal"#
        );
        assert_eq!(
            unmarshal(r#"{"a": nul}"#),
            "invalid character '}' in literal null (expecting 'l')"
        );
        assert_eq!(
            unmarshal(r#"{"a": 1.}"#),
            "invalid character '}' after decimal point in numeric literal"
        );
        assert_eq!(
            unmarshal(r#"{"a": 1 "b": 2}"#),
            r#"invalid character '"' after object key:value pair"#
        );
        assert_eq!(
            unmarshal("{\"a\": \u{e9}}"),
            "invalid character '\u{c3}' looking for beginning of value"
        );
        assert_eq!(
            unmarshal("{\"a\": [1 2]}"),
            "invalid character '2' after array element"
        );
        assert_eq!(
            unmarshal("{\"a\" 1}"),
            "invalid character '1' after object key"
        );

        assert_eq!(
            decode(r#"{"apiVersion": {a: 1}}"#),
            Err(
                "json: offset 17: invalid character 'a' looking for beginning of object key string"
                    .to_owned()
            )
        );
        assert_eq!(decode("{\"a\": 1\n"), Err("unexpected EOF".to_owned()));
        assert_eq!(decode("  {\"a\": 1}\n{x"), Ok(10));
        assert_eq!(decode(" \n"), Err("EOF".to_owned()));
    }

    #[test]
    fn floats_as_go_formats_them_for_32_bits() {
        for (f, go) in [
            (1.5, "1.5"),
            (1e3, "1000"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(go_format_float(f), go, "{f}");
        }
    }

    #[test]
    fn strings_quoted_as_go_quotes_them() {
        assert_eq!(go_quote("tab\there"), r#""tab\there""#);
        assert_eq!(go_quote("<&> \"ü\""), r#""<&> \"ü\"""#);
        assert_eq!(go_quote("\u{feff}x\u{1}"), r#""\ufeffx\x01""#);
    }

    fn go_words(chunk: &str) -> String {
        match read_first_document(&mut Reader::default(), chunk, 1) {
            Ok(_) => String::new(),
            Err(e) => e.go_text(),
        }
    }

    /// go-yaml's words for the front end's refusals (each checked against the Go oracle).
    #[test]
    fn yaml_refusals_in_go_yamls_words() {
        // The scanner's line is 1-based; none on the first line.
        assert_eq!(
            go_words("a: 1\nb:\n\tc: 2\n"),
            "yaml: line 3: found character that cannot start any token"
        );
        assert_eq!(
            go_words("\ta: 1\n"),
            "yaml: found character that cannot start any token"
        );
        // A tab before a comment is a tab indenting a block line too.
        assert_eq!(
            go_words("a:\n\t# c\n  b: 1\n"),
            "yaml: line 2: found character that cannot start any token"
        );
        // The parser's line is libyaml's 0-based mark.
        assert_eq!(
            go_words("a: 1\nb: 2\nc: \"x\" y\n"),
            "yaml: line 2: did not find expected key"
        );
        assert_eq!(
            go_words("a: *nowhere\n"),
            "yaml: unknown anchor 'nowhere' referenced"
        );
        assert_eq!(
            go_words("# c\n...\na: 1\n"),
            "yaml: line 1: did not find expected node content"
        );
        // go-yaml reads the first document only.
        assert_eq!(go_words("a: 1\n...\nb: *nowhere\n"), "");
        assert_eq!(go_words("a: 1\nb:\tc\n"), "");
    }

    #[test]
    fn json_prefix_skips_unicode_spaces() {
        assert!(has_json_prefix("\u{a0}\n {"));
        assert!(!has_json_prefix("\u{feff}{"));
        assert!(!has_json_prefix("[{}]"));
    }
}
