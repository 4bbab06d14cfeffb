//! Patch ids: one hash per change, equal for the same change made twice (a
//! rebased or cherry-picked commit, a squash of a branch), as `git patch-id`
//! gives them — with one difference, below.
//!
//! What is hashed, file by file in tree order: the path, whether the file was
//! added, deleted or modified, then every removed line as `-` and every added
//! line as `+` followed by the line with all its whitespace removed. Line
//! numbers are not hashed, so the same change made at another place in the
//! file has the same id; nor is whitespace, so a change re-indented on the
//! way, or with other line endings, keeps its id. A binary file (git's rule: a
//! NUL in the first 8,000 bytes) is hashed by its blob ids. A change with no
//! files has no id: two empty commits are not the same work.
//!
//! The difference from git: git also hashes the three lines of context
//! around each change. Here they are left out, because the copy being
//! compared often sits in a different neighbourhood — a squash commit on a
//! mainline that moved on since the branch forked, a fix cherry-picked onto
//! an older release — and the question is whether the *change* is the same.
//!
//! The hash is std's `DefaultHasher` (SipHash with fixed keys): ids are only
//! compared with each other within one run, never stored.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::Hasher;

use git2::Repository;

use super::diff::{changed_lines, is_binary, side_line_stats, text, Change, Side, Text};

/// A change's patch id, or `None` for a change with no files.
pub(super) type PatchId = Option<u64>;

/// Patch ids in one repository. Each file's part is remembered by its pair
/// of blob (or gitlink) ids: a copy, or a squash of a branch, mostly changes a file
/// between the same two blobs, and a blob read is most of the cost (libgit2
/// does not cache blobs; each read inflates it and applies its deltas).
#[derive(Default)]
pub(super) struct PatchIds {
    parts: HashMap<(Option<Side>, Option<Side>), u64>,
    lines: HashMap<(Option<Side>, Option<Side>), (usize, usize)>,
    buf: Vec<u8>,
}

impl PatchIds {
    /// The lines `changes` add and remove in each file, as `git log
    /// --numstat` counts them without renames: equal for two changes with
    /// one patch id, since a patch id hashes the lines counted (see
    /// [`super::diff::changed_lines`]), and far cheaper to get.
    pub(super) fn lines(
        &mut self,
        repo: &Repository,
        changes: &[Change],
    ) -> Result<Vec<(usize, usize)>, git2::Error> {
        changes
            .iter()
            .map(|ch| {
                if let Some(lines) = self.lines.get(&(ch.old, ch.new)) {
                    return Ok(*lines);
                }
                let lines = side_line_stats(repo, ch.old, ch.new)?;
                self.lines.insert((ch.old, ch.new), lines);
                Ok(lines)
            })
            .collect()
    }

    /// The patch id of `changes` (from [`super::diff::changed_files`]).
    pub(super) fn id(
        &mut self,
        repo: &Repository,
        changes: &[Change],
    ) -> Result<PatchId, git2::Error> {
        if changes.is_empty() {
            return Ok(None);
        }
        let mut h = DefaultHasher::new();
        for ch in changes {
            h.write(ch.path.as_bytes());
            h.write_u8(match (ch.old, ch.new) {
                (None, _) => b'A',
                (_, None) => b'D',
                _ => b'M',
            });
            let part = match self.parts.get(&(ch.old, ch.new)) {
                Some(part) => *part,
                None => {
                    let part = file_part(repo, ch.old, ch.new, &mut self.buf)?;
                    self.parts.insert((ch.old, ch.new), part);
                    part
                }
            };
            h.write_u64(part);
        }
        Ok(Some(h.finish()))
    }
}

/// One file's part of a patch id: its changed lines (a gitlink's being the
/// line git diffs for it, see `diff::Text`), or its blob ids when either
/// side is binary (`buf` is scratch space).
fn file_part(
    repo: &Repository,
    old: Option<Side>,
    new: Option<Side>,
    buf: &mut Vec<u8>,
) -> Result<u64, git2::Error> {
    let old_text = text(repo, old)?;
    let new_text = text(repo, new)?;
    let old_bytes = old_text.as_ref().map_or(&[][..], Text::bytes);
    let new_bytes = new_text.as_ref().map_or(&[][..], Text::bytes);
    let mut h = DefaultHasher::new();
    if is_binary(old_bytes) || is_binary(new_bytes) {
        for side in [old, new].into_iter().flatten() {
            h.write(side.id().as_bytes());
        }
    } else {
        hash_lines(old_text.as_ref(), new_text.as_ref(), &mut h, buf)?;
    }
    Ok(h.finish())
}

