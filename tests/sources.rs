//! `[[source]]` commands and `icu source NAME`: real commands (shell
//! scripts the tests write) print JSON lines, and icu keeps the items inside
//! the update's window, says what is wrong with each bad line or field, and
//! stops a command that hangs or floods it — with everything it started. The
//! recipes of the README and `icu init` run against stand-ins for gh, glab
//! and jira that print those tools' documented JSON.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{json, stderr, stdout, write_script, TestEnv};

/// A config with the goal `search` and `sources` (TOML), updates in the
/// root; the scripts the sources run are written beside it.
fn config(env: &TestEnv, sources: &str) -> PathBuf {
    env.config(&format!(
        "[me]\nname = \"Ada\"\nemails = [\"ada@example.com\"]\n\n[update]\ndir = \"{}\"\n\n\
         [[goal]]\nid = \"search\"\ntitle = \"Search\"\nkeywords = [\"search\"]\n\n{sources}",
        env.updates().display()
    ))
}

/// `icu source NAME ARGS… --date 2026-11-23`: the window is 9 Nov to 24 Nov.
fn source(env: &TestEnv, cfg: &Path, name: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut all = vec!["source", name];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--date", "2026-11-23"]);
    env.run(cfg, &all)
}

#[test]
fn a_source_gives_the_items_in_the_window_and_sees_the_window_in_its_environment() {
    let env = TestEnv::new();
    write_script(
        &env.path().join("work.sh"),
        r#"printf '{"title":"window %s %s %s %s","time":"2026-11-09T00:00:00Z"}\n' "$ICU_SINCE" "$ICU_UNTIL" "$ICU_SINCE_DATE" "$ICU_UNTIL_DATE"
echo '{"title":"Reviewed the cache","time":"2026-11-20T15:30:00+01:00","url":"https://github.com/acme/search/pull/7","kind":"reviewed","goal":"search","repo":"search","id":"pr-7"}'
echo '{"title":"the last second","time":"2026-11-23T23:59:59Z"}'
echo '{"title":"the end of the window","time":"2026-11-24T00:00:00Z"}'
echo '{"title":"long ago","time":"1970-01-01T00:00:00Z"}'
echo '{"title":"far ahead","time":"9999-12-31T23:59:59Z"}'
echo 'progress: 6 lines' >&2"#,
    );
    let cfg = config(
        &env,
        "[[source]]\nname = \"work\"\ncommand = \"./work.sh\"\n",
    );
    let a = source(&env, &cfg, "work", &[]).success();
    let out = stdout(&a);
    assert!(
        out.starts_with("work: 3 items in 2026-11-09T00:00:00Z – 2026-11-24T00:00:00Z (the update of 2026-11-23); 3 outside it left out; complete\n"),
        "{out}"
    );
    assert!(
        out.contains("window 2026-11-09T00:00:00Z 2026-11-24T00:00:00Z 2026-11-09 2026-11-23"),
        "{out}"
    );
    assert!(
        out.contains(
            "\n2026-11-20T15:30:00+01:00  reviewed  Reviewed the cache\n    \
             url   https://github.com/acme/search/pull/7\n    goal  search\n    repo  search\n    id    pr-7\n"
        ),
        "{out}"
    );
    assert!(out.contains("the last second") && !out.contains("the end of the window"));
    assert!(
        !out.contains("long ago") && !out.contains("far ahead"),
        "{out}"
    );
    assert_eq!(
        stderr(&a),
        "",
        "stderr of a command that succeeds is its own"
    );

    let v = json(&source(&env, &cfg, "work", &["--json"]).success());
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["source"], "work");
    assert_eq!(v["complete"], true);
    assert_eq!(v["failed"], serde_json::Value::Null);
    assert_eq!(v["outside"], 3);
    assert_eq!(v["period"]["since"], "2026-11-09T00:00:00Z");
    assert_eq!(v["period"]["until"], "2026-11-24T00:00:00Z");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["id"], "pr-7");
    assert_eq!(items[1]["kind"], "reviewed");
    assert_eq!(items[1]["source"], "work");
    assert_eq!(items[1]["time"], "2026-11-20T15:30:00+01:00");
    assert_eq!(items[2]["kind"], "item");
    assert_eq!(items[2]["id"], "the last second 2026-11-23T23:59:59Z");
}

