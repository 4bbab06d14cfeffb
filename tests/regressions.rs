//! Inputs that once broke the document code or a fuzz invariant, found by
//! the property tests and the fuzz targets (fuzz/README.md). Each stays here
//! so it cannot come back.
//! Raw fuzz inputs live in fuzz/regressions/<target>/. The tests that read
//! them are compiled only where fuzz/ is (`cfg(fuzz_inputs)`, set by
//! build.rs): a checkout, not the packaged crate, which cannot hold the fuzz
//! crate's folder.

use icu::testing::doc::markers::{self, OTHER_KEY};
use icu::testing::doc::{asks, check, export_md, frontmatter, refresh, DocError};

const FM: &str = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nstatus = \"draft\"\ngoals = [\"a\", \"other\"]\n+++\n";
const FRESH_FM: &str = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nstatus = \"draft\"\ngoals = [\"a\", \"b\", \"other\"]\n+++\n";

fn section(title: &str, key: &str, activity: &str) -> String {
    format!("### {title} — on track\n<!-- icu:write What moved this goal forward? What's next? -->\n\n<!-- icu:activity {key} -->\n{activity}\n<!-- /icu:activity -->\n\n")
}

/// A fresh render with goals a and b.
fn fresh() -> String {
    format!(
        "{FRESH_FM}# Update\n\n## Goals\n\n{}{}## Other work\n<!-- icu:activity other -->\n- No commits outside your goals since 9 Nov.\n<!-- /icu:activity -->\n",
        section("A", "a", "- 1 commit in r, +1 −0\n  - x (abc1234)"),
        section("B", "b", "- No commits on this goal since 9 Nov.")
    )
}

fn keys(text: &str) -> Vec<String> {
    let (_, _, body) = frontmatter::split(text).unwrap();
    markers::outline(text, body)
        .unwrap()
        .blocks()
        .unwrap()
        .into_iter()
        .map(|b| b.key)
        .collect()
}

/// A new goal goes after the last goal *section*: sub-headings the person
/// wrote under that goal, before and after its activity block, stay with it.
#[test]
fn a_new_goal_does_not_split_the_last_goal_from_its_subheadings() {
    let a = section("A", "a", "- old").replace(
        "-->\n\n<!-- icu:activity",
        "-->\n#### Progress\nShipped the cache.\n\n<!-- icu:activity",
    );
    let old = format!(
        "{FM}# Update\n\n## Goals\n\n{a}#### Risks\nThe index rebuild.\n\n## Other work\n<!-- icu:activity other -->\n<!-- /icu:activity -->\n"
    );
    let out = refresh::refresh(&old, &fresh()).unwrap();
    let risks = out.find("#### Risks").unwrap();
    let b = out.find("### B").unwrap();
    assert!(
        risks < b,
        "goal B was inserted between goal A and its Risks:\n{out}"
    );
    assert_eq!(keys(&out), ["a", "b", OTHER_KEY]);
}

/// The new goal's section must arrive as a working block, not inside a code
/// block that the person left open at the end of the doc.
#[test]
fn a_new_goal_is_not_swallowed_by_an_open_code_fence() {
    let old = format!(
        "{FM}# Update\n\n## Goals\n\n{}```\nunfinished code\n",
        section("A", "a", "- old")
    );
    new_goals_arrive_as_blocks(&old, &fresh(), &["a", "b"]);
}

/// `refresh(old, fresh)` either adds the new goals as working blocks, or
/// refuses with an error naming a line of `old`, so nothing is written.
fn new_goals_arrive_as_blocks(old: &str, fresh: &str, want: &[&str]) {
    match refresh::refresh(old, fresh) {
        Ok(out) => {
            assert_eq!(
                keys(&out),
                want,
                "a new goal's block is not a block:\n{out}"
            );
            check::check(&out).unwrap();
        }
        Err(DocError::Marker { line, message }) => {
            assert!(
                line >= 1 && line <= markers::Lines::new(old).len(),
                "line {line}: {message}"
            );
            assert!(message.contains("never closed"), "{message}");
        }
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// fuzz `doc`, crash-d52a6905: an unclosed fence before every block; the new
/// goal `b` was appended inside it, a block that is not a block.
#[test]
#[cfg(fuzz_inputs)]
fn fuzz_doc_d52a6905_unclosed_fence_swallows_the_new_goal() {
    let text = String::from_utf8_lossy(include_bytes!(
        "../fuzz/regressions/doc/crash-d52a690557fe4c7f8a3a45c18d394cc07122e27f"
    ));
    let fresh = include_str!("../fuzz/seeds/doc/fresh.md");
    new_goals_arrive_as_blocks(&text, fresh, &["b"]);
}

/// A goal whose title says "help" is not the help section: the asks under
/// "What I need help with" are still found (and so carried into the next
/// draft), and the goal's prompt is still checked.
#[test]
fn a_goal_titled_help_does_not_hide_the_asks() {
    let text = format!(
        "{FM}# Update\n\n## Goals\n\n{}## Other work\n<!-- icu:activity other -->\n<!-- /icu:activity -->\n\n## What I need help with\n<!-- icu:write Decisions, unblockers, people: be specific. -->\n- [ ] Access to prod traces (asked 9 Nov)\n",
        section("Help center migration", "a", "- 2 commits in r, +1 −0")
    );
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let a = asks::asks(&text, date).unwrap();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].text, "Access to prod traces");
    assert_eq!(
        a[0].asked,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()
    );
    let r = check::check(&text).unwrap();
    assert_eq!(r.open_asks, 1);
    assert!(
        r.problems
            .iter()
            .any(|p| p.message.starts_with("unwritten: What moved")),
        "the goal's prompt is not checked: {:?}",
        r.problems
    );
}

