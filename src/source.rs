//! Input texts and positions in them: a file or a ConfigMap data key, with the map back to the user's lines.

use crate::yaml::Pos;

/// Identifies one input text (a file, a ConfigMap's data value, the live nodes).
pub type SourceId = usize;

/// A point in one of the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub source: SourceId,
    pub pos: Pos,
}

/// Where an input text came from, and how its positions map back to what the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// A path, `<stdin>`, `configmap/NS/NAME` or `nodes`.
    pub label: String,
    /// Added to every line (a ConfigMap data block's first content line, minus one).
    pub line_offset: u32,
    /// Added to every column (the block's indentation).
    pub col_offset: u32,
    /// When positions inside cannot be mapped (quoted or folded scalars): point here instead.
    pub fixed: Option<Pos>,
    /// False for inputs without lines (the live nodes): locations show the label only.
    pub has_lines: bool,
}

impl Source {
    pub fn file(label: impl Into<String>) -> Self {
        Source {
            label: label.into(),
            line_offset: 0,
            col_offset: 0,
            fixed: None,
            has_lines: true,
        }
    }

    /// Maps a position inside this source's text to one in the user's file.
    pub fn map(&self, pos: Pos) -> Option<Pos> {
        // No position (an object, or a finding about a whole input): null, never `0:0`.
        if !self.has_lines || (self.fixed.is_none() && pos.line == 0) {
            return None;
        }
        if let Some(fixed) = self.fixed {
            return Some(fixed);
        }
        Some(Pos {
            line: pos.line.saturating_add(self.line_offset),
            col: pos.col.saturating_add(self.col_offset),
        })
    }
}
