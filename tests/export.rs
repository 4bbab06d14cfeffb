//! `icu export` through the binary: the four formats, refusing unfinished
//! updates, and the config problems a user meets on the way out.

use std::fs;
use std::path::PathBuf;

use crate::common::{add_to_update, edit_config, stdout, Drafted, DraftedWorld, TestEnv, ME};
use predicates::prelude::*;

/// A drafted update, with `update` settings `update_extra`: my name and a
/// goal title that are not ASCII or not plain, a subject that is hostile.
fn world(update_extra: &str) -> Drafted {
    DraftedWorld {
        me_name: "Zoë Ørsted",
        subject: "Escape <script>alert(1)</script> and [x](javascript:alert(1))",
        update: update_extra,
        after: "\n[[goal]]\nid = \"search\"\ntitle = \"Make <b>search</b> *fast*\"\nstatus = \"on-track\"\npaths = [\"search/**\"]\n",
        ..DraftedWorld::default()
    }
    .draft()
}

/// Writes a sentence after every prompt.
fn finish(w: &Drafted) {
    let text = w.doc_text();
    fs::write(
        &w.doc,
        text.replace(
            "-->\n\n<!-- icu:activity",
            "-->\nThe cache *shipped*.\n\n<!-- icu:activity",
        )
        .replace("? -->\n", "? -->\nA good fortnight.\n"),
    )
    .unwrap();
}

fn export(w: &Drafted, format: &str) -> String {
    stdout(&w.icu(&["export", "--format", format]).success())
}

#[test]
fn an_unfinished_update_is_refused_unless_forced() {
    let w = world("");
    let before = fs::read_to_string(&w.doc).unwrap();
    w.icu(&["export", "--format", "html"]).code(1).stderr(
        predicate::str::contains("is not finished")
            .and(predicate::str::contains("line 13 [Summary]"))
            .and(predicate::str::contains("--force")),
    );
    w.icu(&["export", "--format", "html", "--force"]).success();
    assert_eq!(fs::read_to_string(&w.doc).unwrap(), before);
}

#[test]
fn markdown_export_drops_front_matter_markers_and_prompts() {
    let w = world("");
    finish(&w);
    let md = export(&w, "md");
    assert!(md.starts_with("# Update — 24 Nov 2026\n"), "{md}");
    assert!(!md.contains("+++") && !md.contains("icu:"), "{md}");
    assert!(md.contains("The cache *shipped*."));
    assert!(md.contains("\\<script\\>"), "subjects stay escaped: {md}");
}

