//! Mine-ness: whether a commit is mine (its author after `.mailmap`, or a
//! `Co-authored-by:` trailer naming one of my emails), and the git identity
//! and repository around a folder, for `icu init` and config-less runs.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use git2::{Commit as GitCommit, Repository};
use regex::Regex;

use super::Identity;

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

/// Mine: the author after `.mailmap`, or a `Co-authored-by:` trailer.
pub(super) fn is_mine(
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    me: &Identity<'_>,
) -> bool {
    let author = match mailmap {
        Some(m) => c.author_with_mailmap(m).ok(),
        None => None,
    }
    .unwrap_or_else(|| c.author().to_owned());
    if me.is_me(&String::from_utf8_lossy(author.email_bytes())) {
        return true;
    }
    let msg = String::from_utf8_lossy(c.message_bytes());
    co_authors(&msg).iter().any(|(name, email)| {
        let resolved = mailmap
            .and_then(|m| {
                let sig = git2::Signature::new(name, email, &git2::Time::new(0, 0)).ok()?;
                m.resolve_signature(&sig).ok()
            })
            .and_then(|s| s.email().ok().map(str::to_owned));
        me.is_me(email) || resolved.is_some_and(|e| me.is_me(&e))
    })
}

/// `(name, email)` of each `Co-authored-by: Name <email>` line.
fn co_authors(message: &str) -> Vec<(String, String)> {
    CO_AUTHOR
        .captures_iter(message)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The email and name git would use (`git config user.email` / `user.name`)
/// for the repository at `dir`, falling back to the global config.
pub fn git_identity(dir: Option<&Path>) -> (Option<String>, Option<String>) {
    let cfg = dir
        .and_then(|d| Repository::discover(d).ok())
        .and_then(|r| r.config().ok())
        .or_else(|| git2::Config::open_default().ok());
    let Some(cfg) = cfg else {
        return (None, None);
    };
    let get = |k: &str| cfg.get_string(k).ok().filter(|s| !s.trim().is_empty());
    (get("user.name"), get("user.email"))
}

/// The work tree (or git dir of a bare repo) containing `dir`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let r = Repository::discover(dir).ok()?;
    Some(
        r.workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| r.path().to_path_buf()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
