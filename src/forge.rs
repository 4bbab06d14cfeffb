//! Where a repository's work can be seen on the web: the forge that hosts it
//! (GitHub, GitLab, Gitea/Forgejo, Bitbucket, Gerrit), its web URL, and the
//! URL of a commit or a pull/merge request there. Pure text: the `origin`
//! remote's URL is read by `scan` (git2 lives there) and handed in as a
//! string; `compose` writes the links. The pull or merge request a
//! merge or squash commit's message names is read here too, from the text
//! `scan` hands in.
//!
//! It sits at the top of `src/` because no one layer owns it: `scan` hands
//! in merge subjects and the `origin` URL, `config` checks a repository's
//! `url`, `attribute` and `template` say which forge a repository is on,
//! and `compose` writes the links.
//!
//! Every URL made here is checked by [`safe_link`] before it goes into a
//! Markdown link: one that would end the link early (a space, a `)`) is not
//! made at all. Credentials in a remote URL (`https://user:token@host/…`)
//! never reach a link.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// A kind of forge: how its commit and pull-request URLs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    /// `/commit/SHA`, `/pull/N`, written `#N`. GitHub Enterprise too.
    GitHub,
    /// `/-/commit/SHA`, `/-/merge_requests/N`, written `!N`.
    GitLab,
    /// Gitea and Forgejo (Codeberg): `/commit/SHA`, `/pulls/N`, written `#N`.
    Gitea,
    /// Bitbucket: `/commits/SHA`, `/pull-requests/N`, written `#N`.
    Bitbucket,
    /// Gerrit: the commit in Gitiles, `/+/SHA`; a change is linked from its
    /// commit's `Reviewed-on:` trailer, not from a number.
    Gerrit,
}

impl Forge {
    /// The values `[[repo]] forge` takes (`forgejo` is `gitea`).
    pub const NAMES: [&'static str; 6] = [
        "github",
        "gitlab",
        "gitea",
        "forgejo",
        "bitbucket",
        "gerrit",
    ];

    /// A forge as written in the config; `None` for anything else.
    pub fn parse(s: &str) -> Option<Forge> {
        match s.trim().to_ascii_lowercase().as_str() {
            "github" => Some(Forge::GitHub),
            "gitlab" => Some(Forge::GitLab),
            "gitea" | "forgejo" => Some(Forge::Gitea),
            "bitbucket" => Some(Forge::Bitbucket),
            "gerrit" => Some(Forge::Gerrit),
            _ => None,
        }
    }

    /// The forge a web URL's host names: the public hosts, and self-hosted
    /// ones whose name says which (`gitlab.acme.com`, `gitea.home.arpa`,
    /// `review.opendev.org`). `None` when the host says nothing.
    pub fn detect(url: &str) -> Option<Forge> {
        let host = host_of(url)?;
        let labels: Vec<&str> = host.split('.').collect();
        let has = |word: &str| labels.iter().any(|l| l.contains(word));
        if host == "github.com" || has("github") {
            Some(Forge::GitHub)
        } else if host == "gitlab.com" || has("gitlab") {
            Some(Forge::GitLab)
        } else if matches!(host.as_str(), "codeberg.org" | "gitea.com")
            || has("gitea")
            || has("forgejo")
        {
            Some(Forge::Gitea)
        } else if host == "bitbucket.org" || has("bitbucket") {
            Some(Forge::Bitbucket)
        } else if host.ends_with(".googlesource.com")
            || has("gerrit")
            || labels
                .first()
                .is_some_and(|l| *l == "review" || l.ends_with("-review"))
        {
            Some(Forge::Gerrit)
        } else {
            None
        }
    }

    /// The commit `sha` of the repository at `base` (its web URL).
    pub fn commit_url(self, base: &str, sha: &str) -> Option<String> {
        let base = base.trim_end_matches('/');
        let url = match self {
            Forge::GitHub | Forge::Gitea => format!("{base}/commit/{sha}"),
            Forge::GitLab => format!("{base}/-/commit/{sha}"),
            Forge::Bitbucket => format!("{base}/commits/{sha}"),
            Forge::Gerrit => format!("{base}/+/{sha}"),
        };
        safe_link(&url).then_some(url)
    }

