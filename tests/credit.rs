//! Credit: changes of other people that name me in a trailer, that I
//! applied, that I merged, or that I voted on in Gerrit's review notes —
//! listed apart from my commits, attributed to goals by the same rules, and
//! checked against what git itself shows over the same window.
//!
//! The update is dated 2026-11-23 in UTC with the default 14-day cadence, so
//! the window is [2026-11-09T00:00Z, 2026-11-24T00:00Z).

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{activity_block, print_draft, stderr, stdout, Repo, TestEnv, C, ME};

/// `Name <email>` of the people in these tests.
const BOB: (&str, &str) = ("Bob", "bob@example.com");
const CAROL: (&str, &str) = ("Carol *Ops*", "carol@example.com");
const ADA: (&str, &str) = ("Ada Lovelace", ME);

/// A commit authored by `author` and committed by `committer` at `date`,
/// writing `file`; returns its full id.
fn commit_as(
    r: &Repo,
    author: (&str, &str),
    committer: (&str, &str),
    date: &str,
    message: &str,
    file: &str,
) -> String {
    let p = r.path.join(file);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(&p, format!("{message}\n")).unwrap();
    r.git(&["add", file]);
    r.git_env(
        &["commit", "-q", "--allow-empty", "-m", message],
        &[
            ("GIT_AUTHOR_NAME", author.0),
            ("GIT_AUTHOR_EMAIL", author.1),
            ("GIT_COMMITTER_NAME", committer.0),
            ("GIT_COMMITTER_EMAIL", committer.1),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
    r.git(&["rev-parse", "HEAD"])
}

/// A merge of `branch` into the current branch made by `who`.
fn merge_as(r: &Repo, who: (&str, &str), branch: &str, message: &str, date: &str) -> String {
    r.git_env(
        &["merge", "-q", "--no-ff", "-m", message, branch],
        &[
            ("GIT_AUTHOR_NAME", who.0),
            ("GIT_AUTHOR_EMAIL", who.1),
            ("GIT_COMMITTER_NAME", who.0),
            ("GIT_COMMITTER_EMAIL", who.1),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
    r.git(&["rev-parse", "HEAD"])
}

/// The credit lines of a doc: short id → the kinds listed after it.
fn credits_in(doc: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut in_credit = false;
    for line in doc.lines() {
        if line.starts_with("- ") {
            in_credit = line.contains(" by others in ");
            continue;
        }
        if !in_credit || !line.starts_with("  - ") {
            continue;
        }
        let (_, tail) = line
            .rsplit_once(" (")
            .expect("a credit line ends with (id): kinds");
        let (id, kinds) = tail.split_once("): ").expect("(id): kinds");
        out.insert(
            id.to_string(),
            kinds.split(", ").map(str::to_string).collect(),
        );
    }
    out
}

/// The trailers icu counts by default, as `%(trailers:key=…)` options.
const KEYS: [(&str, &str); 7] = [
    ("Reviewed-by", "reviewed"),
    ("Acked-by", "acked"),
    ("Tested-by", "tested"),
    ("Helped-by", "helped"),
    ("Mentored-by", "mentored"),
    ("Suggested-by", "suggested"),
    ("Reported-by", "reported"),
];

/// What git itself says credits me in `r` over the window: the trailers
/// `git log --format=%(trailers:key=…)` shows that name me after
/// `git check-mailmap`, on commits not authored by me; commits I committed
/// but did not author; merges I made whose second parent is not on main's
/// first-parent line and that brought in a commit by someone else.
fn credits_by_git(r: &Repo) -> BTreeMap<String, BTreeSet<String>> {
    let window = [
        "--branches",
        "--remotes",
        "HEAD",
        "--since-as-filter=2026-11-09T00:00:00Z",
        "--until=2026-11-23T23:59:59Z",
    ];
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let me = |value: &str| {
        let mapped = r.git(&["check-mailmap", value]);
        mapped.to_lowercase().ends_with(&format!("<{ME}>"))
    };
    for (key, kind) in KEYS {
        let fmt =
            format!("--format=%H%x09%aE%x09%(trailers:key={key},valueonly,unfold,separator=%x09)");
        let mut args = vec!["log", fmt.as_str()];
        args.extend(window);
        for line in r.git(&args).lines() {
            let mut f = line.split('\t');
            let (id, author) = (f.next().unwrap(), f.next().unwrap_or(""));
            if author.eq_ignore_ascii_case(ME) {
                continue;
            }
            if f.any(|v| v.contains('<') && me(v)) {
                out.entry(id[..7].to_string())
                    .or_default()
                    .insert(kind.into());
            }
        }
    }
    let mut args = vec!["log", "--no-merges", "--format=%H %aE %cE"];
    args.extend(window);
    for line in r.git(&args).lines() {
        let f: Vec<&str> = line.split(' ').collect();
        if !f[1].eq_ignore_ascii_case(ME) && f[2].eq_ignore_ascii_case(ME) {
            out.entry(f[0][..7].to_string())
                .or_default()
                .insert("applied".into());
        }
    }
    let mainline = r.git(&["rev-list", "--first-parent", "main"]);
    let mut args = vec!["log", "--merges", "--format=%H %aE %P"];
    args.extend(window);
    for line in r.git(&args).lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let brought_in = r.git(&["log", "--format=%aE", &format!("{}^1..{}", f[0], f[0])]);
        if f[1].eq_ignore_ascii_case(ME)
            && !mainline.lines().any(|l| l == f[3])
            && brought_in.lines().any(|a| !a.eq_ignore_ascii_case(ME))
        {
            out.entry(f[0][..7].to_string())
                .or_default()
                .insert("merged".into());
        }
    }
    out
}

/// One commit of [`world`]: author, committer, committer date, message, file.
type Made = (
    (&'static str, &'static str),
    (&'static str, &'static str),
    &'static str,
    &'static str,
    &'static str,
);

/// The commits on main, oldest first: every kind of trailer credit and
/// every near miss (before the window, someone else named, a trailer-like
/// line in the body, prose in the last paragraph, my own commit).
const ON_MAIN: [Made; 11] = [
    (BOB, BOB, "2026-11-01T10:00:00Z", "Before the window\n\nReviewed-by: Ada Lovelace <ada@example.com>", "old.txt"),
    (BOB, BOB, "2026-11-10T10:00:00Z", "Fix <b>parser</b> *now*\n\nSome words.\n\nReviewed-by: Ada Lovelace <ada@example.com>", "api/parser.rs"),
    (CAROL, CAROL, "2026-11-10T11:00:00Z", "Document the API\n\nAcked-by: Ada <ADA@old.example.org>", "docs/api.md"),
    (BOB, BOB, "2026-11-10T12:00:00Z", "Someone else reviewed\n\nReviewed-by: Grace <grace@example.com>", "api/x.rs"),
    (BOB, BOB, "2026-11-10T13:00:00Z", "Trailer-looking line in the body\n\nReviewed-by: Ada Lovelace <ada@example.com>\n\nAnd a closing paragraph.", "api/y.rs"),
    (BOB, BOB, "2026-11-10T14:00:00Z", "Prose in the last paragraph\n\nReviewed-by: Ada Lovelace <ada@example.com>\nthis line is prose", "api/z.rs"),
    (BOB, BOB, "2026-11-10T15:00:00Z", "Signed-off makes a mixed paragraph count\n\nReviewed-by: Ada Lovelace <ada@example.com>\nsome prose\nmore prose\nSigned-off-by: Bob <bob@example.com>", "api/w.rs"),
    (BOB, BOB, "2026-11-10T16:00:00Z", "A dashed line does not end the message\n\n---\nnotes\n\nHelped-by: Ada Lovelace <ada@example.com>\nTested-by: Ada Lovelace\n  <ada@example.com>", "api/v.rs"),
    (ADA, ADA, "2026-11-11T10:00:00Z", "My own work\n\nReviewed-by: Ada Lovelace <ada@example.com>", "api/mine.rs"),
    (BOB, ADA, "2026-11-11T11:00:00Z", "Patch I applied\n\nTested-by: Ada Lovelace <ada@example.com>", "api/applied.rs"),
    (CAROL, ADA, "2026-11-11T12:00:00Z", "Another patch I applied", "docs/applied.md"),
];

/// A repository with every kind of credit and every near miss: [`ON_MAIN`],
/// then Bob's branch merged by me, and main merged into my own branch.
fn world(env: &TestEnv) -> Repo {
    let r = env.repo("api");
    // An old address of mine, mapped to the current one.
    std::fs::write(
        r.path.join(".mailmap"),
        format!("Ada Lovelace <{ME}> <ada@old.example.org>\n"),
    )
    .unwrap();
    r.git(&["add", ".mailmap"]);
    for (author, committer, date, message, file) in ON_MAIN {
        commit_as(&r, author, committer, date, message, file);
    }
    r.git(&["checkout", "-q", "-b", "bob/cache"]);
    commit_as(
        &r,
        BOB,
        BOB,
        "2026-11-12T10:00:00Z",
        "Cache the parse",
        "api/cache.rs",
    );
    r.git(&["checkout", "-q", "main"]);
    merge_as(
        &r,
        ADA,
        "bob/cache",
        "Merge branch 'bob/cache'",
        "2026-11-12T11:00:00Z",
    );
    // My branch brought up to date with main: not a credit.
    r.git(&["checkout", "-q", "-b", "ada/feature"]);
    commit_as(
        &r,
        ADA,
        ADA,
        "2026-11-13T10:00:00Z",
        "My feature",
        "api/feature.rs",
    );
    r.git(&["checkout", "-q", "main"]);
    commit_as(
        &r,
        BOB,
        BOB,
        "2026-11-13T11:00:00Z",
        "Meanwhile on main",
        "api/main.rs",
    );
    r.git(&["checkout", "-q", "ada/feature"]);
    merge_as(
        &r,
        ADA,
        "main",
        "Merge branch 'main' into ada/feature",
        "2026-11-13T12:00:00Z",
    );
    r.git(&["checkout", "-q", "main"]);
    r
}

/// Every credit icu lists is one git shows, with the same kinds, and no
/// other: trailers as `git log --format=%(trailers)` finds them (the last
/// paragraph, the mixed paragraph git accepts with a `Signed-off-by`, past a
/// `---` line, a continued value), an old address of mine through
/// `.mailmap`, patches I applied, a merge of someone's branch.
#[test]
fn credits_match_what_git_shows_over_the_same_window() {
    let env = TestEnv::new();
    let r = world(&env);
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    let icu = credits_in(&doc);
    let git = credits_by_git(&r);
    assert_eq!(icu, git, "{doc}");
    // The cases the fixture is there for are in it.
    let kinds: BTreeSet<&str> = icu.values().flatten().map(String::as_str).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["acked", "applied", "helped", "merged", "reviewed", "tested"]),
        "{doc}"
    );
    assert_eq!(icu.len(), 7, "{doc}");
}

/// Credits are their own list after my commits, with who did the work and
/// how it credits me; they never enter "N commits, +a −r"; subjects and
/// names stay literal text.
#[test]
fn credits_are_listed_apart_from_my_commits_and_escaped() {
    let env = TestEnv::new();
    let r = world(&env);
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    let other = activity_block(&doc, "other");
    let lines: Vec<&str> = other.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.contains(" by others in "))
        .expect("a credit list");
    assert!(
        lines[..head]
            .iter()
            .any(|l| l.starts_with("- 2 commits in api, +")),
        "my two commits, and only them, are counted: {other}"
    );
    assert_eq!(
        lines[head],
        "- 7 changes by others in api: applied 2, reviewed 2, tested 2, acked 1, helped 1, merged 1"
    );
    assert!(
        other.contains("  - Fix \\<b\\>parser\\</b\\> \\*now\\* — Bob ("),
        "{other}"
    );
    assert!(
        other.contains("  - Document the API — Carol \\*Ops\\* ("),
        "{other}"
    );
    assert!(
        other.contains("  - Merge branch 'bob/cache' — Bob ("),
        "{other}"
    );
    assert!(
        other.contains("  - Patch I applied — Bob (") && other.contains("): tested, applied"),
        "{other}"
    );
    assert!(!other.contains("My own work —"), "{other}");
    assert!(!other.contains("Merge branch 'main'"), "{other}");
}

