//! The refs a scan reads — HEAD, and those under a few prefixes — read by
//! hand from the files git keeps them in.
//!
//! libgit2 1.9 parses the whole `packed-refs` file into a sorted cache the
//! first time any ref is looked up or listed there, and copies every entry
//! for each listing: on git.git (4,294 packed refs, 3,277 of them
//! `refs/pull/*`) that was 13 M instructions, 5.8 % of a two-week draft
//! (BENCHMARKS.md). Here the file is read once and only the lines under the
//! wanted prefixes are parsed; loose ref files under them override packed
//! entries, as in git. A loose file that does not hold a ref (garbage, an
//! invalid name) is reported by name, and the caller asks libgit2 why; so
//! is a symbolic ref that leads nowhere. Nothing else in the scan asks
//! libgit2 for a ref in the usual case, so its cache is never filled.
//!
//! Limits: the files backend only (libgit2 1.9 cannot open a reftable
//! repository anyway); per-worktree refs other than HEAD are not read.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{Oid, Repository};

/// What a ref holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Direct(Oid),
    /// The full name of another ref (`refs/heads/main`).
    Symbolic(String),
}

/// The refs under some prefixes, and HEAD.
#[derive(Debug, Default)]
pub(super) struct Refs {
    /// By full name, in git's order.
    refs: BTreeMap<String, Target>,
    /// Loose ref files under the prefixes that hold no ref, by full name.
    pub(super) broken: Vec<String>,
    /// HEAD, when its file holds a ref.
    head: Option<Target>,
}

/// A loose ref file's content: a symbolic ref (`ref: refs/heads/x`) or an
/// id; `None` for anything else.
fn parse_loose(text: &[u8]) -> Option<Target> {
    let text = std::str::from_utf8(text).ok()?.trim_end();
    if let Some(target) = text.strip_prefix("ref:") {
        let target = target.trim_start();
        return (!target.is_empty()).then(|| Target::Symbolic(target.to_string()));
    }
    let hex = text.get(..40)?;
    if text.len() > 40 && !text[40..].starts_with(char::is_whitespace) {
        return None;
    }
    Oid::from_str(hex).ok().map(Target::Direct)
}

impl Refs {
    /// HEAD and the refs whose full names start with one of `prefixes` (a
    /// prefix without a trailing `/` names one ref: `refs/notes/review`).
    pub(super) fn read(repo: &Repository, prefixes: &[&str]) -> Refs {
        let common = repo.commondir();
        let mut out = Refs::default();
        if let Ok(packed) = std::fs::read(common.join("packed-refs")) {
            out.read_packed(&packed, prefixes);
        }
        for prefix in prefixes {
            out.read_loose(common, prefix.trim_end_matches('/'));
        }
        out.head = std::fs::read(repo.path().join("HEAD"))
            .ok()
            .and_then(|t| parse_loose(&t));
        out
    }

    /// `packed-refs`: a header line (`# pack-refs with: …`), then `<id>
    /// <name>` lines, each maybe followed by its peeled id (`^<id>`).
    fn read_packed(&mut self, packed: &[u8], prefixes: &[&str]) {
        // Lines found with memchr's SIMD search: a byte-by-byte split of
        // git.git's 300 KB file was 1 % of a draft.
        let ends = memchr::memchr_iter(b'\n', packed).chain(std::iter::once(packed.len()));
        let mut start = 0;
        for end in ends {
            let line = &packed[start.min(end)..end];
            start = end + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.len() < 42 || line[40] != b' ' {
                continue;
            }
            let name = &line[41..];
            if !prefixes.iter().any(|p| name.starts_with(p.as_bytes())) {
                continue;
            }
            let (Ok(name), Ok(hex)) = (std::str::from_utf8(name), std::str::from_utf8(&line[..40]))
            else {
                continue;
            };
            if let Ok(oid) = Oid::from_str(hex) {
                self.refs.insert(name.to_string(), Target::Direct(oid));
            }
        }
    }

