//! Shared fixtures for the integration tests: a sealed environment (own HOME,
//! no global git config, a fixed "now", UTC), real git repositories built
//! with the git CLI and fixed author and committer dates, the drafted world
//! ([`DraftedWorld`]: a config and an update drafted in it) that export and
//! send start from, and the [`World`] of a repository and its updates by
//! date that the update loop is lived in.
//!
//! A helper two test files need is written here, once.
#![allow(dead_code)]

mod drafted;
mod mail;
mod mailer;
mod world;

pub use drafted::{export_world, Drafted, DraftedWorld, BY_HAND, TODAY};
pub use mail::{mail_world, SUBJECT};
pub use mailer::{
    delivered, is_whole, mailer_world, mailer_world_with, messages, sendmail_world, Mailer,
};
pub use world::World;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use tempfile::TempDir;

/// The fixed "now" of every test run: Tuesday 24 Nov 2026, noon UTC.
pub const NOW: &str = "2026-11-24T12:00:00+00:00";
/// The identity the tests use for "me".
pub const ME: &str = "ada@example.com";

/// A sealed world for one test.
pub struct TestEnv {
    pub root: TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        for d in ["home", "config", "data", "work"] {
            fs::create_dir_all(root.path().join(d)).expect("mkdir");
        }
        TestEnv { root }
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// Where a config-less run writes its updates (XDG data dir).
    pub fn default_updates_dir(&self) -> PathBuf {
        self.path().join("data/icu/updates")
    }

