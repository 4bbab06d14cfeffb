//! Sets `ICU_VERSION`, what `icu --version` prints after `icu `: the
//! package version, and when icu is built from a git checkout the commit it
//! was built from (`0.2.0 (f9795b6)`, or `0.2.0 (f9795b6, modified)` when
//! the sources differ from that commit). Built from a packaged crate — no `.git`
//! beside Cargo.toml — it is the commit `cargo package` recorded in
//! `.cargo_vcs_info.json` (`git.sha1`, and `git.dirty` for "modified");
//! without either, or where git is missing or refuses, the version alone.
//! Never fails the build.

use std::path::Path;
use std::process::Command;

/// What the binary is built from: a change to one of these, not yet
/// committed, makes the build "modified".
const SOURCES: [&str; 5] = ["build.rs", "Cargo.toml", "Cargo.lock", "src", "templates"];

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&manifest_dir);

    // Run again when what the binary is built from changes (it may now
    // differ from the commit) and when HEAD moves (a commit, a checkout).
    for path in SOURCES {
        println!("cargo:rerun-if-changed={path}");
    }

    // Only the checkout icu itself lives in: a crate unpacked somewhere
    // inside another repository (target/package/… of a checkout) must not
    // take that repository's commit.
    let commit = if dir.join(".git").exists() {
        commit(dir)
    } else {
        packaged_commit(dir)
    };
    let full = match commit {
        Some(c) => format!("{version} ({c})"),
        None => version,
    };
    println!("cargo:rustc-env=ICU_VERSION={full}");

    // `ICU_DATE`, the man page's date: the day of the commit built from
    // (its committer date), else `SOURCE_DATE_EPOCH`'s day, else none — never
    // the day of the build, so the same sources give the same page.
    let date = if dir.join(".git").exists() {
        git(dir, &["show", "-s", "--format=%cs", "HEAD"])
    } else {
        None
    }
    .or_else(|| {
        let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.parse().ok()?;
        let days = secs.div_euclid(86_400);
        Some(civil_date(days))
    })
    .unwrap_or_default();
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rustc-env=ICU_DATE={date}");

    // The tests that read the fuzz crate's inputs (tests/regressions.rs)
    // are compiled only where that folder is: a checkout. The packaged crate
    // cannot carry it (cargo leaves out a folder that is a package itself).
    println!("cargo:rustc-check-cfg=cfg(fuzz_inputs)");
    if dir.join("fuzz/regressions").is_dir() && dir.join("fuzz/seeds").is_dir() {
        println!("cargo:rustc-cfg=fuzz_inputs");
    }
}

/// The commit a packaged crate in `dir` was made from, as `cargo package`
/// records it in `.cargo_vcs_info.json`: `f9795b6`, or `f9795b6, modified`
/// when it was packaged with uncommitted changes (`--allow-dirty`).
fn packaged_commit(dir: &Path) -> Option<String> {
    let path = dir.join(".cargo_vcs_info.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let info: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let sha = info["git"]["sha1"].as_str()?;
    let short: String = sha.chars().take(7).collect();
    (short.len() == 7 && short.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
        if info["git"]["dirty"].as_bool() == Some(true) {
            format!("{short}, modified")
        } else {
            short
        }
    })
}

/// The short commit of HEAD in `dir` and whether the tracked files the
/// binary is built from differ from it; `None` if git is not there or does
/// not answer.
fn commit(dir: &Path) -> Option<String> {
    // A path that does not exist would make cargo run this on every build,
    // so only existing ones are watched. A branch kept only in packed-refs
    // gets a loose file at its next commit: its folder is watched instead.
    let mut watch = Vec::new();
    for name in ["HEAD", "packed-refs"] {
        watch.extend(git(dir, &["rev-parse", "--git-path", name]).map(|p| dir.join(p)));
    }
    if let Some(reference) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(dir, &["rev-parse", "--git-path", &reference]) {
            let loose = dir.join(p);
            if loose.exists() {
                watch.push(loose);
            } else {
                watch.extend(loose.parent().map(Path::to_path_buf));
            }
        }
    }
    for path in watch.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let short = git(dir, &["rev-parse", "--short", "HEAD"])?;
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(SOURCES);
    let modified = git(dir, &status).is_some_and(|s| !s.is_empty());
    Some(if modified {
        format!("{short}, modified")
    } else {
        short
    })
}

/// `YYYY-MM-DD` of `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`: build.rs has no date library).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// What `git -C dir ARGS` prints, trimmed, if it ran and succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // A build run from a git hook or `git rebase --exec` must still ask
        // about this checkout, not the one the variables point at.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}