/// Prose written right after a block's end marker stays a paragraph of its
/// own in the export, not a lazy continuation of the block's last bullet.
#[test]
fn prose_right_after_a_block_is_not_part_of_its_last_bullet() {
    let text = format!(
        "{FM}### A\n<!-- icu:write W -->\n\n<!-- icu:activity a -->\n- 1 commit in r, +1 −0\n  - x (abc1234)\n<!-- /icu:activity -->\nMy words right after the block.\n"
    );
    let md = export_md::export_markdown(&text, None).unwrap();
    assert_eq!(
        md,
        "### A\n\n- 1 commit in r, +1 −0\n  - x (abc1234)\n\nMy words right after the block.\n"
    );
    let html = icu::testing::export::to_html(&md, "t", "en");
    assert!(
        html.contains(">My words right after the block.</p>\n</div>"),
        "{html}"
    );
}

/// fuzz `config`, crash-6ae789a1: a goal names a repo that no `[[repo]]`
/// defines while a repo glob (`~/src/*`) finds nothing on this machine. The
/// fuzz invariant was wrong, not the loader: the name may come from that glob
/// on another machine, so the config loads and a warning names the goal, the
/// repo and the glob. Without the glob it is an error (config tests).
#[test]
#[cfg(fuzz_inputs)]
fn fuzz_config_6ae789a1_a_repo_name_an_empty_glob_might_give_is_a_warning() {
    let text = String::from_utf8_lossy(include_bytes!(
        "../fuzz/regressions/config/crash-6ae789a15e4701f82b8e971779353320c86c868f"
    ));
    let mut env = icu::testing::config::Env {
        home: Some("/nonexistent-icu-home".into()),
        ..Default::default()
    };
    env.vars.insert("SRC".into(), "/nonexistent-icu-src".into());
    let cfg = icu::testing::config::parse(&text, std::path::Path::new("/cfg/icu.toml"), &env)
        .expect("the config loads");
    assert!(
        cfg.warnings
            .iter()
            .any(|w| w
                == "goal `g0` names repo `seaeywords = rch`, which `~/src/*` does not find here"),
        "{:?}",
        cfg.warnings
    );
    let without_glob = text.replacen("[[repo]]\npath = \"~/src/*\"\n", "", 1);
    let err =
        icu::testing::config::parse(&without_glob, std::path::Path::new("/cfg/icu.toml"), &env)
            .expect_err("no glob: an unknown repo name is an error");
    assert!(
        err.to_string().contains("which no [[repo]] defines"),
        "{err}"
    );
}

/// The fuzz target's `FRESH` (fuzz/seeds/doc/fresh.md) is a render in the
/// format icu writes now — status lines in the blocks, every block's hash
/// recorded and right — so the fuzzer mutates the real thing; and its seed
/// with a note typed in a block is refused, then goes through when forced,
/// as the target asserts.
#[test]
#[cfg(fuzz_inputs)]
fn the_fuzz_seeds_are_in_the_current_format() {
    let fresh = include_str!("../fuzz/seeds/doc/fresh.md");
    let (fm, _, body) = frontmatter::split(fresh).unwrap();
    let blocks = markers::outline(fresh, body).unwrap().blocks().unwrap();
    let recorded: Vec<(String, String)> = blocks
        .iter()
        .map(|b| (b.key.clone(), frontmatter::block_hash(&fresh[b.content()])))
        .collect();
    assert_eq!(fm.blocks, recorded);
    assert_eq!(refresh::refresh(fresh, fresh).as_deref(), Ok(fresh));

    let edited = include_str!("../fuzz/seeds/doc/edited-in-block.md");
    let Err(DocError::EditedBlocks(refused)) = refresh::refresh(edited, fresh) else {
        panic!("not refused");
    };
    assert_eq!(refused[0].key, "a");
    let forced = refresh::refresh_with(edited, fresh, refresh::Edits::Replace).unwrap();
    assert_eq!(forced.replaced, refused);
    assert!(!forced.text.contains("my note under the commit"));
    assert_eq!(asks::asks(edited, fm.date).unwrap().len(), 3);
    assert_eq!(check::check(edited).unwrap().notes.len(), 1);
}