    /// The loose refs at `name` (a file) or under it (a folder).
    fn read_loose(&mut self, common: &Path, name: &str) {
        let path = common.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            return;
        };
        if meta.is_dir() {
            let Ok(entries) = std::fs::read_dir(&path) else {
                return;
            };
            for entry in entries.flatten() {
                if let Some(file) = entry.file_name().to_str() {
                    self.read_loose(common, &format!("{name}/{file}"));
                }
            }
            return;
        }
        if name.ends_with(".lock") {
            return;
        }
        match std::fs::read(&path).ok().and_then(|t| parse_loose(&t)) {
            Some(t) if git2::Reference::is_valid_name(name) => {
                self.refs.insert(name.to_string(), t);
            }
            _ => {
                self.refs.remove(name);
                self.broken.push(name.to_string());
            }
        }
    }

    /// Takes `name` as holding `target` (what libgit2 read where
    /// [`Refs::read`] could not).
    pub(super) fn adopt(&mut self, name: String, target: Target) {
        self.refs.insert(name, target);
    }

    /// The refs whose full names start with `prefix`, in git's order.
    pub(super) fn under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Target)> + 'a {
        self.refs
            .range(prefix.to_string()..)
            .take_while(move |(n, _)| n.starts_with(prefix))
            .map(|(n, t)| (n.as_str(), t))
    }

    /// The ref `name` (a full name), if read.
    pub(super) fn get(&self, name: &str) -> Option<&Target> {
        self.refs.get(name)
    }

    /// HEAD, when its file holds a ref.
    pub(super) fn head(&self) -> Option<&Target> {
        self.head.as_ref()
    }

    /// The id `target` leads to, following symbolic refs among those read
    /// (at most 5, as git); `None` when it leads nowhere.
    pub(super) fn resolve(&self, target: &Target) -> Option<Oid> {
        let mut t = target;
        for _ in 0..5 {
            match t {
                Target::Direct(oid) => return Some(*oid),
                Target::Symbolic(name) => t = self.refs.get(name)?,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_ref_files_are_read_as_git_reads_them() {
        let oid = "0123456789abcdef0123456789abcdef01234567";
        let want = Some(Target::Direct(Oid::from_str(oid).unwrap()));
        assert_eq!(parse_loose(format!("{oid}\n").as_bytes()), want);
        assert_eq!(parse_loose(oid.as_bytes()), want);
        assert_eq!(
            parse_loose(b"ref: refs/heads/main\n"),
            Some(Target::Symbolic("refs/heads/main".into()))
        );
        assert_eq!(parse_loose(b"not a ref\n"), None);
        assert_eq!(parse_loose(format!("{oid}x\n").as_bytes()), None);
        assert_eq!(parse_loose(b"ref:\n"), None);
        assert_eq!(parse_loose(b""), None);
    }

    /// Packed refs, loose ones that override them, a symbolic ref and a
    /// broken file, against `git for-each-ref`.
    #[test]
    fn a_repository_s_refs_are_those_git_lists() {
        let tmp = tempfile::tempdir().unwrap();
        let script = r"set -e
            git init -q -b main .
            export GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com
            export GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com
            git commit -q --allow-empty -m one
            git branch old; git branch moved; git tag v1
            git update-ref refs/remotes/origin/main HEAD
            git pack-refs --all
            git commit -q --allow-empty -m two
            git update-ref refs/heads/moved HEAD
            git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main
            echo garbage > .git/refs/heads/broken
            ";
        crate::scan::run_sh(tmp.path(), script);
        let repo = Repository::open(tmp.path()).unwrap();
        let refs = Refs::read(&repo, &["refs/heads/", "refs/remotes/"]);
        let listed = std::process::Command::new("git")
            .args([
                "for-each-ref",
                "--format=%(refname) %(objectname)",
                "refs/heads/",
                "refs/remotes/",
            ])
            .current_dir(tmp.path())
            .output()
            .expect("git for-each-ref");
        let want: Vec<String> = String::from_utf8(listed.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let got: Vec<String> = refs
            .under("refs/")
            .map(|(n, t)| format!("{n} {}", refs.resolve(t).unwrap()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(refs.broken, ["refs/heads/broken"]);
        assert_eq!(
            refs.head(),
            Some(&Target::Symbolic("refs/heads/main".into()))
        );
        assert!(refs.get("refs/tags/v1").is_none());
    }

    #[test]
    fn packed_refs_are_read_under_the_prefixes_only() {
        let a = "1111111111111111111111111111111111111111";
        let b = "2222222222222222222222222222222222222222";
        let packed = format!(
            "# pack-refs with: peeled fully-peeled sorted \n{a} refs/heads/main\n{b} refs/pull/1/head\n{b} refs/tags/v1\n^{a}\n{a} refs/notes/review\n"
        );
        let mut refs = Refs::default();
        refs.read_packed(packed.as_bytes(), &["refs/heads/", "refs/notes/review"]);
        let names: Vec<&str> = refs.refs.keys().map(String::as_str).collect();
        assert_eq!(names, ["refs/heads/main", "refs/notes/review"]);
        assert_eq!(refs.under("refs/heads/").count(), 1);
        assert_eq!(
            refs.resolve(&Target::Symbolic("refs/heads/main".into())),
            Some(Oid::from_str(a).unwrap())
        );
        assert_eq!(
            refs.resolve(&Target::Symbolic("refs/heads/gone".into())),
            None
        );
    }
}
