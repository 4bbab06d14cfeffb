//! Mine-ness: whether a commit is mine (its author after `.mailmap`, or a
//! `Co-authored-by:` trailer naming one of my emails), and the git identity
//! (as the `git` executable reports it) and repository (as git finds it)
//! around a folder, for `icu init` and config-less runs.
//!
//! An address is mine when it is one of `me.emails`, whole and compared
//! without case. libgit2's mailmap compares addresses with their case (git
//! does not), so an address is resolved as written and lower-cased
//! ([`names_me`]). Where libgit2 and git disagree on the repository itself
//! (a bare repository whose `core.bare` is unset), git's reading is taken:
//! see [`discover`] and [`mailmap`], which serve mine-ness and credit alike.
//!
//! [`git_identity`] runs `git config`: besides the mail program, the editor
//! and the `--open` opener, the one process icu starts, and only for `icu
//! init` and runs without `[me]`; [`git_core_editor`] runs it for `icu
//! draft`'s editor.
//!
//! A commit that is mine only through a trailer ([`Mine::CoAuthor`]: its
//! author, after `.mailmap`, is someone else) counts as mine, in the
//! commits and the lines, and is shown with its author: a forge adds a
//! `Co-authored-by:` for a maintainer who pushed into a contributor's pull
//! request, and the squash is not the maintainer's work alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use git2::{Commit as GitCommit, Repository};
use regex::Regex;

use super::encoding::Person;
use super::{Identity, MaybeMine};

impl Identity<'_> {
    pub(super) fn is_me(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        self.emails.contains(&email)
    }
}

static CO_AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^\s*co-authored-by:\s*(.*?)\s*<([^>\s]+)>\s*$")
        .expect("static regex is valid")
});

/// How a commit is mine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mine {
    /// Its author, after `.mailmap`, is me (whatever its trailers say).
    Author,
    /// Someone else wrote it and a `Co-authored-by:` trailer names me: a
    /// forge adds one for the maintainer who pushed into a contributor's
    /// pull request before squashing it. It counts as mine, and is shown
    /// with its author (`Commit::co_authored_with`).
    CoAuthor,
}

/// Whether `c` is mine, and how: the author after `.mailmap`, else a
/// `Co-authored-by:` trailer. `None`: not mine.
pub(super) fn mine(
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    me: &Identity<'_>,
) -> Option<Mine> {
    whose(c, mailmap, me).ok()
}

/// [`mine`], or when `c` is not mine its author after `.mailmap`, read
/// once for both.
pub(super) fn whose(
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    me: &Identity<'_>,
) -> Result<Mine, Person> {
    let author = author(c, mailmap);
    if me.is_me(&author.email) {
        return Ok(Mine::Author);
    }
    // Most commits name no co-author: the trailer's words are looked for
    // in the message's bytes first (read as UTF-8, as nearly all are, they
    // are those bytes), before it is decoded and matched (BENCHMARKS.md, "Issue 31's levers").
    if super::encoding::Decoder::of(c).is_utf8() && !may_name_co_authors(c.message_bytes()) {
        return Err(author);
    }
    if co_authors(&super::encoding::message(c))
        .iter()
        .any(|(name, email)| names_me(name, email, mailmap, me))
    {
        return Ok(Mine::CoAuthor);
    }
    Err(author)
}

/// The commits of others in one repository that may be mine under an
/// address `me.emails` lacks: their author (after `.mailmap`) has my name,
/// or the address git commits under in that repository (`author.email`,
/// else `user.email`, as libgit2 reads its config) when that is not one of
/// mine. Counted per address during the walk, from the author it reads
/// anyway: a newcomer whose work is under another address is told so
/// instead of seeing nothing.
pub(super) struct Lookalikes {
    /// My name, lower-cased; `None` when blank.
    name: Option<String>,
    /// The repository's commit address, lower-cased, when it is not mine.
    email: Option<String>,
    /// By lower-cased address: the author as first met, and how many.
    found: BTreeMap<String, MaybeMine>,
}

impl Lookalikes {
    /// What to look for in `repo`, for `me`.
    pub(super) fn new(repo: &Repository, me: &Identity<'_>) -> Lookalikes {
        let config = repo.config().ok();
        let get = |k: &str| {
            config
                .as_ref()
                .and_then(|c| c.get_string(k).ok())
                .and_then(|s| non_blank(&s))
        };
        let email = get("author.email")
            .or_else(|| get("user.email"))
            .filter(|e| !me.is_me(e))
            .map(|e| e.to_lowercase());
        Lookalikes {
            name: non_blank(me.name).map(|n| n.to_lowercase()),
            email,
            found: BTreeMap::new(),
        }
    }

