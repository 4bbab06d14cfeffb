//! A commit message's trailers (`Reviewed-by: Name <addr>`), found as
//! `git log --format=%(trailers)` finds them: a port of git 2.47's
//! `trailer.c` (`find_end_of_log_message` with `no_divider`, as
//! `%(trailers)` calls it; `find_trailer_block_start`; continuation lines;
//! `#` comment lines), so that what icu credits is what git shows. Checked
//! against `git log --all --format='%(trailers:only,unfold)'` on every
//! commit of git.git: the same trailers, but for a non-UTF-8 name shown
//! lossily (BENCHMARKS.md, "Measurements behind design decisions").
//!
//! The rule, in git's words: the trailer block is the last paragraph of the
//! message (the title paragraph never is) when its lines are all trailers,
//! or when at least one is git-generated (`Signed-off-by: `, `(cherry picked
//! from commit `) and at least a quarter are trailers. A trailer line is a
//! token of letters, digits and `-`, optional blanks, then `:`; a line that
//! starts with a blank continues the trailer above it. Trailing blank lines,
//! `#` comment lines, an old `Conflicts:` block and everything below a
//! scissors line are not part of the message. Unlike `git interpret-trailers`
//! on a patch, `%(trailers)` does not stop at a `---` line, and neither does
//! this. libgit2's `git_message_trailers` is an older port that does stop
//! there, which is why icu has its own.
//!
//! Pure: bytes in, `(key, value)` pairs out. Values are unfolded (a
//! continuation joined with one space) and trimmed, as with
//! `%(trailers:unfold)`. A `core.commentChar` other than `#` is not read.

/// Lines that make a paragraph a trailer block with fewer trailers.
const GIT_GENERATED: [&[u8]; 2] = [b"Signed-off-by: ", b"(cherry picked from commit "];

/// What `git commit -v` writes above the diff it shows (with the default
/// comment character).
const CUT_LINE: &[u8] = b"\n# ------------------------ >8 ------------------------\n";

/// git's `isspace`: no vertical tab or form feed.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where the line after the one starting at `i` starts (or the end).
fn next_line(s: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &s[i..]).map_or(s.len(), |n| i + n + 1)
}

/// Whether the line starting at `i` holds only blanks.
fn is_blank_line(s: &[u8], i: usize) -> bool {
    s[i..]
        .iter()
        .take_while(|&&b| b != b'\n')
        .all(|&b| is_space(b))
}

/// The start of the last line of `s[..len]`; `None` when `len` is 0.
fn last_line(s: &[u8], len: usize) -> Option<usize> {
    match len {
        0 => None,
        1 => Some(0),
        _ => Some(memchr::memrchr(b'\n', &s[..len - 1]).map_or(0, |i| i + 1)),
    }
}

/// The position of the `:` in `<token><blanks>:`, the line starting at
/// `i`; `None` when the line is not of that form (0 when it starts with `:`).
fn find_separator(s: &[u8], i: usize) -> Option<usize> {
    let mut blank_seen = false;
    for (n, &c) in s[i..].iter().enumerate() {
        if c == b':' {
            return Some(n);
        }
        if !blank_seen && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if n > 0 && (c == b' ' || c == b'\t') {
            blank_seen = true;
            continue;
        }
        break;
    }
    None
}

/// Where a `git commit -v` scissors line cuts `s[..len]`: the first line
/// of `s` that is one (git's `strstr` for `\n` + the line).
fn locate_end(s: &[u8], len: usize) -> usize {
    let line = &CUT_LINE[1..];
    if s.starts_with(line) {
        return 0;
    }
    // The first line that is the cut line: the first newline it follows.
    // One searcher for every message: building it is most of a search.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(CUT_LINE));
    match FINDER.find(s) {
        Some(n) => len.min(n + 1),
        None => len,
    }
}

