//! The conventions of the command line that git and cargo set, and scripts
//! rely on: the editor run as git runs it, `-` for stdin and stdout, JSON
//! with a schema version, a closed stdout is an error, `-q` with `-v` is
//! misuse, the identity as git reports it (and `-v` says which), tables in
//! terminal cells, files keep their mode and links, exports get the umask.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::common::{
    global_config_with_a_work_include, json, on_a_terminal, sh_quote, stderr, stdout, write_script,
    Drafted, DraftedWorld, TestEnv, BY_HAND, C, ME,
};

// --- the editor, as git runs it -------------------------------------------------------

/// An editor script at `path` that writes each argument it gets on a line
/// of `log`.
fn recording_editor(path: &Path, log: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    write_script(
        path,
        &format!(
            "for a in \"$@\"; do printf '%s\\n' \"$a\"; done >> {}",
            sh_quote(&log.to_string_lossy())
        ),
    );
}

/// Runs `icu --config CFG draft` on a terminal (`script` gives it one) with
/// `vars` added to the sealed environment; returns the exit code and what
/// the terminal showed.
fn draft_on_a_terminal(env: &TestEnv, cfg: &Path, vars: &[(&str, &str)]) -> (i32, String) {
    let cfg = cfg.to_string_lossy().into_owned();
    // After the sealed environment, so that a PATH given here wins.
    let icu = env.icu_sh_with(vars, &["--config", &cfg, "draft"]);
    // A real editor opened by mistake would wait for ever: it is stopped.
    let out = on_a_terminal(&format!("{icu} ; exit $?"), "");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A world whose updates dir has a space in its name, so the file the
/// editor gets is one word only if icu passes it as one.
fn editor_world() -> (TestEnv, PathBuf, PathBuf) {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add cache", "a.rs"));
    let dir = env.path().join("my updates");
    let cfg = env.config(&format!(
        "[me]\nname = \"Ada\"\nemails = [\"{ME}\"]\n[update]\ndir = \"{}\"\n[[repo]]\npath = \"{}\"\n",
        dir.display(),
        r.path.display()
    ));
    let doc = dir.join("2026-11-24.md");
    (env, cfg, doc)
}

#[test]
fn the_editor_is_run_through_the_shell_as_git_runs_it() {
    let (env, cfg, doc) = editor_world();
    let log = env.path().join("editor.log");
    recording_editor(&env.home().join("bin/ed"), &log);
    let home = env.home().to_string_lossy().into_owned();

    // `~/bin/ed`: the shell expands the tilde; the file is one argument.
    let (code, shown) =
        draft_on_a_terminal(&env, &cfg, &[("TERM", "xterm"), ("EDITOR", "~/bin/ed")]);
    assert_eq!(code, 0, "{shown}");
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!("{}\n", doc.display())
    );

    // `$HOME/bin/ed --wait`: a variable and a word of its own, and VISUAL
    // before EDITOR.
    fs::remove_file(&log).unwrap();
    let (code, shown) = draft_on_a_terminal(
        &env,
        &cfg,
        &[
            ("TERM", "xterm"),
            ("VISUAL", "$HOME/bin/ed --wait"),
            ("EDITOR", "/nonexistent/editor"),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!("--wait\n{}\n", doc.display())
    );

    // A dumb terminal: VISUAL is passed over for EDITOR, as git does.
    fs::remove_file(&log).unwrap();
    let (code, shown) = draft_on_a_terminal(
        &env,
        &cfg,
        &[
            ("TERM", "dumb"),
            ("VISUAL", "/nonexistent/visual"),
            ("EDITOR", &format!("{home}/bin/ed")),
        ],
    );
    assert_eq!(code, 0, "{shown}");
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!("{}\n", doc.display())
    );
}

