//! `icu --version`: the package version, and the commit when icu was built
//! from a git checkout (build.rs). CI runs this both in the checkout and in
//! the packaged crate unpacked outside any repository, so each branch is
//! checked on every change.

use std::path::Path;
use std::process::Command;

use crate::common::{stdout, TestEnv};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What `git -C <checkout> ARGS` prints, if this is a checkout git reads.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root())
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn version_is_the_package_version_and_the_commit_it_was_built_from() {
    let env = TestEnv::new();
    let long = stdout(&env.icu().arg("--version").assert().success());
    let short = stdout(&env.icu().arg("-V").assert().success());
    assert_eq!(long, short);
    let version = env!("CARGO_PKG_VERSION");
    assert!(long.starts_with(&format!("icu {version}")), "{long}");

    let commit = if root().join(".git").exists() {
        git(&["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    match commit {
        // Built from a checkout: the commit, and whether the sources differ
        // from it.
        Some(hash) => {
            let status = git(&[
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "build.rs",
                "Cargo.toml",
                "Cargo.lock",
                "src",
                "templates",
            ])
            .unwrap();
            let expected = if status.is_empty() {
                format!("icu {version} ({hash})\n")
            } else {
                format!("icu {version} ({hash}, modified)\n")
            };
            assert_eq!(long, expected);
        }
        // Built from the packaged crate (no .git beside Cargo.toml): the
        // commit cargo package recorded; where git is missing too, the
        // version alone.
        None => match std::fs::read(root().join(".cargo_vcs_info.json")) {
            Ok(info) => {
                let info: serde_json::Value = serde_json::from_slice(&info).unwrap();
                let sha = info["git"]["sha1"].as_str().unwrap();
                let modified = if info["git"]["dirty"] == true {
                    ", modified"
                } else {
                    ""
                };
                assert_eq!(long, format!("icu {version} ({}{modified})\n", &sha[..7]));
            }
            Err(_) => assert_eq!(long, format!("icu {version}\n")),
        },
    }
}

#[test]
fn a_subcommand_says_the_same_version() {
    let env = TestEnv::new();
    let top = stdout(&env.icu().arg("--version").assert().success());
    let sub = stdout(&env.icu().args(["draft", "--version"]).assert().success());
    assert_eq!(sub, top.replacen("icu ", "icu-draft ", 1));
}