#[test]
fn an_unknown_goal_in_an_item_is_a_warning_and_the_item_is_kept() {
    let env = TestEnv::new();
    let cfg = config(
        &env,
        "[[source]]\nname = \"work\"\ngoal = \"search\"\ncommand = \"\"\"echo '{\"title\":\"t\",\"time\":\"2026-11-20T10:00:00Z\",\"goal\":\"serch\"}'\"\"\"\n",
    );
    let a = source(&env, &cfg, "work", &["--json"]).success();
    let v = json(&a);
    assert_eq!(v["complete"], true);
    assert_eq!(v["items"][0]["goal"], "search", "the source's goal instead");
    assert_eq!(
        stderr(&a),
        "warning: source `work`: line 1: goal `serch` is not a goal of the config (it has: search); the item is kept without it\n"
    );
}

#[test]
fn a_missing_command_is_an_incomplete_source_and_exit_1() {
    let env = TestEnv::new();
    let cfg = config(
        &env,
        "[[source]]\nname = \"gh\"\ncommand = \"gh-that-is-not-installed search prs\"\n",
    );
    let a = source(&env, &cfg, "gh", &[]).code(1);
    assert!(stdout(&a).starts_with("gh: 0 items in "), "{}", stdout(&a));
    let err = stderr(&a);
    assert!(
        err.starts_with(
            "warning: source `gh` is incomplete: the shell found no such command (exit code 127). It said on stderr:\n  "
        ) && err.contains("gh-that-is-not-installed"),
        "{err}"
    );
}

