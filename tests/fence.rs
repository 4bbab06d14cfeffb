//! Issue 17 item 3: a code fence or an HTML block the person leaves open in
//! their prose must not hide icu's markers below it. `draft`, `check`,
//! `export` and `send` refuse, name the line where the open construct starts
//! and say how to close it; the file is left as it was. A closed fence
//! showing a marker is still text.

use std::fs;

use crate::common::{stderr, stdout, Drafted, DraftedWorld};

/// A drafted update with one goal, every prompt answered, and `opener`
/// written on its own line after the Summary's prose. Returns the world and
/// the 1-based line of `opener`.
fn open_in_summary(opener: &str) -> (Drafted, usize) {
    let w = DraftedWorld {
        after: "\n[[goal]]\nid = \"search\"\ntitle = \"Fast search\"\nstatus = \"on-track\"\npaths = [\"search/**\"]\n",
        ..DraftedWorld::default()
    }
    .draft();
    w.answer_every_prompt("Shipped the tiered cache.");
    let text = w.doc_text();
    let mut lines: Vec<&str> = text.lines().collect();
    let summary = lines
        .iter()
        .position(|l| l.starts_with("<!-- icu:write One or two sentences"))
        .expect("the Summary prompt");
    // The prompt, its prose, then the opener.
    lines.insert(summary + 2, opener);
    lines.insert(summary + 3, "let x = 1;");
    let mut edited = lines.join("\n");
    edited.push('\n');
    fs::write(&w.doc, edited).unwrap();
    (w, summary + 3)
}

fn refuses_everywhere(opener: &str, close: &str) {
    let (w, line) = open_in_summary(opener);
    let before = fs::read(&w.doc).unwrap();
    let said = format!("line {line}:");

    let draft = w.icu(&["draft", "--no-edit"]).code(1);
    let err = stderr(&draft);
    assert!(err.contains(&said), "draft: {err}");
    assert!(err.contains(close), "draft names the fix: {err}");
    assert_eq!(fs::read(&w.doc).unwrap(), before, "draft changed the file");

    let check = w.icu(&["check"]).code(1);
    let err = stderr(&check);
    assert!(err.contains(&said), "check: {err}");
    assert!(err.contains(close), "check names the fix: {err}");
    assert!(!stdout(&check).contains("ready to send"));

    for args in [
        &["export", "--format", "md"][..],
        &["export", "--format", "md", "--force"],
        &["send", "--dry-run", "--yes"],
        &["send", "--dry-run", "--yes", "--force"],
    ] {
        let export = w.icu(args).code(1);
        assert!(stderr(&export).contains(&said), "{args:?}");
        let out = stdout(&export);
        assert!(!out.contains("icu:"), "{args:?} printed a marker: {out}");
    }
    assert_eq!(fs::read(&w.doc).unwrap(), before, "the file changed");
}

#[test]
fn an_unclosed_code_fence_in_the_summary_is_refused_with_its_line() {
    refuses_everywhere("```", "close it with a ``` line");
}

#[test]
fn an_unclosed_pre_in_the_summary_is_refused_with_its_line() {
    refuses_everywhere("<pre>", "close it with `</pre>`");
}

#[test]
fn an_unclosed_script_in_the_summary_is_refused_with_its_line() {
    refuses_everywhere("<script>", "close it with `</script>`");
}

#[test]
fn an_unclosed_comment_in_the_summary_is_refused_with_its_line() {
    refuses_everywhere("<!-- a note to self", "close it with `-->`");
}

#[test]
fn a_closed_fence_showing_a_marker_is_still_text() {
    let (w, _) = open_in_summary("```");
    let text = w.doc_text().replacen(
        "let x = 1;\n",
        "<!-- icu:activity search -->\n<!-- icu:write an example -->\n```\n",
        1,
    );
    fs::write(&w.doc, &text).unwrap();
    let draft = w.icu(&["draft", "--no-edit"]).success();
    assert!(
        stderr(&draft).contains("nothing changed"),
        "{}",
        stderr(&draft)
    );
    w.icu(&["check"]).success();
    let out = stdout(&w.icu(&["export", "--format", "md"]).success());
    assert!(out.contains("```\n<!-- icu:activity search -->\n<!-- icu:write an example -->\n```"));
    assert!(!out.contains("<!-- /icu:activity -->"), "{out}");
}

#[test]
fn a_fence_left_open_above_a_closed_pair_is_refused_with_its_line() {
    // The Summary's fence ends at the opener of the pair written in the help
    // section, and takes in every activity block between them.
    let (w, line) = open_in_summary("```");
    let text = w.doc_text() + "\n```\nmake bench\n```\n";
    fs::write(&w.doc, &text).unwrap();
    let said = format!("line {line}:");
    for args in [
        &["draft", "--no-edit"][..],
        &["check"],
        &["export", "--format", "md", "--force"],
    ] {
        let a = w.icu(args).code(1);
        let err = stderr(&a);
        assert!(err.contains(&said), "{args:?}: {err}");
        // The first block below the fence: the totals that open the goals.
        assert!(err.contains("activity block `totals`"), "{args:?}: {err}");
    }
    assert_eq!(w.doc_text(), text);
}