    /// Pull (merge) request `n` of the repository at `base`; Gerrit has no
    /// numbered requests to link to.
    pub fn request_url(self, base: &str, n: u32) -> Option<String> {
        let base = base.trim_end_matches('/');
        let url = match self {
            Forge::GitHub => format!("{base}/pull/{n}"),
            Forge::GitLab => format!("{base}/-/merge_requests/{n}"),
            Forge::Gitea => format!("{base}/pulls/{n}"),
            Forge::Bitbucket => format!("{base}/pull-requests/{n}"),
            Forge::Gerrit => return None,
        };
        safe_link(&url).then_some(url)
    }

    /// How request `n` is written on this forge: `!42` on GitLab, `#42`
    /// elsewhere.
    pub fn request_ref(self, n: u32) -> String {
        match self {
            Forge::GitLab => format!("!{n}"),
            _ => format!("#{n}"),
        }
    }
}

/// The web URL and forge a repository's links use: `url` as configured (an
/// unknown host is taken as GitHub-style, as before forges were known), else
/// the web URL of the `origin` remote when `forge` or its host says which
/// forge it is (for Gerrit, only on `*.googlesource.com`, where Gitiles
/// serves the same path). `None`: no links.
pub fn resolve(
    url: Option<&str>,
    forge: Option<Forge>,
    origin: Option<&str>,
) -> Option<(String, Forge)> {
    if let Some(u) = url {
        let f = forge.or_else(|| Forge::detect(u)).unwrap_or(Forge::GitHub);
        return Some((u.to_string(), f));
    }
    let web = web_url(origin?)?;
    let f = forge.or_else(|| Forge::detect(&web))?;
    // A Gerrit server's Gitiles is rarely at the path it serves git from
    // (`/plugins/gitiles/…`); googlesource.com's is.
    if f == Forge::Gerrit && !host_of(&web).is_some_and(|h| h.ends_with(".googlesource.com")) {
        return None;
    }
    Some((web, f))
}

/// The web page of a remote URL, as `git remote get-url origin` prints it:
/// `git@host:owner/repo.git`, `ssh://git@host[:port]/owner/repo.git`,
/// `https://user:token@host/owner/repo.git`, `git://host/owner/repo` all
/// give `https://host/owner/repo` (an http URL stays http and keeps its
/// port; an ssh port is dropped). Credentials are dropped. A local path, a
/// `file://` URL or anything else not on a web host is `None`.
pub fn web_url(remote: &str) -> Option<String> {
    let r = remote.trim();
    let (scheme, authority, path) = match r.find("://") {
        Some(i) => {
            let scheme = r[..i].to_ascii_lowercase();
            let rest = &r[i + 3..];
            let (authority, path) = rest.split_once('/')?;
            let web_scheme = match scheme.as_str() {
                "http" => "http",
                "https" | "ssh" | "git" | "git+ssh" | "ssh+git" => "https",
                _ => return None,
            };
            let keep_port = scheme.starts_with("http");
            (web_scheme, host_port(authority, keep_port)?, path)
        }
        None => {
            // scp-like `[user@]host:path`: a colon before any slash.
            let (authority, path) = r.split_once(':')?;
            if authority.contains('/') || authority.contains('\\') {
                return None;
            }
            let host = host_port(authority, false)?;
            // `C:\repo` is a Windows path, not a host called C.
            if host.len() < 2 {
                return None;
            }
            ("https", host, path)
        }
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    if path.is_empty() {
        return None;
    }
    let url = format!("{scheme}://{authority}/{path}");
    safe_link(&url).then_some(url)
}

/// `host[:port]` of an authority, without `user[:password]@`; lower-cased.
fn host_port(authority: &str, keep_port: bool) -> Option<String> {
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        // An IPv6 literal, `[::1]:22`.
        let (inside, after) = rest.split_once(']')?;
        (format!("[{inside}]"), after.strip_prefix(':'))
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(match port.filter(|p| keep_port && !p.is_empty()) {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// The host of an http(s) URL, lower-cased, without credentials or port.
fn host_of(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = host_port(authority, false)?;
    Some(host)
}

/// Whether `url` can go into a Markdown link as written: an http or https
/// URL with something after the scheme, and no space, control character or
/// any of ``()<>"'`\``, which would end the link or let the rest of it into
/// the HTML. A URL that is not safe is not linked.
pub fn safe_link(url: &str) -> bool {
    let http = ["http://", "https://"].iter().any(|p| {
        url.len() > p.len()
            && url
                .get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
    });
    http && !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "()<>\"'`\\".contains(c))
}

/// A Gerrit change named by a commit's trailers: `Change-Id: I…` and
/// `Reviewed-on: URL` (which Gerrit writes when it submits the change).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The Change-Id, `I` and 40 hex digits, as written.
    pub id: Option<String>,
    /// The change's page, when it is a [`safe_link`].
    pub url: Option<String>,
}

/// The Gerrit change in `message`'s trailers (its last paragraph), if any.
pub fn gerrit_change(message: &str) -> Option<Change> {
    let last = message.trim_end().rsplit("\n\n").next()?;
    let mut change = Change::default();
    for line in last.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "change-id" if is_change_id(value) => change.id = Some(value.to_string()),
            "reviewed-on" if safe_link(value) => change.url = Some(value.to_string()),
            _ => {}
        }
    }
    (change.id.is_some() || change.url.is_some()).then_some(change)
}

