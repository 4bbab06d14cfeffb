//! Escape sequences and bidirectional overrides from git, the config and
//! the file system never reach the terminal raw: commit subjects, author
//! and branch names, goal titles and repository paths are shown in their
//! visible form (`^[` for ESC, `\u{202e}` for a right-to-left override) on
//! stdout and stderr, and `--json` stays exact JSON.

use crate::common::{json, stderr, stdout, TestEnv, C, ME};

/// ESC sequences that set the window title, clear the screen and colour.
const TITLE: &str = "\x1b]0;pwned\x07";
const CLEAR: &str = "\x1b[2J";
const RED: &str = "\x1b[31m";
/// A right-to-left override.
const RLO: &str = "\u{202e}";

/// `s` as a TOML basic string, every control and override escaped.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || ('\u{2000}'..='\u{2fff}').contains(&c) => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Asserts that `out` holds no raw control (but line feeds and tabs) and no
/// bidirectional control.
fn assert_clean(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect();
    assert!(bad.is_empty(), "{what} holds raw {bad:?}:\n{out}");
}

/// A repository whose folder name holds an escape (no `[`: a path with one
/// is a glob) and an override, with a
/// commit whose subject and author name hold escapes, on a branch whose
/// name holds an override; a goal whose title holds overrides (the config
/// refuses control characters there); and a second
/// repository, missing, whose path holds an escape.
fn hostile() -> (TestEnv, std::path::PathBuf, crate::common::Repo, String) {
    let env = TestEnv::new();
    let repo = env.repo(&format!("api{TITLE}{RLO}x"));
    repo.commit(C::mine("2026-11-10T10:00:00Z", "Start", "README.md"));
    repo.git(&["checkout", "-q", "-b", &format!("feat/{RLO}evil")]);
    let subject = format!("Fix {TITLE}the title {RLO}cba");
    let name = format!("Ada {RED}Red{CLEAR} Lovelace");
    let id = repo.commit(C {
        name: &name,
        ..C::mine("2026-11-20T10:00:00Z", &subject, "src/fix.rs")
    });
    repo.git(&["checkout", "-q", "main"]);
    let missing = env.path().join(format!("gone{TITLE}{RLO}"));
    let cfg = env.config(&format!(
        "[me]\nname = \"Ada Lovelace\"\nemails = [\"{ME}\"]\n\n[update]\ndir = {}\n\n\
         [[repo]]\npath = {}\nname = \"api\"\n\n[[repo]]\npath = {}\nname = \"gone\"\n\n\
         [[goal]]\nid = \"fix\"\ntitle = {}\nbranches = [\"feat/*\"]\n",
        toml_str(&env.updates().display().to_string()),
        toml_str(&repo.path.display().to_string()),
        toml_str(&missing.display().to_string()),
        toml_str(&format!("Goal {RLO}x\u{2066}y")),
    ));
    (env, cfg, repo, id)
}

#[test]
fn escapes_from_git_the_config_and_paths_are_shown_not_sent_to_the_terminal() {
    let (env, cfg, repo, id) = hostile();

    let a = env
        .icu_with(&cfg)
        .current_dir(&repo.path)
        .args(["explain", &id])
        .assert()
        .success();
    let (out, err) = (stdout(&a), stderr(&a));
    assert_clean("explain's stdout", &out);
    assert_clean("explain's stderr", &err);
    assert!(
        out.contains("Fix ^[]0;pwned^Gthe title \\u{202e}cba"),
        "{out}"
    );
    assert!(out.contains("Ada ^[[31mRed^[[2J Lovelace"), "{out}");
    assert!(out.contains("feat/\\u{202e}evil"), "{out}");

    let a = env.run(&cfg, &["goals", "-v"]).success();
    let (out, err) = (stdout(&a), stderr(&a));
    assert_clean("goals' stdout", &out);
    assert_clean("goals' stderr", &err);
    assert!(out.contains("Goal \\u{202e}x\\u{2066}y"), "{out}");
    // The warning names the missing repository in its visible form.
    assert!(err.contains("gone^[]0;pwned^G\\u{202e}"), "{err}");

    // The JSON: no raw control either, and the same strings once parsed.
    let a = env.run(&cfg, &["goals", "--json"]).success();
    assert_clean("goals --json", &stdout(&a));
    assert_eq!(json(&a)["goals"][0]["title"], "Goal \u{202e}x\u{2066}y");

    // A draft warns about the missing repository the same way, and the
    // update itself keeps no control character.
    let a = env.run(&cfg, &["draft", "--print"]).success();
    assert_clean("draft's stderr", &stderr(&a));
    assert!(
        stderr(&a).contains("gone^[]0;pwned^G\\u{202e}"),
        "{}",
        stderr(&a)
    );
    assert!(!stdout(&a).contains('\x1b'), "{}", stdout(&a));
}