    /// Counts `author`, of a commit that is not mine, when it may be me.
    pub(super) fn see(&mut self, author: Person) {
        let name = author.name.trim();
        let email = author.email.trim();
        let by_name = self
            .name
            .as_deref()
            .is_some_and(|n| name.chars().flat_map(char::to_lowercase).eq(n.chars()));
        let by_email = self
            .email
            .as_deref()
            .is_some_and(|e| email.eq_ignore_ascii_case(e));
        if !(by_name || by_email) || email.is_empty() {
            return;
        }
        self.found
            .entry(email.to_lowercase())
            .or_insert_with(|| MaybeMine {
                name: name.to_string(),
                email: email.to_string(),
                commits: 0,
            })
            .commits += 1;
    }

    /// The addresses found, the most commits first.
    pub(super) fn finish(self) -> Vec<MaybeMine> {
        let mut found: Vec<MaybeMine> = self.found.into_values().collect();
        found.sort_by_key(|m| std::cmp::Reverse(m.commits));
        found
    }
}

/// Mine: the author after `.mailmap`, or a `Co-authored-by:` trailer (see
/// [`mine`]).
pub(super) fn is_mine(
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    me: &Identity<'_>,
) -> bool {
    mine(c, mailmap, me).is_some()
}

/// Whether `Name <email>` written in a message (a trailer) is me: the
/// address as written, or as `.mailmap` maps it.
pub(super) fn names_me(
    name: &str,
    email: &str,
    mailmap: Option<&git2::Mailmap>,
    me: &Identity<'_>,
) -> bool {
    if me.is_me(email) {
        return true;
    }
    let Some(m) = mailmap else {
        return false;
    };
    // libgit2 refuses a signature without a name; an entry that maps the
    // address alone matches whatever name stands in for it. libgit2 (unlike
    // git) compares addresses with their case, and `.mailmap` files write
    // them in lower case: the address is tried as written and lower-cased.
    let name = if name.trim().is_empty() { email } else { name };
    let lower = email.to_lowercase();
    [email, lower.as_str()].iter().any(|email| {
        git2::Signature::new(name, email, &git2::Time::new(0, 0))
            .ok()
            .and_then(|sig| m.resolve_signature(&sig).ok())
            .is_some_and(|s| me.is_me(&String::from_utf8_lossy(s.email_bytes())))
    })
}

/// The author of `c` after `.mailmap`, as git shows it (see `encoding`).
pub(super) fn author(c: &GitCommit<'_>, mailmap: Option<&git2::Mailmap>) -> Person {
    super::encoding::person(c, false, mailmap)
}

/// The committer of `c` after `.mailmap`, as git shows it.
pub(super) fn committer(c: &GitCommit<'_>, mailmap: Option<&git2::Mailmap>) -> Person {
    super::encoding::person(c, true, mailmap)
}

/// Whether `bytes` hold the words `co-authored-by` in any ASCII case: all
/// that [`co_authors`] can match, for its letters fold to no character
/// outside ASCII. Found from each `-`, rarer than letters.
fn may_name_co_authors(bytes: &[u8]) -> bool {
    const WORDS: &[u8] = b"co-authored-by";
    memchr::memchr_iter(b'-', bytes).any(|i| {
        i >= 2
            && bytes
                .get(i - 2..i - 2 + WORDS.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(WORDS))
    })
}

