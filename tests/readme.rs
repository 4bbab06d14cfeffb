//! The README is part of the contract: every test its "When things go wrong"
//! table names must exist, the two set-up commands must be the ones CI runs,
//! and the first must say truly which repository it drafts.

use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The file of the library module `name`: `src/name.rs`, or `src/name/mod.rs`
/// once the module is a folder.
fn src_module(name: &str) -> std::path::PathBuf {
    let file = root().join(format!("src/{name}.rs"));
    if file.exists() {
        file
    } else {
        root().join(format!("src/{name}/mod.rs"))
    }
}

#[test]
fn every_test_named_in_the_bad_input_table_exists() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let table = readme
        .split("## When things go wrong")
        .nth(1)
        .expect("the README has the table")
        .split("\n## ")
        .next()
        .unwrap();
    let main = fs::read_to_string(root().join("tests/main.rs")).unwrap();
    let mut checked = 0;
    for row in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
    {
        let tests = row.rsplit('|').nth(1).unwrap_or("");
        for name in tests.split('`').skip(1).step_by(2) {
            if !name.contains("::") {
                continue;
            }
            let parts: Vec<&str> = name.split("::").collect();
            let (file, func) = match parts.as_slice() {
                // A unit test in a module directory (`export::eml::tests::f`)
                // lives in src/export/eml.rs, or in a mod.rs for the
                // directory's own tests.
                [module @ .., "tests", func] if !module.is_empty() => {
                    (src_module(&module.join("/")), *func)
                }
                [file, func] => (root().join(format!("tests/{file}.rs")), *func),
                _ => panic!("cannot read test name `{name}`"),
            };
            let text = fs::read_to_string(&file)
                .unwrap_or_else(|_| panic!("`{name}`: {} does not exist", file.display()));
            assert!(
                text.contains(&format!("fn {func}(")),
                "`{name}` named in the README does not exist in {}",
                file.display()
            );
            if file.starts_with(root().join("tests")) {
                // The one test binary: the file is its module of the same
                // name, so `{name}` is the test's path and a filter for it.
                assert!(
                    main.lines().any(|l| l == format!("mod {};", parts[0])),
                    "`{name}`: tests/main.rs does not declare `mod {};`, so it never runs",
                    parts[0]
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} tests named");
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- draft --print"));
    assert!(readme.contains("\nci/test "));
    let ci = fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "ci/test"));
    let test = fs::read_to_string(root().join("ci/test")).unwrap();
    assert!(test.contains("ci/install-send-deps.sh"));
    assert!(test.lines().any(|l| l.starts_with("exec cargo test")));
}

/// The README's first command runs icu where `cargo run` runs it: in the
/// checkout. So it drafts icu's own repository, and the README must say so
/// and say how to draft any other one — not "inside any git repository".
#[test]
fn the_first_command_drafts_the_checkout_and_the_readme_says_so() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## The two commands")
        .nth(1)
        .expect("the README has the section")
        .split("\n## ")
        .next()
        .unwrap();
    assert!(!section.contains("inside any git repository"), "{section}");
    assert!(section.contains("in a checkout of icu"), "{section}");
    assert!(
        section.contains("`cargo install --path .`")
            && section.contains("`icu draft --print` inside that repository"),
        "{section}"
    );

    // What it claims: run in the checkout with no config, icu scans the
    // checkout (when the checkout is a git repository at all).
    let discovered = std::process::Command::new("git")
        .current_dir(root())
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .unwrap();
    if !discovered.status.success() {
        return;
    }
    let env = crate::common::TestEnv::new();
    let out = env
        .icu()
        .current_dir(root())
        // The identity, as `git -c user.email=…` would give it.
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "user.email")
        .env("GIT_CONFIG_VALUE_0", crate::common::ME)
        .args(["-v", "draft", "--print"])
        .assert()
        .success();
    let err = crate::common::stderr(&out);
    let name = root().file_name().unwrap().to_string_lossy().into_owned();
    let name = name.trim_end_matches(".git");
    assert!(err.contains("scanning this repository only"), "{err}");
    assert!(err.contains(&format!("scan: {name}: visited")), "{err}");
}

/// The "Install" section of the README.
fn install_section() -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    readme
        .split("\n## Install\n")
        .nth(1)
        .expect("the README has an Install section")
        .split("\n## ")
        .next()
        .unwrap()
        .to_string()
}

/// The Install section names the package as Cargo.toml does; the command
/// it installs is `icu` (`CARGO_BIN_EXE_icu` exists only if a binary is
/// called so).
#[test]
fn the_install_section_names_the_package_and_the_icu_command() {
    let section = install_section();
    let package = env!("CARGO_PKG_NAME");
    assert!(
        section.contains(&format!("cargo install --locked {package} ")),
        "{section}"
    );
    assert!(
        section.contains("cargo install --locked --path ."),
        "{section}"
    );
    assert!(
        section.contains(&format!("cargo uninstall {package}")),
        "{section}"
    );
    assert!(Path::new(env!("CARGO_BIN_EXE_icu")).ends_with("icu"));
}