/// How many bytes at the end of `s[..len]` are not message: trailing
/// comment and blank lines, an old `Conflicts:` block, the scissors part.
fn ignored_bytes(s: &[u8], len: usize) -> usize {
    let cutoff = locate_end(s, len);
    let (mut boc, mut bol, mut conflicts) = (0, 0, false);
    while bol < cutoff {
        let next = memchr::memchr(b'\n', &s[bol..len]).map_or(len, |n| bol + n + 1);
        if s[bol] == b'#' || s[bol] == b'\n' {
            if boc == 0 {
                boc = bol;
            }
        } else if s[bol..].starts_with(b"Conflicts:\n") {
            conflicts = true;
            if boc == 0 {
                boc = bol;
            }
        } else if conflicts && s[bol] == b'\t' {
            // A path in the conflicts block.
        } else if boc != 0 {
            boc = 0;
            conflicts = false;
        }
        bol = next;
    }
    if boc != 0 {
        len - boc
    } else {
        len - cutoff
    }
}

/// Where the trailer block of `s[..len]` starts; `len` when there is none.
fn block_start(s: &[u8], len: usize) -> usize {
    // The first paragraph is the title and cannot be trailers.
    let mut at = 0;
    while at < len {
        if s[at] != b'#' && is_blank_line(s, at) {
            break;
        }
        at = next_line(s, at);
    }
    let end_of_title = at;
    let (mut only_spaces, mut recognized) = (true, false);
    let (mut trailers, mut others, mut continuations) = (0usize, 0usize, 0usize);
    let mut line = last_line(s, len);
    while let Some(bol) = line.filter(|&l| l >= end_of_title) {
        line = last_line(s, bol);
        if s[bol] == b'#' {
            others += continuations;
            continuations = 0;
            continue;
        }
        if is_blank_line(s, bol) {
            if only_spaces {
                continue;
            }
            others += continuations;
            if (recognized && trailers * 3 >= others) || (trailers > 0 && others == 0) {
                return next_line(s, bol);
            }
            return len;
        }
        only_spaces = false;
        if GIT_GENERATED.iter().any(|p| s[bol..].starts_with(p)) {
            trailers += 1;
            continuations = 0;
            recognized = true;
            continue;
        }
        if find_separator(s, bol).is_some_and(|p| p >= 1) && !is_space(s[bol]) {
            trailers += 1;
            continuations = 0;
        } else if is_space(s[bol]) {
            continuations += 1;
        } else {
            others += 1 + continuations;
            continuations = 0;
        }
    }
    len
}

/// Blank lines at the start of a message, which git skips before the title.
fn skip_blank_lines(s: &[u8]) -> &[u8] {
    let mut at = 0;
    while at < s.len() && is_blank_line(s, at) {
        at = next_line(s, at);
    }
    &s[at..]
}