/// A goal claims credits by the same rules as my commits (here `paths`),
/// "Other work" gets the rest, and `icu goals --json` counts them apart.
#[test]
fn credits_are_attributed_to_goals_by_the_same_rules() {
    let env = TestEnv::new();
    let r = world(&env);
    let goal = "[[goal]]\nid = \"docs\"\ntitle = \"Docs\"\npaths = [\"docs/**\"]\n";
    let cfg = env.config_for(&[&r], goal);
    let doc = print_draft(&env, &cfg);
    let docs = activity_block(&doc, "docs");
    assert!(
        docs.contains("- No commits on this goal since 9 Nov.\n- 2 changes by others in api: acked 1, applied 1"),
        "{docs}"
    );
    assert!(docs.contains("Document the API") && docs.contains("Another patch I applied"));
    let other = activity_block(&doc, "other");
    assert!(other.contains("- 5 changes by others in api:"), "{other}");
    assert!(!other.contains("Document the API"), "{other}");

    let json = stdout(
        &env.run(&cfg, &["goals", "--json", "--date", "2026-11-23"])
            .success(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["goals"][0]["commits"], 0, "{json}");
    assert_eq!(v["goals"][0]["credits"], 2, "{json}");
}

/// A credit that arrives after the draft appears on the next refresh, like
/// any activity, and the person's text stays.
#[test]
fn a_refresh_brings_in_new_credits() {
    let env = TestEnv::new();
    let r = env.repo("api");
    r.commit(C::mine("2026-11-10T10:00:00Z", "My work", "a"));
    let cfg = env.config_for(&[&r], "");
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    let doc = env.updates().join("2026-11-23.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(!text.contains("by others"), "{text}");
    let mine = text.replacen("## Summary\n", "## Summary\nMy own words.\n", 1);
    std::fs::write(&doc, &mine).unwrap();
    commit_as(
        &r,
        BOB,
        BOB,
        "2026-11-20T10:00:00Z",
        "Late fix\n\nAcked-by: Ada Lovelace <ada@example.com>",
        "b",
    );
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.contains("My own words."), "{text}");
    let other = activity_block(&text, "other");
    assert!(
        other.contains("- 1 change by others in api: acked 1\n  - Late fix — Bob ("),
        "{other}"
    );
}

/// Gerrit's review notes: a `Code-Review` vote of mine on someone's change
/// is a review; a vote of someone else's, or mine on my own change, is not.
#[test]
fn a_code_review_vote_in_gerrits_notes_is_a_review() {
    let env = TestEnv::new();
    let r = env.repo("api");
    let theirs = commit_as(
        &r,
        BOB,
        BOB,
        "2026-11-10T10:00:00Z",
        "Reviewed in Gerrit",
        "a",
    );
    let others = commit_as(
        &r,
        CAROL,
        CAROL,
        "2026-11-10T11:00:00Z",
        "Reviewed by Grace",
        "b",
    );
    let mine = commit_as(
        &r,
        ADA,
        ADA,
        "2026-11-10T12:00:00Z",
        "Mine, voted on myself",
        "c",
    );
    let note = |id: &str, text: &str| {
        r.git(&["notes", "--ref=review", "add", "-m", text, id]);
    };
    note(&theirs, "Code-Review+2: Ada Lovelace <ada@example.com>\nVerified+1: CI <ci@example.com>\nSubmitted-by: Bob <bob@example.com>");
    note(
        &others,
        "Code-Review+2: Grace <grace@example.com>\nVerified+1: Ada Lovelace <ada@example.com>",
    );
    note(&mine, "Code-Review+2: Ada Lovelace <ada@example.com>");
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    let credits = credits_in(&doc);
    assert_eq!(
        credits,
        BTreeMap::from([(
            theirs[..7].to_string(),
            BTreeSet::from(["reviewed".to_string()])
        )]),
        "{doc}"
    );
}

/// `[credit] enabled = false` lists none; `trailers` chooses which count.
#[test]
fn credit_can_be_turned_off_or_limited_to_chosen_trailers() {
    let env = TestEnv::new();
    let r = world(&env);
    let off = env.config_for(&[&r], "[credit]\nenabled = false\n");
    let doc = print_draft(&env, &off);
    assert!(!doc.contains("by others"), "{doc}");
    let acked = env.config_for(&[&r], "[credit]\ntrailers = [\"acked-by\"]\n");
    let doc = print_draft(&env, &acked);
    let kinds: BTreeSet<String> = credits_in(&doc).into_values().flatten().collect();
    // Applied patches and merges are not trailers: they still count.
    assert_eq!(
        kinds,
        BTreeSet::from(["acked", "applied", "merged"].map(String::from)),
        "{doc}"
    );
}

/// A misspelt key gets a did-you-mean; a trailer that is not a key, a key
/// listed twice, or `Co-authored-by` are refused at their position.
#[test]
fn a_bad_credit_table_is_refused_with_its_position() {
    let env = TestEnv::new();
    let r = env.repo("api");
    let cases = [
        (
            "[credit]\ntrailer = [\"Acked-by\"]\n",
            "did you mean `trailers`?",
        ),
        (
            "[credit]\nenabled = \"yes\"\n",
            "wrong type for `credit.enabled`",
        ),
        (
            "[credit]\ntrailers = [\"Reviewed by\"]\n",
            "`Reviewed by` in `credit.trailers` is not a trailer key",
        ),
        (
            "[credit]\ntrailers = [\"Acked-by\", \"acked-by:\"]\n",
            "`acked-by` is listed twice in `credit.trailers`",
        ),
        (
            "[credit]\ntrailers = [\"Co-authored-by\"]\n",
            "makes a commit yours",
        ),
    ];
    for (extra, want) in cases {
        let cfg = env.config_for(&[&r], extra);
        let out = env.run(&cfg, &["draft", "--print"]).code(2);
        let err = stderr(&out);
        assert!(err.contains(want), "{extra}: {err}");
        assert!(err.contains("icu.toml:"), "{extra}: no position in {err}");
    }
}

/// A `git pull` on main (`Merge branch 'main' of …`) brings the mainline up
/// to date; once pushed, main's first-parent line no longer passes its side
/// parent, and still it is not a merge of someone's work.
#[test]
fn a_pull_that_merges_the_mainline_is_not_credit() {
    let env = TestEnv::new();
    let r = env.repo("api");
    r.commit(C::mine("2026-11-10T09:00:00Z", "Base", "a"));
    r.git(&["checkout", "-q", "-b", "upstream"]);
    commit_as(&r, BOB, BOB, "2026-11-10T10:00:00Z", "Pushed by Bob", "b");
    r.git(&["checkout", "-q", "main"]);
    r.commit(C::mine("2026-11-10T11:00:00Z", "Mine, not yet pushed", "c"));
    let pull = merge_as(
        &r,
        ADA,
        "upstream",
        "Merge branch 'main' of https://example.com/api",
        "2026-11-10T12:00:00Z",
    );
    r.git(&["update-ref", "refs/remotes/origin/main", &pull]);
    r.git(&["branch", "-q", "-D", "upstream"]);
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    assert!(!doc.contains("by others"), "{doc}");
    // The same merge under another subject is a merge of Bob's work.
    r.git_env(
        &["commit", "-q", "--amend", "-m", "Merge branch 'bob/fix'"],
        &[
            ("GIT_COMMITTER_DATE", "2026-11-10T12:00:00Z"),
            ("GIT_COMMITTER_NAME", ADA.0),
            ("GIT_COMMITTER_EMAIL", ADA.1),
        ],
    );
    r.git(&["update-ref", "-d", "refs/remotes/origin/main"]);
    let doc = print_draft(&env, &cfg);
    assert!(
        doc.contains("- 1 change by others in api: merged 1\n  - Merge branch 'bob/fix' — Bob ("),
        "{doc}"
    );
}

/// A bare mirror whose `core.bare` is unset (as some mirroring tools leave
/// it): git reads its `.mailmap` from `HEAD:.mailmap`, and so does icu, so
/// a trailer naming an old address of mine still counts.
#[test]
fn a_mirror_without_core_bare_reads_its_mailmap_from_head() {
    let env = TestEnv::new();
    let work = world(&env);
    let path = env.path().join("mirror.git");
    work.git(&["clone", "-q", "--bare", ".", path.to_str().unwrap()]);
    let mirror = Repo { path };
    mirror.git(&["config", "--unset", "core.bare"]);
    let cfg = env.config_for(&[&mirror], "");
    let doc = print_draft(&env, &cfg);
    let icu = credits_in(&doc);
    assert_eq!(icu, credits_by_git(&mirror), "{doc}");
    assert!(
        icu.values().any(|k| k.contains("acked")),
        "the acked trailer names my old address: {doc}"
    );
}
