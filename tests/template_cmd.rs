//! `icu template`: the embedded template, and with `--context` the JSON a
//! template is rendered with — the same values a template of one's own
//! prints through `icu draft`.

use std::fs;

use crate::common::{stderr, stdout, toml_str, TestEnv, C};

#[test]
fn template_prints_the_embedded_template() {
    let env = TestEnv::new();
    let out = stdout(&env.icu().args(["template"]).assert().success());
    let embedded = fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/update.md.j2"),
    )
    .unwrap();
    assert_eq!(out, embedded);
}

#[test]
fn the_context_is_the_json_a_template_of_ones_own_renders() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add the plan cache", "a"));
    let mine = env.path().join("mine.md.j2");
    fs::write(
        &mine,
        "<!-- icu:activity other -->\n{{ other.activity|safe }}\n<!-- /icu:activity -->\n\
         me={{ me.name }} since={{ period.since }} goals={{ goals|length }} \
         title={{ goals[0].title }} commits={{ goals[0].commits }} repo={{ repos[0].name }}\n",
    )
    .unwrap();
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"g\"\ntitle = \"Cut latency\"\nrepos = [\"search\"]\n",
    );
    let json = stdout(
        &env.run(&cfg, &["template", "--context", "--date", "2026-11-23"])
            .success(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in [
        "me",
        "date",
        "date_long",
        "period",
        "goals",
        "other",
        "asks",
        "repos",
    ] {
        assert!(v.get(key).is_some(), "no `{key}` in {json}");
    }
    assert_eq!(v["period"]["since"], "2026-11-09");
    assert_eq!(v["goals"][0]["commits"], 1);

    let text = fs::read_to_string(&cfg).unwrap().replace(
        "[update]\n",
        &format!(
            "[update]\ntemplate = {}\n",
            toml_str(&mine.display().to_string())
        ),
    );
    let cfg = env.config(&text);
    let doc = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let want = format!(
        "me={} since={} goals={} title={} commits={} repo={}\n",
        v["me"]["name"].as_str().unwrap(),
        v["period"]["since"].as_str().unwrap(),
        v["goals"].as_array().unwrap().len(),
        v["goals"][0]["title"].as_str().unwrap(),
        v["goals"][0]["commits"],
        v["repos"][0]["name"].as_str().unwrap(),
    );
    assert!(doc.ends_with(&want), "{doc}\nwanted the line {want}");
    assert!(
        doc.contains(&format!("\n{}\n", v["other"]["activity"].as_str().unwrap())),
        "{doc}"
    );
    assert!(
        v["goals"][0]["activity"]
            .as_str()
            .unwrap()
            .contains("Add the plan cache"),
        "{json}"
    );
}

#[test]
fn date_without_context_is_a_usage_error() {
    let env = TestEnv::new();
    let err = stderr(
        &env.icu()
            .args(["template", "--date", "2026-11-23"])
            .assert()
            .code(2),
    );
    assert!(err.contains("--context"), "{err}");
}

/// The embedded template with `line` put in as its third line after its
/// opening comment, written as `name` in the test's root; its path.
fn template_with_line_3(env: &TestEnv, name: &str, line: &str) -> std::path::PathBuf {
    let embedded = stdout(&env.icu().args(["template"]).assert().success());
    let body = &embedded[embedded.find("-#}\n").expect("the opening comment") + 4..];
    let mut lines: Vec<&str> = body.lines().collect();
    lines.insert(2, line);
    let path = env.path().join(name);
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_broken_template_is_blamed_on_its_file_and_line_by_draft_and_refresh() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add the plan cache", "a"));
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"one\"\ntitle = \"Goal one\"\nrepos = [\"search\"]\n",
    );
    let good = template_with_line_3(&env, "good.md.j2", "");
    let broken = [
        // A tag left open: minijinja reads on into the lines below.
        ("syntax.md.j2", "{{ nope("),
        ("filter.md.j2", "{{ me.name | no_such_filter }}"),
        ("runtime.md.j2", "{{ me.name.first.letter }}"),
    ];
    let use_template = |p: &std::path::Path| {
        crate::common::add_to_update(
            &cfg,
            &format!("template = {}\n", toml_str(&p.display().to_string())),
        );
    };
    for (name, line) in broken {
        let t = template_with_line_3(&env, name, line);
        let at = format!("{}:3", t.display());
        // A first draft.
        let text = fs::read_to_string(&cfg).unwrap();
        use_template(&t);
        let a = env.run(&cfg, &["draft", "--no-edit"]).code(2);
        assert!(
            stderr(&a).contains(&at),
            "{name}: a draft names {at}:\n{}",
            stderr(&a)
        );
        let update = env.updates().join("2026-11-24.md");
        assert!(!update.exists(), "{name}: nothing is written");
        // A refresh of a draft written with a good template.
        fs::write(&cfg, &text).unwrap();
        use_template(&good);
        env.run(&cfg, &["draft", "--no-edit"]).success();
        let before = fs::read_to_string(&update).unwrap();
        fs::write(&cfg, &text).unwrap();
        use_template(&t);
        let a = env.run(&cfg, &["draft", "--no-edit"]).code(2);
        let err = stderr(&a);
        assert!(err.contains(&at), "{name}: a refresh names {at}:\n{err}");
        assert!(
            !err.contains(&update.display().to_string()),
            "{name}: not the update:\n{err}"
        );
        assert_eq!(fs::read_to_string(&update).unwrap(), before);
        fs::remove_file(&update).unwrap();
        fs::write(&cfg, &text).unwrap();
    }

    // A template that renders but breaks icu's markers: named, not the
    // update's line.
    let text = fs::read_to_string(&cfg).unwrap();
    use_template(&good);
    env.run(&cfg, &["draft", "--no-edit"]).success();
    let unclosed = env.path().join("unclosed.md.j2");
    let good_text = fs::read_to_string(&good).unwrap();
    let at = good_text
        .rfind("<!-- /icu:activity -->\n{% else %}")
        .expect("the goal block's end");
    fs::write(
        &unclosed,
        format!("{}{}", &good_text[..at], &good_text[at + 23..]),
    )
    .unwrap();
    fs::write(&cfg, &text).unwrap();
    use_template(&unclosed);
    let a = env.run(&cfg, &["draft", "--no-edit"]).code(2);
    let err = stderr(&a);
    assert!(
        err.contains(&format!("update.template ({})", unclosed.display())),
        "{err}"
    );
    assert!(err.contains("icu draft --print"), "{err}");
}

