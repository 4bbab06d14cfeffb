//! The TOML front matter between `+++` lines: read it, write a new one, and
//! update its machine fields in place (toml_edit) so that keys and comments
//! the person added survive.

use std::ops::Range;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use toml_edit::{DocumentMut, Item, Value};

use super::DocError;

/// Whether the update went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    /// `icu send` handed (or was about to hand) the mail to the mail
    /// program and did not get to mark it sent: it may have been delivered.
    /// Written, and made durable, before the mail program starts; `sending`
    /// says when.
    Sending,
    Sent,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sending => "sending",
            Status::Sent => "sent",
        }
    }
}

/// The machine fields of an update's front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub date: NaiveDate,
    pub since: DateTime<FixedOffset>,
    pub until: DateTime<FixedOffset>,
    /// When the activity was last computed: the activity covers
    /// `[since, min(until, scanned))`, and the next period starts there
    /// (see `period`, "The period rule"). Absent in updates written
    /// before icu recorded it.
    pub scanned: Option<DateTime<FixedOffset>>,
    pub status: Status,
    /// When it was marked sent.
    pub sent: Option<DateTime<FixedOffset>>,
    /// When `icu send` began the send still under way (`status =
    /// "sending"`).
    pub sending: Option<DateTime<FixedOffset>>,
    /// The block keys icu has offered in this doc (goal ids and `other`), so
    /// that a refresh can tell a new goal from a section the person deleted.
    pub goals: Vec<String>,
    /// Per block key, the [`block_hash`] of what icu last wrote in the block,
    /// in document order, so that a refresh can tell the person's edits in
    /// a block from icu's own text. Empty in updates written before icu
    /// recorded it; a block without a hash is refreshed unchecked.
    pub blocks: Vec<(String, String)>,
}

impl FrontMatter {
    /// Every block key the front matter says the body holds: the goals icu
    /// offered and the blocks it recorded.
    pub fn listed_keys(&self) -> Vec<&str> {
        self.goals
            .iter()
            .map(String::as_str)
            .chain(self.blocks.iter().map(|(k, _)| k.as_str()))
            .collect()
    }

    /// The recorded hash of block `key`, if any.
    pub fn block_hash(&self, key: &str) -> Option<&str> {
        self.blocks
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, h)| h.as_str())
    }
}

/// What icu records of a block's content: FNV-1a 64 (a fixed, published
/// function, the same on every platform and Rust version) of the content
/// with its line endings made `\n`, as 16 hex digits. A CRLF doc and its
/// LF copy have the same hashes. It tells an edit from icu's own text; it is
/// no defence against someone forging a collision, nor needs to be.
pub fn block_hash(content: &str) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    let mut rest = content;
    while let Some(i) = rest.find('\r') {
        h.write(&rest.as_bytes()[..i]);
        h.write(b"\n");
        rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
    }
    h.write(rest.as_bytes());
    format!("{:016x}", h.finish())
}

/// Where the front matter is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The TOML between the `+++` lines.
    pub toml: Range<usize>,
    /// Where the body starts (after the closing `+++` line).
    pub body: usize,
    /// The file's line ending, taken from the opening `+++` line.
    pub crlf: bool,
}

const BOM: &str = "\u{feff}";

/// Finds the front matter without parsing it.
pub fn layout(text: &str) -> Result<Layout, DocError> {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let rest = &text[start..];
    let (first, crlf) = if rest.starts_with("+++\r\n") {
        (5, true)
    } else if rest.starts_with("+++\n") {
        (4, false)
    } else {
        return Err(DocError::FrontMatter {
            line: 1,
            message: "an update starts with a `+++` line, then TOML (date, since, until, status), then `+++`; this file does not".into(),
        });
    };
    let toml_start = start + first;
    let mut pos = toml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']);
        if line == "+++" {
            return Ok(Layout {
                toml: toml_start..pos,
                body: end,
                crlf,
            });
        }
        pos = end;
    }
    Err(DocError::FrontMatter {
        line: 1,
        message: "the `+++` front matter is never closed; add a `+++` line after it".into(),
    })
}