#[test]
fn a_hanging_source_is_stopped_at_its_timeout_with_all_it_started() {
    let env = TestEnv::new();
    write_script(
        &env.path().join("hang.sh"),
        r#"(sleep 3; touch late.mark) &
echo '{"title":"before the hang","time":"2026-11-20T10:00:00Z"}'
sleep 60"#,
    );
    let cfg = config(
        &env,
        "[[source]]\nname = \"slow\"\ncommand = \"./hang.sh\"\ntimeout = 1\n",
    );
    let started = Instant::now();
    let a = source(&env, &cfg, "slow", &["--json"]).code(1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let v = json(&a);
    assert_eq!(v["items"][0]["title"], "before the hang");
    assert_eq!(
        v["failed"],
        "the command did not finish within its timeout of 1 s and was stopped, with all it started"
    );
    // The child that would write a file after 3 s was stopped with it.
    std::thread::sleep(Duration::from_secs(4));
    assert!(!env.path().join("late.mark").exists());
}

#[test]
fn a_hundred_megabytes_of_output_is_cut_at_16_mib() {
    let env = TestEnv::new();
    write_script(
        &env.path().join("flood.sh"),
        r#"echo '{"title":"first","time":"2026-11-20T10:00:00Z"}'
yes '{"title":"flood","time":"2000-01-01T00:00:00Z"}' | head -c 104857600"#,
    );
    let cfg = config(
        &env,
        "[[source]]\nname = \"flood\"\ncommand = \"./flood.sh\"\n",
    );
    let started = Instant::now();
    let a = source(&env, &cfg, "flood", &["--json"]).code(1);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let v = json(&a);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let outside = v["outside"].as_u64().unwrap();
    // 16 MiB of lines of one length, the first one kept, the last one cut
    // off and not read.
    let line = r#"{"title":"flood","time":"2000-01-01T00:00:00Z"}"#.len() as u64 + 1;
    assert_eq!(outside, 16 * 1024 * 1024 / line - 1, "{outside}");
    assert_eq!(
        v["failed"],
        "the command printed more than 16 MiB and was stopped; nothing after that was read"
    );
    assert_eq!(
        v["warnings"].as_array().unwrap().len(),
        1,
        "no line is a bad one"
    );
}

#[test]
fn bad_lines_are_named_by_number_and_control_characters_leave_titles() {
    let env = TestEnv::new();
    write_script(
        &env.path().join("bad.sh"),
        r#"printf '%s\n' '{"title":"Fix\u001b]0;owned\u0007 the\ttitle\nbar \u202egnp.exe","time":"2026-11-20T10:00:00Z"}'
echo 'Fetching issues...'
printf '{"title":"caf\351","time":"2026-11-20T10:00:00Z"}\n'
echo '{"title":"no time"}'
echo '{"title":"bad time","time":"20 Nov 2026"}'
echo '"just a string"'
echo '{"title":"fine","time":"2026-11-21T10:00:00Z","url":"javascript:alert(1)"}'"#,
    );
    let cfg = config(&env, "[[source]]\nname = \"bad\"\ncommand = \"./bad.sh\"\n");
    let a = source(&env, &cfg, "bad", &[]).code(1);
    let out = stdout(&a);
    assert!(
        out.contains("INCOMPLETE: 5 lines could not be read"),
        "{out}"
    );
    assert!(
        out.contains("  item  Fix ]0;owned the title bar gnp.exe\n"),
        "{out}"
    );
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    let err = stderr(&a);
    for want in [
        "warning: source `bad`: line 2: not JSON (expected value at line 1 column 1); the line is skipped\n",
        "warning: source `bad`: line 3: not UTF-8 text (byte 14 is not); the line is skipped\n",
        "warning: source `bad`: line 4: no `time`; the line is skipped\n",
        "warning: source `bad`: line 5: `time` = `20 Nov 2026` is not an RFC 3339 time such as 2026-11-20T14:05:00Z; the line is skipped\n",
        "warning: source `bad`: line 6: not a JSON object but a string; each line is one object with `title` and `time`\n",
        "warning: source `bad`: line 7: `url` = `javascript:alert(1)` is not an http(s) URL that can be a link; the item is kept without it\n",
        "warning: source `bad` is incomplete: 5 lines could not be read\n",
    ] {
        assert!(err.contains(want), "no {want:?} in\n{err}");
    }
}

#[test]
fn a_bad_source_table_is_refused_with_its_position() {
    let env = TestEnv::new();
    let cfg = config(
        &env,
        "[[source]]\nname = \"gh\"\ncommand = \"gh search prs\"\ntimeout = 0\n",
    );
    let line = fs::read_to_string(&cfg)
        .unwrap()
        .lines()
        .position(|l| l == "timeout = 0")
        .unwrap()
        + 1;
    let a = source(&env, &cfg, "gh", &[]).code(2);
    let err = stderr(&a);
    assert!(
        err.contains("`timeout` = 0 of source `gh` is out of range")
            && err.contains(&format!("icu.toml:{line}:11")),
        "{err}"
    );
    // Every command that reads the config refuses it.
    let a = env.run(&cfg, &["goals"]).code(2);
    assert!(stderr(&a).contains("of source `gh` is out of range"));
}

#[test]
fn icu_source_with_an_unknown_name_lists_the_sources_and_exits_2() {
    let env = TestEnv::new();
    let cfg = config(
        &env,
        "[[source]]\nname = \"github\"\ncommand = \"true\"\n\n[[source]]\nname = \"jira\"\ncommand = \"true\"\n",
    );
    let a = source(&env, &cfg, "gitlab", &[]).code(2);
    assert!(
        stderr(&a).contains(&format!(
            "no [[source]] named `gitlab` in {} (it has: github, jira)",
            cfg.display()
        )),
        "{}",
        stderr(&a)
    );
    let a = source(&env, &cfg, "jira", &[]).success();
    assert!(
        stdout(&a).starts_with("jira: 0 items in "),
        "{}",
        stdout(&a)
    );
    let bare = config(&env, "");
    let a = source(&env, &bare, "jira", &[]).code(2);
    assert!(
        stderr(&a).contains("it has none: add a [[source]] table"),
        "{}",
        stderr(&a)
    );
}

/// The `[[source]]` recipes as the README shows them: the TOML block of its
/// "Work beyond commits" section that begins with one.
fn readme_recipes() -> String {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n## Work beyond commits")
        .nth(1)
        .expect("the README has the section")
        .split("\n## ")
        .next()
        .unwrap();
    section
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .find(|b| b.starts_with("[[source]]\nname = \"github\""))
        .expect("the recipes' block")
        .to_string()
}

/// The recipes as `icu init` writes them, commented out.
fn starter_recipes(env: &TestEnv) -> String {
    let cfg = env.path().join("init.toml");
    env.run(
        &cfg,
        &["init", "--email", "ada@example.com", "--name", "Ada"],
    )
    .success();
    fs::read_to_string(&cfg)
        .unwrap()
        .lines()
        .skip_while(|l| *l != "# [[source]]")
        .take_while(|l| !l.is_empty())
        .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or("")))
        .collect()
}

