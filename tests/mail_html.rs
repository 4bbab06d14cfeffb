//! The HTML export in mail clients: checked against caniemail's support
//! data for every client it lists, by doiuse-email (an npm package that
//! `ci/install-html-check.sh` installs into `ci/node`; `ci/test`, the
//! README's test command, runs it first), and built so that nothing depends
//! on a `<style>` block or on `<body>`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::common::{mail_world, stderr, stdout, DraftedWorld};

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
    // `<html lang>` is asked for (screen readers, hyphenation, translation
    // offers); the webmails that do not support it ignore it, and the mail
    // reads the same there. It is the one exception, named exactly.
    let errors: Vec<String> = errors
        .into_iter()
        .filter(|e| !e.starts_with("`lang attribute` is not supported by "))
        .collect();
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

/// Headless Chromium's program name, or `None` when
/// `ICU_SKIP_SCREENSHOT=1` skips the rendering test on purpose (`ci/test`
/// sets it only where Chromium cannot be installed). Fails when it is
/// missing otherwise.
fn require_chromium() -> Option<&'static str> {
    if std::env::var("ICU_SKIP_SCREENSHOT").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: ICU_SKIP_SCREENSHOT=1, the HTML was not rendered");
        return None;
    }
    let found = ["chromium", "chromium-browser"].into_iter().find(|p| {
        StdCommand::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    assert!(
        found.is_some(),
        "the rendering test needs Chromium: run ci/test (or ci/install-chromium.sh), or set ICU_SKIP_SCREENSHOT=1 to skip it"
    );
    found
}

/// `html` as Chromium draws it in an 800 px wide window: width, height and
/// RGB pixels.
fn screenshot(chromium: &str, html: &str) -> (usize, usize, Vec<[u8; 3]>) {
    use wait_timeout::ChildExt;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("update.html");
    let shot = dir.path().join("shot.png");
    fs::write(&page, html).unwrap();
    let mut child = StdCommand::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=800,3000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    let status = child
        .wait_timeout(std::time::Duration::from_secs(120))
        .unwrap();
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("chromium did not finish its screenshot within 120 s");
    }
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let step = match frame.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("a {other:?} screenshot"),
    };
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..frame.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (frame.width as usize, frame.height as usize, pixels)
}

/// The columns holding a vertical run of at least 12 pixels of the table
/// border's colour (#d1d9e0): the cells' side borders. A heading's rule is
/// horizontal and does not count.
fn vertical_borders(width: usize, height: usize, pixels: &[[u8; 3]]) -> usize {
    const BORDER: [u8; 3] = [0xd1, 0xd9, 0xe0];
    (0..width)
        .filter(|&x| {
            let mut run = 0;
            (0..height).any(|y| {
                run = if pixels[y * width + x] == BORDER {
                    run + 1
                } else {
                    0
                };
                run >= 12
            })
        })
        .count()
}

#[test]
fn the_html_export_renders_with_its_text_and_table_borders() {
    let Some(chromium) = require_chromium() else {
        return;
    };
    let (w, _) = mail_world();
    let html = stdout(&w.icu(&["export", "--format", "html"]).success());
    let (width, height, pixels) = screenshot(chromium, &html);
    assert_eq!(width, 800);
    // Not blank: dark text on white, over much of the page.
    let text = pixels
        .iter()
        .filter(|p| p.iter().all(|c| *c < 0x60))
        .count();
    assert!(
        text > width * height / 200,
        "{text} dark pixels of {}",
        width * height
    );
    // Four tables of three columns: four side borders each.
    let borders = vertical_borders(width, height, &pixels);
    eprintln!(
        "rendered {width}x{height}: {text} dark pixels, {borders} columns with a table border"
    );
    assert!(borders >= 4, "{borders} vertical border columns");

    // The same page with every style attribute gone, as a client that drops
    // styles shows it: no borders, so the count above does see them.
    let mut bare = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find(" style=\"") {
        bare.push_str(&rest[..at]);
        let after = &rest[at + 8..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    bare.push_str(rest);
    let (width, height, pixels) = screenshot(chromium, &bare);
    assert_eq!(vertical_borders(width, height, &pixels), 0);
}

#[test]
fn the_html_declares_the_language_of_update_lang() {
    let (w, _) = mail_world();
    let html = stdout(&w.icu(&["export", "--format", "html"]).success());
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"),
        "{html}"
    );

    let w = DraftedWorld {
        update: "lang = \"de-CH\"",
        ..DraftedWorld::default()
    }
    .finished();
    let eml = stdout(&w.icu(&["export", "--format", "eml"]).success());
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert!(
        msg.body_html(0).unwrap().contains("<html lang=\"de-CH\">"),
        "{eml}"
    );

    // Not a language tag: refused where it is written.
    let w = DraftedWorld::default().draft();
    let cfg = std::fs::read_to_string(&w.cfg).unwrap();
    std::fs::write(
        &w.cfg,
        cfg.replace("[update]\n", "[update]\nlang = \"en\\\" onload=\\\"x\"\n"),
    )
    .unwrap();
    let e = stderr(&w.icu(&["export", "--format", "html"]).code(2));
    assert!(
        e.contains("icu.toml:6:8")
            && e.contains("`update.lang`")
            && e.contains("not a language tag"),
        "{e}"
    );
}

#[test]
fn a_goals_status_is_right_under_its_title() {
    let w = DraftedWorld {
        after: "\n[[goal]]\nid = \"latency\"\ntitle = \"Search latency\"\nstatus = \"at-risk\"\nrepos = [\"search\"]\n",
        ..DraftedWorld::default()
    }
    .draft();
    w.answer_every_prompt("Shipped the cache.");
    let html = stdout(&w.icu(&["export", "--format", "html"]).success());
    let title = html.find(">Search latency</h3>\n<p ").expect(&html);
    let after: Vec<&str> = html[title..].lines().skip(1).take(2).collect();
    assert!(after[0].ends_with("><em>At risk</em></p>"), "{html}");
    assert!(after[1].ends_with(">Shipped the cache.</p>"), "{html}");
}

#[test]
fn code_spans_carry_no_shorthand_outlook_ignores() {
    let (w, _) = mail_world();
    let html = stdout(&w.icu(&["export", "--format", "html"]).success());
    let spans: Vec<&str> = html
        .split("<span style=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert!(!spans.is_empty(), "{html}");
    for style in spans {
        for declaration in style.split(';').filter(|d| !d.is_empty()) {
            let property = declaration.split(':').next().unwrap().trim();
            assert!(
                !["background", "padding", "margin", "border", "font"].contains(&property),
                "`{property}` on a code span: {style}"
            );
        }
        assert!(style.contains("background-color: #f6f8fa"), "{style}");
    }
}