/// Reads the front matter: its fields, the TOML's byte range and where the
/// body starts.
pub fn split(text: &str) -> Result<(FrontMatter, Range<usize>, usize), DocError> {
    let l = layout(text)?;
    let fm = parse(text, &l)?;
    Ok((fm, l.toml, l.body))
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse(text: &str, l: &Layout) -> Result<FrontMatter, DocError> {
    let src = &text[l.toml.clone()];
    let err = |offset: usize, message: String| DocError::FrontMatter {
        line: line_at(text, l.toml.start + offset),
        message,
    };
    let doc = toml_edit::Document::parse(src).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        err(at, format!("not valid TOML: {}", e.message()))
    })?;
    let span_of = |key: &str| {
        doc.as_table()
            .get(key)
            .and_then(|i| i.as_value())
            .and_then(|v| v.span())
            .map_or(0, |s| s.start)
    };
    let text_of = |key: &str| -> Option<String> {
        let v = doc.get(key)?.as_value()?;
        match v {
            Value::String(s) => Some(s.value().clone()),
            Value::Datetime(d) => Some(d.value().to_string()),
            _ => None,
        }
    };
    let missing = |key: &str| err(0, format!("`{key}` is missing"));

    let date_s = text_of("date").ok_or_else(|| missing("date"))?;
    let date = NaiveDate::parse_from_str(&date_s, "%Y-%m-%d").map_err(|_| {
        err(
            span_of("date"),
            format!("date `{date_s}` is not YYYY-MM-DD"),
        )
    })?;
    let time = |key: &str| -> Result<Option<DateTime<FixedOffset>>, DocError> {
        let Some(s) = text_of(key) else {
            return match doc.get(key) {
                None => Ok(None),
                Some(_) => Err(err(span_of(key), format!("`{key}` is not a date-time"))),
            };
        };
        DateTime::parse_from_rfc3339(&s).map(Some).map_err(|_| {
            err(
                span_of(key),
                format!("`{key}` = `{s}` is not an RFC 3339 time such as 2026-11-09T00:00:00Z"),
            )
        })
    };
    let since = time("since")?.ok_or_else(|| missing("since"))?;
    let until = time("until")?.ok_or_else(|| missing("until"))?;
    let sent = time("sent")?;
    let sending = time("sending")?;
    let scanned = time("scanned")?;
    let status = match text_of("status").as_deref() {
        None | Some("draft") => Status::Draft,
        Some("sent") => Status::Sent,
        Some("sending") => Status::Sending,
        Some(other) => {
            return Err(err(
                span_of("status"),
                format!("status `{other}` is not \"draft\", \"sending\" or \"sent\""),
            ))
        }
    };
    let goals = match doc.get("goals") {
        None => Vec::new(),
        Some(item) => item
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .ok_or_else(|| err(span_of("goals"), "`goals` is not a list of ids".into()))?,
    };
    let blocks = match doc.get("blocks") {
        None => Vec::new(),
        Some(item) => hashes(item).ok_or_else(|| {
            err(
                doc.as_table()
                    .key("blocks")
                    .and_then(toml_edit::Key::span)
                    .map_or(0, |s| s.start),
                "`blocks` is icu's record of what it wrote in each activity block, a table such as { other = \"0123456789abcdef\" }; this one is not. Restore it, or delete the line: icu then refreshes the blocks without checking them for your edits".into(),
            )
        })?,
    };
    Ok(FrontMatter {
        date,
        since,
        until,
        scanned,
        status,
        sent,
        sending,
        goals,
        blocks,
    })
}

/// The `blocks` table's keys and string values, in order; `None` if it is
/// not a table of strings.
fn hashes(item: &Item) -> Option<Vec<(String, String)>> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    match item {
        Item::Table(t) => t
            .iter()
            .map(|(k, v)| Some((k.to_string(), text(v.as_value()?)?)))
            .collect(),
        Item::Value(Value::InlineTable(t)) => t
            .iter()
            .map(|(k, v)| Some((k.to_string(), text(v)?)))
            .collect(),
        _ => None,
    }
}

fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A new front matter block, `+++` lines included.
pub fn render(fm: &FrontMatter) -> String {
    let goals: Vec<String> = fm
        .goals
        .iter()
        .map(|g| Value::from(g.as_str()).to_string().trim().to_string())
        .collect();
    let mut out = format!(
        "+++\ndate = {}\nsince = {}\nuntil = {}",
        fm.date,
        rfc3339(fm.since),
        rfc3339(fm.until),
    );
    if let Some(s) = fm.scanned {
        out.push_str(&format!("\nscanned = {}", rfc3339(s)));
    }
    out.push_str(&format!("\nstatus = \"{}\"", fm.status.as_str()));
    if let Some(s) = fm.sent {
        out.push_str(&format!("\nsent = {}", rfc3339(s)));
    }
    if let Some(s) = fm.sending {
        out.push_str(&format!("\nsending = {}", rfc3339(s)));
    }
    out.push_str(&format!("\ngoals = [{}]", goals.join(", ")));
    if !fm.blocks.is_empty() {
        out.push_str(&format!("\nblocks = {}", hash_table(&fm.blocks)));
    }
    out.push_str("\n+++\n");
    out
}

/// `{ key = "hash", … }`, keys quoted only where TOML needs it.
fn hash_table(blocks: &[(String, String)]) -> Value {
    let mut t = toml_edit::InlineTable::new();
    for (k, h) in blocks {
        t.insert(k, Value::from(h.as_str()));
    }
    t.fmt();
    Value::InlineTable(t)
}

/// Sets `status = "sent"` and `sent = WHEN`, keeping everything else but
/// the record of a send under way (`sending`), which it removes.
pub fn mark_sent(text: &str, when: DateTime<FixedOffset>) -> Result<String, DocError> {
    edit(text, |doc| {
        set(doc, "status", Value::from("sent"));
        set(doc, "sent", datetime(when));
        doc.remove("sending");
    })
}

/// Records a send under way: `status = "sending"`, `sending = WHEN` and
/// `message_id = ID` (the Message-ID the mail goes out with), keeping
/// everything else. `icu send` writes it before the mail program starts.
pub fn mark_sending(text: &str, when: DateTime<FixedOffset>, id: &str) -> Result<String, DocError> {
    edit(text, |doc| {
        set(doc, "status", Value::from("sending"));
        set_after(doc, "sending", datetime(when), "status");
        set(doc, MESSAGE_ID, Value::from(id));
    })
}

/// Makes an update whose send was under way a draft again (`icu sent
/// --undo`): `status = "draft"`, without `sending`. The Message-ID stays
/// recorded; the next send gives the mail a new one.
pub fn unmark_sending(text: &str) -> Result<String, DocError> {
    edit(text, |doc| {
        set(doc, "status", Value::from("draft"));
        doc.remove("sending");
    })
}

/// The front matter key that holds the Message-ID of the update's mail.
const MESSAGE_ID: &str = "message_id";

/// The Message-ID (without angle brackets) recorded for the update's mail
/// when it was first exported as an `.eml` or sent, if one was: the next
/// export or send of it uses the same, and the next update replies to it.
/// A value that is not a Message-ID is an error naming its line.
pub fn message_id(text: &str) -> Result<Option<String>, DocError> {
    let l = layout(text)?;
    let src = &text[l.toml.clone()];
    let doc = toml_edit::Document::parse(src).map_err(|e| DocError::FrontMatter {
        line: line_at(text, l.toml.start + e.span().map_or(0, |s| s.start)),
        message: format!("not valid TOML: {}", e.message()),
    })?;
    let Some(item) = doc.get(MESSAGE_ID) else {
        return Ok(None);
    };
    let line = line_at(
        text,
        l.toml.start
            + doc
                .as_table()
                .key(MESSAGE_ID)
                .and_then(toml_edit::Key::span)
                .map_or(0, |s| s.start),
    );
    let value = item.as_str().map(str::trim);
    let id = value.map(|v| {
        v.strip_prefix('<')
            .and_then(|v| v.strip_suffix('>'))
            .unwrap_or(v)
    });
    match id {
        Some(id) if crate::address::is_message_id(id) => Ok(Some(id.to_string())),
        _ => Err(DocError::FrontMatter {
            line,
            message: format!(
                "`{MESSAGE_ID}` is the Message-ID icu gave this update's mail, a string such as \"icu.2026-11-24.0123456789abcdef@example.com\"; {}. Restore it, or delete the line: icu then gives the mail a new one",
                match value {
                    Some(v) => format!("`{v}` is not one"),
                    None => "this one is not a string".to_string(),
                }
            ),
        }),
    }
}

