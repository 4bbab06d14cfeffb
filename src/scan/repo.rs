//! One repository's scan ([`scan_repo`]): opened at exactly its configured
//! path, walked (`walk`), the window's commits sorted into mine, merges
//! that name a request, and changes of others that may credit me
//! (`credit`); mine described with what they changed (`diff`: files are
//! compared only for commits that are mine and in the window); their
//! branches set; the same work folded into one commit (`dedupe`); the
//! forge links resolved; and what went wrong said.
//!
//! Merges are not listed as work. A merge whose message names a request
//! (`Merge pull request #N`, GitLab's `See merge request …!N`: read by
//! `forge`) becomes a [`PrMerge`] with my commits it brought in, so that
//! attribution adds #N to the requests of the goals they went to; a commit
//! of mine whose subject ends in `(#N)` (a squash) carries #N itself.
//!
//! # Damage
//!
//! A repository that cannot be opened, or whose branches cannot be listed,
//! is a [`ScanWarning`] instead of a result. Inside a repository that can be
//! scanned nothing is dropped in silence: commits the walk cannot read (an
//! object missing from a damaged repository) make one warning naming the
//! first and how many, since the history behind them went unseen; commits of
//! mine whose files cannot be compared are kept, without files or line
//! counts, and one warning names them. A shallow clone's boundary is not
//! damage: libgit2 reads `.git/shallow` and gives those commits no parents.
//! A branch that leads to no commit (a ref file libgit2 cannot parse, a
//! symbolic ref to nothing, a ref at a blob) is a warning naming it, and
//! [`RepoActivity::incomplete`] says some history went unread. A commit
//! whose date libgit2 cannot parse is walked through, out of the window
//! (see `walk`). A repository whose scan does not end in time (libgit2 spins
//! on a truncated loose object) is given up on: see [`super::scan_all`].
//! A repository that cannot be opened is a warning too, but a draft with
//! not one repository opened is a config error (`Ctx::require_a_repository`
//! in `commands`): its update would say "no commits" for every goal.

use std::collections::HashSet;
use std::path::Path;

use git2::{Commit as GitCommit, Mailmap, Oid, Repository, RepositoryOpenFlags};

use super::diff::Numstat;
use super::model::{short, warning};
use super::pool::cores;
use super::tuning::init_libgit2;
use super::walk::{self, Unreadable, Walk};
use super::{credit, dedupe, diff, identity};
use super::{Commit, Credit, Detail, Identity, PrMerge, RepoActivity, ScanWarning, TimeWindow};
use crate::config::RepoSpec;
use crate::forge;
use crate::template::plural;

/// Opens a repository at exactly `path` (no search upwards: a wrong path in
/// the config should be reported, not silently replaced by a parent repo).
pub fn open(path: &Path) -> Result<Repository, String> {
    if !path.exists() {
        return Err("does not exist; fix its path in your config or remove it".into());
    }
    if !path.is_dir() {
        return Err("is a file, not a folder; [[repo]] path must name a git repository".into());
    }
    Repository::open_ext(
        path,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&str>(),
    )
    .map_err(|e| match e.code() {
        git2::ErrorCode::NotFound => "is not a git repository (no .git found); skipped".to_string(),
        _ => format!("cannot be opened: {}", e.message()),
    })
}

/// Scans one repository. A repository that cannot be opened or walked is an
/// error; commits that cannot be read or compared are warnings in the
/// result.
pub fn scan_repo(
    spec: &RepoSpec,
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
) -> Result<RepoActivity, ScanWarning> {
    scan_one(spec, window, me, detail, cores())
}

