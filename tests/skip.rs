//! `[[skip]]`: commits a rule names (by message or author) are in no
//! activity block and no count, and `-v` lists each with its rule.

use crate::common::{activity_block, stderr, stdout, TestEnv, C};

#[test]
fn skipped_commits_leave_activity_and_counts_and_v_lists_them_with_their_rule() {
    let env = TestEnv::new();
    let r = env.repo("search");
    let bump = r.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Bump CI image to 1.2",
        "ci",
    ));
    let bot = r.commit(C {
        message: "Update serde to 1.0.200\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
        email: "29139614+renovate[bot]@users.noreply.github.com",
        name: "renovate[bot]",
        ..C::mine("2026-11-19T10:00:00Z", "", "deps")
    });
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add the plan cache", "a"));
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"g\"\ntitle = \"G\"\nrepos = [\"search\"]\n\n\
         [[skip]]\nmessage = \"^Bump CI image\"\n\n\
         [[skip]]\nauthor = \"*[bot]*\"\n",
    );
    let lines: Vec<String> = std::fs::read_to_string(&cfg)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let line_of = |s: &str| lines.iter().position(|l| l == s).unwrap() + 1;
    let first = line_of("message = \"^Bump CI image\"") - 1;
    let second = line_of("author = \"*[bot]*\"") - 1;

    let a = env
        .run(&cfg, &["-v", "draft", "--print", "--date", "2026-11-23"])
        .success();
    let doc = stdout(&a);
    let block = activity_block(&doc, "g");
    assert!(block.contains("- 1 commit in search, +1 −0"), "{block}");
    assert!(block.contains("Add the plan cache"), "{block}");
    assert!(!doc.contains("Bump CI") && !doc.contains("serde"), "{doc}");
    let err = stderr(&a);
    assert!(
        err.contains(&format!(
            "skip: search: {} Bump CI image to 1.2 (by [[skip]] on line {first}: message = \"^Bump CI image\")",
            r.short(&bump)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "skip: search: {} Update serde to 1.0.200 (by [[skip]] on line {second}: author = \"*[bot]*\")",
            r.short(&bot)
        )),
        "{err}"
    );

    // Without -v nothing is said; `icu goals` counts only what is left.
    let quiet = env
        .run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
        .success();
    assert!(!stderr(&quiet).contains("skip:"), "{}", stderr(&quiet));
    let goals = stdout(
        &env.run(&cfg, &["goals", "--json", "--date", "2026-11-23"])
            .success(),
    );
    let v: serde_json::Value = serde_json::from_str(&goals).unwrap();
    assert_eq!(v["goals"][0]["commits"], 1, "{goals}");
}

#[test]
fn a_skip_rule_with_nothing_to_match_is_a_config_error() {
    let env = TestEnv::new();
    let r = env.repo("search");
    let cfg = env.config_for(&[&r], "[[skip]]\n");
    let err = stderr(&env.run(&cfg, &["draft", "--print"]).code(2));
    assert!(err.contains("neither `message` nor `author`"), "{err}");
    assert!(err.contains("icu.toml:"), "{err}");
}