/// Records `id` as the Message-ID of the update's mail ([`message_id`]),
/// keeping everything else.
pub fn set_message_id(text: &str, id: &str) -> Result<String, DocError> {
    edit(text, |doc| set(doc, MESSAGE_ID, Value::from(id)))
}

/// The front matter key of the items from sources beside git an update
/// lists ([`listed_items`]).
const ITEMS: &str = "items";

/// The items from the sources beside git (notes, `[[source]]` commands)
/// the update lists, each as `source:id`: icu's record of them, so that an
/// item a sent update lists is never listed again, whatever time its
/// source gives it later (an issue closed, reopened and closed again).
/// Empty when the update lists none, or was written before icu recorded
/// them.
pub fn listed_items(text: &str) -> Result<Vec<String>, DocError> {
    strings(
        text,
        ITEMS,
        "icu's record of the notes and source items this update lists, a list of strings such as [\"notes:n3\"]; this one is not. Restore it, or delete the line: an item it held may then be listed again",
    )
}

/// Records `items` as those the update lists ([`listed_items`]); removes
/// the record when there are none.
pub fn set_listed_items(text: &str, items: &[String]) -> Result<String, DocError> {
    set_strings(text, ITEMS, items)
}

/// The front matter key of what the update may be missing ([`incomplete`]).
const INCOMPLETE: &str = "incomplete";

/// The sources whose items the update may be missing, each as `name: why`
/// (`jira: the command exited with 3`): when it was last refreshed, they
/// failed. `icu check` names them, and `icu send` asks about them: once
/// sent, what they missed is gone from the record.
pub fn incomplete(text: &str) -> Result<Vec<String>, DocError> {
    strings(
        text,
        INCOMPLETE,
        "icu's record of the sources that failed when this update was last refreshed, a list of strings; this one is not. Refresh the update (`icu draft`) to write it again",
    )
}

/// Records the sources that failed ([`incomplete`]); removes the record
/// when none did.
pub fn set_incomplete(text: &str, parts: &[String]) -> Result<String, DocError> {
    set_strings(text, INCOMPLETE, parts)
}

/// The list of strings under `key` in the front matter; empty when absent;
/// an error saying it is `what` when it is not a list of strings.
fn strings(text: &str, key: &str, what: &str) -> Result<Vec<String>, DocError> {
    let l = layout(text)?;
    let src = &text[l.toml.clone()];
    let doc = toml_edit::Document::parse(src).map_err(|e| DocError::FrontMatter {
        line: line_at(text, l.toml.start + e.span().map_or(0, |s| s.start)),
        message: format!("not valid TOML: {}", e.message()),
    })?;
    let Some(item) = doc.get(key) else {
        return Ok(Vec::new());
    };
    let list: Option<Vec<String>> = item
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
    list.ok_or_else(|| DocError::FrontMatter {
        line: line_at(
            text,
            l.toml.start
                + doc
                    .as_table()
                    .key(key)
                    .and_then(toml_edit::Key::span)
                    .map_or(0, |s| s.start),
        ),
        message: format!("`{key}` is {what}"),
    })
}

/// Sets `key` to the list `values`, or removes it when there are none.
fn set_strings(text: &str, key: &str, values: &[String]) -> Result<String, DocError> {
    edit(text, |doc| {
        if values.is_empty() {
            doc.remove(key);
            return;
        }
        let mut a = toml_edit::Array::new();
        for v in values {
            a.push(v.as_str());
        }
        set(doc, key, Value::Array(a));
    })
}