/// The small binary the Install section tells how to build comes from a
/// profile Cargo.toml defines, and the release profile a first build uses
/// does not carry its fat LTO.
#[test]
fn the_install_sections_small_binary_profile_is_cargo_tomls() {
    let section = install_section();
    assert!(
        section.contains("cargo install --locked --path . --profile release-lto"),
        "{section}"
    );
    let manifest: toml::Table = fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let profiles = &manifest["profile"];
    assert_eq!(
        profiles["release-lto"]["inherits"].as_str(),
        Some("release")
    );
    assert_eq!(profiles["release-lto"]["lto"].as_str(), Some("fat"));
    assert_ne!(
        profiles["release"].get("lto").and_then(toml::Value::as_str),
        Some("fat"),
        "{profiles}"
    );
}

/// The Install section's completion and man-page lines, run as written with
/// `icu` in `~/.cargo/bin`: each file lands where it says, and `man` finds
/// the page there.
#[test]
fn the_install_sections_completion_and_man_lines_work_as_written() {
    let section = install_section();
    let script = section
        .split("```sh\n")
        .nth(2)
        .expect("a second sh block: completions and the man page")
        .split("```")
        .next()
        .unwrap();
    let env = crate::common::TestEnv::new();
    let home = env.home();
    let bin = home.join(".cargo/bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_icu"), bin.join("icu")).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let out = std::process::Command::new("sh")
        .args(["-euc", script])
        .env("HOME", &home)
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for (file, marker) in [
        (
            ".local/share/bash-completion/completions/icu",
            "complete -F",
        ),
        (".zfunc/_icu", "#compdef icu"),
        (".config/fish/completions/icu.fish", "complete -c icu"),
        (".cargo/share/man/man1/icu.1", ".SH NAME\nicu \\-"),
    ] {
        let text = fs::read_to_string(home.join(file)).unwrap();
        assert!(text.contains(marker), "{file}: {text}");
    }
    // man-db looks in ../share/man beside each folder on PATH.
    let man = std::process::Command::new("man")
        .args(["-w", "icu"])
        .env("HOME", &home)
        .env("PATH", &path)
        .env_remove("MANPATH")
        .output();
    match man {
        Ok(man) => assert_eq!(
            String::from_utf8_lossy(&man.stdout).trim(),
            home.join(".cargo/share/man/man1/icu.1").to_string_lossy(),
            "{man:?}"
        ),
        Err(e) => eprintln!("man not found ({e}): the page was written, not looked up"),
    }
}

/// CHANGELOG.md keeps Keep a Changelog's form: `[Unreleased]` first, then
/// each release as `[X.Y.Z] - YYYY-MM-DD`, newest first; in each, the
/// sections in the usual order, none twice; a link for every heading; and
/// Cargo.toml's version above every release listed (the next one).
#[test]
fn the_changelog_keeps_its_form() {
    let log = fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    const ORDER: [&str; 6] = [
        "Added",
        "Changed",
        "Deprecated",
        "Removed",
        "Fixed",
        "Security",
    ];
    let mut releases: Vec<(String, Vec<String>)> = Vec::new();
    for line in log.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            releases.push((h.to_string(), Vec::new()));
        } else if let Some(s) = line.strip_prefix("### ") {
            releases
                .last_mut()
                .expect("a section under a release")
                .1
                .push(s.to_string());
        }
    }
    assert_eq!(releases[0].0, "[Unreleased]");
    let version = |h: &str| -> Vec<u64> {
        let v = h.trim_start_matches('[').split(']').next().unwrap();
        v.split('.').map(|n| n.parse().unwrap()).collect()
    };
    let mut versions = Vec::new();
    for (heading, sections) in &releases {
        let at: Vec<usize> = sections
            .iter()
            .map(|s| {
                ORDER
                    .iter()
                    .position(|o| o == s)
                    .unwrap_or_else(|| panic!("section {s} under {heading}"))
            })
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "{heading}: {sections:?}"
        );
        let name = heading.split(' ').next().unwrap();
        assert!(
            log.contains(&format!("\n{name}: https://")),
            "no link for {name}"
        );
        if heading != "[Unreleased]" {
            let (_, date) = heading.split_once(" - ").expect("a release has a date");
            assert!(
                chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
                "{heading}"
            );
            versions.push(version(heading));
        }
    }
    assert!(
        versions.windows(2).all(|w| w[0] > w[1]),
        "newest first: {versions:?}"
    );
    let cargo = version(env!("CARGO_PKG_VERSION"));
    assert!(
        versions.first().is_none_or(|newest| &cargo > newest),
        "Cargo.toml's version {cargo:?} is not above the last release"
    );
}
