//! Phase one of loading a config: the serde structs for the TOML as written.
//!
//! Values keep their spans so that `validate` can point at the one that is
//! wrong. `deny_unknown_fields` everywhere: a misspelt key is an error (with a
//! did-you-mean from `diagnostic`) rather than silently ignored.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml_edit::{Item, Table};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) me: Option<RawMe>,
    pub(super) update: Option<RawUpdate>,
    #[serde(default)]
    pub(super) repo: Vec<RawRepo>,
    #[serde(default)]
    pub(super) goal: Vec<RawGoal>,
    #[serde(default)]
    pub(super) link: Vec<RawLink>,
    #[serde(default)]
    pub(super) skip: Vec<Spanned<RawSkip>>,
    pub(super) credit: Option<RawCredit>,
    #[serde(default)]
    pub(super) source: Vec<Spanned<RawSource>>,
}

/// `[credit]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCredit {
    pub(super) enabled: Option<bool>,
    pub(super) trailers: Option<Vec<Spanned<String>>>,
}

/// `[me]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMe {
    pub(super) name: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) emails: Vec<Spanned<String>>,
}

/// `[update]`; `cadence_days` and `list_limit` are `i64` so that a negative
/// or huge number reaches validation and gets its own message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUpdate {
    pub(super) cadence_days: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) to: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) cc: Vec<Spanned<String>>,
    pub(super) subject: Option<Spanned<String>>,
    pub(super) dir: Option<Spanned<String>>,
    pub(super) template: Option<Spanned<String>>,
    pub(super) sendmail: Option<Spanned<String>>,
    // The sender and threading of the mail, and the program `--open` uses.
    pub(super) from: Option<Spanned<String>>,
    pub(super) envelope_from: Option<bool>,
    #[serde(default)]
    pub(super) reply_to: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) bcc: Vec<Spanned<String>>,
    pub(super) thread: Option<bool>,
    pub(super) mail_client: Option<Spanned<String>>,
    pub(super) mail_client_terminal: Option<bool>,
    pub(super) list_limit: Option<Spanned<i64>>,
    pub(super) lang: Option<Spanned<String>>,
}

/// One `[[repo]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRepo {
    pub(super) path: Spanned<String>,
    pub(super) name: Option<Spanned<String>>,
    pub(super) url: Option<Spanned<String>>,
    pub(super) forge: Option<Spanned<String>>,
    pub(super) remotes: Option<bool>,
}

/// One `[[goal]]`; `due` is any value so that a quoted date is accepted and
/// anything else gets a message about dates rather than about types.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGoal {
    pub(super) id: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) status: Option<Spanned<String>>,
    pub(super) due: Option<Spanned<toml::Value>>,
    pub(super) success: Option<String>,
    pub(super) risk: Option<String>,
    pub(super) repos: Option<Vec<Spanned<String>>>,
    pub(super) paths: Option<Vec<Spanned<String>>>,
    pub(super) branches: Option<Vec<Spanned<String>>>,
    pub(super) keywords: Option<Vec<Spanned<String>>>,
}

/// One `[[link]]`: ticket keys in commit subjects turned into links.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLink {
    pub(super) pattern: Spanned<String>,
    pub(super) href: Spanned<String>,
    pub(super) text: Option<Spanned<String>>,
}

/// One `[[skip]]`: commits kept out of the activity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSkip {
    pub(super) message: Option<Spanned<String>>,
    pub(super) author: Option<Spanned<String>>,
}

/// One `[[source]]`: a command whose JSON lines are work beyond commits.
/// `timeout` is `i64` so that 0 or a negative number reaches validation
/// and gets its own message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) name: Spanned<String>,
    pub(super) command: Spanned<String>,
    pub(super) timeout: Option<Spanned<i64>>,
    pub(super) goal: Option<Spanned<String>>,
    pub(super) repo: Option<Spanned<String>>,
}

/// At most this many problems of types and keys are collected from one file;
/// past them the list would bury the first.
const MAX_ERRORS: usize = 50;