/// Updates the period, the moment of the scan, the offered keys and the
/// hashes of the blocks after a refresh.
pub fn update_period(
    text: &str,
    since: DateTime<FixedOffset>,
    until: DateTime<FixedOffset>,
    scanned: Option<DateTime<FixedOffset>>,
    goals: &[String],
    blocks: &[(String, String)],
) -> Result<String, DocError> {
    edit(text, |doc| {
        if !blocks.is_empty() {
            set(doc, "blocks", hash_table(blocks));
        }
        set(doc, "since", datetime(since));
        set(doc, "until", datetime(until));
        if let Some(s) = scanned {
            set_after(doc, "scanned", datetime(s), "until");
        }
        let mut a = toml_edit::Array::new();
        for g in goals {
            a.push(g.as_str());
        }
        set(doc, "goals", Value::Array(a));
    })
}

fn datetime(t: DateTime<FixedOffset>) -> Value {
    match toml_edit::Datetime::from_str(&rfc3339(t)) {
        Ok(d) => Value::from(d),
        Err(_) => Value::from(rfc3339(t)),
    }
}

/// Sets `key` unless it already holds an equal value, keeping the comments
/// around the old value.
fn set(doc: &mut DocumentMut, key: &str, mut value: Value) {
    match doc.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            if same(old, &value) {
                return;
            }
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        None => {
            doc.insert(key, Item::Value(value));
        }
    }
}

/// Like [`set`], but a new key goes right after `after` rather than at the
/// end, so that an older update gains `scanned` beside its period.
fn set_after(doc: &mut DocumentMut, key: &str, value: Value, after: &str) {
    if doc.contains_key(key) || !doc.contains_key(after) {
        set(doc, key, value);
        return;
    }
    let table = doc.as_table_mut();
    let entries: Vec<(String, Item)> = table
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let decors: Vec<_> = table
        .iter()
        .map(|(k, _)| table.key(k).map(|k| k.leaf_decor().clone()))
        .collect();
    table.clear();
    for ((k, v), decor) in entries.into_iter().zip(decors) {
        let is_after = k == after;
        table.insert(&k, v);
        if let (Some(d), Some(mut km)) = (decor, table.key_mut(&k)) {
            *km.leaf_decor_mut() = d;
        }
        if is_after {
            table.insert(key, Item::Value(value.clone()));
        }
    }
}

/// Whether two values mean the same: equal instants, equal string lists,
/// inline tables with the same keys and values in any order, or the same
/// TOML spelling.
fn same(a: &Value, b: &Value) -> bool {
    let instant = |v: &Value| match v {
        Value::Datetime(d) => DateTime::parse_from_rfc3339(&d.value().to_string()).ok(),
        _ => None,
    };
    let list = |v: &Value| {
        v.as_array().map(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
    };
    match (instant(a), instant(b)) {
        (Some(x), Some(y)) => return x == y,
        (None, None) => {}
        _ => return false,
    }
    match (list(a), list(b)) {
        (Some(x), Some(y)) => return x == y,
        (None, None) => {}
        _ => return false,
    }
    let table = |v: &Value| {
        v.as_inline_table().map(|t| {
            t.iter()
                .map(|(k, v)| (k.to_string(), v.as_str().map(str::to_string)))
                .collect::<std::collections::BTreeMap<_, _>>()
        })
    };
    match (table(a), table(b)) {
        (Some(x), Some(y)) => return x == y,
        (None, None) => {}
        _ => return false,
    }
    a.to_string().trim() == b.to_string().trim()
}

/// Applies `f` to the front matter and returns the whole new text. The rest
/// of the text is copied unchanged.
fn edit(text: &str, f: impl FnOnce(&mut DocumentMut)) -> Result<String, DocError> {
    let l = layout(text)?;
    parse(text, &l)?;
    let src = text[l.toml.clone()].replace("\r\n", "\n");
    let mut doc = DocumentMut::from_str(&src).map_err(|e| DocError::FrontMatter {
        line: 2,
        message: format!("not valid TOML: {}", e.message()),
    })?;
    f(&mut doc);
    let mut toml = doc.to_string();
    if !toml.is_empty() && !toml.ends_with('\n') {
        toml.push('\n');
    }
    let toml = with_old_line_endings(&text[l.toml.clone()], &toml, l.crlf);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..l.toml.start]);
    out.push_str(&toml);
    out.push_str(&text[l.toml.end..]);
    Ok(out)
}

