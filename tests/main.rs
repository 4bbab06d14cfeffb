//! The integration tests, as one binary: the crate and the test harness are
//! linked once, and every test runs in one process (`cargo test` runs them in
//! parallel across all the files, not one file after another).
//!
//! Each module is the file of the same name in `tests/`, so a test is still
//! `<file>::<test>`: the name README.md gives it, and a filter that selects
//! it (`cargo test export::a_subject_template`). Cargo.toml sets
//! `autotests = false`, so a file in `tests/` is compiled only if it is
//! declared here; [`every_file_in_tests_is_a_module_here`] checks that.
//!
//! They run on Unix: they drive the binary with POSIX tools (`sh` scripts
//! as editors and mail programs, `git`, `/dev` paths, modes and symbolic
//! links). On Windows they are not built; there icu is checked by its unit
//! tests and by `ci/wine-smoke`, which runs the Windows binary under Wine
//! and compares its files with the Linux binary's (`ci/cross`).
#![cfg(unix)]

mod common;

mod architecture;
mod bad_input;
mod broken_repos;
mod cli;
mod co_authored;
mod commit_graph;
mod config;
mod conventions;
mod credit;
mod draft;
mod encoding;
mod escapes;
mod explain;
mod export;
mod fence;
mod goals;
mod half_year;
mod help;
mod hostile;
mod lifecycle;
mod limits;
mod links;
mod long_lists;
mod mail_headers;
mod mail_html;
mod mail_text;
mod manpage;
mod notes;
mod numstat;
mod open;
mod overlap;
mod ownership;
mod prop_doc;
mod readme;
mod recap;
mod refresh;
mod regressions;
mod repos;
mod scan_bounds;
mod send_confirm;
mod send_e2e;
mod skip;
mod sources;
mod squash;
mod stale;
mod template_cmd;
mod version;

/// A test file that is not declared above would never be compiled, and its
/// tests would never run, without a word.
#[test]
fn every_file_in_tests_is_a_module_here() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("main.rs")).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(module) = name.strip_suffix(".rs") else {
            continue;
        };
        if module == "main" {
            continue;
        }
        assert!(
            main.lines().any(|l| l == format!("mod {module};")),
            "tests/{name} is not declared in tests/main.rs: its tests never run"
        );
        files += 1;
    }
    assert!(main.contains("\nmod common;\n"));
    assert!(files >= 13, "only {files} test files found");
}
