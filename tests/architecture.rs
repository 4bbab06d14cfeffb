//! The module boundaries docs/ARCHITECTURE.md promises, checked on the tree:
//! the module map lists every source file and nothing else; each engine
//! lives behind one module; commands never import each other; config
//! imports nothing downstream; the code cites no document outside the
//! repository.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `src/`, as `src/...` paths, sorted.
fn sources() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    let mut names: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The code of a file without its comments and its `#[cfg(test)]` module, so
/// that a doc comment naming a crate or a test using one does not count.
fn code(path: &str) -> String {
    let text = fs::read_to_string(root().join(path)).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The files whose code mentions `needle`.
fn users(needle: &str) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|f| code(f).contains(needle))
        .collect()
}

#[test]
fn the_module_map_lists_every_source_file_and_no_other() {
    let map = fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let listed: Vec<String> = map
        .lines()
        .filter(|l| l.starts_with("| `src/"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_string))
        .filter(|f| f.ends_with(".rs"))
        .filter(|f| !f.contains('<'))
        .collect();
    let commands_row = map.contains("| `src/commands/<name>.rs` |");
    for f in sources() {
        let covered = listed.contains(&f)
            || (commands_row && f.starts_with("src/commands/") && f != "src/commands/mod.rs");
        assert!(covered, "{f} is not in docs/ARCHITECTURE.md's module map");
    }
    for f in &listed {
        assert!(
            root().join(f).exists(),
            "docs/ARCHITECTURE.md lists {f}, which does not exist"
        );
    }
    // The commands row names each subcommand file.
    for f in sources()
        .iter()
        .filter(|f| f.starts_with("src/commands/") && *f != "src/commands/mod.rs")
    {
        let name = f
            .trim_start_matches("src/commands/")
            .trim_end_matches(".rs");
        let row = map
            .lines()
            .find(|l| l.starts_with("| `src/commands/<name>.rs`"))
            .unwrap();
        assert!(
            row.contains(&format!("`{name}`")) || row.contains(&format!(" {name} ")),
            "the commands row does not name {name}"
        );
    }
}

#[test]
fn each_engine_lives_behind_one_module() {
    let only = |needle: &str, allowed: &dyn Fn(&str) -> bool| {
        for f in users(needle) {
            assert!(allowed(&f), "{f} uses `{needle}`");
        }
    };
    only("git2::", &|f| f.starts_with("src/scan/"));
    only("minijinja", &|f| f == "src/template.rs");
    only("mail_builder", &|f| f.starts_with("src/export/"));
    only("comrak", &|f| {
        f.starts_with("src/doc/") || f.starts_with("src/export/")
    });
    // The front matter, edited in place; and the config's entries by span,
    // to read past one problem to the next.
    only("toml_edit", &|f| {
        f == "src/doc/frontmatter.rs" || f == "src/config/raw.rs"
    });
    only("encoding_rs", &|f| f == "src/scan/encoding.rs");
    only("open::that", &|f| f == "src/export/open.rs");
}

#[test]
fn commands_never_import_each_other() {
    let commands: Vec<String> = sources()
        .into_iter()
        .filter(|f| f.starts_with("src/commands/") && f != "src/commands/mod.rs")
        .collect();
    let names: Vec<String> = commands
        .iter()
        .map(|f| {
            f.trim_start_matches("src/commands/")
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    for f in &commands {
        let c = code(f);
        for n in &names {
            for pattern in [format!("super::{n}::"), format!("commands::{n}::")] {
                assert!(!c.contains(&pattern), "{f} imports `{pattern}`");
            }
        }
    }
    for f in sources()
        .iter()
        .filter(|f| !f.starts_with("src/commands/") && *f != "src/main.rs")
    {
        assert!(
            !code(f).contains("crate::commands"),
            "{f} reaches up into commands"
        );
    }
}

#[test]
fn config_imports_nothing_downstream() {
    for f in sources().iter().filter(|f| f.starts_with("src/config/")) {
        let c = code(f);
        for layer in [
            "crate::doc",
            "crate::export",
            "crate::commands",
            "crate::scan",
        ] {
            assert!(!c.contains(layer), "{f} imports `{layer}`");
        }
    }
}

#[test]
fn the_code_cites_no_document_outside_the_repository() {
    let mut files: Vec<String> = sources();
    for dir in ["tests", "bench", "ci", "docs"] {
        for e in fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                files.push(
                    p.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    files.extend(["README.md".to_string(), "Cargo.toml".to_string()]);
    // Built from pieces so that this file does not cite them either.
    let outside = [
        ["DESIGN", ".md"].concat(),
        ["GIT-SCAN", "-NOTES"].concat(),
        ["../", "shared"].concat(),
    ];
    for f in files {
        let Ok(text) = fs::read_to_string(root().join(&f)) else {
            continue;
        };
        for o in &outside {
            assert!(!text.contains(o.as_str()), "{f} cites {o}");
        }
    }
}

#[test]
fn at_most_twelve_files_sit_at_the_top_of_src() {
    let top: Vec<String> = sources()
        .into_iter()
        .filter(|f| f.matches('/').count() == 1)
        .collect();
    assert!(
        top.len() <= 12,
        "{} files at the top of src/ (at most 12): {top:?}",
        top.len()
    );
}

#[test]
fn the_document_format_knows_no_git_and_no_attribution() {
    for f in sources().iter().filter(|f| f.starts_with("src/doc/")) {
        let c = code(f);
        for upstream in [
            "crate::scan",
            "crate::attribute",
            "crate::forge",
            "crate::period",
            "crate::compose",
            "crate::skip",
        ] {
            assert!(!c.contains(upstream), "{f} imports `{upstream}`");
        }
    }
}

#[test]
fn only_commands_and_the_terminal_use_the_applications_error() {
    // Each layer below the commands has an error of its own; `error.rs`
    // turns them into messages and exit codes. An import of `crate::error`
    // from below would run back up.
    for f in sources() {
        let allowed = f.starts_with("src/commands/")
            || ["src/error.rs", "src/term.rs", "src/main.rs", "src/lib.rs"].contains(&f.as_str());
        if !allowed {
            let c = code(&f);
            assert!(
                !c.contains("crate::error") && !c.contains("crate::Error"),
                "{f} uses the application's error"
            );
        }
    }
}

#[test]
fn the_library_makes_no_module_public_but_the_test_support() {
    // Every module is private to the crate, so the compiler sees what
    // nothing uses; the tests and fuzz targets reach in through `testing`.
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    for line in lib.lines().filter(|l| l.starts_with("pub mod ")) {
        assert_eq!(line, "pub mod testing {", "src/lib.rs: `{line}`");
    }
    assert!(lib.contains("#[doc(hidden)]\npub mod testing {"));
}
