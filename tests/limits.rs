//! Bounds on what a config can make icu do (issue 17): a custom template's
//! work and output, the text a keyword sees, and values pasted into links.

use std::fs;
use std::time::{Duration, Instant};

use crate::common::{add_to_update, stderr, stdout, TestEnv, C};

/// A repository with one commit of mine in the window, a config for it with
/// `update` lines added, and the env.
fn world(update: &str, message: &str) -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-20T10:00:00Z", message, "a.rs"));
    let cfg = env.config_for(&[&r], "");
    add_to_update(&cfg, update);
    (env, cfg)
}

#[test]
fn a_broken_update_template_names_its_file_and_line() {
    let env = TestEnv::new();
    let t = env.path().join("my-update.md.j2");
    fs::write(&t, "# Update\n\nSome text\n{% for g in goals %}\n").unwrap();
    let cfg = env.config(&format!("[update]\ntemplate = \"{}\"\n", t.display()));
    let e = stderr(&env.run(&cfg, &["goals"]).code(2));
    // The template's file and its line, not a line of the document.
    assert!(e.contains(&format!("{}:4", t.display())), "{e}");
    assert!(e.contains("`update.template` does not compile"), "{e}");
    assert!(e.contains("icu.toml:2:12"), "{e}");
}

#[test]
fn a_runaway_update_template_stops_quickly_naming_it() {
    let env = TestEnv::new();
    let t = env.path().join("loop.md.j2");
    fs::write(
        &t,
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ me.name }} {% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let (env2, cfg) = world(&format!("template = \"{}\"\n", t.display()), "Fix it");
    let t0 = Instant::now();
    let e = stderr(
        &env2
            .run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .code(2),
    );
    assert!(e.contains("update.template"), "{e}");
    assert!(e.contains("too much work"), "{e}");
    // Without a bound this ran for hours; generous for a debug build.
    assert!(t0.elapsed() < Duration::from_secs(60), "{:?}", t0.elapsed());
    drop(env);
}

#[test]
fn a_subject_that_looks_like_an_autolink_stays_text_in_the_html() {
    let (env, cfg) = world("", "<https://evil.example/x> and <b>bold</b>");
    env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
    let html = stdout(
        &env.run(&cfg, &["export", "--format", "html", "--force"])
            .success(),
    );
    assert!(!html.contains("href=\"https://evil.example"), "{html}");
    assert!(!html.contains("<b>bold"), "{html}");
    assert!(html.contains("https://evil.example/x"), "{html}");
}

#[test]
fn an_update_template_that_fails_while_drafting_names_its_file_and_line() {
    let env = TestEnv::new();
    let t = env.path().join("mine.md.j2");
    fs::write(&t, "# {{ date_long }}\n{{ nope.field }}\n").unwrap();
    let (env2, cfg) = world(&format!("template = \"{}\"\n", t.display()), "Fix it");
    let e = stderr(
        &env2
            .run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .code(2),
    );
    assert!(e.contains(&format!("{}:2", t.display())), "{e}");
    drop(env);
}