    /// The whole environment of an `icu` run: nothing else is inherited.
    pub fn sealed_env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", self.home().into()),
            ("XDG_CONFIG_HOME", self.path().join("config").into()),
            ("XDG_DATA_HOME", self.path().join("data").into()),
            ("GIT_CONFIG_GLOBAL", "/dev/null".into()),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("TZ", "UTC".into()),
            ("ICU_NOW", NOW.into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// `icu` with a cleared environment, run from `work/`.
    pub fn icu(&self) -> Command {
        let mut c = Command::cargo_bin("icu").expect("icu binary");
        c.env_clear()
            .envs(self.sealed_env())
            .current_dir(self.path().join("work"));
        c
    }

    /// The same run as a shell command line, for a script that runs it
    /// somewhere a `Command` cannot go (a mount namespace): `env -i`, the
    /// sealed environment, the binary and `args`, each quoted.
    pub fn icu_sh(&self, args: &[&str]) -> String {
        self.icu_sh_with(&[], args)
    }

    /// [`TestEnv::icu_sh`] with `vars` set after the sealed environment, so
    /// that a `PATH` given here wins.
    pub fn icu_sh_with(&self, vars: &[(&str, &str)], args: &[&str]) -> String {
        let mut line = String::from("env -i");
        for (key, value) in self.sealed_env() {
            line.push_str(&format!(" {key}={}", sh_quote(&value.to_string_lossy())));
        }
        for (key, value) in vars {
            line.push_str(&format!(" {key}={}", sh_quote(value)));
        }
        let icu = assert_cmd::cargo::cargo_bin("icu");
        line.push_str(&format!(" {}", sh_quote(&icu.to_string_lossy())));
        for a in args {
            line.push_str(&format!(" {}", sh_quote(a)));
        }
        line
    }

    /// `icu --config CFG`, not yet run: for a test that adds a variable, a
    /// folder, stdin or a timeout before the arguments.
    pub fn icu_with(&self, cfg: &Path) -> Command {
        let mut c = self.icu();
        c.arg("--config").arg(cfg);
        c
    }

    /// Runs `icu --config CFG ARGS…` and returns the assertion.
    pub fn run(&self, cfg: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
        self.icu_with(cfg).args(args).assert()
    }

    /// Runs `icu --config CFG ARGS…` with "now" at `now` (RFC 3339) instead
    /// of [`NOW`].
    pub fn run_at(&self, cfg: &Path, now: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        self.icu_with(cfg).env("ICU_NOW", now).args(args).assert()
    }

    /// A new repository at `<root>/<name>` with branch `main`.
    pub fn repo(&self, name: &str) -> Repo {
        let path = self.path().join(name);
        fs::create_dir_all(&path).expect("mkdir repo");
        let r = Repo { path };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    /// Writes `icu.toml` in the root and returns its path.
    pub fn config(&self, text: &str) -> PathBuf {
        let p = self.path().join("icu.toml");
        fs::write(&p, text).expect("write config");
        p
    }

    /// The updates dir used by [`TestEnv::config_for`].
    pub fn updates(&self) -> PathBuf {
        self.path().join("updates")
    }

    /// A config with me = ADA, the updates dir in the root, the given repos
    /// (`name = path`) and extra TOML (goals).
    pub fn config_for(&self, repos: &[&Repo], extra: &str) -> PathBuf {
        let mut t = format!(
            "[me]\nname = \"Ada Lovelace\"\nemails = [\"{ME}\"]\n\n[update]\ndir = \"{}\"\nto = [\"Grace Hopper <grace@example.com>\"]\ncc = [\"Alan Kay <alan@example.com>\"]\n\n",
            self.updates().display()
        );
        for r in repos {
            t.push_str(&format!(
                "[[repo]]\npath = \"{}\"\nname = \"{}\"\n\n",
                r.path.display(),
                r.name()
            ));
        }
        t.push_str(extra);
        self.config(&t)
    }
}

/// The repository `good`: one commit of mine in the window (20 Nov), "Work
/// that counts", writing `a.txt`.
pub fn good_repo(env: &TestEnv) -> Repo {
    let r = env.repo("good");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Work that counts", "a.txt"));
    r
}

/// A git repository driven through the git CLI.
pub struct Repo {
    pub path: PathBuf,
}

/// One commit to make.
pub struct C<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// Committer date (author date too, unless `author_date`).
    pub date: &'a str,
    pub author_date: Option<&'a str>,
    pub message: &'a str,
    pub files: Vec<(&'a str, String)>,
}

impl<'a> C<'a> {
    /// A commit by me at `date` (`2026-11-20T10:00:00Z`) writing one file.
    pub fn mine(date: &'a str, message: &'a str, file: &'a str) -> Self {
        C {
            email: ME,
            name: "Ada Lovelace",
            date,
            author_date: None,
            message,
            files: vec![(file, format!("{message}\n"))],
        }
    }

    /// The same by someone else.
    pub fn theirs(date: &'a str, message: &'a str, file: &'a str) -> Self {
        C {
            email: "bob@example.com",
            name: "Bob",
            ..C::mine(date, message, file)
        }
    }
}

impl Repo {
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Runs git in the repo with a sealed config; returns trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_env(args, &[])
    }

    pub fn git_env(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        let out = StdCommand::new("git")
            .current_dir(&self.path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Fixture")
            .env("GIT_AUTHOR_EMAIL", "fixture@example.com")
            .env("GIT_COMMITTER_NAME", "Fixture")
            .env("GIT_COMMITTER_EMAIL", "fixture@example.com")
            .envs(env.iter().copied())
            .args(args)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Makes a commit; returns its full id.
    pub fn commit(&self, c: C<'_>) -> String {
        for (f, content) in &c.files {
            let p = self.path.join(f);
            if let Some(d) = p.parent() {
                fs::create_dir_all(d).expect("mkdir");
            }
            fs::write(&p, content).expect("write file");
            self.git(&["add", f]);
        }
        let author_date = c.author_date.unwrap_or(c.date);
        self.git_env(
            &["commit", "-q", "--allow-empty", "-m", c.message],
            &[
                ("GIT_AUTHOR_NAME", c.name),
                ("GIT_AUTHOR_EMAIL", c.email),
                ("GIT_COMMITTER_NAME", c.name),
                ("GIT_COMMITTER_EMAIL", c.email),
                ("GIT_AUTHOR_DATE", author_date),
                ("GIT_COMMITTER_DATE", c.date),
            ],
        );
        self.git(&["rev-parse", "HEAD"])
    }

    /// A merge of `branch` into the current branch with `message`.
    pub fn merge(&self, branch: &str, message: &str, date: &str) -> String {
        self.git_env(
            &["merge", "-q", "--no-ff", "-m", message, branch],
            &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)],
        );
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn short(&self, id: &str) -> String {
        id.chars().take(7).collect()
    }
}

/// A POSIX shell word that is exactly `s`.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A TOML basic string that holds exactly `s`.
pub fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// What the command printed on stdout, as UTF-8.
pub fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).expect("stdout is UTF-8")
}

