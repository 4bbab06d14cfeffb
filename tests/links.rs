//! Links beyond GitHub: the web URL taken from `origin` when `[[repo]] url`
//! is not given (credentials never in a link), commit and request links
//! written per forge (GitLab, Gitea/Forgejo, Bitbucket, Gerrit's trailers),
//! `forge` for a self-hosted host, and `[[link]]` rules that make ticket keys
//! in commit subjects links — never in the person's prose.

use std::fs;

use crate::common::{activity_block, answer_every_prompt, print_draft, stderr, stdout, TestEnv, C};

#[test]
fn a_repo_without_url_links_to_its_gitlab_origin_without_the_credentials() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.git(&[
        "remote",
        "add",
        "origin",
        "https://ada:glpat-s3cret@gitlab.com/acme/search.git",
    ]);
    let id = r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Add the plan cache (!12)",
        "a",
    ));
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    let block = activity_block(&doc, "other");
    assert!(
        block.contains("1 PR merged ([!12](https://gitlab.com/acme/search/-/merge_requests/12))"),
        "{block}"
    );
    assert!(
        block.contains(&format!(
            "Add the plan cache (!12) ([{}](https://gitlab.com/acme/search/-/commit/{id}))",
            r.short(&id)
        )),
        "{block}"
    );
    assert!(!doc.contains("s3cret") && !doc.contains("ada:"), "{doc}");
}

#[test]
fn a_self_hosted_host_links_once_forge_names_it() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.git(&[
        "remote",
        "add",
        "origin",
        "git@git.acme.com:team/search.git",
    ]);
    r.commit(C::theirs("2026-11-01T10:00:00Z", "Start", "start"));
    r.git(&["checkout", "-q", "-b", "feat"]);
    let id = r.commit(C::mine("2026-11-20T10:00:00Z", "Shard the index", "a"));
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "feat",
        "Merge pull request 'Shard the index' (#5) from feat into main",
        "2026-11-20T11:00:00Z",
    );
    // An unknown host: no guess, no links.
    let cfg = env.config_for(&[&r], "");
    let block = activity_block(&print_draft(&env, &cfg), "other");
    assert!(
        block.contains(&format!("Shard the index ({})", r.short(&id))),
        "{block}"
    );
    assert!(block.contains("(#5)") && !block.contains("http"), "{block}");
    // `forge = "forgejo"` on its [[repo]]: Gitea/Forgejo's URLs.
    let text = fs::read_to_string(&cfg).unwrap().replace(
        "name = \"search\"\n",
        "name = \"search\"\nforge = \"forgejo\"\n",
    );
    let cfg = env.config(&text);
    let block = activity_block(&print_draft(&env, &cfg), "other");
    assert!(
        block.contains("1 PR merged ([#5](https://git.acme.com/team/search/pulls/5))"),
        "{block}"
    );
    assert!(
        block.contains(&format!("(https://git.acme.com/team/search/commit/{id})")),
        "{block}"
    );
}

#[test]
fn a_configured_url_on_bitbucket_links_its_way_and_wins_over_origin() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.git(&["remote", "add", "origin", "git@github.com:acme/search.git"]);
    let id = r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Tune the ranker (#31)",
        "a",
    ));
    let cfg = env.config_for(
        &[],
        &format!(
            "[[repo]]\npath = \"{}\"\nurl = \"https://bitbucket.org/acme/search\"\n",
            r.path.display()
        ),
    );
    let block = activity_block(&print_draft(&env, &cfg), "other");
    assert!(
        block.contains("[#31](https://bitbucket.org/acme/search/pull-requests/31)"),
        "{block}"
    );
    assert!(
        block.contains(&format!("(https://bitbucket.org/acme/search/commits/{id})")),
        "{block}"
    );
    assert!(!block.contains("github.com"), "{block}");
}

