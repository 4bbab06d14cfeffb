//! `icu man`: one page, icu(1), that names itself once, cites no page that
//! is not produced, and says what clap cannot: the config schema (kept
//! equal to README's), the environment, the files, the exit status.

use crate::common::{stdout, TestEnv};

fn page() -> String {
    stdout(&TestEnv::new().icu().arg("man").assert().success())
}

/// roff's `\-` read back as `-`.
fn plain(roff: &str) -> String {
    roff.replace("\\-", "-").replace("\\e", "\\")
}

#[test]
fn the_name_says_icu_once_and_no_unproduced_page_is_cited() {
    let page = page();
    assert!(
        page.contains(
            ".SH NAME\nicu \\- the clerical half of your regular update to your manager\n"
        ),
        "{page}"
    );
    assert!(!page.contains("icu \\- icu"), "NAME repeats the name");
    // Only icu(1) is produced: no icu-draft(1) or the like.
    let cited = regex::Regex::new(r"icu-[a-z]+\(\d\)").unwrap();
    assert!(!cited.is_match(&plain(&page)), "cites a page not produced");
    assert_eq!(page.matches(".ds Aq").count(), 2, "one preamble");
}

#[test]
fn every_command_and_section_is_in_the_page() {
    let page = page();
    for cmd in crate::common::all_commands() {
        assert!(page.contains(&format!(".SS \"icu {cmd}\"")), "no {cmd}");
    }
    for section in [
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH CONFIGURATION",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    for var in [
        "ICU_CONFIG",
        "ICU_NOW",
        "ICU_SENDMAIL_TIMEOUT",
        "ICU_SCAN_TIMEOUT",
        "NO_COLOR",
        "VISUAL",
        "EDITOR",
    ] {
        assert!(
            page.contains(&format!("\\fB{var}\\fR")),
            "{var} not in ENVIRONMENT"
        );
    }
    let plain = plain(&page);
    for file in [
        "icu.toml",
        ".YYYY-MM-DD.md.bak",
        ".YYYY-MM-DD.md.lock",
        "updates",
    ] {
        assert!(plain.contains(file), "{file} not in FILES");
    }
    for code in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR", "\\fB141\\fR"] {
        assert!(page.contains(code), "exit status {code} missing");
    }
}

/// `key =` and `[table]` of each line of a TOML example.
fn keys(toml: &str) -> Vec<String> {
    toml.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            if l.starts_with('[') {
                return l.split_whitespace().next().map(str::to_string);
            }
            l.split_once(" = ").map(|(k, _)| k.trim().to_string())
        })
        .collect()
}

#[test]
fn the_config_schema_in_the_page_is_readmes() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## Configuration").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let page = plain(&page());
    let schema_start = page.find(".SH CONFIGURATION").unwrap();
    let schema = &page[schema_start..page.find(".SH ENVIRONMENT").unwrap()];
    assert_eq!(keys(schema), keys(block), "the page's schema:\n{schema}");
    assert!(keys(block).len() > 25);
}

#[test]
fn groff_renders_the_page_without_a_warning() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), page()).unwrap();
    let Ok(out) = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(file.path())
        .output()
    else {
        eprintln!("no groff here: the page was not rendered");
        return;
    };
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_page_fits_80_columns_and_its_title_line_carries_the_date() {
    let page = page();
    // .TH NAME SECTION DATE SOURCE: the date in its place, the commit's day
    // in a checkout (never the build's), absent only where none is known.
    let th = page.lines().find(|l| l.starts_with(".TH ")).unwrap();
    let date = std::process::Command::new("git")
        .args(["show", "-s", "--format=%cs", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| {
            o.status.success()
                && std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(".git")
                    .exists()
        })
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match date {
        Some(d) => assert!(th.starts_with(&format!(".TH ICU 1 {d} \"icu ")), "{th}"),
        None => assert!(th.starts_with(".TH ICU 1 "), "{th}"),
    }
    // Rendered by man at 80 columns, no line is wider (where man is here).
    let Ok(mut man) = std::process::Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
    else {
        eprintln!("no man here: the width was not checked");
        return;
    };
    use std::io::Write;
    man.stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = man.wait_with_output().unwrap();
    // Bold and underline come as overstrikes (`x\bx`, `_\bx`): one column.
    let text = regex::Regex::new(".\u{8}")
        .unwrap()
        .replace_all(&String::from_utf8_lossy(&out.stdout), "")
        .into_owned();
    let wide: Vec<&str> = text.lines().filter(|l| l.chars().count() > 80).collect();
    assert!(wide.is_empty(), "{wide:#?}");
    assert!(text.lines().count() > 100, "man rendered the page: {text}");
}