/// What the command printed on stderr, as UTF-8.
pub fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).expect("stderr is UTF-8")
}

/// What the command printed on stdout, as JSON.
pub fn json(a: &assert_cmd::assert::Assert) -> serde_json::Value {
    serde_json::from_str(&stdout(a)).expect("stdout is JSON")
}

/// Waits up to `secs` seconds for `path` to exist: the signal a script
/// gives when it has reached a point. Returns whether it appeared.
pub fn wait_for(path: &Path, secs: u64) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !path.exists() {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    true
}

/// An executable shell script at `path`: `#!/bin/sh`, then `body`.
pub fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write the script");
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod the script");
}

/// Runs the shell command `line` on a terminal (`script` from util-linux
/// gives it one), typing `typed` into it, and stops it after 120 s (a real
/// program opened by mistake would wait for ever). What the terminal showed
/// is the output's stdout.
pub fn on_a_terminal(line: &str, typed: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = StdCommand::new("timeout")
        .args(["120", "script", "-qec", line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(typed.as_bytes())
        .expect("type into the terminal");
    child.wait_with_output().expect("script ends")
}

/// Sets every line `key = …` of the config at `cfg` to `key = value`
/// (`value` as TOML: a quoted string, a date, a list).
pub fn set_config_key(cfg: &Path, key: &str, value: &str) {
    let text: String = fs::read_to_string(cfg)
        .expect("read the config")
        .lines()
        .map(|l| match l.split(" = ").next() {
            Some(k) if k == key => format!("{key} = {value}\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    fs::write(cfg, text).expect("write the config");
}

/// Replaces `from`, which must be there, with `to` in the config at `cfg`.
pub fn edit_config(cfg: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(cfg).expect("read the config");
    assert!(text.contains(from), "{from:?} not in\n{text}");
    fs::write(cfg, text.replace(from, to)).expect("write the config");
}

/// Adds `lines` at the start of the config's `[update]` table.
pub fn add_to_update(cfg: &Path, lines: &str) {
    let text = fs::read_to_string(cfg).expect("read the config");
    assert!(text.contains("[update]\n"), "no [update] in\n{text}");
    fs::write(
        cfg,
        text.replacen("[update]\n", &format!("[update]\n{lines}"), 1),
    )
    .expect("write the config");
}

/// Writes the line `prose` after every line of the doc at `doc` that closes a
/// comment (`-->`): after every prompt, so the update is finished, and after
/// the end of every activity block too, where prose is as welcome as
/// anywhere — but not after a block's opening marker: that would be inside
/// the block, which a refresh refuses to drop.
pub fn answer_every_prompt(doc: &Path, prose: &str) {
    let text = fs::read_to_string(doc).expect("read the doc");
    let answered: String = text
        .split_inclusive('\n')
        .map(|l| {
            if l.ends_with("-->\n") && !l.starts_with("<!-- icu:activity ") {
                format!("{l}{prose}\n")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(doc, answered).expect("write the doc");
}

/// Inserts each `what` in the doc at `path` after the line holding its
/// `after`, in order.
pub fn write_prose(path: &Path, prose: &[(&str, &str)]) {
    let mut text = fs::read_to_string(path).unwrap();
    for (after, what) in prose {
        let i = text.find(after).unwrap_or_else(|| panic!("no `{after}`")) + after.len();
        let eol = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
        text.insert_str(eol, what);
    }
    fs::write(path, text).unwrap();
}

/// `icu draft --print --date 2026-11-23` in `env` with `cfg`: the printed doc.
pub fn print_draft(env: &TestEnv, cfg: &Path) -> String {
    stdout(
        &env.run(cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    )
}

/// The content of the activity block with `key` in `doc`.
pub fn activity_block(doc: &str, key: &str) -> String {
    let open = format!("<!-- icu:activity {key} -->");
    let start = doc
        .find(&open)
        .unwrap_or_else(|| panic!("no block {key} in\n{doc}"))
        + open.len();
    let end = doc[start..]
        .find("<!-- /icu:activity -->")
        .expect("closed block")
        + start;
    doc[start..end].to_string()
}

/// A sealed global git config (for `GIT_CONFIG_GLOBAL`): a personal
/// identity, `name <email>`, and the work one, Ada Lovelace <[`ME`]>, for the
/// repositories whose remote is on example.com, through an include that
/// libgit2 does not understand (`includeIf "hasconfig:remote.*.url:…"`, git
/// 2.36+). Returns its path.
pub fn global_config_with_a_work_include(env: &TestEnv, name: &str, email: &str) -> PathBuf {
    let work = env.path().join("work.gitconfig");
    fs::write(
        &work,
        format!("[user]\n\temail = {ME}\n\tname = Ada Lovelace\n"),
    )
    .expect("write the work config");
    let global = env.path().join("global.gitconfig");
    fs::write(
        &global,
        format!(
            "[user]\n\tname = {name}\n\temail = {email}\n\
             [includeIf \"hasconfig:remote.*.url:https://example.com/**\"]\n\tpath = {}\n",
            work.display()
        ),
    )
    .expect("write the global config");
    global
}

/// Runs `script` as root of a private user and mount namespace, where it can
/// mount a tmpfs. Returns `None` where the kernel does not allow that.
pub fn in_mount_namespace(script: &str) -> Option<std::process::Output> {
    let probe = std::process::Command::new("unshare")
        .args(["-rm", "true"])
        .output()
        .ok()?;
    if !probe.status.success() {
        eprintln!("unshare -rm is not allowed here; this test checked nothing");
        return None;
    }
    Some(
        std::process::Command::new("unshare")
            .args(["-rm", "sh", "-c", script])
            .output()
            .expect("run unshare"),
    )
}

/// Every subcommand icu defines, from its clap definition, so a check over
/// "every command" takes in a new one without being edited.
pub fn all_commands() -> Vec<String> {
    use clap::CommandFactory;
    let names: Vec<String> = icu::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert!(names.len() >= 14, "{names:?}");
    names
}

/// Every list item in the Markdown `md`, as comrak parses it: the text of
/// its first paragraph, indented two spaces per list it is nested in. What a
/// reader sees of the lists' structure, whatever their indentation.
pub fn list_items(md: &str) -> Vec<String> {
    use comrak::nodes::{AstNode, NodeValue};
    fn text<'a>(node: &'a AstNode<'a>) -> String {
        node.descendants()
            .filter_map(|n| match &n.data().value {
                NodeValue::Text(t) => Some(t.to_string()),
                NodeValue::Code(c) => Some(c.literal.clone()),
                NodeValue::SoftBreak => Some(" ".into()),
                _ => None,
            })
            .collect()
    }
    fn walk<'a>(node: &'a AstNode<'a>, depth: usize, out: &mut Vec<String>) {
        for child in node.children() {
            match &child.data().value {
                NodeValue::Item(_) => {
                    let head = child
                        .first_child()
                        .filter(|p| matches!(p.data().value, NodeValue::Paragraph))
                        .map(text)
                        .unwrap_or_default();
                    out.push(format!("{}{head}", "  ".repeat(depth)));
                    walk(child, depth + 1, out);
                }
                _ => walk(child, depth, out),
            }
        }
    }
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &comrak::Options::default());
    let mut out = Vec::new();
    walk(root, 0, &mut out);
    out
}

/// Drafts the update dated 2026-11-09 at noon that day and marks it sent an
/// hour later: the sent update whose period a next one starts after.
pub fn draft_and_send_the_update_of_9_nov(env: &TestEnv, cfg: &Path) {
    env.run_at(
        cfg,
        "2026-11-09T12:00:00+00:00",
        &["draft", "--date", "2026-11-09"],
    )
    .success();
    env.run_at(
        cfg,
        "2026-11-09T13:00:00+00:00",
        &["sent", "--at", "2026-11-09T13:00:00Z"],
    )
    .success();
}

/// A new repository at `dir` (branch `main`) holding what the `git
/// fast-import` stream `stream` makes.
pub fn fast_import(dir: &Path, stream: &str) {
    use std::io::Write;
    let status = StdCommand::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(dir)
        .status()
        .expect("git init");
    assert!(status.success());
    let mut child = StdCommand::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("feed fast-import");
    assert!(child.wait().expect("fast-import").success());
}
