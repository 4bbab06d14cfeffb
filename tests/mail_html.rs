//! The HTML export in mail clients: checked against caniemail's support
//! data for every client it lists, by doiuse-email (an npm package that
//! `ci/install-html-check.sh` installs into `ci/node`; `ci/test`, the
//! README's test command, runs it first), and built so that nothing depends
//! on a `<style>` block or on `<body>`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::common::{mail_world, stdout};

/// `ci/node`, where the checker and its script live.
fn checker_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/node")
}

/// Fails (does not skip) when the checker is not installed: a green run must
/// mean the HTML was checked. `ICU_SKIP_HTML_CHECK=1` skips on purpose, and
/// says so (`ci/test` sets it only where npm cannot be installed); the
/// caller returns when this is false.
#[must_use]
fn require_checker() -> bool {
    if std::env::var("ICU_SKIP_HTML_CHECK").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: ICU_SKIP_HTML_CHECK=1, the HTML was not checked against caniemail");
        return false;
    }
    let node = StdCommand::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = checker_dir()
        .join("node_modules/@jsx-email/doiuse-email/package.json")
        .is_file();
    assert!(
        node && installed,
        "the mail-client HTML check needs Node.js (found: {node}) and doiuse-email in ci/node/node_modules (found: {installed}): \
         run ci/test (or ci/install-html-check.sh), or set ICU_SKIP_HTML_CHECK=1 to skip it"
    );
    true
}

/// What the checker says of `html`: the features some client does not
/// support, and those some client supports in part.
fn check(html: &str) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("update.html");
    fs::write(&file, html).unwrap();
    let out = StdCommand::new("node")
        .arg(checker_dir().join("check-email.cjs"))
        .arg(&file)
        .output()
        .expect("node runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the checker printed no report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let list = |key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let errors = list("errors");
    assert_eq!(out.status.success(), errors.is_empty(), "{report}");
    (errors, list("warnings"))
}

#[test]
fn the_html_export_uses_nothing_a_mail_client_does_not_support() {
    if !require_checker() {
        return;
    }
    // The checker does find what the export used to depend on: one
    // <style> block with type selectors, and <body>.
    let (errors, _) = check(
        "<!DOCTYPE html><html><head><style>h2{border-bottom:1px solid #ccc}</style></head>\
         <body><h2>Goals</h2></body></html>",
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`Type selector` is not supported by `gmail.mobile-webmail`"))
            && errors
                .iter()
                .any(|e| e.contains("`<body> element` is not supported by `outlook.macos`")),
        "{errors:#?}"
    );

    // The export of a whole update (headings, a table, a quote, code,
    // links, asks), as a file and as the mail's HTML part: not one.
    let (w, _) = mail_world();
    let html = stdout(&w.icu(&["export", "--format", "html"]).success());
    let (errors, warnings) = check(&html);
    assert!(errors.is_empty(), "{errors:#?}\n{html}");
    eprintln!(
        "caniemail: no unsupported feature; {} partly supported (client, feature) pairs",
        warnings.len()
    );
    let eml = stdout(&w.icu(&["export", "--format", "eml"]).success());
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert_eq!(msg.body_html(0).unwrap().replace("\r\n", "\n"), html);
}

#[test]
fn every_style_is_on_its_element_so_nothing_is_lost_without_style_blocks() {
    let (w, _) = mail_world();
    let html = stdout(&w.icu(&["export", "--format", "html"]).success());
    assert!(
        !html.contains("<style") && !html.contains("<body"),
        "{html}"
    );
    // What <body> carried is on the container.
    let container = html.find("<div style=\"font-family: ").expect(&html);
    let open = html[container..].split('>').next().unwrap();
    for rule in [
        "font-size: 15px",
        "color: #1f2328",
        "max-width: 42em",
        "margin: 0 auto",
    ] {
        assert!(open.contains(rule), "{rule}: {open}");
    }
    // Each cell has its border, each heading and paragraph its font (the
    // table only Outlook for Windows sees, for its width, aside).
    assert_eq!(html.matches("<!--[if mso]>").count(), 2, "{html}");
    let html: String = html
        .lines()
        .filter(|l| !l.starts_with("<!--[if mso]>"))
        .collect();
    let tags = |name: &str| -> Vec<&str> {
        html.split(&format!("<{name} "))
            .skip(1)
            .map(|t| t.split('>').next().unwrap())
            .collect()
    };
    let cells = [tags("td"), tags("th")].concat();
    let tables = html.matches("<table").count();
    assert!(tables > 0, "{html}");
    assert_eq!(
        cells.len(),
        tables * 3 * 3,
        "three rows of three cells:\n{html}"
    );
    for cell in cells {
        assert!(cell.contains("border: 1px solid #d1d9e0"), "{cell}");
    }
    for tag in ["h1", "h2", "p", "li"] {
        for t in tags(tag) {
            assert!(t.contains("font-family: 'Segoe UI',"), "<{tag} {t}>");
        }
    }
    // The links keep their colour, the code its monospace.
    assert!(
        tags("a").iter().all(|a| a.contains("color: #0969da")),
        "{html}"
    );
    assert!(
        html.contains("<span style=\"font-family: Consolas,"),
        "{html}"
    );
}
