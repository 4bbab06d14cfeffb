//! Config diagnostics: [`ConfigError`], rendered in the style of rustc and
//! cargo (`--> file:line:column`, the line, the value marked), and the
//! translation of toml's and serde's errors into words a user knows.
//!
//! Every message a bad config can produce is assembled here or passed in by
//! `validate`; the snapshot tests in `tests/config.rs` pin them byte for byte.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A config problem. Its `Display` is a full diagnostic in the style of
/// rustc and cargo: the message, `--> file:line:column`, the line itself with
/// the offending value marked, and what would be accepted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{rendered}")]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; `None` for problems with the file as a whole (missing).
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The bytes of the file it points at (boxed: an error is returned
    /// through every command, and kept small).
    pub(super) span: Option<Box<Range<usize>>>,
    rendered: String,
}

impl ConfigError {
    /// A problem with the file as a whole.
    pub(super) fn file(path: &Path, message: String) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            span: None,
            rendered: format!("error: {}: {message}", path.display()),
            message,
        }
    }

    /// A problem at `span` (bytes of `src`), with a label under it.
    pub(super) fn at(
        path: &Path,
        src: &str,
        span: Range<usize>,
        message: String,
        label: &str,
    ) -> ConfigError {
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
        let start = floor_char_boundary(src, span.start.min(src.len()));
        let end = floor_char_boundary(src, span.end.clamp(start, src.len()));
        let (line, column) = line_col(src, start);
        let path_s = path.display().to_string();
        let report = &[Level::ERROR.primary_title(message.as_str()).element(
            Snippet::source(src)
                .path(path_s.as_str())
                .annotation(AnnotationKind::Primary.span(start..end).label(label)),
        )];
        let rendered = Renderer::plain().render(report).to_string();
        ConfigError {
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message,
            span: Some(Box::new(start..end)),
            rendered,
        }
    }
}

impl ConfigError {
    /// Several problems of one file as one error: each diagnostic in the
    /// order of the file (problems with the file as a whole first), the same
    /// one once, then a line that counts them, as a compiler ends its
    /// report. The fields are those of the first. `list` is not empty.
    pub(super) fn many(mut list: Vec<ConfigError>) -> ConfigError {
        list.sort_by_key(|e| (e.line, e.column));
        list.dedup_by(|a, b| a.rendered == b.rendered);
        let n = list.len();
        let mut rendered = list
            .iter()
            .map(|e| e.rendered.trim_end())
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut first = list.swap_remove(0);
        if n > 1 {
            rendered.push_str(&format!(
                "\n\nerror: {}: {n} problems, each shown above; fix them and run the command again",
                first.path.display()
            ));
            first.rendered = rendered;
        }
        first
    }
}

/// The largest char boundary at or before byte `i`: toml's spans and the
/// UTF-8 error's offset may fall inside a character, and slicing there panics.
pub(super) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in characters) of byte `offset`.
pub(super) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// One of toml's errors as a diagnostic that names the key, in words a user
/// knows (`a whole number`, not `i64`).
pub(super) fn toml_error(path: &Path, src: &str, e: &toml::de::Error) -> ConfigError {
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim();
    let msg = msg.lines().next().unwrap_or(msg);
    let keys = toml_error_keys(e);
    let (title, label) = toml_error_words(msg, keys.as_deref(), src, &span);
    ConfigError::at(path, src, span, title, &label)
}

/// The dotted key path toml recorded for a serde error (`update.cadence_days`).
/// toml keeps it private and prints it only when the error carries no input,
/// so it is read back from there.
fn toml_error_keys(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let last = shown.trim_end().lines().last()?;
    let keys = last.strip_prefix("in `")?.strip_suffix('`')?;
    Some(keys.to_string())
}

/// How a table is written in the file: `[update]`, `[[goal]]`.
fn table_header(keys: &str) -> String {
    match keys {
        "goal" | "repo" | "source" => format!("[[{keys}]]"),
        _ => format!("[{keys}]"),
    }
}

/// A title and a label for toml's message `msg` about the value at `span`.
fn toml_error_words(
    msg: &str,
    keys: Option<&str>,
    src: &str,
    span: &Range<usize>,
) -> (String, String) {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let field = field.trim_matches('`');
        let valid: Vec<&str> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|k| !k.is_empty())
            .collect();
        let title = match keys {
            Some(t) => format!("unknown key `{field}` in {}", table_header(t)),
            None => format!("unknown key `{field}`"),
        };
        let listed: Vec<String> = valid.iter().map(|k| format!("`{k}`")).collect();
        let label = match closest(field, &valid) {
            Some(k) => format!("did you mean `{k}`? Valid keys here: {}", listed.join(", ")),
            None if valid.is_empty() => "not a key icu knows".to_string(),
            None => format!("valid keys here: {}", listed.join(", ")),
        };
        return (title, label);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, want) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
        let want = type_words(want);
        let value = src.get(span.clone()).unwrap_or("");
        let found_words = match found {
            f if f.starts_with("integer") && f.contains(" as ") => "a number out of range",
            f if f.starts_with("string") => "a string",
            f if f.starts_with("integer") || f.starts_with("floating point") => "a number",
            f if f.starts_with("boolean") => "true or false",
            f if f.starts_with("sequence") => "an array",
            // toml hands a date to serde as a one-key map.
            "map" if value.starts_with(|c: char| c.is_ascii_digit()) => "a date",
            "map" => "a table",
            f => f,
        };
        let key = keys.unwrap_or("value");
        let title = format!("wrong type for `{key}`: expected {want}, found {found_words}");
        let unquoted = value.trim_matches(['"', '\'']);
        let label = if found_words == "a string" && unquoted.parse::<i64>().is_ok() {
            format!("write the number without quotes: {unquoted}")
        } else {
            format!("expected {want}")
        };
        return (title, label);
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let field = rest.trim_matches('`');
        let table = keys.map_or_else(|| "the file".to_string(), table_header);
        return (
            format!("missing key `{field}` in {table}"),
            format!("this {table} needs the key `{field}`"),
        );
    }
    let title = match key_of_value_at(src, span.start) {
        Some(k) => format!("the config is not valid TOML: bad value for `{k}`"),
        None => "the config is not valid TOML".to_string(),
    };
    if escape_in_double_quotes(src, span.start) {
        return (
            title,
            format!(
                "{msg}: in double quotes `\\` starts an escape; write a Windows path in single quotes ('C:\\Users\\ada\\src') or with `/`"
            ),
        );
    }
    (title, msg.to_string())
}