/// `(name, email)` of each `Co-authored-by: Name <email>` line.
pub fn co_authors(message: &str) -> Vec<(String, String)> {
    // The pattern is built the first time a message could match it.
    if !may_name_co_authors(message.as_bytes()) {
        return Vec::new();
    }
    CO_AUTHOR
        .captures_iter(message)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The name and email git uses in the repository at `dir` (or, outside
/// one, globally): what `git -C DIR config` reports for `author.name` and
/// `author.email`, else `user.name` and `user.email` — the identity git puts
/// on a commit made there — when a `git` executable is on PATH; libgit2's
/// reading of the same config files when it is not.
///
/// git is asked first because libgit2 does not read every config git reads:
/// 1.9 skips `includeIf "hasconfig:remote.*.url:…"`, the usual way to set a
/// work address for the work repositories, and then reports another address
/// (or none). git reads its own environment (`GIT_CONFIG_GLOBAL`, `HOME`,
/// `GIT_DIR`, …) as it would in a shell; that is the point.
pub fn git_identity(dir: Option<&Path>) -> (Option<String>, Option<String>) {
    git_cli_identity(dir).unwrap_or_else(|| libgit2_identity(dir))
}

/// git's `core.editor` as `git config` reports it in `dir` (or, outside a
/// repository, globally), else as libgit2 reads the same files; `None` when
/// it is not set. The editor is chosen from it as git chooses
/// (`term::editor`); it is read here because git's config is read under
/// `scan`, for the reason [`git_identity`] gives.
pub fn git_core_editor(dir: Option<&Path>) -> Option<String> {
    let mut git = Command::new("git");
    if let Some(d) = dir {
        git.arg("-C").arg(d);
    }
    let out = git
        .args(["config", "--get", "core.editor"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match out {
        Ok(out) if out.status.code() == Some(0) => {
            non_blank(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n'))
        }
        Ok(out) if out.status.code() == Some(1) => None,
        _ => libgit2_config(dir)?
            .get_string("core.editor")
            .ok()
            .and_then(|s| non_blank(&s)),
    }
}

/// `(name, email)` from the `git` executable, in one run; `None` when it
/// cannot be run or fails otherwise than with "none set" (exit 1).
fn git_cli_identity(dir: Option<&Path>) -> Option<(Option<String>, Option<String>)> {
    let mut git = Command::new("git");
    if let Some(d) = dir {
        git.arg("-C").arg(d);
    }
    let out = git
        .args(["config", "--get-regexp", r"^(user|author)\.(name|email)$"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    match out.status.code() {
        Some(0) => Some(pick_identity(&String::from_utf8_lossy(&out.stdout))),
        Some(1) => Some((None, None)),
        _ => None,
    }
}

/// `(name, email)` from `git config --get-regexp` lines (`key value`): the
/// last value of a key wins, as with `git config --get`, and `author.*`
/// wins over `user.*`, as when git makes a commit.
fn pick_identity(lines: &str) -> (Option<String>, Option<String>) {
    let mut found: std::collections::HashMap<&str, Option<String>> = Default::default();
    for line in lines.lines() {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        found.insert(key, non_blank(value));
    }
    let get = |field: &str| {
        found
            .get(format!("author.{field}").as_str())
            .cloned()
            .flatten()
            .or_else(|| {
                found
                    .get(format!("user.{field}").as_str())
                    .cloned()
                    .flatten()
            })
    };
    (get("name"), get("email"))
}

/// The config libgit2 reads for the repository around `dir`, else the
/// global config.
fn libgit2_config(dir: Option<&Path>) -> Option<git2::Config> {
    dir.and_then(|d| Repository::discover(d).ok())
        .and_then(|r| r.config().ok())
        .or_else(|| git2::Config::open_default().ok())
}

/// `(name, email)` as libgit2 reads the config of the repository around
/// `dir`, else the global config.
fn libgit2_identity(dir: Option<&Path>) -> (Option<String>, Option<String>) {
    let Some(cfg) = libgit2_config(dir) else {
        return (None, None);
    };
    let get = |k: &str| cfg.get_string(k).ok().and_then(|s| non_blank(&s));
    (get("user.name"), get("user.email"))
}

fn non_blank(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The repository containing `dir`, as git finds it: its work tree, or, for
/// a bare repository, the repository itself; without a trailing `/`.
///
/// libgit2 and git disagree on one case. A repository found as a git
/// directory in its own right (not through the `.git` of a work tree) is
/// bare to git, whatever `core.bare` says, unless `core.worktree` names a
/// work tree. libgit2 reads an unset or false `core.bare` as "not bare" and
/// takes the folder above the repository for its work tree — which would
/// make icu scan, and `icu init` write, the wrong folder. So a work tree
/// libgit2 reports counts only when git would see it too: a linked worktree,
/// `core.worktree`, or a `.git` in it that is this repository.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let r = Repository::discover(dir).ok()?;
    let found = match r.workdir() {
        Some(w) if r.is_worktree() || has_work_tree(&r, w) => w,
        _ => r.path(),
    };
    Some(found.components().collect())
}

/// The repository's `.mailmap`, as git reads it: `mailmap.file`, then
/// `mailmap.blob` — by default `HEAD:.mailmap` in a bare repository — and
/// in a work tree its `.mailmap`.
///
/// libgit2 reads the same, but takes a repository whose `core.bare` is
/// unset for one with a work tree in the folder above it (see
/// [`discover`]): it then looks for `.mailmap` there and never reads
/// `HEAD:.mailmap`, so a mirror's mailmap was lost. For such a repository
/// the file and the blob are read here.
///
/// `head`: HEAD's commit when the walk found it. A bare repository's
/// `HEAD:.mailmap` is then read from it (see [`bare_mailmap`]).
pub(super) fn mailmap(r: &Repository, head: Option<git2::Oid>) -> Option<git2::Mailmap> {
    if let (true, Some(head)) = (r.is_bare(), head) {
        return bare_mailmap(r, head);
    }
    let bare_to_git = r
        .workdir()
        .is_some_and(|w| !r.is_worktree() && !has_work_tree(r, w));
    if !bare_to_git {
        return r.mailmap().ok();
    }
    let cfg = r.config().ok();
    let mut text = String::new();
    if let Some(p) = cfg.as_ref().and_then(|c| c.get_path("mailmap.file").ok()) {
        text.push_str(&std::fs::read_to_string(p).unwrap_or_default());
        text.push('\n');
    }
    let blob = cfg
        .as_ref()
        .and_then(|c| c.get_string("mailmap.blob").ok())
        .unwrap_or_else(|| "HEAD:.mailmap".to_string());
    if let Ok(b) = r.revparse_single(&blob).and_then(|o| o.peel_to_blob()) {
        text.push_str(&String::from_utf8_lossy(b.content()));
    }
    git2::Mailmap::from_buffer(&text).ok()
}

/// A bare repository's mailmap as libgit2 reads it — the blob
/// `mailmap.blob` names (by default `HEAD:.mailmap`), then the file
/// `mailmap.file` — with `HEAD` taken as `head`: libgit2 would resolve HEAD
/// itself, and any ref lookup makes it parse every packed ref (see
/// `scan::refs`).
fn bare_mailmap(r: &Repository, head: git2::Oid) -> Option<git2::Mailmap> {
    let cfg = r.config().ok();
    let rev = cfg
        .as_ref()
        .and_then(|c| c.get_string("mailmap.blob").ok())
        .unwrap_or_else(|| "HEAD:.mailmap".to_string());
    let blob = match rev.strip_prefix("HEAD:") {
        Some(path) => r
            .find_commit(head)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(path)))
            .and_then(|e| e.to_object(r))
            .and_then(|o| o.peel_to_blob()),
        None => r.revparse_single(&rev).and_then(|o| o.peel_to_blob()),
    };
    let mut text = String::new();
    if let Ok(b) = blob {
        text.push_str(&String::from_utf8_lossy(b.content()));
        text.push('\n');
    }
    if let Some(p) = cfg.as_ref().and_then(|c| c.get_path("mailmap.file").ok()) {
        text.push_str(&std::fs::read_to_string(p).unwrap_or_default());
    }
    git2::Mailmap::from_buffer(&text).ok()
}

/// Whether git would see `workdir` as `r`'s work tree (see [`discover`]).
fn has_work_tree(r: &Repository, workdir: &Path) -> bool {
    let explicit = r
        .config()
        .and_then(|c| c.open_level(git2::ConfigLevel::Local))
        .is_ok_and(|c| c.get_path("core.worktree").is_ok());
    if explicit {
        return true;
    }
    let dot_git = workdir.join(".git");
    // `.git` is the repository, or a file naming it (`gitdir: PATH`).
    let target = if dot_git.is_file() {
        let Ok(text) = std::fs::read_to_string(&dot_git) else {
            return false;
        };
        match text.trim_end().strip_prefix("gitdir:") {
            Some(p) => workdir.join(p.trim()),
            None => return false,
        }
    } else {
        dot_git
    };
    match (target.canonicalize(), r.path().canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes are looked at first only to skip the messages the trailer
    /// pattern cannot match: every message it matches passes.
    #[test]
    fn every_message_naming_a_co_author_passes_the_byte_check() {
        for msg in [
            "fix\n\nCo-authored-by: A <a@x>",
            "fix\n\nco-authored-by: A <a@x>",
            "fix\n\nCO-AUTHORED-BY:B <b@x>",
            "fix\n\n  Co-Authored-By:  Ada Lovelace <ada@x>  \n",
            "Co-authored-by: C <c@x>",
            "x\r\nCo-authored-by: D <d@x>\r\n",
        ] {
            assert!(!co_authors(msg).is_empty(), "{msg:?}");
            assert!(may_name_co_authors(msg.as_bytes()), "{msg:?}");
        }
        for msg in [
            "fix",
            "-",
            "co-",
            "co-authored-b",
            "Signed-off-by: A <a@x>",
            "a-b-c",
        ] {
            assert!(co_authors(msg).is_empty(), "{msg:?}");
            assert!(!may_name_co_authors(msg.as_bytes()), "{msg:?}");
        }
    }

    #[test]
    fn author_config_wins_over_user_and_the_last_value_wins() {
        let lines = "user.name Ada at home\nuser.email ada@home.example\n\
                     author.email ada@work.example\nuser.name Ada Lovelace\n";
        assert_eq!(
            pick_identity(lines),
            (
                Some("Ada Lovelace".to_string()),
                Some("ada@work.example".to_string())
            )
        );
        assert_eq!(pick_identity("user.email  \n"), (None, None));
    }

    #[test]
    fn co_author_trailers_are_found() {
        let msg = "Fix it\n\nCo-authored-by: Ada L <ADA@example.com>\nco-authored-by:Bob <b@x.y>\n";
        assert_eq!(
            co_authors(msg),
            vec![
                ("Ada L".to_string(), "ADA@example.com".to_string()),
                ("Bob".to_string(), "b@x.y".to_string())
            ]
        );
    }
}