/// What [`read`] makes of a config text.
pub(super) struct Reading {
    /// The config, without the entries left out; `None` when no reading
    /// got through.
    pub(super) raw: Option<RawConfig>,
    /// The problems found, in the order found.
    pub(super) errors: Vec<toml::de::Error>,
    /// The entries left out for their problems.
    blanked: Vec<Range<usize>>,
    /// Each table of the text, from its header to the next header.
    tables: Vec<Range<usize>>,
}

impl Reading {
    /// Whether a problem at `span` may be a consequence of an entry left
    /// out: `span` is a table's header (a problem of the whole table, such
    /// as a key it lacks) and an entry of that table was left out — the
    /// lacking key may be the misspelt one (`comand`), so the problem is not
    /// one of its own.
    pub(super) fn follows_from_blanks(&self, span: &Range<usize>) -> bool {
        let whole = self
            .tables
            .iter()
            .find(|t| t.start == span.start)
            .unwrap_or(span);
        self.blanked
            .iter()
            .any(|b| whole.start <= b.start && b.end <= whole.end)
    }
}

/// Reads `src` into a [`RawConfig`], collecting every problem serde finds
/// rather than only the first: serde stops at the first wrong key or type,
/// so the entry it names (a `key = value`, or a whole table when the problem
/// is the table's) is blanked out — each of its characters replaced by a
/// space, so that every later span still points into `src` — and the text
/// read again.
///
/// A syntax error is reported alone: where the syntax breaks, what follows
/// cannot be read with any confidence. A blanking that would itself break
/// the syntax ends the reading, so that no error is one of icu's making.
pub(super) fn read(src: &str) -> Reading {
    let mut reading = Reading {
        raw: None,
        errors: Vec::new(),
        blanked: Vec::new(),
        tables: toml_edit::Document::parse(src).map_or_else(|_| Vec::new(), |d| tables(&d, src)),
    };
    let mut text = src.to_string();
    loop {
        match toml::from_str::<RawConfig>(&text) {
            Ok(raw) => {
                reading.raw = Some(raw);
                return reading;
            }
            Err(e) => {
                let entry = e
                    .span()
                    .filter(|_| reading.errors.len() + 1 < MAX_ERRORS)
                    .and_then(|span| entry_around(&text, span.start, &reading.tables));
                if !e.span().is_some_and(|s| reading.follows_from_blanks(&s)) {
                    reading.errors.push(e);
                }
                let Some(range) = entry else {
                    return reading;
                };
                blank(&mut text, range.clone());
                reading.blanked.push(range);
                if toml_edit::Document::parse(text.as_str()).is_err() {
                    return reading;
                }
            }
        }
    }
}

/// Replaces each character of `text[range]` but line ends with spaces of
/// the same length in bytes.
fn blank(text: &mut String, range: Range<usize>) {
    let spaces: String = text[range.clone()]
        .chars()
        .map(|c| match c {
            '\n' | '\r' => c.to_string(),
            c => " ".repeat(c.len_utf8()),
        })
        .collect();
    text.replace_range(range, &spaces);
}