/// Whether byte `offset` of `src` is at a `\` inside a double-quoted
/// string: a Windows path written as TOML reads an escape (`"C:\Users"`).
fn escape_in_double_quotes(src: &str, offset: usize) -> bool {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &src[start..offset];
    let in_string = before.matches('"').count() % 2 == 1;
    let since_quote = before.rsplit('"').next().unwrap_or("");
    in_string && (since_quote.contains('\\') || src[offset..].starts_with('\\'))
}

/// serde's names for what was expected, as a user would say them.
fn type_words(want: &str) -> String {
    match want {
        "i64" | "u32" | "i32" | "u64" => "a whole number".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        w if w.starts_with("struct ") => "a table".into(),
        w => w.to_string(),
    }
}

/// `table.key` when byte `offset` is in the value of a one-line `key = value`.
fn key_of_value_at(src: &str, offset: usize) -> Option<String> {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = src[start..].split('\n').next().unwrap_or("");
    let eq = line.find('=')?;
    let key = line[..eq].trim();
    let plain = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\''))
    };
    if offset <= start + eq || !plain(key) {
        return None;
    }
    let table = src[..start].lines().rev().find_map(|l| {
        let l = l.trim();
        l.starts_with('[').then(|| {
            l.split('#')
                .next()
                .unwrap_or(l)
                .trim()
                .trim_matches(['[', ']'])
                .trim()
                .to_string()
        })
    });
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The candidate within two edits of `word`, if one is.
pub(super) fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance over characters, a swap of two neighbours counting as one
/// edit (optimal string alignment): `emial` is one edit from `email`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::parse_err;

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_err(
            "[me]\nname = \"A\"\n\n[[goal]]\nid = \"g\"\ntitle = \"G\"\nstatus = \"on-trak\"\n",
        );
        assert_eq!((e.line, e.column), (Some(7), Some(10)));
        let text = e.to_string();
        assert!(
            text.starts_with("error: unknown status `on-trak`"),
            "{text}"
        );
        assert!(text.contains("/cfg/icu.toml:7:10"), "{text}");
        assert!(
            text.contains("on-track, at-risk, off-track, done, paused"),
            "{text}"
        );
    }

    #[test]
    fn messages_use_words_not_rust_types() {
        for text in [
            "me = 5\n",
            "[update]\ncadence_days = \"14\"\n",
            "[me]\nemails = \"a@b.c\"\n",
            "[[goal]]\nid = \"g\"\ntitle = \"G\"\nkeywords = \"x\"\n",
        ] {
            let e = parse_err(text).to_string();
            for jargon in ["struct", "i64", "sequence", "Raw"] {
                assert!(!e.contains(jargon), "{jargon} in:\n{e}");
            }
        }
        let e = parse_err("[update]\ncadence_days = \"14\"\n").to_string();
        assert!(e.contains("write the number without quotes: 14"), "{e}");
        let e = parse_err("[[goal]]\nid = \"g\"\ntitle = \"G\"\nkeywords = [\"(\"]\n").to_string();
        assert!(!e.contains("error: unclosed"), "{e}");
    }

    #[test]
    fn an_unknown_key_suggests_the_close_one() {
        let e = parse_err("[[goal]]\nid = \"g\"\ntitel = \"G\"\n").to_string();
        assert!(e.contains("unknown key `titel` in [[goal]]"), "{e}");
        assert!(e.contains("did you mean `title`?"), "{e}");
        assert!(e.contains("`keywords`"), "{e}");
        let e = parse_err("[update]\nfrobnicate = 1\n").to_string();
        assert!(!e.contains("did you mean"), "{e}");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("emial", "email"), 1);
        assert_eq!(closest("emial", &["name", "emails"]), Some("emails"));
    }

    #[test]
    fn syntax_errors_name_the_key_whose_value_is_bad() {
        assert_eq!(
            key_of_value_at("[me]\nname = \"Ada\n", 12).as_deref(),
            Some("me.name")
        );
        assert_eq!(key_of_value_at("x = [\n  3,\n", 9), None);
        assert_eq!(key_of_value_at("[me\n", 3), None);
        assert_eq!(key_of_value_at("[me\nname = 1\n", 2), None);
        assert_eq!(key_of_value_at("  due = x\n", 4), None);
        let e = parse_err("[[goal]] # g\nid = \"g\"\ntitle = \"G\"\ndue = 2027-13-01\n");
        assert_eq!((e.line, e.column), (Some(4), Some(7)));
        assert!(e.to_string().contains("`goal.due`"), "{e}");
    }
}
