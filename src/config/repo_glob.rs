//! The filesystem side of `[[repo]] path = "~/src/*"`: finding the git
//! repositories a repo glob names, and the name each one gets.
//!
//! Kept apart from validation because it is the only part of loading a
//! config that reads anything but the config file itself.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::GlobBuilder;

/// Whether the repo glob `pattern` could find a folder called `name`: its
/// last part matches it (`~/src/*` could find `search`).
pub(super) fn glob_could_name(pattern: &str, name: &str) -> bool {
    let last = pattern
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    globset::Glob::new(last).is_ok_and(|g| g.compile_matcher().is_match(name))
}

/// The name a repository gets when its `[[repo]]` gives none: its folder's,
/// without a `.git` suffix (`search.git` is `search`).
pub(super) fn folder_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| p.display().to_string())
}

/// How deep `**` in a repo path looks below the folder before it.
const MAX_GLOB_DEPTH: usize = 6;

/// Whether `p` is a git repository: a work tree with `.git`, or bare.
fn looks_like_repo(p: &Path) -> bool {
    p.join(".git").exists() || (p.join("HEAD").is_file() && p.join("objects").is_dir())
}

/// What a repo glob finds: the repositories, and the symlink loops it did
/// not follow.
pub(super) struct GlobFound {
    /// Every repository, once, sorted.
    pub paths: Vec<PathBuf>,
    /// Each link skipped because it points at a folder above it: `(link, target)`.
    pub loops: Vec<(PathBuf, PathBuf)>,
}

/// A repository a glob found.
struct Found {
    /// Its path as the walk reached it.
    path: PathBuf,
    /// Where that path resolves.
    real: PathBuf,
    /// Whether the walk reached it through a link.
    link: bool,
}

/// The path `p` resolves to, links followed; `p` itself when it cannot be
/// resolved (a missing repository stays what the config says).
pub(super) fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Every folder matching the glob `pattern` that is a git repository, sorted.
/// Walks down from the folders before the first wildcard; `**` walks up to
/// [`MAX_GLOB_DEPTH`] levels, skipping hidden folders and not descending into
/// a repository it found. Links are followed, but each folder is walked once
/// and each repository found once (by the path it resolves to; of several
/// paths to it, one that is not a link), and a link to a folder above it (a
/// loop) is skipped and reported.
pub(super) fn expand_repo_glob(pattern: &Path) -> Result<GlobFound, globset::Error> {
    let text = pattern.to_string_lossy();
    let matcher = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()?
        .compile_matcher();
    let mut base = PathBuf::new();
    let mut depth = 0;
    let mut recursive = false;
    for c in pattern.components() {
        let s = c.as_os_str().to_string_lossy();
        if depth > 0 || s.contains(['*', '?', '[']) {
            depth += 1;
            recursive |= s.contains("**");
        } else {
            base.push(c);
        }
    }
    let max_depth = if recursive { MAX_GLOB_DEPTH } else { depth };
    let mut found: Vec<Found> = Vec::new();
    let mut loops = Vec::new();
    let mut walked: HashSet<PathBuf> = HashSet::from([canonical(&base)]);
    let mut frontier = vec![base];
    for level in 1..=max_depth {
        let mut next = Vec::new();
        for dir in &frontier {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let here = canonical(dir);
            // Folders before links, so a folder is reached by its own path.
            let mut entries: Vec<_> = rd
                .flatten()
                .map(|e| (e.file_type().is_ok_and(|t| t.is_symlink()), e))
                .collect();
            entries.sort_by_key(|(link, e)| (*link, e.file_name()));
            for (link, e) in entries {
                let p = e.path();
                // `is_dir` follows a symlink to a folder.
                if !p.is_dir() || (recursive && e.file_name().to_string_lossy().starts_with('.')) {
                    continue;
                }
                let real = canonical(&p);
                let candidate = recursive || level == depth;
                if candidate && matcher.is_match(&p) && looks_like_repo(&p) {
                    found.push(Found {
                        path: p,
                        real,
                        link,
                    });
                } else if level < max_depth {
                    if link && here.starts_with(&real) {
                        loops.push((p, real));
                    } else if walked.insert(real) {
                        next.push(p);
                    }
                }
            }
        }
        frontier = next;
    }
    // Of the paths to one repository, one that is not a link is kept.
    found.sort_by(|a, b| (&a.real, a.link, &a.path).cmp(&(&b.real, b.link, &b.path)));
    found.dedup_by(|a, b| a.real == b.real);
    let mut paths: Vec<PathBuf> = found.into_iter().map(|f| f.path).collect();
    paths.sort();
    Ok(GlobFound { paths, loops })
}

#[cfg(test)]
mod tests {
    use crate::config::tests::parse_ok;

    #[test]
    fn repo_globs_find_repositories() {
        let d = tempfile::tempdir().unwrap();
        for n in ["a", "b", "plain"] {
            std::fs::create_dir_all(d.path().join(n)).unwrap();
        }
        std::fs::create_dir_all(d.path().join("a/.git")).unwrap();
        std::fs::create_dir_all(d.path().join("b/.git")).unwrap();
        let c = parse_ok(&format!("[[repo]]\npath = \"{}/*\"\n", d.path().display()));
        let names: Vec<_> = c.repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
        let c = parse_ok(&format!(
            "[[repo]]\npath = \"{}/none-*\"\n",
            d.path().display()
        ));
        assert!(c.repos.is_empty());
        assert!(c.warnings[0].contains("matches no git repository"));
    }

    #[test]
    fn double_star_finds_nested_repositories() {
        let d = tempfile::tempdir().unwrap();
        for n in ["work/a", "oss/deep/b", "oss/deep/b/vendor/c", ".hidden/d"] {
            std::fs::create_dir_all(d.path().join(n).join(".git")).unwrap();
        }
        // A bare repository counts too.
        std::fs::create_dir_all(d.path().join("bare.git/objects")).unwrap();
        std::fs::write(d.path().join("bare.git/HEAD"), "ref: refs/heads/main\n").unwrap();
        let c = parse_ok(&format!("[[repo]]\npath = \"{}/**\"\n", d.path().display()));
        let names: Vec<_> = c.repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["bare", "b", "a"]);
    }
}