#[test]
fn git_editor_then_core_editor_come_before_visual_and_editor() {
    let (env, cfg, doc) = editor_world();
    let log = env.path().join("editor.log");
    let core = env.path().join("core-ed");
    let git = env.path().join("git-ed");
    for (script, name) in [(&core, "core"), (&git, "git")] {
        write_script(
            script,
            &format!("echo {name} >> {}", sh_quote(&log.to_string_lossy())),
        );
    }
    let global = env.path().join("editor.gitconfig");
    fs::write(&global, format!("[core]\n\teditor = {}\n", core.display())).unwrap();
    let global = global.to_string_lossy().into_owned();
    let git = git.to_string_lossy().into_owned();
    let others = [
        ("VISUAL", "/nonexistent/visual"),
        ("EDITOR", "/nonexistent/editor"),
    ];
    let run = |vars: &[(&str, &str)]| {
        let vars: Vec<(&str, &str)> = vars.iter().chain(&others).copied().collect();
        let _ = fs::remove_file(&log);
        let (code, shown) = draft_on_a_terminal(&env, &cfg, &vars);
        assert_eq!(code, 0, "{shown}");
        fs::read_to_string(&log).unwrap_or_default()
    };

    // core.editor, from git's own config, before VISUAL and EDITOR.
    assert_eq!(
        run(&[("TERM", "xterm"), ("GIT_CONFIG_GLOBAL", &global)]),
        "core\n"
    );
    // GIT_EDITOR before core.editor.
    let both = [
        ("TERM", "xterm"),
        ("GIT_CONFIG_GLOBAL", &global),
        ("GIT_EDITOR", &git),
    ];
    assert_eq!(run(&both), "git\n");
    // Either is an editor set, so a dumb terminal runs it too.
    assert_eq!(
        run(&[("TERM", "dumb"), ("GIT_CONFIG_GLOBAL", &global)]),
        "core\n"
    );
    assert!(doc.is_file());
}

#[test]
fn with_no_editor_set_vi_is_opened_as_git_does() {
    let (env, cfg, doc) = editor_world();
    let log = env.path().join("editor.log");
    let bin = env.path().join("bin");
    recording_editor(&bin.join("vi"), &log);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (code, shown) = draft_on_a_terminal(&env, &cfg, &[("TERM", "xterm"), ("PATH", &path)]);
    assert_eq!(code, 0, "{shown}");
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!("{}\n", doc.display())
    );
}

#[test]
fn an_editor_that_cannot_start_says_the_draft_was_written_and_where() {
    for editor in ["/nonexistent/editor", "~/bin/no-such-editor --wait"] {
        let (env, cfg, doc) = editor_world();
        let (code, shown) =
            draft_on_a_terminal(&env, &cfg, &[("TERM", "xterm"), ("EDITOR", editor)]);
        assert_eq!(code, 1, "{editor}: {shown}");
        assert!(
            shown.contains(&format!("{} was written", doc.display())),
            "{editor}: {shown}"
        );
        assert!(shown.contains("could not be started"), "{shown}");
        assert!(doc.is_file(), "the draft is there");
    }
}

// --- JSON for scripts -------------------------------------------------------------------

#[test]
fn every_json_output_and_the_template_context_carry_the_one_schema_version() {
    let w = DraftedWorld::default().draft();
    // The contract's value today; raised only when a field is removed or
    // changes its meaning.
    assert_eq!(icu::testing::template::SCHEMA_VERSION, 1);
    for args in [
        &["status", "--json"][..],
        &["log", "--json"],
        &["goals", "--json"],
        &["check", "--json"],
        &["recap", "--json"],
        &["explain", "HEAD", "--json"],
        &["template", "--context"],
    ] {
        let v = json(&w.icu(args));
        assert_eq!(
            v["schema_version"],
            icu::testing::template::SCHEMA_VERSION,
            "{args:?}: {v}"
        );
    }
    let log = json(&w.icu(&["log", "--json"]).success());
    assert_eq!(log["updates"][0]["date"], "2026-11-24");
    assert_eq!(log["updates"][0]["status"], "draft");
}