/// [`scan_repo`], its commits compared on at most `spare` cores unless there
/// are many (see `diff::changes_of_all`).
pub(super) fn scan_one(
    spec: &RepoSpec,
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
    spare: usize,
) -> Result<RepoActivity, ScanWarning> {
    init_libgit2();
    let repo = open(&spec.path).map_err(|m| warning(spec, m))?;
    let mut walk =
        walk::walk_window(&repo, window, spec.remotes).map_err(|e| warning(spec, e.message()))?;
    let mailmap = identity::mailmap(&repo, walk.head());
    let mut damage = Damage {
        unreadable: std::mem::take(&mut walk.unreadable),
        undiffed: Vec::new(),
    };
    let scan = Scanning {
        spec,
        repo: &repo,
        walk: &walk,
        mailmap: mailmap.as_ref(),
        me,
        detail,
        spare,
    };
    let mut credit = me
        .credit
        .map(|keys| credit::Collector::new(keys, walk.review_notes));
    let mut lookalikes = identity::Lookalikes::new(&repo, me);
    let read = scan.read_window(credit.as_mut(), &mut lookalikes, &mut damage.unreadable);
    let mut commits = scan.describe_mine(&read.mine, &mut damage);
    let credits = credit
        .map(|cr| cr.finish(&repo, &walk, mailmap.as_ref(), me))
        .unwrap_or_default();
    let credits = set_branches(&walk, &mut commits, credits);
    let mut merges = scan.pr_merges(read.merges, &commits);
    // The same work on several branches is reported once (see `dedupe`).
    let counted = detail == Detail::Full;
    dedupe::fold(
        &repo,
        &walk,
        &read.reverts,
        counted,
        &mut commits,
        &mut merges,
    );
    dedupe::backports(&repo, window, &mut commits, |c| {
        identity::is_mine(c, mailmap.as_ref(), me)
    });
    let mut activity = scan.activity(commits, merges, credits, &damage);
    activity.maybe_mine = lookalikes.finish();
    Ok(activity)
}

/// A repository being scanned: what the steps of [`scan_one`] read.
struct Scanning<'a> {
    spec: &'a RepoSpec,
    repo: &'a Repository,
    walk: &'a Walk,
    mailmap: Option<&'a Mailmap>,
    me: &'a Identity<'a>,
    detail: Detail,
    /// The cores its commits may be compared on (see
    /// `diff::changes_of_all`).
    spare: usize,
}

/// The window's commits that the scan goes on with.
struct InWindow {
    /// My commits: described once their files are compared (on every core
    /// when there are many).
    mine: Vec<MineAt>,
    /// Merges whose message names a request, as (request, merge).
    merges: Vec<(u32, Oid)>,
    /// The window's reverts, anyone's (see `dedupe::Revert`).
    reverts: Vec<dedupe::Revert>,
}

/// A commit of mine in the window, before it is described.
struct MineAt {
    /// Its id, as shown.
    id: Oid,
    /// The object read for it (its replacement, under `git replace`).
    content: Oid,
    how: identity::Mine,
}

/// What went wrong in a repository that could be scanned, said as
/// warnings at the end.
struct Damage {
    /// Commits and branches that could not be read: some history went
    /// unseen ([`RepoActivity::incomplete`]).
    unreadable: Unreadable,
    /// (short id, reason) of my commits whose files could not be compared.
    undiffed: Vec<(String, String)>,
}

impl Damage {
    /// The repository's warnings: one per kind of damage met.
    fn warnings(&self, spec: &RepoSpec) -> Vec<ScanWarning> {
        broken_refs_message(&self.unreadable.refs)
            .into_iter()
            .chain(unreadable_message(&self.unreadable.list))
            .chain(undiffed_message(&self.undiffed))
            .map(|m| warning(spec, m))
            .collect()
    }
}

impl<'a> Scanning<'a> {
    /// Reads the window's commits: mine are kept to be described, merges
    /// that name a request are kept, and the rest go to `collector`, when
    /// credit is looked for and from its start on, and their authors to
    /// `lookalikes`. A commit that cannot be read goes to `unreadable`.
    fn read_window(
        &self,
        mut collector: Option<&mut credit::Collector<'a>>,
        lookalikes: &mut identity::Lookalikes,
        unreadable: &mut Unreadable,
    ) -> InWindow {
        let (repo, me) = (self.repo, self.me);
        let mut read = InWindow {
            mine: Vec::new(),
            merges: Vec::new(),
            reverts: Vec::new(),
        };
        for &oid in &self.walk.in_window {
            let c = match repo.find_commit(self.walk.content_of(oid)) {
                Ok(c) => c,
                Err(e) => {
                    unreadable.add(oid, &e);
                    continue;
                }
            };
            let time = c.committer().when().seconds();
            read.reverts.extend(dedupe::reverts(&c, time));
            let credit = collector
                .as_deref_mut()
                .filter(|_| me.credit_since.is_none_or(|since| time >= since));
            if c.parent_count() > 1 {
                if let Some(pr) = merge_pr(&c) {
                    read.merges.push((pr, oid));
                }
                if let Some(cr) = credit {
                    if identity::is_mine(&c, self.mailmap, me) {
                        cr.my_merge(oid, c);
                    } else {
                        cr.other(repo, oid, c, self.mailmap, me);
                    }
                }
                continue;
            }
            let how = match identity::whose(&c, self.mailmap, me) {
                Ok(how) => how,
                Err(author) => {
                    lookalikes.see(author);
                    if let Some(cr) = credit {
                        cr.other(repo, oid, c, self.mailmap, me);
                    }
                    continue;
                }
            };
            read.mine.push(MineAt {
                id: oid,
                content: c.id(),
                how,
            });
        }
        read
    }