/// Hashes the lines git's diff removes and adds, in the order `git diff`
/// shows them (see `diff::changed_lines`), each with its sign and without
/// whitespace (`buf` is scratch space): the lines `git patch-id` hashes
/// besides the context, so two changes git gives one patch id have one
/// here too.
fn hash_lines(
    old: Option<&Text<'_>>,
    new: Option<&Text<'_>>,
    h: &mut DefaultHasher,
    buf: &mut Vec<u8>,
) -> Result<(), git2::Error> {
    changed_lines(old, new, |sign, text| {
        buf.clear();
        buf.push(sign);
        buf.extend(text.iter().filter(|b| !b.is_ascii_whitespace()));
        // A line without whitespace holds no '\n': a separator that cannot
        // be confused with text.
        buf.push(b'\n');
        h.write(buf);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty repository whose objects are kept in memory, to hold test
    /// texts as blobs: `file_part` hands blobs to `hash_lines`.
    fn in_memory() -> (tempfile::TempDir, Repository) {
        let d = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(d.path()).unwrap();
        repo.odb().unwrap().add_new_mempack_backend(1000).unwrap();
        (d, repo)
    }

    fn blob<'r>(repo: &'r Repository, bytes: &[u8]) -> Text<'r> {
        Text::Blob(repo.find_blob(repo.blob(bytes).unwrap()).unwrap())
    }

    /// The id of the lines changed from `old` to `new`, given as blobs or,
    /// with `buffers`, as bytes (libgit2's path for a gitlink's line).
    fn lines_id(repo: &Repository, old: &[u8], new: &[u8], buffers: bool) -> u64 {
        let text = |b: &[u8]| {
            if buffers {
                Text::Link(b.to_vec())
            } else {
                blob(repo, b)
            }
        };
        let mut h = DefaultHasher::new();
        hash_lines(Some(&text(old)), Some(&text(new)), &mut h, &mut Vec::new()).unwrap();
        h.finish()
    }

    fn id(old: &str, new: &str) -> u64 {
        let (_d, repo) = in_memory();
        lines_id(&repo, old.as_bytes(), new.as_bytes(), false)
    }

    #[test]
    fn line_numbers_and_whitespace_do_not_change_the_id() {
        let change = id("a\nb\nc\n", "a\nB\nc\n");
        // The same change further down a file that grew above it.
        assert_eq!(id("x\ny\na\nb\nc\n", "x\ny\na\nB\nc\n"), change);
        // Other context around it.
        assert_eq!(id("q\nb\nr\n", "q\nB\nr\n"), change);
        // Whitespace inside the changed lines.
        assert_eq!(id("a\n  b \nc\n", "a\n\tB\r\nc\n"), change);
        // A different change.
        assert_ne!(id("a\nb\nc\n", "a\nC\nc\n"), change);
        assert_ne!(id("a\nB\nc\n", "a\nb\nc\n"), change);
    }

    /// The lines hashed are those `git diff` shows removed and added, in its
    /// order, so two changes with one `git patch-id` have one id here; and
    /// texts given as bytes (a gitlink's) are diffed as blobs are.
    #[test]
    fn ids_hash_the_lines_git_diff_shows() {
        use super::super::diff::tests::{code_pairs, edited_pairs, git_diff_lines};
        let mut pairs = edited_pairs(20_000);
        pairs.extend(code_pairs(2_000, 200));
        let shown = git_diff_lines(&pairs);
        let (_d, repo) = in_memory();
        let mut ids = std::collections::HashSet::new();
        for (n, ((old, new), lines)) in pairs.iter().zip(&shown).enumerate() {
            let id = lines_id(&repo, old, new, false);
            if n % 10 == 0 {
                assert_eq!(lines_id(&repo, old, new, true), id);
            }
            let mut git = DefaultHasher::new();
            for line in lines {
                let mut buf = vec![line[0]];
                buf.extend(line[1..].iter().filter(|b| !b.is_ascii_whitespace()));
                buf.push(b'\n');
                git.write(&buf);
            }
            assert_eq!(
                id,
                git.finish(),
                "{:?} → {:?}",
                String::from_utf8_lossy(old),
                String::from_utf8_lossy(new)
            );
            ids.insert(id);
        }
        assert!(ids.len() > 1_000, "the pairs were too alike to tell");
    }

    /// An added or deleted file (no text on one side) is hashed as the
    /// diff from or to an empty text.
    #[test]
    fn an_added_or_deleted_file_hashes_all_its_lines() {
        use super::super::diff::tests::code_pairs;
        let (_d, repo) = in_memory();
        for (text, _) in code_pairs(50, 40)
            .iter()
            .chain(&[(b"a\nb".to_vec(), vec![])])
        {
            let one_side = |added: bool| {
                let mut h = DefaultHasher::new();
                let t = blob(&repo, text);
                let (old, new) = if added {
                    (None, Some(&t))
                } else {
                    (Some(&t), None)
                };
                hash_lines(old, new, &mut h, &mut Vec::new()).unwrap();
                h.finish()
            };
            assert_eq!(one_side(true), lines_id(&repo, b"", text, true));
            assert_eq!(one_side(false), lines_id(&repo, text, b"", true));
        }
    }

    #[test]
    fn lines_cannot_run_into_each_other() {
        assert_ne!(id("", "ab\n"), id("", "a\nb\n"));
        assert_ne!(id("", "-a\n"), id("a\n", ""));
    }
}