/// `search`, on GitHub so its commits link, with work of every kind in the
/// period of the update of 2026-11-23: Alice's squash of #1580 with me as
/// co-author (Other work); my commit pairing with Bob on the parser
/// (`parser`); my commit with a hostile subject touching the cache, which
/// both goals claim; Bob's change to the cache that I reviewed (`latency`);
/// and a note for `latency`. Its config.
fn work_of_every_kind(env: &TestEnv) -> std::path::PathBuf {
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.commit(C {
        email: "alice@example.com",
        name: "Alice Example",
        message: "Add HTTP timeout (#1580)\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
        ..C::mine("2026-11-12T10:00:00Z", "", "timeout.rs")
    });
    r.commit(C {
        message: "Pair on the parser\n\nCo-authored-by: Bob <bob@example.com>",
        ..C::mine("2026-11-13T10:00:00Z", "", "parser.rs")
    });
    r.commit(C::mine("2026-11-20T10:00:00+01:00", HOSTILE, "cache.rs"));
    r.commit(C {
        message: "Tune the cache\n\nReviewed-by: Ada Lovelace <ada@example.com>",
        ..C::theirs("2026-11-21T10:00:00Z", "", "cache_test.rs")
    });
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"latency\"\ntitle = \"Cut latency\"\nkeywords = [\"cache\"]\n\n\
         [[goal]]\nid = \"parser\"\ntitle = \"New parser\"\npaths = [\"parser.rs\", \"cache.rs\"]\n",
    );
    crate::common::edit_config(
        &cfg,
        "name = \"search\"\n",
        "name = \"search\"\nurl = \"https://github.com/acme/search\"\n",
    );
    env.run_at(
        &cfg,
        "2026-11-18T09:00:00+00:00",
        &[
            "note",
            "--goal",
            "latency",
            "Talked to *payments* about the cache",
        ],
    )
    .success();
    cfg
}