/// Stand-ins for gh, glab and jira-cli. Each takes only the flags its
/// tool documents (gh's `search prs`/`search issues`, glab's `mr list` and
/// `issue list`, jira-cli's `issue list`, as read in their sources and
/// docs), checks the window the recipe passes, and prints JSON of the
/// documented shape: gh applies its `--jq` to the `--json` fields it knows
/// (here with the real jq, compact, as gh prints to a pipe); glab prints
/// the API's array; jira-cli prints its indented array, or, with no result,
/// an empty line, "No result found" on stderr and exit 1.
fn stand_ins(bin: &Path) {
    fs::create_dir_all(bin).unwrap();
    write_script(
        &bin.join("gh"),
        r#"[ "$1" = search ] || exit 2
what=$2; shift 2
case $what in prs|issues) ;; *) exit 2 ;; esac
while [ $# -gt 0 ]; do
  case $1 in
    --reviewed-by=@me|--author=@me|--assignee=@me|--limit=200) ;;
    --updated=*|--created=*|--merged-at=*|--closed=*)
      [ "${1#*=}" = "$ICU_SINCE..$ICU_UNTIL" ] || { echo "gh: bad range $1" >&2; exit 2; }
      on=${1%%=*}; on=${on#--} ;;
    --json) fields=$2; shift ;;
    --jq) program=$2; shift ;;
    --) shift; [ "$*" = "-author:@me" ] || exit 2; break ;;
    *) echo "gh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
for f in $(echo "$fields" | tr , ' '); do
  case " assignees author authorAssociation body closedAt commentsCount createdAt id isDraft isLocked isPullRequest labels number repository state title updatedAt url " in
    *" $f "*) ;;
    *) echo "gh: unknown JSON field $f" >&2; exit 1 ;;
  esac
done
printf '[{"title":"%s %s","url":"https://github.com/acme/search/pull/%s","createdAt":"2026-11-12T09:30:00Z","updatedAt":"2026-11-13T09:30:00Z","closedAt":"2026-11-14T09:30:00Z","repository":{"name":"search","nameWithOwner":"acme/search"}}]' \
  "$what" "$on" "${#on}" | jq -c "$program""#,
    );
    write_script(
        &bin.join("glab"),
        r#"case "$1 $2" in "mr list"|"issue list") ;; *) exit 2 ;; esac
what=$1; shift 2
while [ $# -gt 0 ]; do
  case $1 in
    --group=acme|--reviewer=@me|--author=@me|--assignee=@me|--all|--merged|--closed|--per-page=100|--output=json) ;;
    --order=updated_at|--order=created_at|--order=merged_at) order=${1#--order=} ;;
    *) echo "glab: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
printf '[{"iid":%s,"title":"%s by %s","web_url":"https://gitlab.com/acme/search/-/%s/%s","created_at":"2026-11-12T09:30:00.000Z","updated_at":"2026-11-13T09:30:00.123Z","merged_at":"2026-11-14T09:30:00.000Z","closed_at":"2026-11-15T09:30:00.000Z"}]\n' \
  "${#order}" "$what" "$order" "$what" "${#order}""#,
    );
    write_script(
        &bin.join("jira"),
        r#"[ "$1 $2" = "issue list" ] || exit 2
shift 2
while [ $# -gt 0 ]; do
  case $1 in
    --jql) [ "$2" = "status CHANGED TO Done BY currentUser() AFTER \"$ICU_SINCE_DATE\"" ] || exit 2; shift ;;
    --raw) ;;
    *) echo "jira: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
echo 'Fetching issues...' >&2
case $JIRA_STAND_IN in
  none) echo; echo 'No result found for given query in project "SEARCH"' >&2; exit 1 ;;
  down) echo 'Error: 401 Unauthorized' >&2; exit 1 ;;