#[test]
fn status_json_says_what_is_due_and_what_is_left() {
    let w = DraftedWorld::default().draft();
    let v = json(&w.icu(&["status", "--json"]).success());
    assert_eq!(v["last_sent"], serde_json::Value::Null);
    assert_eq!(v["next_due"], serde_json::Value::Null);
    assert_eq!(v["cadence_days"], 14);
    assert_eq!(v["draft"]["file"], w.doc.display().to_string());
    assert_eq!(v["draft"]["ready"], false);
    assert!(v["draft"]["to_write"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["open_asks"], 0);

    w.answer_every_prompt(BY_HAND);
    w.icu(&["sent", "--at", "2026-11-24T09:00:00+00:00"])
        .success();
    let v = json(&w.icu(&["status", "--json"]).success());
    assert_eq!(v["last_sent"]["file"], w.doc.display().to_string());
    assert_eq!(v["next_due"], "2026-12-08");
    assert_eq!(v["due_in_days"], 14);
    assert_eq!(v["draft"], serde_json::Value::Null);
}

// --- `-` is stdin, `-o -` is stdout -------------------------------------------------------

#[test]
fn a_dash_reads_the_update_from_stdin_and_o_dash_writes_to_stdout() {
    let w = DraftedWorld::default().draft();
    let unfinished = w.doc_text();
    w.answer_every_prompt(BY_HAND);
    let text = w.doc_text();
    let from_file = stdout(&w.icu(&["check"]).success());
    let a = w
        .icu_with()
        .args(["check", "-"])
        .write_stdin(text.clone())
        .assert()
        .success();
    assert_eq!(
        stdout(&a),
        from_file.replace(&w.doc.display().to_string(), "<stdin>")
    );

    let exported = stdout(&w.icu(&["export", "--format", "text"]).success());
    let a = w
        .icu_with()
        .args(["export", "-", "--format", "text", "-o", "-"])
        .write_stdin(text)
        .assert()
        .success();
    assert_eq!(stdout(&a), exported);
    let work = w.env.path().join("work");
    assert!(!work.join("-").exists(), "no file named `-`");

    // An unfinished update on stdin is refused like one in a file.
    w.icu_with()
        .args(["check", "-"])
        .write_stdin(unfinished)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>: not ready"));
}

#[test]
fn a_dash_is_refused_where_icu_must_write_the_update_back() {
    let w = DraftedWorld::default().draft();
    for cmd in ["send", "sent"] {
        w.icu(&[cmd, "-"])
            .code(2)
            .stderr(predicate::str::contains("`-` (stdin)"));
    }
    w.icu(&["export", "--format", "eml", "-o", "-", "--open", "--force"])
        .code(2)
        .stderr(predicate::str::contains("--open needs a file"));
    assert!(!w.doc_text().contains("status = \"sent\""));
}

// --- flags and streams -------------------------------------------------------------------

#[test]
fn quiet_with_verbose_is_a_usage_error() {
    TestEnv::new()
        .icu()
        .args(["-q", "-v", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn a_closed_stdout_is_an_error_and_dev_null_is_not() {
    let env = TestEnv::new();
    let icu = assert_cmd::cargo::cargo_bin("icu");
    let run = |redirect: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec {} man {redirect}",
                sh_quote(&icu.to_string_lossy())
            ))
            .env_clear()
            .envs(env.sealed_env())
            .output()
            .unwrap()
    };
    let closed = run(">&-");
    assert_eq!(closed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&closed.stderr).contains("stdout is closed"),
        "{closed:?}"
    );
    let discarded = run(">/dev/null");
    assert_eq!(discarded.status.code(), Some(0), "{discarded:?}");
    assert!(discarded.stderr.is_empty());
}

#[test]
fn a_reader_that_went_away_ends_icu_quietly_with_141() {
    let env = TestEnv::new();
    // A pipe whose only reader has exited: every write fails with EPIPE.
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let pipe = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("icu"))
        .env_clear()
        .envs(env.sealed_env())
        .arg("man")
        .stdout(Stdio::from(pipe))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(141), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// --- the identity, as git reports it for each repository ---------------------------------