/// git's `strbuf_trim` on a value.
fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// A continued value on one line: each line break and the blanks after it
/// become one space.
fn unfold(v: &[u8]) -> String {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'\n' {
            while i < v.len() && is_space(v[i]) {
                i += 1;
            }
            out.push(b' ');
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(trim(&out)).into_owned()
}

/// The trailers of `message`, in order, as `(key, value)`: what
/// `git log --format='%(trailers:only,unfold)'` shows for the commit.
pub fn trailers(message: &[u8]) -> Vec<(String, String)> {
    let s = skip_blank_lines(message);
    let end = s.len() - ignored_bytes(s, s.len());
    let start = block_start(s, end);
    // Lines, each with its terminator; a line starting with a blank
    // continues the trailer above it.
    let mut items: Vec<Vec<u8>> = Vec::new();
    let mut last_is_trailer = false;
    let mut at = start;
    while at < end {
        let next = next_line(&s[..end], at);
        let line = &s[at..next];
        if last_is_trailer && is_space(line[0]) {
            if let Some(last) = items.last_mut() {
                last.extend_from_slice(line);
            }
        } else {
            items.push(line.to_vec());
            last_is_trailer = find_separator(line, 0).is_some_and(|p| p >= 1);
        }
        at = next;
    }
    items
        .iter()
        .filter(|item| item.first() != Some(&b'#'))
        .filter_map(|item| {
            let sep = find_separator(item, 0).filter(|&p| p >= 1)?;
            let key = String::from_utf8_lossy(trim(&item[..sep])).into_owned();
            Some((key, unfold(trim(&item[sep + 1..]))))
        })
        .collect()
}

/// The name and address a trailer value names: `Name <addr>` (the first
/// `<…>`; what follows it, such as `# for the docs`, is ignored), or a bare
/// `addr` with an `@` and no blank. `None` for anything else.
pub fn person(value: &str) -> Option<(&str, &str)> {
    if let Some(open) = value.find('<') {
        let close = open + value[open..].find('>')?;
        let addr = value[open + 1..close].trim();
        return (!addr.is_empty()).then(|| (value[..open].trim(), addr));
    }
    let v = value.trim();
    (v.contains('@') && !v.contains(char::is_whitespace)).then_some(("", v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(msg: &str) -> Vec<(String, String)> {
        trailers(msg.as_bytes())
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_last_paragraph_of_trailers_is_read() {
        let msg = "Fix it\n\nBody text.\nNot-a: trailer here, it is in the body\n\nReviewed-by: Ada <ada@x.org>\nacked-by : Bob <b@y.org>\n";
        assert_eq!(
            t(msg),
            pairs(&[
                ("Reviewed-by", "Ada <ada@x.org>"),
                ("acked-by", "Bob <b@y.org>")
            ])
        );
    }

    #[test]
    fn a_paragraph_with_prose_is_not_a_trailer_block_unless_git_generated() {
        let prose = "Fix it\n\nReviewed-by: Ada <ada@x.org>\nand some words\n";
        assert!(t(prose).is_empty());
        let signed = "Fix it\n\nReviewed-by: Ada <ada@x.org>\nand some words\nmore words\nSigned-off-by: C <c@z.org>\n";
        assert_eq!(
            t(signed),
            pairs(&[
                ("Reviewed-by", "Ada <ada@x.org>"),
                ("Signed-off-by", "C <c@z.org>")
            ])
        );
        // The title alone is never a trailer block.
        assert!(t("Reviewed-by: Ada <ada@x.org>\n").is_empty());
    }

    #[test]
    fn continuations_comments_and_trailing_blank_lines_are_handled_as_git_does() {
        let msg = "T\n\nHelped-by: Ada\n  Lovelace <ada@x.org>\n# a comment\nTested-by: Bob <b@y.org>\n\n\n";
        assert_eq!(
            t(msg),
            pairs(&[
                ("Helped-by", "Ada Lovelace <ada@x.org>"),
                ("Tested-by", "Bob <b@y.org>")
            ])
        );
        // A `---` line does not end the message for %(trailers).
        let dashed = "T\n\n---\nsome notes\n\nAcked-by: Ada <ada@x.org>\n";
        assert_eq!(t(dashed), pairs(&[("Acked-by", "Ada <ada@x.org>")]));
        // Below a scissors line is not message.
        let cut = "T\n\nAcked-by: Ada <ada@x.org>\n# ------------------------ >8 ------------------------\nReviewed-by: X <x@x>\n";
        assert_eq!(t(cut), pairs(&[("Acked-by", "Ada <ada@x.org>")]));
        assert!(t("").is_empty());
        assert!(t("\n\n").is_empty());
    }

    #[test]
    fn a_person_is_the_address_in_angle_brackets_or_a_bare_address() {
        assert_eq!(
            person("Ada L <Ada@X.org> # docs"),
            Some(("Ada L", "Ada@X.org"))
        );
        assert_eq!(person("ada@x.org"), Some(("", "ada@x.org")));
        assert_eq!(person("Ada Lovelace"), None);
        assert_eq!(person("Ada <>"), None);
        assert_eq!(person("Ada <ada@x.org"), None);
    }
}