/// `I` and 40 hex digits.
fn is_change_id(s: &str) -> bool {
    s.len() == 41 && s.starts_with('I') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A squash-merged subject ending in `(#N)` (GitHub, Gitea, Bitbucket) or
/// `(!N)` (GitLab).
static SQUASH_PR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([#!]([0-9]+)\)\s*$").expect("static regex is valid"));
/// The subject of a merge that names its request: GitHub's `Merge pull
/// request #N`, Gitea's `Merge pull request 'title' (#N) from …`,
/// Bitbucket's `Merged in branch (pull request #N)`.
static MERGE_PR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:Merge pull request #([0-9]+)|Merge pull request '.*' \(#([0-9]+)\)|Merged in .*\(pull request #([0-9]+)\))")
        .expect("static regex is valid")
});
/// GitLab's merge commit names its request in the body:
/// `See merge request group/project!N`.
static MERGE_MR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^See merge request \S*!([0-9]+)\s*$").expect("static regex is valid")
});

/// The request a squash-merged commit's subject names: `(#N)`, or GitLab's
/// `(!N)`, at its end.
pub fn squash_request_of(subject: &str) -> Option<u32> {
    // Each pattern is built the first time a text could match it: most
    // histories have few or none, and building them was a measurable part
    // of a draft on git.git, which has none (BENCHMARKS.md, "Issue 31's levers").
    if !(subject.contains("(#") || subject.contains("(!")) {
        return None;
    }
    SQUASH_PR
        .captures(subject)
        .and_then(|m| m.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

/// The request number a merge commit's message names: in its subject
/// (GitHub, Gitea, Bitbucket), or in GitLab's `See merge request …!N` line.
pub fn merge_request_of(msg: &str) -> Option<u32> {
    let first = msg.lines().next()?;
    // Every subject MERGE_PR matches starts so (its letters fold to no
    // character outside ASCII).
    let starts = |words: &str| {
        first
            .as_bytes()
            .get(..words.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(words.as_bytes()))
    };
    if starts("merge pull request ") || starts("merged in ") {
        if let Some(c) = MERGE_PR.captures(first) {
            return c.iter().skip(1).flatten().next()?.as_str().parse().ok();
        }
    }
    if !msg.contains("See merge request ") {
        return None;
    }
    MERGE_MR.captures(msg)?.get(1)?.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_become_web_urls_without_credentials() {
        let cases = [
            (
                "git@github.com:acme/search.git",
                "https://github.com/acme/search",
            ),
            (
                "ssh://git@gitlab.com:2222/group/sub/search.git",
                "https://gitlab.com/group/sub/search",
            ),
            (
                "https://ada:ghp_s3cret@github.com/acme/search.git",
                "https://github.com/acme/search",
            ),
            (
                "https://ada@bitbucket.org/acme/search.git/",
                "https://bitbucket.org/acme/search",
            ),
            (
                "http://gitea.local:3000/ada/search",
                "http://gitea.local:3000/ada/search",
            ),
            (
                "git://codeberg.org/ada/search.git",
                "https://codeberg.org/ada/search",
            ),
            ("ssh://ada@[::1]:22/x/y.git", "https://[::1]/x/y"),
            (
                "GIT@GitHub.COM:acme/search",
                "https://github.com/acme/search",
            ),
        ];
        for (remote, web) in cases {
            assert_eq!(web_url(remote).as_deref(), Some(web), "{remote}");
        }
        for local in [
            "/srv/git/search.git",
            "../search",
            "file:///srv/git/search.git",
            "C:\\src\\search",
            "c:/src/search",
            "git@github.com:",
            "https://github.com/",
            "https://github.com/acme/has space",
            "https://github.com/acme/x)y",
        ] {
            assert_eq!(web_url(local), None, "{local}");
        }
    }

    #[test]
    fn each_forge_writes_its_own_urls() {
        let b = "https://h/o/r/";
        let sha = "a1b2c3d4";
        let want = [
            (
                Forge::GitHub,
                "https://h/o/r/commit/a1b2c3d4",
                Some("https://h/o/r/pull/7"),
                "#7",
            ),
            (
                Forge::GitLab,
                "https://h/o/r/-/commit/a1b2c3d4",
                Some("https://h/o/r/-/merge_requests/7"),
                "!7",
            ),
            (
                Forge::Gitea,
                "https://h/o/r/commit/a1b2c3d4",
                Some("https://h/o/r/pulls/7"),
                "#7",
            ),
            (
                Forge::Bitbucket,
                "https://h/o/r/commits/a1b2c3d4",
                Some("https://h/o/r/pull-requests/7"),
                "#7",
            ),
            (Forge::Gerrit, "https://h/o/r/+/a1b2c3d4", None, "#7"),
        ];
        for (f, commit, request, written) in want {
            assert_eq!(f.commit_url(b, sha).as_deref(), Some(commit));
            assert_eq!(f.request_url(b, 7).as_deref(), request);
            assert_eq!(f.request_ref(7), written);
        }
    }

    #[test]
    fn the_host_names_the_forge_and_the_config_overrides_it() {
        let d = |u: &str| Forge::detect(u);
        assert_eq!(d("https://github.com/a/b"), Some(Forge::GitHub));
        assert_eq!(d("https://github.acme.com/a/b"), Some(Forge::GitHub));
        assert_eq!(d("https://gitlab.com/a/b"), Some(Forge::GitLab));
        assert_eq!(d("https://gitlab.acme.com/a/b"), Some(Forge::GitLab));
        assert_eq!(d("https://codeberg.org/a/b"), Some(Forge::Gitea));
        assert_eq!(d("https://forgejo.home.arpa/a/b"), Some(Forge::Gitea));
        assert_eq!(d("https://bitbucket.org/a/b"), Some(Forge::Bitbucket));
        assert_eq!(
            d("https://android.googlesource.com/platform/build"),
            Some(Forge::Gerrit)
        );
        assert_eq!(d("https://review.opendev.org/x"), Some(Forge::Gerrit));
        assert_eq!(d("https://git.acme.com/a/b"), None);

        // A configured url on an unknown host links GitHub-style, as always.
        assert_eq!(
            resolve(Some("https://git.acme.com/a/b"), None, None),
            Some(("https://git.acme.com/a/b".into(), Forge::GitHub))
        );
        assert_eq!(
            resolve(Some("https://git.acme.com/a/b"), Some(Forge::GitLab), None),
            Some(("https://git.acme.com/a/b".into(), Forge::GitLab))
        );
        // From origin: only when the forge is known.
        assert_eq!(resolve(None, None, Some("git@git.acme.com:a/b.git")), None);
        assert_eq!(
            resolve(None, Some(Forge::Gitea), Some("git@git.acme.com:a/b.git")),
            Some(("https://git.acme.com/a/b".into(), Forge::Gitea))
        );
        assert_eq!(
            resolve(None, None, Some("git@gitlab.com:a/b.git")),
            Some(("https://gitlab.com/a/b".into(), Forge::GitLab))
        );
        // The configured url wins over origin.
        assert_eq!(
            resolve(
                Some("https://x.org/y"),
                None,
                Some("git@gitlab.com:a/b.git")
            )
            .unwrap()
            .0,
            "https://x.org/y"
        );
        // Gerrit from origin: only where Gitiles is at the same path.
        assert_eq!(
            resolve(None, None, Some("ssh://ada@review.example.org:29418/p")),
            None
        );
        assert_eq!(
            resolve(
                None,
                None,
                Some("https://android.googlesource.com/platform/build")
            ),
            Some((
                "https://android.googlesource.com/platform/build".into(),
                Forge::Gerrit
            ))
        );
        assert_eq!(Forge::parse("Forgejo"), Some(Forge::Gitea));
        assert_eq!(Forge::parse("sourcehut"), None);
    }

    #[test]
    fn gerrit_trailers_give_the_change() {
        let id = "I8473b95934b5732ac55d26311a706c9c2bde9940";
        let m = format!(
            "Fix the parser\n\nBody.\n\nChange-Id: {id}\nReviewed-on: https://review.example.org/c/p/+/1234\nReviewed-by: Grace <g@x.org>\n"
        );
        assert_eq!(
            gerrit_change(&m),
            Some(Change {
                id: Some(id.into()),
                url: Some("https://review.example.org/c/p/+/1234".into()),
            })
        );
        // Only in the trailers; a hostile URL is not linked.
        assert_eq!(
            gerrit_change(&format!("Change-Id: {id} in prose\n\nBody")),
            None
        );
        let hostile = "x\n\nReviewed-on: https://x.org/a)<img src=x>\n";
        assert_eq!(gerrit_change(hostile), None);
        assert_eq!(gerrit_change("x\n\nChange-Id: I123\n"), None);
    }

    #[test]
    fn unsafe_urls_are_not_links() {
        assert!(safe_link("https://tracker/browse/SEARCH-42"));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://x/a b",
            "https://x/\"",
            "ftp://x/y",
        ] {
            assert!(!safe_link(bad), "{bad}");
        }
    }

    #[test]
    fn squash_subjects_give_their_pr() {
        assert_eq!(squash_request_of("Add cache (#481)"), Some(481));
        assert_eq!(squash_request_of("Add cache (!37)  "), Some(37));
        assert_eq!(squash_request_of("Add cache (#481) later"), None);
        assert_eq!(squash_request_of("Add cache #481"), None);
    }

    #[test]
    fn merges_name_their_request_on_every_forge() {
        let cases = [
            ("Merge pull request #12 from ada/x\n\nAdd x", Some(12)),
            (
                "Merge pull request 'Add x' (#13) from ada/x into main",
                Some(13),
            ),
            ("Merged in feature/x (pull request #14)\n\nAdd x", Some(14)),
            (
                "Merge branch 'x' into 'main'\n\nAdd x\n\nSee merge request group/sub/search!15\n",
                Some(15),
            ),
            ("Merge branch 'x' into main", None),
            ("merge PULL request #16 from ada/x", Some(16)),
            ("MERGED IN x (pull request #17)", Some(17)),
            ("Merge pull request from ada/x", None),
        ];
        for (msg, want) in cases {
            assert_eq!(merge_request_of(msg), want, "{msg}");
        }
    }
}