/// Each table of `doc` (read from `src`) with a header, from its header to
/// the next header or the end, in the order of the text.
fn tables(doc: &toml_edit::Document<&str>, src: &str) -> Vec<Range<usize>> {
    fn headers(t: &Table, out: &mut Vec<usize>) {
        for (_, item) in t {
            let subs: Vec<&Table> = match item {
                Item::Table(sub) => vec![sub],
                Item::ArrayOfTables(a) => a.iter().collect(),
                _ => Vec::new(),
            };
            for sub in subs {
                out.extend(sub.span().map(|s| s.start));
                headers(sub, out);
            }
        }
    }
    let mut starts = Vec::new();
    headers(doc.as_table(), &mut starts);
    starts.sort_unstable();
    let ends = starts.iter().skip(1).copied().chain([src.len()]);
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// The bytes of the entry that holds byte `at` of `text`: a `key = value`
/// from its key to the end of its value, or when `at` is in a header, the
/// whole table (one of `tables`). `None` when `text` is not TOML or `at` is
/// in no entry.
fn entry_around(text: &str, at: usize, tables: &[Range<usize>]) -> Option<Range<usize>> {
    let doc = toml_edit::Document::parse(text).ok()?;
    in_table(doc.as_table(), at, tables)
}

fn in_table(t: &Table, at: usize, tables: &[Range<usize>]) -> Option<Range<usize>> {
    t.iter().find_map(|(k, item)| {
        let key = t.key(k)?;
        match item {
            Item::Value(v) => Some(key.span()?.start..v.span()?.end).filter(|r| r.contains(&at)),
            // `a.b = 1`: the whole dotted entry.
            Item::Table(sub) if sub.is_dotted() => {
                Some(key.span()?.start..body_end(sub)?).filter(|r| r.contains(&at))
            }
            Item::Table(sub) => table_entry(sub, at, tables),
            Item::ArrayOfTables(a) => a.iter().find_map(|sub| table_entry(sub, at, tables)),
            Item::None => None,
        }
    })
}

/// The table `t` when `at` is in its header; else the entry of it that
/// holds `at`. A table without a header (the `a` of `[a.b]`) has only
/// entries.
fn table_entry(t: &Table, at: usize, tables: &[Range<usize>]) -> Option<Range<usize>> {
    match t.span() {
        Some(header) if header.contains(&at) => {
            tables.iter().find(|r| r.start == header.start).cloned()
        }
        _ => in_table(t, at, tables),
    }
}

/// Where the last value of the dotted entry `t` ends.
fn body_end(t: &Table) -> Option<usize> {
    t.iter()
        .filter_map(|(_, item)| match item {
            Item::Value(v) => v.span().map(|s| s.end),
            Item::Table(sub) if sub.is_dotted() => body_end(sub),
            _ => None,
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each problem serde finds is collected, and every one points into
    /// the text as written: the entries blanked before it keep their length.
    #[test]
    fn every_wrong_key_and_type_is_found_at_its_place() {
        let src = "[me]\nnam = \"é\"\n[update]\ncadence_days = \"x\"\nbogus.deep = 1\n[[goal]]\ntitle = \"t\"\n[[goal]]\nid = \"b\"\ntitle = \"B\"\nkeywords = [\n  \"x\",\n  3,\n]\n";
        let r = read(src);
        let mut spans: Vec<Range<usize>> =
            r.errors.iter().filter_map(toml::de::Error::span).collect();
        spans.sort_by_key(|s| s.start);
        let found: Vec<&str> = spans.into_iter().map(|s| &src[s]).collect();
        assert_eq!(found, ["nam", "\"x\"", "bogus", "[[goal]]", "3"]);
        let raw = r.raw.expect("read past every problem");
        assert_eq!(raw.goal.len(), 1, "the goal without an id is left out");
        assert!(raw.goal[0].keywords.is_none(), "the bad entry is left out");
    }

    /// The whole of a table is left out when the problem is the table's;
    /// a key misspelt in it does not also make it one that lacks the key.
    #[test]
    fn a_table_missing_a_misspelt_key_is_one_problem() {
        let src = "[[source]]\nname = \"gh\"\ncomand = \"x\"\n\n[[source]]\nname = \"b\"\n";
        let r = read(src);
        let found: Vec<&str> = r.errors.iter().map(|e| &src[e.span().unwrap()]).collect();
        assert_eq!(
            found,
            ["comand", "[[source]]"],
            "the second lacks `command` of its own"
        );
        assert!(r.raw.is_some_and(|raw| raw.source.is_empty()));
    }

    #[test]
    fn a_syntax_error_ends_the_reading() {
        let r = read("[update]\ncadence_days = \"x\"\n[me\n");
        assert_eq!(r.errors.len(), 1);
        assert!(r.raw.is_none());
    }

    /// A file of many bad keys stops at [`MAX_ERRORS`].
    #[test]
    fn the_problems_are_counted_up_to_a_limit() {
        let src: String = (0..80).map(|i| format!("bad{i} = 1\n")).collect();
        let r = read(&src);
        assert_eq!(r.errors.len(), MAX_ERRORS);
        assert!(r.raw.is_none());
    }
}
