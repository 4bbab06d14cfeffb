//! Someone else's commit that names me in a `Co-authored-by:` trailer: a
//! forge adds one for a maintainer who pushed into a contributor's pull
//! request, and the squash it merges is the contributor's work. It counts
//! as mine, in the commits and the lines; its line names its author; the
//! totals say how many such commits there are, and a recap still reads the
//! totals back. A commit whose author is me (after `.mailmap`) is mine
//! alone, whoever else its trailers name. The update is dated 2026-11-23,
//! so the window is [2026-11-09, 2026-11-24) (see tests/draft.rs).

use crate::common::{activity_block as section, json, print_draft, Repo, TestEnv, C, ME};

/// `api`: Alice's pull request #1580, squash-merged with me as its
/// co-author (+3); a commit of mine naming Bob as co-author (+1); a commit
/// of mine from an old address that `.mailmap` maps to me, naming me as
/// co-author too (+1); and Bob's `.mailmap`, not mine. Returns the repo and
/// the ids of the first three.
fn a_contributors_squash_and_two_of_mine(env: &TestEnv) -> (Repo, [String; 3]) {
    let r = env.repo("api");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.commit(C {
        files: vec![(
            ".mailmap",
            format!("Ada Lovelace <{ME}> <ada@old-laptop.local>\n"),
        )],
        ..C::theirs("2026-11-02T10:00:00Z", "add mailmap", ".mailmap")
    });
    let squash = r.commit(C {
        email: "alice@example.com",
        name: "Alice *Example*",
        message: "Add HTTP timeout (#1580)\n\n* add a timeout option\n* review fixes\n\n\
                  Co-authored-by: Ada Lovelace <ada@example.com>",
        files: vec![("timeout.rs", "one\ntwo\nthree\n".into())],
        ..C::mine("2026-11-12T10:00:00Z", "", "")
    });
    let paired = r.commit(C {
        message: "Pair on the parser\n\nCo-authored-by: Bob <bob@example.com>",
        ..C::mine("2026-11-13T10:00:00Z", "", "parser.rs")
    });
    let aliased = r.commit(C {
        email: "ada@old-laptop.local",
        name: "Ada at home",
        message: "Tidy the docs\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
        ..C::mine("2026-11-14T10:00:00Z", "", "docs.md")
    });
    (r, [squash, paired, aliased])
}

#[test]
fn a_squash_i_only_co_authored_names_its_author_and_counts_in_the_totals() {
    let env = TestEnv::new();
    let (r, [squash, paired, aliased]) = a_contributors_squash_and_two_of_mine(&env);
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    let other = section(&doc, "other");
    // Counted, lines and all.
    assert!(
        other.contains("- 3 commits in api, +5 −0, 1 PR merged (#1580)"),
        "{doc}"
    );
    let lines = [
        format!(
            "  - Add HTTP timeout (#1580) ({}), with Alice \\*Example\\*",
            r.short(&squash)
        ),
        // Mine, whoever else the trailer names; and mine after `.mailmap`.
        format!("  - Pair on the parser ({})", r.short(&paired)),
        format!("  - Tidy the docs ({})", r.short(&aliased)),
    ];
    for line in &lines {
        assert!(other.lines().any(|l| l == line), "{line}\n{doc}");
    }
    assert_eq!(other.matches(", with ").count(), 1, "{doc}");
    assert_eq!(
        section(&doc, "totals").trim(),
        "*In all: 3 commits (1 co-authored), +5 −0, each counted once*"
    );
}

#[test]
fn the_totals_of_a_sent_update_with_co_authored_work_are_recapped() {
    let env = TestEnv::new();
    let (r, _) = a_contributors_squash_and_two_of_mine(&env);
    let cfg = env.config_for(&[&r], "");
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    let doc = env.updates().join("2026-11-23.md");
    env.run(
        &cfg,
        &[
            "sent",
            doc.to_str().unwrap(),
            "--at",
            "2026-11-23T18:00:00Z",
        ],
    )
    .success();
    let recap = json(
        &env.run(&cfg, &["recap", "--since", "2026-11-01", "--json"])
            .success(),
    );
    assert_eq!(recap["other_totals"]["commits"], 3, "{recap}");
    assert_eq!(recap["other_totals"]["added"], 5, "{recap}");
}
