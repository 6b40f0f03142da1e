//! Source files of a project, byte spans into them, and line/column lookup.
//!
//! Every later stage refers to source text only through a [`Span`]: a file id
//! plus a byte range. The [`LineIndex`] of each file is computed once so that
//! turning thousands of spans into line/column pairs stays cheap.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Identifies one file of a [`SourceMap`]; the index into its file list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file. `start..end`, both byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span in no file: the place of a project-level diagnostic (about a
    /// directory entry rather than a campaign), which renderers show
    /// without a location. Sorts after every real span.
    pub const PROJECT: Span = Span {
        file: FileId(u32::MAX),
        start: 0,
        end: 0,
    };

    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Start offsets of every line of a text, so that line/column lookups are
/// a binary search instead of a scan from the start of the file.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let end = crate::text::floor_char_boundary(text, offset);
        let column = text[start..end].chars().count() + 1;
        (line + 1, column)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts
            .get(line.checked_sub(1)?)
            .map(|&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// One `.camp` file: its path relative to the project directory, its text,
/// and its line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// Path relative to the project root, with `/` separators; what
    /// diagnostics and plans show.
    pub path: String,
    /// Absolute or as-given path on disk, for reading and watching.
    pub disk_path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// All files of a project, in a deterministic order (sorted by relative path).
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    /// Shared: a copy of the map (each build's report of its diagnostics
    /// carries one) copies no text.
    files: Arc<Vec<SourceFile>>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id. Callers add files in sorted path order
    /// so that ids, and everything derived from them, are deterministic.
    pub fn add(&mut self, path: impl Into<String>, disk_path: &Path, text: String) -> FileId {
        let lines = LineIndex::new(&text);
        self.add_indexed(path, disk_path, text, lines)
    }

    /// [`SourceMap::add`] with the text's line index already made (it
    /// must be `LineIndex::new(&text)`).
    pub fn add_indexed(
        &mut self,
        path: impl Into<String>,
        disk_path: &Path,
        text: impl Into<Arc<str>>,
        lines: LineIndex,
    ) -> FileId {
        let files = Arc::make_mut(&mut self.files);
        let id = FileId(files.len() as u32);
        files.push(SourceFile {
            id,
            path: path.into(),
            disk_path: disk_path.to_path_buf(),
            text: text.into(),
            lines,
        });
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The file at a relative path (files are added in sorted path order).
    pub fn find(&self, path: &str) -> Option<&SourceFile> {
        match self.files.binary_search_by(|f| f.path.as_str().cmp(path)) {
            Ok(i) => Some(&self.files[i]),
            // A map built out of order: fall back to a scan.
            Err(_) => self.files.iter().find(|f| f.path == path),
        }
    }

    /// The files, given up by the map.
    pub fn into_files(self) -> Vec<SourceFile> {
        Arc::try_unwrap(self.files).unwrap_or_else(|shared| (*shared).clone())
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        crate::text::slice_at_boundaries(text, span.start as usize, span.end as usize)
    }

    /// 1-based line and column of the start of a span.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        self.get(span.file).line_col(span.start as usize)
    }

    /// `text` (a `Debug` rendering) with every `FileId(N)` replaced by the
    /// file's path, so that it names places by stable identities: a digest
    /// of it does not change when a file added before renumbers the files.
    pub fn name_files(&self, text: &str) -> String {
        name_file_ids(text, |n| self.files.get(n).map(|f| f.path.as_str()))
    }
}

/// `text` (a `Debug` rendering) with every `FileId(N)` replaced by
/// `File("PATH")`, `path_of(N)` giving the path (an id it does not know is
/// left as it is).
pub fn name_file_ids<'a>(text: &str, path_of: impl Fn(usize) -> Option<&'a str>) -> String {
    const MARK: &str = "FileId(";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARK.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<usize>().ok().and_then(&path_of) {
            Some(path) => {
                out.push_str("File(");
                out.push_str(&format!("{path:?}"));
            }
            None => {
                out.push_str(MARK);
                out.push_str(&after[..digits]);
            }
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nčau x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        // 'x' is after "čau " = 5 bytes, 4 chars.
        assert_eq!(idx.line_col(text, 3 + 5), (2, 5));
        assert_eq!(idx.line_col(text, text.len()), (3, 1));
    }
}