esac
cat <<'JSON'
[
  {
    "key": "SEARCH-12",
    "fields": {
      "summary": "Fix the flaky index test",
      "created": "2026-11-02T10:00:00.000+0100",
      "updated": "2026-11-12T14:05:20.974+0100"
    }
  }
]
JSON"#,
    );
}

#[test]
fn the_recipes_are_the_readmes_and_run_against_stand_ins_for_the_tools() {
    let env = TestEnv::new();
    let recipes = readme_recipes();
    assert_eq!(starter_recipes(&env), recipes);
    let no_jq = std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err();
    if no_jq && std::env::var_os("ICU_SKIP_RECIPES").is_some() {
        eprintln!("ICU_SKIP_RECIPES is set and there is no jq: the recipes were compared, not run");
        return;
    }
    assert!(
        !no_jq,
        "the recipes need jq, as gh does: ci/test installs it (or set ICU_SKIP_RECIPES=1)"
    );
    let bin = env.path().join("bin");
    stand_ins(&bin);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cfg = config(&env, &recipes);
    let run = |name: &str, jira: &str| {
        env.icu_with(&cfg)
            .env("PATH", &path)
            .env("JIRA_STAND_IN", jira)
            .args(["source", name, "--date", "2026-11-23", "--json"])
            .assert()
    };
    let items = |a: &assert_cmd::assert::Assert| -> Vec<String> {
        json(a)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{} {} {} | {} | {}",
                    i["time"].as_str().unwrap(),
                    i["kind"].as_str().unwrap(),
                    i["title"].as_str().unwrap(),
                    i["url"].as_str().unwrap_or("-"),
                    i["repo"].as_str().unwrap_or("-"),
                )
            })
            .collect()
    };

    let a = run("github", "").success();
    assert_eq!(stderr(&a), "");
    assert_eq!(
        items(&a),
        [
            "2026-11-12T09:30:00Z opened prs created | https://github.com/acme/search/pull/7 | search",
            "2026-11-13T09:30:00Z reviewed prs updated | https://github.com/acme/search/pull/7 | search",
            "2026-11-14T09:30:00Z closed issues closed | https://github.com/acme/search/pull/6 | search",
            "2026-11-14T09:30:00Z merged prs merged-at | https://github.com/acme/search/pull/9 | search",
        ]
    );

    let a = run("gitlab", "").success();
    assert_eq!(stderr(&a), "");
    assert_eq!(
        items(&a),
        [
            "2026-11-12T09:30:00Z opened mr by created_at | https://gitlab.com/acme/search/-/mr/10 | -",
            "2026-11-13T09:30:00.123Z reviewed mr by updated_at | https://gitlab.com/acme/search/-/mr/10 | -",
            "2026-11-14T09:30:00Z merged mr by merged_at | https://gitlab.com/acme/search/-/mr/9 | -",
            "2026-11-15T09:30:00Z closed issue by updated_at | https://gitlab.com/acme/search/-/issue/10 | -",
        ]
    );

    let a = run("jira", "").success();
    assert_eq!(stderr(&a), "");
    assert_eq!(
        items(&a),
        ["2026-11-12T14:05:20.974+01:00 closed SEARCH-12 Fix the flaky index test | https://jira.example.com/browse/SEARCH-12 | -"]
    );
    assert_eq!(json(&a)["items"][0]["id"], "SEARCH-12");
    // A fortnight with nothing closed is complete; jira-cli failing is not.
    let a = run("jira", "none").success();
    assert_eq!(json(&a)["items"], serde_json::json!([]));
    let a = run("jira", "down").code(1);
    assert!(
        stderr(&a).contains("the command ended with exit code 1. It said on stderr:\n  Fetching issues...\n  Error: 401 Unauthorized"),
        "{}",
        stderr(&a)
    );
}