/// A subject that would be a bold, an HTML tag, a link and a table cell's
/// end if a template wrote it as it is.
const HOSTILE: &str = "Fix <b>*all*</b> [x](https://evil.example) | cache";

#[test]
fn the_context_gives_each_goals_commits_credits_and_items_as_data() {
    let env = TestEnv::new();
    let cfg = work_of_every_kind(&env);
    let v: serde_json::Value = serde_json::from_str(&stdout(
        &env.run(&cfg, &["template", "--context", "--date", "2026-11-23"])
            .success(),
    ))
    .unwrap();
    // The Markdown and the counts stay as they were, beside the lists.
    let latency = &v["goals"][0];
    assert_eq!(latency["commits"], 1);
    let activity = latency["activity"].as_str().unwrap();
    assert!(
        activity.contains(r"Fix \<b\>\*all\*\</b\> \[x\](https\://evil.example) \| cache"),
        "{activity}"
    );
    // The data is the plain text, whole; escaping is the template's.
    assert_eq!(latency["commit_list"][0]["subject"], HOSTILE);
    let keep = |g: &serde_json::Value| {
        serde_json::json!({
            "id": g["id"],
            "commits": g["commits"],
            "credits": g["credits"],
            "items": g["items"],
            "commit_list": g["commit_list"],
            "credit_list": g["credit_list"],
            "item_list": g["item_list"],
        })
    };
    let mut other = keep(&v["other"]);
    other.as_object_mut().unwrap().remove("id");
    let data = serde_json::json!({
        "totals": v["totals"],
        "counts": v["counts"],
        "goals": v["goals"].as_array().unwrap().iter().map(keep).collect::<Vec<_>>(),
        "other": other,
    });
    insta::assert_snapshot!(
        "the_activity_as_data",
        serde_json::to_string_pretty(&data).unwrap()
    );
}

/// The template the README gives as its example of laying out commits,
/// taken from the README as written.
fn readme_example_template() -> String {
    let readme =
        fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let start = readme.find("  ```jinja\n").expect("the README's example") + 11;
    let end = start + readme[start..].find("  ```\n").expect("its end");
    readme[start..end]
        .lines()
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn the_readmes_table_of_commits_renders_and_a_hostile_subject_stays_text() {
    let env = TestEnv::new();
    let cfg = work_of_every_kind(&env);
    let mine = env.path().join("table.md.j2");
    fs::write(&mine, readme_example_template()).unwrap();
    crate::common::add_to_update(
        &cfg,
        &format!("template = {}\n", toml_str(&mine.display().to_string())),
    );
    let doc = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(
        &env.run(&cfg, &["template", "--context", "--date", "2026-11-23"])
            .success(),
    ))
    .unwrap();
    let c = &v["goals"][0]["commit_list"][0];
    let (id, short) = (c["id"].as_str().unwrap(), c["short"].as_str().unwrap());
    let row = format!(
        "| [{short}](https://github.com/acme/search/commit/{id}) | {} | 1 | 0 |",
        r"Fix \<b\>\*all\*\</b\> \[x\](https\://evil.example) \| cache"
    );
    assert!(doc.contains(&format!("\n{row}\n")), "{doc}");
    assert!(doc.contains("*3 commits, +3 −0*"), "{doc}");

    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    let html = comrak::markdown_to_html(&doc, &o);
    assert_eq!(html.matches("<table>").count(), 2, "{html}");
    assert!(!html.contains("<b>") && !html.contains("<em>all"), "{html}");
    assert_eq!(
        html.matches("<a href=").count(),
        html.matches("<a href=\"https://github.com/acme/search/commit/")
            .count(),
        "{html}"
    );
    assert!(
        html.contains("Fix &lt;b&gt;*all*&lt;/b&gt; [x](https://evil.example) | cache</td>"),
        "{html}"
    );

    // An update of its own: written, then refreshed without a change.
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    let update = env.updates().join("2026-11-23.md");
    let first = fs::read_to_string(&update).unwrap();
    env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .success();
    assert_eq!(fs::read_to_string(&update).unwrap(), first);
}
