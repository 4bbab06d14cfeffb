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