#[test]
fn a_gerrit_reviewed_on_trailer_links_the_change_and_shows_its_change_id() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.git(&[
        "remote",
        "add",
        "origin",
        "ssh://ada@review.example.org:29418/search",
    ]);
    let id = r.commit(C {
        message: "Fix the tokenizer\n\nBody.\n\nChange-Id: I8473b95934b5732ac55d26311a706c9c2bde9940\nReviewed-on: https://review.example.org/c/search/+/1234\nReviewed-by: Grace <grace@example.com>",
        ..C::mine("2026-11-20T10:00:00Z", "", "a")
    });
    let cfg = env.config_for(&[&r], "");
    let block = activity_block(&print_draft(&env, &cfg), "other");
    // A Gerrit server's own origin gives no commit link (its Gitiles is
    // elsewhere); the change is linked from the trailer.
    assert!(
        block.contains(&format!(
            "Fix the tokenizer ({}, [change I8473b959](https://review.example.org/c/search/+/1234))",
            r.short(&id)
        )),
        "{block}"
    );
    // With the project's Gitiles page as its url, the commit is linked there.
    let cfg = env.config_for(
        &[],
        &format!(
            "[[repo]]\npath = \"{}\"\nurl = \"https://review.example.org/plugins/gitiles/search\"\nforge = \"gerrit\"\n",
            r.path.display()
        ),
    );
    let block = activity_block(&print_draft(&env, &cfg), "other");
    assert!(
        block.contains(&format!(
            "([{}](https://review.example.org/plugins/gitiles/search/+/{id}), [change I8473b959](",
            r.short(&id)
        )),
        "{block}"
    );
}

#[test]
fn link_rules_make_ticket_keys_links_in_subjects_and_never_in_prose() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Fix SEARCH-42 and <b>SEARCH-7</b>",
        "a",
    ));
    let cfg = env.config_for(
        &[&r],
        "[[link]]\npattern = \"SEARCH-(\\\\d+)\"\nhref = \"https://tracker.example.com/browse/SEARCH-${1}\"\n",
    );
    let block = activity_block(&print_draft(&env, &cfg), "other");
    assert!(
        block.contains("Fix [SEARCH-42](https://tracker.example.com/browse/SEARCH-42) and \\<b\\>[SEARCH-7](https://tracker.example.com/browse/SEARCH-7)\\</b\\>"),
        "{block}"
    );
    // The person's text mentioning a key stays exactly as written.
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    let doc = env.updates().join("2026-11-23.md");
    answer_every_prompt(&doc, "Closed SEARCH-42 with Grace.");
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    let text = fs::read_to_string(&doc).unwrap();
    assert!(text.contains("\nClosed SEARCH-42 with Grace.\n"), "{text}");
    assert!(
        !text.contains("[SEARCH-42](https://tracker.example.com/browse/SEARCH-42) with"),
        "{text}"
    );
    // The HTML has the activity's links and nothing else of it.
    let html = stdout(
        &env.run(&cfg, &["export", "--format", "html", doc.to_str().unwrap()])
            .success(),
    );
    assert!(
        html.contains("<a href=\"https://tracker.example.com/browse/SEARCH-42\"")
            && html.contains(">SEARCH-42</a>"),
        "{html}"
    );
    assert!(!html.contains("<b>SEARCH"), "{html}");
}

#[test]
fn a_link_rule_that_does_not_compile_is_a_config_error_at_its_line() {
    let env = TestEnv::new();
    let r = env.repo("search");
    let cfg = env.config_for(
        &[&r],
        "[[link]]\npattern = \"SEARCH-(\"\nhref = \"https://t.example.com/$0\"\n",
    );
    let lines = fs::read_to_string(&cfg).unwrap().lines().count();
    let a = env.run(&cfg, &["draft", "--print"]).code(2);
    let err = stderr(&a);
    assert!(err.contains("invalid regex in `link.pattern`"), "{err}");
    assert!(err.contains(&format!("icu.toml:{}:11", lines - 1)), "{err}");
}