#[test]
fn html_export_renders_prose_and_keeps_subjects_and_titles_inert() {
    let w = world("");
    finish(&w);
    let html = export(&w, "html");
    assert!(html.contains("<em>shipped</em>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>search</b>"), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn text_export_is_plain() {
    let w = world("");
    finish(&w);
    let text = export(&w, "text");
    assert!(text.contains("Summary\n-------\n"), "{text}");
    // Emphasis keeps its marks, readable as text.
    assert!(text.contains("The cache *shipped*."), "{text}");
    assert!(text.contains("Escape <script>alert(1)</script>"), "{text}");
}

#[test]
fn eml_export_is_a_draft_message_with_both_parts() {
    use mail_parser::MimeHeaders;
    let w = world("subject = \"Update from {{ me.name }}: {{ period.since_short }} to {{ period.until_short }}\"");
    finish(&w);
    let out = w.env.path().join("u.eml");
    w.icu(&["export", "--format", "eml", "-o", out.to_str().unwrap()])
        .success();
    let bytes = fs::read(&out).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(
        msg.subject(),
        Some("Update from Zoë Ørsted: 10 Nov to 24 Nov")
    );
    assert_eq!(
        msg.from().unwrap().first().unwrap().name(),
        Some("Zoë Ørsted")
    );
    assert_eq!(
        msg.to().unwrap().first().unwrap().address(),
        Some("grace@example.com")
    );
    assert_eq!(
        msg.cc().unwrap().first().unwrap().address(),
        Some("alan@example.com")
    );
    assert_eq!(msg.header_raw("X-Unsent").map(str::trim), Some("1"));
    assert!(msg
        .message_id()
        .is_some_and(|m| m.ends_with("@example.com")));
    let ct = msg.content_type().unwrap();
    assert_eq!(ct.subtype(), Some("alternative"));
    assert!(msg.body_text(0).unwrap().contains("The cache *shipped*."));
    assert!(msg.body_html(0).unwrap().contains("<em>shipped</em>"));
}

#[test]
fn an_existing_output_file_is_replaced_atomically() {
    let w = world("");
    finish(&w);
    let out = w.env.path().join("u.html");
    fs::write(&out, "old").unwrap();
    w.icu(&[
        "export",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
        "--overwrite",
    ])
    .success();
    assert!(fs::read_to_string(&out)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

#[test]
fn an_address_that_is_not_an_address_is_refused_at_load() {
    let w = world("");
    edit_config(&w.cfg, "Alan Kay <alan@example.com>", "Alan Kay");
    w.icu(&["export", "--format", "eml", "--force"])
        .code(2)
        .stderr(
            predicate::str::contains("`Alan Kay` in `update.cc` is not an email address")
                .and(predicate::str::contains("icu.toml:8:7")),
        );
}

#[test]
fn a_subject_template_that_fails_to_render_names_the_key() {
    let w = world("");
    // Rendered once at load with the variables export gives it, so a typo
    // is caught before any export, with its position.
    add_to_update(&w.cfg, "subject = \"Update {{ period.nonsense }}\"\n");
    w.icu(&["export", "--format", "eml", "--force"])
        .code(2)
        .stderr(
            predicate::str::contains("`update.subject` is not a valid template")
                .and(predicate::str::contains("icu.toml:6:11"))
                .and(predicate::str::contains("period.since_short")),
        );
}

/// A finished update written by hand, as the README shows it: front matter,
/// every prompt followed by prose, a generated activity block whose subject
/// was escaped by the renderer, and asks.
const HAND_WRITTEN: &str = r#"+++
date = 2026-11-23
since = 2026-11-09T00:00:00Z
until = 2026-11-24T00:00:00Z
status = "draft"
+++
# Update — 23 Nov 2026

## Summary
<!-- icu:write One or two sentences: what changed since 9 Nov? -->
The query-plan cache is *live*; p99 is down to 240 ms.

## Goals

### Cut search p99 latency to 200 ms — on track, due 31 Mar 2027
<!-- icu:write What moved this goal forward? What's next? -->
Shipped the cache; next, the [tail latency doc](https://example.com/tail).

<!-- icu:activity search-latency -->
- 2 commits in search, +1,204 −310
  - Add tiered cache for query plans (a1b2c3d)
  - Escape \<script\>alert(1)\</script\> and \[x\](javascript:alert(1)) (b2c3d4e)
<!-- /icu:activity -->

## Other work
<!-- icu:activity other -->
<!-- /icu:activity -->

## What I need help with
<!-- icu:write Decisions, unblockers, people: be specific. -->
- [ ] Access to prod traces (asked 9 Nov)
- [x] Budget for the load-test cluster
"#;

/// The doc at `doc` is [`HAND_WRITTEN`] with `id`, the Message-ID of the
/// `.eml` exported, recorded in its front matter, and nothing else changed.
fn assert_only_the_message_id_was_recorded(doc: &std::path::Path, id: Option<&str>) {
    let id = id.expect("the .eml has a Message-ID");
    let recorded = HAND_WRITTEN.replacen(
        "status = \"draft\"\n",
        &format!("status = \"draft\"\nmessage_id = \"{id}\"\n"),
        1,
    );
    assert_eq!(fs::read_to_string(doc).unwrap(), recorded);
}

/// A config with `[me]` and `[update] to/cc` (no repos: export reads none),
/// and the hand-written doc outside the updates dir.
fn hand_written() -> (TestEnv, PathBuf, PathBuf) {
    let env = TestEnv::new();
    let cfg = env.config(&format!(
        "[me]\nname = \"Zoë Ørsted\"\nemails = [\"{ME}\"]\n\n[update]\ndir = \"{}\"\nto = [\"Grace Hopper <grace@example.com>\"]\ncc = [\"\\\"Kay, Alan\\\" <alan@example.com>\", \"bob@example.com\"]\nsubject = \"Ünïcødé — update {{{{ period.since_short }}}} to {{{{ period.until_short }}}}\"\n",
        env.updates().display()
    ));
    let doc = env.path().join("work/by-hand.md");
    fs::write(&doc, HAND_WRITTEN).unwrap();
    (env, cfg, doc)
}

#[test]
fn a_hand_written_update_exports_in_every_format() {
    let (env, cfg, doc) = hand_written();
    let file = doc.to_str().unwrap();
    let export = |format: &str| {
        stdout(
            &env.run(&cfg, &["export", file, "--format", format])
                .success(),
        )
    };

    let md = export("md");
    assert!(md.starts_with("# Update — 23 Nov 2026\n\n## Summary\n"));
    assert!(!md.contains("+++") && !md.contains("<!--"), "{md}");
    assert!(md.contains("The query-plan cache is *live*"), "{md}");

    let text = export("text");
    assert_eq!(
        text,
        "Update — 23 Nov 2026\n\
         ====================\n\
         \n\
         Summary\n\
         -------\n\
         \n\
         The query-plan cache is *live*; p99 is down to 240 ms.\n\
         \n\
         Goals\n\
         -----\n\
         \n\
         Cut search p99 latency to 200 ms — on track, due 31 Mar 2027\n\
         ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\
         \n\
         Shipped the cache; next, the tail latency doc [1].\n\
         \n\
         - 2 commits in search, +1,204 −310\n\
         \x20 - Add tiered cache for query plans (a1b2c3d)\n\
         \x20 - Escape <script>alert(1)</script> and [x](javascript:alert(1))\n\
         \x20   (b2c3d4e)\n\
         \n\
         [1] https://example.com/tail\n\
         \n\
         Other work\n\
         ----------\n\
         \n\
         What I need help with\n\
         ---------------------\n\
         \n\
         - [ ] Access to prod traces (asked 9 Nov)\n\
         - [x] Budget for the load-test cluster\n"
    );

    let html = export("html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        html.contains("<title>Ünïcødé — update 9 Nov to 23 Nov</title>"),
        "{html}"
    );
    assert!(html.contains("<em>live</em>"), "{html}");
    assert!(html.contains("<a href=\"https://example.com/t"), "{html}");
    assert!(
        html.contains("Escape &lt;script&gt;alert(1)&lt;/script&gt; and [x](javascript:alert(1))"),
        "{html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("href=\"javascript"),
        "{html}"
    );
    assert!(html.contains("\u{2610} Access to prod traces"), "{html}");
    assert!(html.contains("\u{2611} Budget"), "{html}");

    let eml = export("eml");
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert_eq!(msg.subject(), Some("Ünïcødé — update 9 Nov to 23 Nov"));
    let cc: Vec<_> = msg
        .cc()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a.name().map(str::to_string),
                a.address().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        cc,
        vec![
            (
                Some("Kay, Alan".to_string()),
                "alan@example.com".to_string()
            ),
            (None, "bob@example.com".to_string()),
        ]
    );
    assert_eq!(
        msg.body_text(0).unwrap().replace("\r\n", "\n"),
        text,
        "the text part is the text export"
    );
    assert!(msg.body_html(0).unwrap().contains("<em>live</em>"));
    // The doc is only read, but for the .eml's Message-ID, recorded for the send.
    assert_only_the_message_id_was_recorded(&doc, msg.message_id());
}

#[test]
fn a_hand_written_update_with_unwritten_prompts_is_refused_and_listed() {
    let (env, cfg, doc) = hand_written();
    fs::write(
        &doc,
        HAND_WRITTEN
            .replace(
                "The query-plan cache is *live*; p99 is down to 240 ms.\n",
                "",
            )
            .replace(
                "Shipped the cache; next, the [tail latency doc](https://example.com/tail).\n",
                "",
            ),
    )
    .unwrap();
    let file = doc.to_str().unwrap();
    let out = env.path().join("u.txt");
    env.run(
        &cfg,
        &[
            "export",
            file,
            "--format",
            "text",
            "-o",
            out.to_str().unwrap(),
        ],
    )
    .code(1)
    .stdout("")
    .stderr(
        predicate::str::contains("by-hand.md is not finished")
            .and(predicate::str::contains(
                "line 10 [Summary]: unwritten: One or two sentences",
            ))
            .and(predicate::str::contains(
                "line 15 [Cut search p99 latency to 200 ms",
            ))
            .and(predicate::str::contains("--force")),
    );
    assert!(!out.exists(), "nothing is written for a refused export");
    env.run(
        &cfg,
        &[
            "export",
            file,
            "--format",
            "text",
            "--force",
            "-o",
            out.to_str().unwrap(),
        ],
    )
    .success()
    .stdout("");
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("Update — 23 Nov 2026\n"), "{text}");
    assert!(text.contains("Add tiered cache"), "{text}");
}

#[test]
fn output_files_hold_exactly_what_stdout_would() {
    let (env, cfg, doc) = hand_written();
    let file = doc.to_str().unwrap();
    for format in ["md", "html", "text"] {
        let printed = stdout(
            &env.run(&cfg, &["export", file, "--format", format])
                .success(),
        );
        let out = env.path().join(format!("out.{format}"));
        env.run(
            &cfg,
            &[
                "export",
                file,
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ],
        )
        .success()
        .stdout("")
        .stderr(predicate::str::contains("wrote"));
        assert_eq!(fs::read_to_string(&out).unwrap(), printed, "{format}");
    }
}

#[test]
fn a_recipient_that_is_not_ascii_is_refused_at_load_with_its_position() {
    let (env, cfg, doc) = hand_written();
    edit_config(&cfg, "bob@example.com", "zoë@exämple.com");
    // The config uses export's own address parser: exit 2, at load.
    env.run(&cfg, &["export", doc.to_str().unwrap(), "--format", "eml"])
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("`zoë@exämple.com` in `update.cc` is not an email address")
                .and(predicate::str::contains("xn--"))
                .and(predicate::str::contains("icu.toml:8:43")),
        );
}

/// The HTML export byte for byte, for Markdown that gives every element
/// comrak writes with icu's options: each element's inlined style, the
/// escaping of text and attributes, void elements, omitted raw HTML. A
/// change to any of it shows in review as a change to the snapshot.
#[test]
fn the_html_export_of_every_element_is_as_the_snapshot() {
    let md = "# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\n\
        A paragraph with *em*, **strong**, ~~struck~~, `code <&> \"q\" 'a'` and\u{a0}a no-break space,\\\n\
        a hard break, a soft\nbreak, \"quotes\" & <angles> and 'apostrophes'.\n\n\
        [a link](https://example.com/a?b=1&c='d'%20e \"a \\\"title\\\" <with> & 'marks'\"), \
        <https://example.com/auto>, www.example.com and ada@example.com; \
        ![an image](https://example.com/i.png \"t\") and [no javascript](javascript:alert(1)).\n\n\
        > A quote\n>\n> - in a list\n\n\
        1. one\n2. two\n   - nested\n     with a soft break\n\n\
        3. three\n\n\
        4. loose\n\n   second paragraph\n\n\
        A paragraph between.\n\n7. starts at seven\n\n\
        - [ ] open\n- [x] done\n  - [ ] nested open\n\n\
        | left | centre | right | none |\n|:--|:-:|--:|---|\n| a `c` | **b** | [l](https://e.example) | \\| |\n\n\
        ```rust\nfn main() { println!(\"<&>\"); }\n```\n\n\
        ```\nno language\n```\n\n    indented code\n\n\
        ---\n\n\
        <div onclick=\"x\">raw html</div>\n\n\
        Inline <b>raw</b> html and &amp; &copy; &#169; entities.\n";
    insta::assert_snapshot!(
        "every_element",
        icu::testing::export::to_html(md, "A \"title\" <&>", "en")
    );
}