    /// My commits `mine` described with what they changed, and with whom
    /// when I am only a co-author; their files are compared on every core
    /// when there are many (`diff::changes_of_all`), and the result is the
    /// same in the same order.
    fn describe_mine(&self, mine: &[MineAt], damage: &mut Damage) -> Vec<Commit> {
        let content: Vec<Oid> = mine.iter().map(|m| m.content).collect();
        let changes = diff::changes_of_all(
            self.repo,
            &self.spec.path,
            &content,
            self.detail,
            self.spare,
        );
        let mut commits = Vec::with_capacity(mine.len());
        for (m, changed) in mine.iter().zip(changes) {
            let oid = m.id;
            let c = match self.repo.find_commit(m.content) {
                Ok(c) => c,
                Err(e) => {
                    damage.unreadable.add(oid, &e);
                    continue;
                }
            };
            // Nothing of mine is dropped: a commit whose trees or blobs
            // cannot be read is kept, without files, and said so.
            let changed = changed.unwrap_or_else(|e| {
                damage
                    .undiffed
                    .push((short(&oid.to_string()), e.message().to_string()));
                Default::default()
            });
            let mut commit = describe(&c, self.mailmap, changed);
            if m.how == identity::Mine::CoAuthor {
                let who = match commit.author_name.trim() {
                    "" => &commit.author_email,
                    name => name,
                };
                commit.co_authored_with = Some(who.to_string());
            }
            // A replaced commit is shown under its own id, as `git log` does.
            if c.id() != oid {
                commit.id = oid.to_string();
                commit.short = short(&commit.id);
            }
            commits.push(commit);
        }
        commits
    }

    /// The merges that name a request (`merges`, as (request, merge)), each
    /// with my `commits` it brought in.
    fn pr_merges(&self, merges: Vec<(u32, Oid)>, commits: &[Commit]) -> Vec<PrMerge> {
        let mine: HashSet<&str> = commits.iter().map(|c| c.id.as_str()).collect();
        merges
            .into_iter()
            .map(|(pr, oid)| PrMerge {
                pr,
                commits: walk::brought_in(self.walk, oid)
                    .into_iter()
                    .filter(|id| mine.contains(id.as_str()))
                    .collect(),
            })
            .collect()
    }

    /// The repository's activity: what the steps found, its links (a
    /// configured URL, else the `origin` remote's) and its warnings.
    fn activity(
        &self,
        commits: Vec<Commit>,
        merges: Vec<PrMerge>,
        credits: Vec<Credit>,
        damage: &Damage,
    ) -> RepoActivity {
        let spec = self.spec;
        let links = forge::resolve(
            spec.url.as_deref(),
            spec.forge,
            origin_url(self.repo).as_deref(),
        );
        RepoActivity {
            name: spec.name.clone(),
            path: spec.path.clone(),
            url: links.as_ref().map(|(u, _)| u.clone()),
            forge: links.map(|(_, f)| f),
            commits,
            merges,
            credits,
            visited: self.walk.visited,
            from_graph: self.walk.from_graph,
            in_window: self.walk.in_window.len(),
            warnings: damage.warnings(spec),
            incomplete: damage.unreadable.any(),
            maybe_mine: Vec::new(),
        }
    }
}

/// The URL of the repository's `origin` remote, as git config has it (it
/// may hold credentials: `forge::web_url` drops them).
fn origin_url(repo: &Repository) -> Option<String> {
    let remote = repo.find_remote("origin").ok()?;
    let url = remote.url().ok().map(str::to_string);
    url
}

