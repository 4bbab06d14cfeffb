//! `icu export` through the binary: the four formats, refusing unfinished
//! updates, and the config problems a user meets on the way out.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{TestEnv, C, ME};
use predicates::prelude::*;

const DATE: &str = "2026-11-24";

struct World {
    env: TestEnv,
    cfg: PathBuf,
    doc: PathBuf,
}

/// A drafted update, with `update` settings `update_extra`.
fn world(update_extra: &str) -> World {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Escape <script>alert(1)</script> and [x](javascript:alert(1))",
        "search/a.rs",
    ));
    let cfg = env.config(&format!(
        "[me]\nname = \"Zoë Ørsted\"\nemails = [\"{ME}\"]\n\n[update]\ndir = \"{}\"\nto = [\"Grace Hopper <grace@example.com>\"]\ncc = [\"Alan Kay <alan@example.com>\"]\n{update_extra}\n\n[[repo]]\npath = \"{}\"\n\n[[goal]]\nid = \"search\"\ntitle = \"Make <b>search</b> *fast*\"\nstatus = \"on-track\"\npaths = [\"search/**\"]\n",
        env.updates().display(),
        r.path.display()
    ));
    let w = World {
        doc: env.updates().join(format!("{DATE}.md")),
        env,
        cfg,
    };
    w.icu(&["draft", "--no-edit"]).success();
    w
}

impl World {
    fn icu(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env.run(&self.cfg, args)
    }

    /// Writes a sentence after every prompt.
    fn finish(&self) {
        let text = fs::read_to_string(&self.doc).unwrap();
        fs::write(
            &self.doc,
            text.replace(
                "-->\n\n<!-- icu:activity",
                "-->\nThe cache *shipped*.\n\n<!-- icu:activity",
            )
            .replace("? -->\n", "? -->\nA good fortnight.\n"),
        )
        .unwrap();
    }

    fn export(&self, format: &str) -> String {
        let out = self.icu(&["export", "--format", format]).success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}

#[test]
fn an_unfinished_update_is_refused_unless_forced() {
    let w = world("");
    let before = fs::read_to_string(&w.doc).unwrap();
    w.icu(&["export", "--format", "html"]).code(1).stderr(
        predicate::str::contains("is not finished")
            .and(predicate::str::contains("line 11 [Summary]"))
            .and(predicate::str::contains("--force")),
    );
    w.icu(&["export", "--format", "html", "--force"]).success();
    assert_eq!(fs::read_to_string(&w.doc).unwrap(), before);
}

#[test]
fn markdown_export_drops_front_matter_markers_and_prompts() {
    let w = world("");
    w.finish();
    let md = w.export("md");
    assert!(md.starts_with("# Update — 24 Nov 2026\n"), "{md}");
    assert!(!md.contains("+++") && !md.contains("icu:"), "{md}");
    assert!(md.contains("The cache *shipped*."));
    assert!(md.contains("\\<script\\>"), "subjects stay escaped: {md}");
}

#[test]
fn html_export_renders_prose_and_keeps_subjects_and_titles_inert() {
    let w = world("");
    w.finish();
    let html = w.export("html");
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
    w.finish();
    let text = w.export("text");
    assert!(text.contains("Summary\n-------\n"), "{text}");
    assert!(text.contains("The cache shipped."));
    assert!(text.contains("Escape <script>alert(1)</script>"), "{text}");
}

#[test]
fn eml_export_is_a_draft_message_with_both_parts() {
    use mail_parser::MimeHeaders;
    let w = world("subject = \"Update from {{ me.name }}: {{ period.since_short }} to {{ period.until_short }}\"");
    w.finish();
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
    assert!(msg.body_text(0).unwrap().contains("The cache shipped."));
    assert!(msg.body_html(0).unwrap().contains("<em>shipped</em>"));
}

#[test]
fn an_existing_output_file_is_replaced_atomically() {
    let w = world("");
    w.finish();
    let out = w.env.path().join("u.html");
    fs::write(&out, "old").unwrap();
    w.icu(&["export", "--format", "html", "-o", out.to_str().unwrap()])
        .success();
    assert!(fs::read_to_string(&out)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

#[test]
fn an_address_that_is_not_an_address_is_refused_at_load() {
    let w = world("");
    let text = fs::read_to_string(&w.cfg).unwrap();
    fs::write(
        &w.cfg,
        text.replace("Alan Kay <alan@example.com>", "Alan Kay"),
    )
    .unwrap();
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
    let text = fs::read_to_string(&w.cfg).unwrap();
    fs::write(
        &w.cfg,
        text.replace(
            "[update]\n",
            "[update]\nsubject = \"Update {{ period.nonsense }}\"\n",
        ),
    )
    .unwrap();
    w.icu(&["export", "--format", "eml", "--force"])
        .code(2)
        .stderr(
            predicate::str::contains("`update.subject` is not a valid template")
                .and(predicate::str::contains("icu.toml:6:11"))
                .and(predicate::str::contains("period.since_short")),
        );
}