#[test]
fn the_identity_is_what_git_reports_in_each_repository_and_verbose_says_it() {
    let env = TestEnv::new();
    let work = env.repo("work-repo");
    work.git(&[
        "remote",
        "add",
        "origin",
        "https://example.com/acme/search.git",
    ]);
    work.commit(C::mine("2026-11-20T10:00:00Z", "work commit", "a"));
    let home = env.repo("home-repo");
    home.commit(C {
        email: "ada@home.example.org",
        ..C::mine("2026-11-20T11:00:00Z", "home commit", "b")
    });
    home.commit(C::theirs("2026-11-20T12:00:00Z", "not mine", "c"));
    let global = global_config_with_a_work_include(&env, "Ada Lovelace", "ada@home.example.org");
    // No [me]: each repository's identity, as git reports it there.
    let cfg = env.config(&format!(
        "[[repo]]\npath = \"{}\"\n[[repo]]\npath = \"{}\"\n",
        work.path.display(),
        home.path.display()
    ));
    let a = env
        .icu_with(&cfg)
        .env("GIT_CONFIG_GLOBAL", &global)
        .args(["-v", "draft", "--print", "--date", "2026-11-23"])
        .assert()
        .success();
    let doc = stdout(&a);
    assert!(doc.contains("work commit"), "{doc}");
    assert!(doc.contains("home commit"), "{doc}");
    assert!(!doc.contains("not mine"), "{doc}");
    let err = stderr(&a);
    assert!(
        err.contains(&format!(
            "identity for {}: Ada Lovelace <{ME}>",
            work.path.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "identity for {}: Ada Lovelace <ada@home.example.org>",
            home.path.display()
        )),
        "{err}"
    );

    // With [me], -v says that is the identity used.
    let cfg = env.config(&format!(
        "[me]\nname = \"Ada\"\nemails = [\"{ME}\"]\n[[repo]]\npath = \"{}\"\n",
        work.path.display()
    ));
    env.run(&cfg, &["-v", "draft", "--print"])
        .success()
        .stderr(predicate::str::contains(format!(
            "identity from [me] in {}: Ada <{ME}>",
            cfg.display()
        )));
}

// --- tables in terminal cells --------------------------------------------------------------

#[test]
fn goals_with_wide_titles_keep_their_columns() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add cache", "a.rs"));
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"onboard\"\ntitle = \"新人研修 🚀 onboarding\"\nstatus = \"at-risk\"\nrepos = [\"search\"]\n\n\
         [[goal]]\nid = \"latency\"\ntitle = \"Cut latency\"\nkeywords = [\"latency\"]\n\n\
         [[goal]]\nid = \"long\"\ntitle = \"一二三四五六七八九十一二三四五六七八九十一二三\"\nkeywords = [\"x\"]\n",
    );
    let table = stdout(&env.run(&cfg, &["goals"]).success());
    // The column each row's status starts at, in terminal cells.
    let status_at = |line: &str| -> usize {
        let i = ["at-risk", "on-track"]
            .iter()
            .find_map(|s| line.find(s))
            .unwrap_or_else(|| panic!("no status in {line:?}"));
        unicode_width::UnicodeWidthStr::width(&line[..i])
    };
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{table}");
    let head = table.lines().next().unwrap();
    let at = unicode_width::UnicodeWidthStr::width(&head[..head.find("STATUS").unwrap()]);
    for row in &rows {
        assert_eq!(status_at(row), at, "misaligned:\n{table}");
    }
    // The long title is cut at 40 cells, never in half a character.
    assert!(
        table.contains("一二三四五六七八九十一二三四五六七八九…"),
        "{table}"
    );
}

// --- files: modes, links, the umask --------------------------------------------------------

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_refresh_keeps_the_mode_and_writes_through_a_symlinked_update() {
    let w: Drafted = DraftedWorld::default().draft();
    // The update lives elsewhere (a notes repo), linked into the updates dir.
    let notes = w.env.path().join("notes");
    fs::create_dir_all(&notes).unwrap();
    let real = notes.join("update.md");
    fs::rename(&w.doc, &real).unwrap();
    std::os::unix::fs::symlink(&real, &w.doc).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let r = crate::common::Repo {
        path: w.env.path().join("search"),
    };
    r.commit(C::mine(
        "2026-11-23T10:00:00Z",
        "Shard the index",
        "search/b.rs",
    ));

    w.icu(&["draft", "--no-edit"]).success();
    assert!(
        fs::symlink_metadata(&w.doc)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert!(fs::read_to_string(&real)
        .unwrap()
        .contains("Shard the index"));
    assert_eq!(mode(&real), 0o640);
}

#[test]
fn exports_are_created_with_the_umask_and_updates_stay_private() {
    let w = DraftedWorld::default().finished();
    assert_eq!(mode(&w.doc), 0o600, "a new update is private");
    for (umask, expected) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let out = w.env.path().join(format!("export-{umask}.html"));
        let line = w.env.icu_sh(&[
            "--config",
            &w.cfg.to_string_lossy(),
            "export",
            "--format",
            "html",
            "-o",
            &out.to_string_lossy(),
        ]);
        let run = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec {line}"))
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        assert_eq!(mode(&out), expected, "umask {umask}");
    }
}