/// Sets the branches of my commits and of the credits (a merge is on its
/// own branches and on those of the branch it merged, `side`), in one pass
/// over the walk's graph: the names a goal's glob matches
/// ([`Commit::branches`]) and the names people read ([`Commit::on`]).
fn set_branches(
    walk: &Walk,
    commits: &mut [Commit],
    mut credits: Vec<(Credit, Vec<Oid>)>,
) -> Vec<Credit> {
    let ids = commits
        .iter()
        .chain(credits.iter().map(|(cr, _)| &cr.commit))
        .filter_map(|c| Oid::from_str(&c.id).ok())
        .chain(credits.iter().flat_map(|(_, side)| side.iter().copied()));
    let branch_of = walk::branch_membership(walk, ids);
    for c in commits.iter_mut() {
        if let Some(shown) = branch_of.get(c.id.as_str()) {
            c.branches = walk.glob_names(shown);
            c.on = walk.named_once(shown);
        }
    }
    for (cr, side) in &mut credits {
        let mut shown: Vec<String> = std::iter::once(cr.commit.id.clone())
            .chain(side.iter().map(Oid::to_string))
            .filter_map(|id| branch_of.get(&id))
            .flatten()
            .cloned()
            .collect();
        shown.sort();
        shown.dedup();
        cr.commit.branches = walk.glob_names(&shown);
        cr.commit.on = walk.named_once(&shown);
    }
    credits.into_iter().map(|(cr, _)| cr).collect()
}

/// The warning for commits the walk could not read, if any: one for the
/// repository, naming the first.
fn unreadable_message(unreadable: &[(Oid, String)]) -> Option<String> {
    let ((first, reason), rest) = unreadable.split_first()?;
    let first = short(&first.to_string());
    let what = if rest.is_empty() {
        format!(
            "commit {first} could not be read ({reason}); \
             it and the history behind it were skipped"
        )
    } else {
        format!(
            "{} commits could not be read (the first, {first}: {reason}); \
             they and the history behind them were skipped",
            unreadable.len()
        )
    };
    Some(format!(
        "{what}, so work of yours may be missing \
         (`git fsck` in the repository shows what is damaged)"
    ))
}

/// The warning for branches (or HEAD) that lead to no commit, if any: one
/// for the repository, naming each.
fn broken_refs_message(refs: &[(String, String)]) -> Option<String> {
    if refs.is_empty() {
        return None;
    }
    let each: Vec<String> = refs
        .iter()
        .map(|(name, what)| format!("`{name}` {what}"))
        .collect();
    let (it, them) = if refs.len() == 1 {
        ("branch", "its work was")
    } else {
        ("branches", "their work was")
    };
    Some(format!(
        "{it} {}; {them} skipped, so work of yours may be missing \
         (`git fsck` in the repository shows what is damaged)",
        each.join("; ")
    ))
}

/// The warning for my commits whose files could not be compared, if any:
/// one for the repository, naming the first few.
fn undiffed_message(undiffed: &[(String, String)]) -> Option<String> {
    const NAMED: usize = 3;
    let ((first, reason), rest) = undiffed.split_first()?;
    if rest.is_empty() {
        return Some(format!(
            "could not compare the files of {first} ({reason}); \
             it is listed without files or line counts"
        ));
    }
    let named: Vec<&str> = undiffed
        .iter()
        .take(NAMED)
        .map(|(id, _)| id.as_str())
        .collect();
    let ids = match (undiffed.len() - named.len(), named.split_last()) {
        (0, Some((last, init))) => format!("{} and {last}", init.join(", ")),
        (more, _) => format!("{} and {more} more", named.join(", ")),
    };
    Some(format!(
        "could not compare the files of {} ({ids}; the first failed with: {reason}); \
         they are listed without files or line counts",
        plural(undiffed.len(), "commit", "commits")
    ))
}

/// The pull request a merge commit's message names (see
/// [`forge::merge_request_of`]).
fn merge_pr(c: &GitCommit<'_>) -> Option<u32> {
    forge::merge_request_of(&super::encoding::message(c))
}