/// The update's sequence with a source: the first update lists a review and
/// an issue closed, and is sent; the issue is closed again later (its source
/// gives it the new time, the same id) and a new review comes; a source that
/// fails meanwhile is a warning and the draft goes on.
#[test]
fn each_source_item_is_in_one_update_and_a_failing_source_stops_nothing() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(crate::common::C::mine(
        "2026-11-02T10:00:00Z",
        "Add the search index",
        "index.rs",
    ));
    // The issue's time is the start of whatever window icu asks for: closed
    // again in every period, under the same id.
    write_script(
        &env.path().join("gh.sh"),
        r#"printf '{"title":"Flaky search test","time":"%s","kind":"closed","id":"issue-9","url":"https://github.com/acme/search/issues/9"}\n' "$ICU_SINCE"
echo '{"title":"Review of the search cache","time":"2026-11-04T10:00:00Z","kind":"reviewed","id":"pr-7"}'
echo '{"title":"Review of the search ranking","time":"2026-11-16T10:00:00Z","kind":"reviewed","id":"pr-8"}'"#,
    );
    write_script(&env.path().join("broken.sh"), "echo 'not json'\nexit 3");
    let cfg = env.config_for(
        &[&r],
        &format!(
            "[[goal]]\nid = \"search\"\ntitle = \"Search\"\nkeywords = [\"[Ss]earch\"]\n\n[[source]]\nname = \"github\"\ncommand = \"{}\"\n\n[[source]]\nname = \"jira\"\ncommand = \"{}\"\n",
            env.path().join("gh.sh").display(),
            env.path().join("broken.sh").display()
        ),
    );
    let a = env
        .run_at(
            &cfg,
            "2026-11-09T12:00:00+00:00",
            &["draft", "--date", "2026-11-09"],
        )
        .success();
    assert!(
        stderr(&a).contains("source `jira` is incomplete"),
        "{}",
        stderr(&a)
    );
    env.run_at(
        &cfg,
        "2026-11-09T15:00:00+00:00",
        &["sent", "--at", "2026-11-09T15:00:00Z"],
    )
    .success();
    let first = fs::read_to_string(env.updates().join("2026-11-09.md")).unwrap();
    let search = crate::common::activity_block(&first, "search");
    assert!(
        search.contains("- 2 from github: closed 1, reviewed 1"),
        "{search}"
    );
    assert!(
        search
            .contains("  - [Flaky search test](https://github.com/acme/search/issues/9) (closed, "),
        "{search}"
    );
    assert!(
        first.contains("items = [\"github:issue-9\", \"github:pr-7\"]"),
        "{first}"
    );
    assert!(
        first.contains("; 2 items from your other sources*"),
        "{first}"
    );
    assert!(
        first.contains("incomplete = [\"jira: "),
        "the failed source is recorded\n{first}"
    );
    assert!(!first.contains("incomplete = [\"github"), "{first}");

    let second = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let search = crate::common::activity_block(&second, "search");
    assert!(
        search.contains(
            "- 1 from github: reviewed 1\n  - Review of the search ranking (reviewed, 16 Nov)"
        ),
        "{search}"
    );
    assert!(
        !second.contains("Flaky search test"),
        "listed in the sent update already\n{second}"
    );
    assert!(second.contains("items = [\"github:pr-8\"]"), "{second}");

    explain_tells_where_each_item_went(&env, &cfg);
}

/// `icu explain` of the items of
/// [`each_source_item_is_in_one_update_and_a_failing_source_stops_nothing`]:
/// each from the draft of the update that records it.
fn explain_tells_where_each_item_went(env: &TestEnv, cfg: &Path) {
    // explain tells an item from a commit, and answers from the draft.
    let j = json(
        &env.run(
            cfg,
            &[
                "explain",
                "github:issue-9",
                "--json",
                "--date",
                "2026-11-23",
            ],
        )
        .success(),
    );
    assert_eq!(
        j["update"]["date"], "2026-11-09",
        "the sent update that lists it\n{j}"
    );
    assert_eq!(j["listed"], true, "{j}");
    assert_eq!(j["item"]["title"], "Flaky search test", "{j}");
    let j = json(
        &env.run(
            cfg,
            &["explain", "github:pr-8", "--json", "--date", "2026-11-23"],
        )
        .success(),
    );
    assert_eq!(j["update"]["date"], "2026-11-23", "{j}");
    assert_eq!(j["listed"], true, "{j}");
    let search = &j["goals"][0];
    assert_eq!(search["claims"], true, "{j}");
    assert_eq!(
        search["reasons"][0],
        "keyword `[Ss]earch` matched `search` in the title"
    );
    let out = stdout(
        &env.run(cfg, &["explain", "github:pr-99", "--date", "2026-11-23"])
            .success(),
    );
    assert!(
        out.contains("listed:    no: its source did not give it"),
        "{out}"
    );
}