/// `new` (LF-only TOML) with each line ending as the same line had it in
/// `old`: a line the person wrote keeps its `\n` or `\r\n` even in a front
/// matter that mixes them; a line icu added or changed gets the doc's own
/// ending (`crlf`).
fn with_old_line_endings(old: &str, new: &str, crlf: bool) -> String {
    use std::collections::{HashMap, VecDeque};
    let mut endings: HashMap<&str, VecDeque<&str>> = HashMap::new();
    for line in old.split_inclusive('\n') {
        let (content, ending) = match line.strip_suffix("\r\n") {
            Some(c) => (c, "\r\n"),
            None => (line.strip_suffix('\n').unwrap_or(line), "\n"),
        };
        endings.entry(content).or_default().push_back(ending);
    }
    let default = if crlf { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(new.len() + 16);
    for line in new.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(content);
        if line.ends_with('\n') {
            let ending = endings
                .get_mut(content)
                .and_then(VecDeque::pop_front)
                .unwrap_or(default);
            out.push_str(ending);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_the_person_added_keep_their_own_line_endings() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        // A CRLF doc with one LF line the person added, and the other way.
        let crlf = "+++\r\ndate = 2026-11-23\r\nsince = 2026-11-09T00:00:00Z\r\nuntil = 2026-11-24T00:00:00Z\r\nnote = \"mine\"\n# a comment\n+++\r\nbody\r\n";
        let out = mark_sent(crlf, t("2026-11-24T09:00:00Z")).unwrap();
        assert!(out.contains("note = \"mine\"\n"), "{out:?}");
        assert!(out.contains("# a comment\n+++"), "{out:?}");
        assert!(out.contains("date = 2026-11-23\r\n"), "{out:?}");
        assert!(out.contains("sent = 2026-11-24T09:00:00Z\r\n"), "{out:?}");
        let lf = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\r\nnote = \"mine\"\r\n+++\nbody\n";
        let out = mark_sent(lf, t("2026-11-24T09:00:00Z")).unwrap();
        assert!(
            out.contains("until = 2026-11-24T00:00:00Z\r\nnote = \"mine\"\r\n"),
            "{out:?}"
        );
        assert!(out.contains("sent = 2026-11-24T09:00:00Z\n"), "{out:?}");
        assert!(out.ends_with("+++\nbody\n"));
    }

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn fm() -> FrontMatter {
        FrontMatter {
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            since: t("2026-11-09T00:00:00Z"),
            until: t("2026-11-24T00:00:00+01:00"),
            scanned: Some(t("2026-11-23T18:00:00+01:00")),
            status: Status::Draft,
            sent: None,
            sending: None,
            goals: vec!["a".into(), "other".into()],
            blocks: vec![
                ("a".into(), block_hash("- x\n")),
                ("other".into(), block_hash("")),
            ],
        }
    }

    #[test]
    fn an_older_update_gains_scanned_beside_its_period_and_keeps_its_comments() {
        let old = "+++\n# my note\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z # end\nstatus = \"draft\"\ngoals = [\"other\"]\n+++\nbody\n";
        let out = update_period(
            old,
            t("2026-11-09T00:00:00Z"),
            t("2026-11-24T00:00:00Z"),
            Some(t("2026-11-23T10:00:00Z")),
            &["other".to_string()],
            &[],
        )
        .unwrap();
        assert_eq!(
            out,
            "+++\n# my note\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z # end\nscanned = 2026-11-23T10:00:00Z\nstatus = \"draft\"\ngoals = [\"other\"]\n+++\nbody\n"
        );
        assert_eq!(
            split(&out).unwrap().0.scanned,
            Some(t("2026-11-23T10:00:00Z"))
        );
    }

    #[test]
    fn render_then_split_round_trips() {
        let text = format!("{}# body\n", render(&fm()));
        assert!(text.starts_with("+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\n"));
        let (back, _, body) = split(&text).unwrap();
        assert_eq!(back, fm());
        assert_eq!(&text[body..], "# body\n");
    }

    #[test]
    fn a_send_under_way_is_recorded_then_marked_sent_or_undone() {
        let text = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nstatus = \"draft\"\nmood = \"good\"\n+++\nbody\n";
        let sending = mark_sending(text, t("2026-11-24T17:00:00Z"), "a@b").unwrap();
        assert!(
            sending.contains("status = \"sending\"\nsending = 2026-11-24T17:00:00Z\n"),
            "{sending}"
        );
        let (f, _, _) = split(&sending).unwrap();
        assert_eq!(f.status, Status::Sending);
        assert_eq!(f.sending, Some(t("2026-11-24T17:00:00Z")));
        assert_eq!(message_id(&sending).unwrap().as_deref(), Some("a@b"));
        let sent = mark_sent(&sending, t("2026-11-24T17:00:01Z")).unwrap();
        let (f, _, _) = split(&sent).unwrap();
        assert_eq!((f.status, f.sending), (Status::Sent, None));
        assert!(sent.contains("mood = \"good\"") && sent.ends_with("+++\nbody\n"));
        let undone = unmark_sending(&sending).unwrap();
        let (f, _, _) = split(&undone).unwrap();
        assert_eq!((f.status, f.sending), (Status::Draft, None));
        assert_eq!(message_id(&undone).unwrap().as_deref(), Some("a@b"));
    }

    #[test]
    fn mark_sent_keeps_user_keys_comments_and_crlf() {
        let text = "\u{feff}+++\r\ndate = 2026-11-23\r\nsince = 2026-11-09T00:00:00Z\r\nuntil = 2026-11-24T00:00:00Z\r\nstatus = \"draft\"  # draft | sent\r\nmood = \"good\"\r\n+++\r\nbody\r\n";
        let out = mark_sent(text, t("2026-11-24T17:00:00Z")).unwrap();
        assert!(out.starts_with("\u{feff}+++\r\n"));
        assert!(
            out.contains("status = \"sent\"  # draft | sent\r\n"),
            "{out}"
        );
        assert!(out.contains("mood = \"good\"\r\n"));
        assert!(out.contains("sent = 2026-11-24T17:00:00Z\r\n"));
        assert!(out.ends_with("+++\r\nbody\r\n"));
        let (f, _, _) = split(&out).unwrap();
        assert_eq!(f.status, Status::Sent);
        assert_eq!(f.sent, Some(t("2026-11-24T17:00:00Z")));
    }

    #[test]
    fn bad_front_matter_names_the_line() {
        assert!(matches!(
            split("# no front matter\n"),
            Err(DocError::FrontMatter { line: 1, .. })
        ));
        assert!(matches!(
            split("+++\ndate = 2026-11-23\n"),
            Err(DocError::FrontMatter { .. })
        ));
        let bad =
            "+++\ndate = 2026-11-23\nsince = \"yesterday\"\nuntil = 2026-11-24T00:00:00Z\n+++\n";
        assert!(
            matches!(split(bad), Err(DocError::FrontMatter { line: 3, .. })),
            "{:?}",
            split(bad)
        );
        let syntax = "+++\ndate = 2026-11-23\nsince = = 1\n+++\n";
        assert!(matches!(
            split(syntax),
            Err(DocError::FrontMatter { line: 3, .. })
        ));
        let status = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nstatus = \"gone\"\n+++\n";
        assert!(matches!(
            split(status),
            Err(DocError::FrontMatter { line: 5, .. })
        ));
    }

    #[test]
    fn unchanged_values_keep_their_spelling() {
        let text = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00+00:00\nuntil = 2026-11-24T00:00:00Z\ngoals = [\"a\"]\n+++\n";
        let out = update_period(
            text,
            t("2026-11-09T00:00:00Z"),
            t("2026-11-24T00:00:00Z"),
            None,
            &["a".into()],
            &[],
        )
        .unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn block_hashes_are_fnv1a_64_of_lf_text() {
        // The published FNV-1a 64 test vectors: the hash cannot drift.
        assert_eq!(block_hash(""), "cbf29ce484222325");
        assert_eq!(block_hash("a"), "af63dc4c8601ec8c");
        assert_eq!(block_hash("foobar"), "85944171f73967e8");
        let lf = "- 1 commit in r\n  - x (abc1234)\n";
        assert_eq!(block_hash(lf), block_hash(&lf.replace('\n', "\r\n")));
        assert_eq!(block_hash(lf), block_hash(&lf.replace('\n', "\r")));
        assert_ne!(block_hash(lf), block_hash(&lf.replace("x", "y")));
    }

    #[test]
    fn render_writes_the_block_hashes_as_an_inline_table() {
        let text = render(&fm());
        assert!(
            text.ends_with(&format!(
                "goals = [\"a\", \"other\"]\nblocks = {{ a = \"{}\", other = \"{}\" }}\n+++\n",
                block_hash("- x\n"),
                block_hash("")
            )),
            "{text}"
        );
        assert_eq!(
            split(&text).unwrap().0.block_hash("other"),
            Some("cbf29ce484222325")
        );
    }

    #[test]
    fn an_older_update_gains_blocks_and_equal_hashes_keep_their_spelling() {
        let old = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\ngoals = [\"a\"]\n+++\n";
        let hashes = [("a".to_string(), "0123456789abcdef".to_string())];
        let since = t("2026-11-09T00:00:00Z");
        let until = t("2026-11-24T00:00:00Z");
        let out = update_period(old, since, until, None, &["a".into()], &hashes).unwrap();
        assert!(
            out.ends_with("goals = [\"a\"]\nblocks = { a = \"0123456789abcdef\" }\n+++\n"),
            "{out}"
        );
        let spelled = out.replace(
            "{ a = \"0123456789abcdef\" }",
            "{a=\"0123456789abcdef\"} # icu's",
        );
        assert_eq!(
            update_period(&spelled, since, until, None, &["a".into()], &hashes).unwrap(),
            spelled
        );
    }

    #[test]
    fn the_message_id_is_recorded_once_and_read_back() {
        let text = format!("{}body\n", render(&fm()));
        assert_eq!(message_id(&text).unwrap(), None);
        let id = "icu.2026-11-23.0123456789abcdef@example.com";
        let with = set_message_id(&text, id).unwrap();
        assert!(
            with.contains(&format!("\nmessage_id = \"{id}\"\n+++\nbody\n")),
            "{with}"
        );
        assert_eq!(message_id(&with).unwrap().as_deref(), Some(id));
        assert_eq!(set_message_id(&with, id).unwrap(), with, "unchanged");
        // The rest of the front matter reads as before.
        assert_eq!(split(&with).unwrap().0, fm());
        // Marking it sent keeps it.
        let sent = mark_sent(&with, t("2026-11-24T09:00:00Z")).unwrap();
        assert_eq!(message_id(&sent).unwrap().as_deref(), Some(id));
        // Written by hand in angle brackets, it is the same id.
        let bracketed = with.replace(&format!("\"{id}\""), &format!("\"<{id}>\""));
        assert_eq!(message_id(&bracketed).unwrap().as_deref(), Some(id));
    }

    #[test]
    fn a_message_id_that_is_not_one_names_its_line() {
        let base =
            "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\n";
        for bad in [
            "message_id = 5",
            "message_id = \"no at sign\"",
            "message_id = \"a@b>\\r\\nBcc: evil@example.com\"",
            "message_id = \"a b@c\"",
        ] {
            let text = format!("{base}{bad}\n+++\nbody\n");
            let e = message_id(&text).unwrap_err();
            assert_eq!(e.line(), 5, "{bad}: {e}");
            assert!(e.to_string().contains("delete the line"), "{e}");
        }
    }

    #[test]
    fn a_blocks_key_that_is_not_a_table_of_strings_names_its_line() {
        let text = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nblocks = { a = 1 }\n+++\n";
        assert!(
            matches!(split(text), Err(DocError::FrontMatter { line: 5, .. })),
            "{:?}",
            split(text)
        );
    }
}