/// The [`Commit`] for one of my commits: its message, its author after
/// `.mailmap`, and what it changed.
pub(super) fn describe(c: &GitCommit<'_>, mailmap: Option<&Mailmap>, changed: Numstat) -> Commit {
    let message = super::encoding::message(c).into_owned();
    let subject = message.lines().next().unwrap_or("").trim().to_string();
    let author = identity::author(c, mailmap);
    let id = c.id().to_string();
    let when = c.committer().when();
    Commit {
        short: short(&id),
        id,
        pr: forge::squash_request_of(&subject),
        subject,
        message,
        author_name: author.name,
        author_email: author.email,
        co_authored_with: None,
        time: when.seconds(),
        offset_minutes: when.offset_minutes(),
        files: changed.files,
        added: changed.added,
        removed: changed.removed,
        branches: Vec::new(),
        on: Vec::new(),
        folded: None,
        backport_of: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forge::Forge;

    /// `git ARGS` in `dir`, with a sealed config and fixed dates.
    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    /// A window around now (Nov 2025 to Jan 2027) and `emails` as me,
    /// without credit.
    fn wide_window_as_ada(emails: &[String]) -> (TimeWindow, Identity<'_>) {
        let window = TimeWindow {
            since: 1_763_000_000,
            until: 1_800_000_000,
        };
        let me = Identity {
            emails,
            name: "Ada Lovelace",
            credit: None,
            credit_since: None,
        };
        (window, me)
    }

    /// The repository at `path`, named `r`, remote-tracking branches scanned.
    fn spec_at(path: &Path) -> RepoSpec {
        RepoSpec {
            path: path.to_path_buf(),
            name: "r".into(),
            url: None,
            forge: None,
            remotes: true,
        }
    }

    #[test]
    fn an_activity_with_unreadable_history_says_it_is_incomplete() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q", "-b", "main"]);
        git(d.path(), &["commit", "-q", "--allow-empty", "-m", "Work"]);
        let spec = spec_at(d.path());
        let emails = ["ada@example.com".to_string()];
        let (window, me) = wide_window_as_ada(&emails);
        let scan = || scan_repo(&spec, window, &me, Detail::Full).unwrap();
        let whole = scan();
        assert_eq!((whole.commits.len(), whole.incomplete), (1, false));
        std::fs::write(d.path().join(".git/refs/heads/broken"), "garbage\n").unwrap();
        let damaged = scan();
        assert_eq!((damaged.commits.len(), damaged.incomplete), (1, true));
        assert!(damaged.warnings[0]
            .message
            .contains("`broken` cannot be read"));
    }

    #[test]
    fn the_origin_remote_gives_the_links_unless_a_url_is_configured() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q", "-b", "main"]);
        git(d.path(), &["commit", "-q", "--allow-empty", "-m", "Work"]);
        git(
            d.path(),
            &[
                "remote",
                "add",
                "origin",
                "https://ada:tok3n@gitlab.com/acme/search.git",
            ],
        );
        let mut spec = spec_at(d.path());
        let emails = ["ada@example.com".to_string()];
        let (window, me) = wide_window_as_ada(&emails);
        let a = scan_repo(&spec, window, &me, Detail::Full).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://gitlab.com/acme/search"));
        assert_eq!(a.forge, Some(Forge::GitLab));
        spec.url = Some("https://git.acme.com/search".into());
        let a = scan_repo(&spec, window, &me, Detail::Full).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://git.acme.com/search"));
        assert_eq!(a.forge, Some(Forge::GitHub));
    }

    #[test]
    fn many_failures_make_one_warning_that_names_the_first() {
        let undiffed = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| (format!("abc{i:04}"), format!("gone {i}")))
                .collect()
        };
        assert_eq!(undiffed_message(&[]), None);
        assert_eq!(
            undiffed_message(&undiffed(1)).unwrap(),
            "could not compare the files of abc0000 (gone 0); \
             it is listed without files or line counts"
        );
        assert_eq!(
            undiffed_message(&undiffed(3)).unwrap(),
            "could not compare the files of 3 commits (abc0000, abc0001 and abc0002; \
             the first failed with: gone 0); they are listed without files or line counts"
        );
        assert_eq!(
            undiffed_message(&undiffed(5)).unwrap(),
            "could not compare the files of 5 commits (abc0000, abc0001, abc0002 and 2 more; \
             the first failed with: gone 0); they are listed without files or line counts"
        );

        let oid = |b: u8| Oid::from_bytes(&[b; 20]).unwrap();
        assert_eq!(unreadable_message(&[]), None);
        assert_eq!(
            unreadable_message(&[(oid(1), "gone".into())]).unwrap(),
            "commit 0101010 could not be read (gone); it and the history behind it were \
             skipped, so work of yours may be missing (`git fsck` in the repository shows \
             what is damaged)"
        );
        let two = [(oid(1), "gone".into()), (oid(2), "bad".into())];
        assert!(unreadable_message(&two).unwrap().starts_with(
            "2 commits could not be read (the first, 0101010: gone); \
             they and the history behind them were skipped"
        ));
    }
}