#[test]
fn a_source_that_fails_on_a_refresh_keeps_what_the_draft_showed_marked() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(crate::common::C::mine(
        "2026-11-12T10:00:00Z",
        "Add the search index",
        "index.rs",
    ));
    let script = env.path().join("gh.sh");
    write_script(
        &script,
        r#"echo '{"title":"Review of the search cache","time":"2026-11-20T10:00:00Z","kind":"reviewed","id":"pr-7"}'"#,
    );
    let cfg = env.config_for(
        &[&r],
        &format!(
            "[[goal]]\nid = \"search\"\ntitle = \"Search\"\nkeywords = [\"[Ss]earch\"]\n\n[[source]]\nname = \"github\"\ncommand = \"{}\"\n",
            script.display()
        ),
    );
    env.run(&cfg, &["draft", "--date", "2026-11-23", "--no-edit"])
        .success();
    // gh loses its login: the refresh keeps the review, marked, and its record.
    write_script(&script, "echo 'gh: not logged in' >&2\nexit 4");
    let a = env
        .run(&cfg, &["draft", "--date", "2026-11-23", "--no-edit"])
        .success();
    assert!(
        stderr(&a).contains("source `github` is incomplete"),
        "{}",
        stderr(&a)
    );
    let doc = fs::read_to_string(env.updates().join("2026-11-23.md")).unwrap();
    let search = crate::common::activity_block(&doc, "search");
    assert!(
        search.contains("- 1 from github: reviewed 1 — kept from an earlier refresh: github could not be read on "),
        "{search}"
    );
    assert!(
        search.contains("  - Review of the search cache (reviewed, 20 Nov)"),
        "{search}"
    );
    assert!(doc.contains("items = [\"github:pr-7\"]"), "{doc}");
    assert!(doc.contains("incomplete = [\"github: "), "{doc}");
    let j = json(&env.run(&cfg, &["check", "--json"]).code(1));
    let parts: Vec<String> = j["incomplete"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(parts.iter().any(|p| p.starts_with("github: ")), "{parts:?}");
    assert!(
        parts
            .iter()
            .any(|p| p.contains("kept from an earlier refresh")),
        "{parts:?}"
    );
}

/// Ctrl-C (SIGINT), a process manager's SIGTERM or a closed terminal's
/// SIGHUP stop a `[[source]]` command and all it started with icu: the
/// command runs in a group of its own, which none of them reaches, and
/// before this it was left running after icu had gone. icu still ends as
/// killed by the signal, as a shell expects.
#[test]
fn a_source_is_stopped_with_icu_when_icu_is_interrupted() {
    use std::os::unix::process::ExitStatusExt;
    let runs: Vec<(i32, TestEnv, std::process::Child)> = [2, 15, 1]
        .into_iter()
        .map(|signal| {
            let env = TestEnv::new();
            write_script(
                &env.path().join("hang.sh"),
                "(sleep 2; touch late.mark) &\ntouch started.mark\nsleep 60",
            );
            let cfg = config(
                &env,
                "[[source]]\nname = \"slow\"\ncommand = \"./hang.sh\"\ntimeout = 120\n",
            );
            #[allow(deprecated)] // cargo_bin: the binary of this package, built
            let icu = assert_cmd::cargo::cargo_bin("icu");
            let child = std::process::Command::new(icu)
                .env_clear()
                .envs(env.sealed_env())
                .current_dir(env.path().join("work"))
                .arg("--config")
                .arg(&cfg)
                .args(["source", "slow", "--date", "2026-11-23"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            (signal, env, child)
        })
        .collect();
    let mut ended = Vec::new();
    for (signal, env, mut child) in runs {
        assert!(
            crate::common::wait_for(&env.path().join("started.mark"), 20),
            "the source started"
        );
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        ended.push((signal, env));
    }
    // What each source started would have written its mark by now.
    std::thread::sleep(Duration::from_secs(3));
    for (signal, env) in ended {
        assert!(
            !env.path().join("late.mark").exists(),
            "signal {signal}: what the source started was left running"
        );
    }
}
