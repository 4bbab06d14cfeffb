//! Every number is git's: each commit's lines added and removed, as icu
//! counts them, against `git log --numstat` on a history of hundreds of
//! commits with the edits where line diffs disagree.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use icu::testing::config::RepoSpec;
use icu::testing::scan::{scan_repo, Detail, Identity, RepoActivity, TimeWindow};

use crate::common::{stdout, Repo, TestEnv, ME};

/// 2026-11-09T00:00:00Z and 2026-11-24T00:00:00Z: the period of the
/// update dated 2026-11-23, which holds every commit made here.
const SINCE: i64 = 1_794_182_400;
const UNTIL: i64 = 1_795_478_400;

/// A fixed-seed generator (a 64-bit LCG's high bits).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Lines that repeat in code: braces, blank lines, returns.
const COMMON: [&str; 16] = [
    "}",
    "",
    "    }",
    "        return x;",
    "    if (a) {",
    "{",
    "x = 1;",
    "y = 2;",
    "    // note",
    "fn f() {",
    "else {",
    "    i += 1;",
    "\treturn;",
    "/* */",
    "foo(bar);",
    "end",
];

/// `n` lines of code: two thirds of them repeated ones.
fn code(r: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            if r.chance(3) {
                format!("let v{} = {};", r.below(100_000), r.below(1000))
            } else {
                COMMON[r.below(COMMON.len())].to_string()
            }
        })
        .collect()
}

/// An edit of `lines` as people make them: lines inserted, deleted and
/// replaced, blocks moved and copied, `edits` times, near each other when
/// `local`.
fn edit(r: &mut Rng, lines: &mut Vec<String>, edits: usize, local: bool) {
    let mut at = r.below(lines.len() + 1);
    for _ in 0..edits {
        at = if local {
            (at + r.below(6)).min(lines.len())
        } else {
            r.below(lines.len() + 1)
        };
        let end = (at + 1 + r.below(10)).min(lines.len());
        match r.below(5) {
            0 => {
                let k = 1 + r.below(8);
                let new = code(r, k);
                lines.splice(at..at, new);
            }
            1 => {
                lines.drain(at..end);
            }
            2 => {
                let k = 1 + r.below(6);
                let new = code(r, k);
                lines.splice(at..end, new);
            }
            3 => {
                let block: Vec<String> = lines.drain(at..end).collect();
                let to = r.below(lines.len() + 1);
                lines.splice(to..to, block);
            }
            _ => {
                let block = lines[at..end].to_vec();
                let to = r.below(lines.len() + 1);
                lines.splice(to..to, block);
            }
        }
    }
}

/// A text file: its lines, their ending, and whether the last has one.
#[derive(Clone)]
struct Text {
    lines: Vec<String>,
    crlf: bool,
    last_newline: bool,
}

impl Text {
    fn bytes(&self) -> Vec<u8> {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut s = self.lines.join(eol);
        if self.last_newline && !self.lines.is_empty() {
            s.push_str(eol);
        }
        s.into_bytes()
    }
}

/// Pairs of texts where Myers diffs disagree: git counts the first +9 −4
/// and the second +12 −5, imara-diff's Myers one more on each side; in the
/// third, cutting off the common head before xdiff would give +6 −9, where
/// git counts +5 −8 (all checked with `git diff --numstat`, git 2.47).
fn disagreements() -> Vec<(Vec<u8>, Vec<u8>)> {
    let head: String = (0..100).map(|i| format!("common {i}\n")).collect();
    vec![
        (
            b"else {\nline 1 239\n    i += 1;\nend\nend".to_vec(),
            b"line 0 987\nline 1 513\n{\nline 3 685\nend\nline 1 458\nend\nend\ny = 2;\ny = 2;\n"
                .to_vec(),
        ),
        (
            b"line 0 107\nline 1 904\n    }\n\treturn;\n}\n{\n    }\n".to_vec(),
            b"        return x;\nline 0 437\nend\nfoo(bar);\nline 1 413\n    }\n    }\nfoo(bar);\nelse {\nline 1 591\nend\nline 1 734\n{\nfn f() {\n"
                .to_vec(),
        ),
        (
            format!("{head}a0\na1\na2\na3\nX\nb0\nb1\nb2\nb3\n").into_bytes(),
            format!("{head}C\nX\nX\nX\nX\nD\n").into_bytes(),
        ),
    ]
}

/// One commit of `git fast-import`: files written (`Some`) or deleted.
fn commit(
    script: &mut Vec<u8>,
    mark: usize,
    time: i64,
    message: &str,
    files: &[(String, Option<Vec<u8>>)],
) {
    script.extend_from_slice(
        format!(
            "commit refs/heads/main\nmark :{mark}\nauthor Ada Lovelace <{ME}> {time} +0000\ncommitter Ada Lovelace <{ME}> {time} +0000\ndata {}\n{message}\n",
            message.len()
        )
        .as_bytes(),
    );
    if mark > 1 {
        script.extend_from_slice(format!("from :{}\n", mark - 1).as_bytes());
    }
    for (path, content) in files {
        match content {
            Some(data) => {
                script.extend_from_slice(
                    format!("M 100644 inline {path}\ndata {}\n", data.len()).as_bytes(),
                );
                script.extend_from_slice(data);
                script.push(b'\n');
            }
            None => script.extend_from_slice(format!("D {path}\n").as_bytes()),
        }
    }
}

/// What one commit writes: files with their content, or deleted (`None`).
type Files = Vec<(String, Option<Vec<u8>>)>;

/// The files of the history as it is built, and its generator.
struct Tree {
    r: Rng,
    texts: BTreeMap<String, Text>,
    binary: Vec<u8>,
    renamed: usize,
}

impl Tree {
    /// Twelve code files of 5 to 300 lines, one of 6,000, one with CRLF,
    /// a binary file.
    fn new() -> Self {
        let mut r = Rng(0x853C_49E6_748F_EA9B);
        let mut texts = BTreeMap::new();
        let mut add = |path: String, lines: Vec<String>, crlf: bool| {
            let last_newline = true;
            texts.insert(
                path,
                Text {
                    lines,
                    crlf,
                    last_newline,
                },
            );
        };
        for i in 0..12 {
            let size = 5 + r.below(300);
            add(format!("src/m{i}.c"), code(&mut r, size), false);
        }
        add("big/table.c".into(), code(&mut r, 6_000), false);
        add("win/setup.bat".into(), code(&mut r, 80), true);
        let binary = (0..3_000u32).map(|i| (i * 7 % 256) as u8).collect();
        Tree {
            r,
            texts,
            binary,
            renamed: 0,
        }
    }

    /// Every file, for the first commit.
    fn all(&self) -> Files {
        self.texts
            .iter()
            .map(|(p, t)| (p.clone(), Some(t.bytes())))
            .chain(std::iter::once((
                "assets/logo.bin".to_string(),
                Some(self.binary.clone()),
            )))
            .collect()
    }

    /// A source file renamed, with an edit of git's kind (most of its lines
    /// kept).
    fn rename(&mut self, files: &mut Files) {
        let n = self.r.below(12);
        let Some(from) = self
            .texts
            .keys()
            .filter(|p| p.starts_with("src/"))
            .nth(n)
            .cloned()
        else {
            return;
        };
        let mut t = self.texts.remove(&from).expect("listed");
        let size = t.lines.len();
        if size >= 100 {
            edit(&mut self.r, &mut t.lines, 1, true);
        } else if size >= 20 {
            t.lines[self.r.below(size)] = format!("renamed {}", self.renamed);
        }
        self.renamed += 1;
        let to = format!("src/renamed{}.c", self.renamed);
        files.push((from, None));
        files.push((to.clone(), Some(t.bytes())));
        self.texts.insert(to, t);
    }

    /// The binary file edited.
    fn binary(&mut self, files: &mut Files) {
        let at = self.r.below(self.binary.len());
        self.binary[at] = self.binary[at].wrapping_add(1);
        self.binary.extend_from_slice(&[0, 1, 2, 3]);
        files.push(("assets/logo.bin".into(), Some(self.binary.clone())));
    }

    /// A file added (of lines of its own, so that no deleted file looks
    /// like it), and sometimes one added earlier deleted.
    fn add_and_delete(&mut self, i: usize, files: &mut Files) {
        let path = format!("new/n{i}.c");
        let size = 1 + self.r.below(40);
        let lines = code(&mut self.r, size)
            .into_iter()
            .map(|l| format!("{l} // n{i}"))
            .collect();
        let crlf = self.r.chance(4);
        let last_newline = !self.r.chance(3);
        let t = Text {
            lines,
            crlf,
            last_newline,
        };
        files.push((path.clone(), Some(t.bytes())));
        self.texts.insert(path.clone(), t);
        if self.r.chance(2) {
            let gone = self
                .texts
                .keys()
                .find(|p| p.starts_with("new/") && **p != path)
                .cloned();
            if let Some(gone) = gone {
                self.texts.remove(&gone);
                files.push((gone, None));
            }
        }
    }

    /// A text file not yet in `files` edited: in one place or many, its
    /// last newline sometimes dropped or restored, a CRLF file sometimes
    /// saved with one bare LF.
    fn edit_one(&mut self, files: &mut Files) {
        let keys: Vec<&String> = self
            .texts
            .keys()
            .filter(|k| !files.iter().any(|(p, _)| p == *k))
            .collect();
        let path = keys[self.r.below(keys.len())].clone();
        let r = &mut self.r;
        let t = self.texts.get_mut(&path).expect("listed");
        let local = !r.chance(4);
        let edits = if path == "big/table.c" {
            1 + r.below(12)
        } else {
            1 + r.below(6)
        };
        edit(r, &mut t.lines, edits, local);
        if t.lines.is_empty() {
            t.lines.push("x".into());
        }
        if r.chance(8) {
            t.last_newline = !t.last_newline;
        }
        let mut bytes = t.bytes();
        if t.crlf && r.chance(2) {
            if let Some(at) = bytes.windows(2).position(|w| w == b"\r\n") {
                bytes.remove(at);
            }
        }
        files.push((path, Some(bytes)));
    }
}

/// A history of `n` commits of mine on `main` in `dir`, one an hour from
/// SINCE on, each a realistic edit: code files of repeated lines edited,
/// their blocks moved and copied; a file of 6,000 lines edited in one
/// place or many; a CRLF file, and lines that change ending; last lines
/// that lose and gain their newline; binary files, and a file that turns
/// binary; files renamed with an edit, added and deleted; and the pairs
/// of [`disagreements`].
fn history(dir: &Path, n: usize) {
    let ok = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(dir)
        .status()
        .expect("git init")
        .success();
    assert!(ok);
    let mut tree = Tree::new();
    let mut script = Vec::new();
    commit(&mut script, 1, SINCE + 3600, "import", &tree.all());
    let pairs = disagreements();
    for i in 1..n {
        let mut files = Files::new();
        // A known disagreement: each pair's first text, later its second.
        for (k, (old, new)) in pairs.iter().enumerate() {
            let path = format!("pairs/p{k}.txt");
            if i == 10 + k {
                files.push((path, Some(old.clone())));
            } else if i == 50 + k {
                files.push((path, Some(new.clone())));
            }
        }
        match i % 10 {
            3 => tree.rename(&mut files),
            5 => tree.binary(&mut files),
            7 => tree.add_and_delete(i, &mut files),
            _ => {}
        }
        if i == 45 {
            // A text file turned binary.
            let mut b = tree.texts["src/m0.c"].bytes();
            b.insert(10.min(b.len()), 0);
            files.push(("assets/was-text.c".into(), Some(b)));
        }
        for _ in 0..1 + tree.r.below(3) {
            tree.edit_one(&mut files);
        }
        let time = SINCE + 3600 * (i as i64 + 1);
        commit(&mut script, i + 1, time, &format!("change {i}"), &files);
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&script)
        .expect("feed fast-import");
    assert!(child.wait().expect("fast-import").success());
}

/// Each commit's lines added and removed as `git log --numstat` gives them
/// (a binary file, `-`, counts 0), by full id.
fn git_numstats(dir: &Path) -> HashMap<String, (usize, usize)> {
    let out = Command::new("git")
        .args(["log", "--numstat", "--format=tformat:commit %H"])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git log");
    assert!(out.status.success());
    let mut counts = HashMap::new();
    let mut at = String::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(id) = line.strip_prefix("commit ") {
            at = id.to_string();
            counts.insert(at.clone(), (0, 0));
        } else if let [added, removed, _path] = line.splitn(3, '\t').collect::<Vec<_>>()[..] {
            let c = counts.get_mut(&at).expect("a commit's lines");
            c.0 += added.parse::<usize>().unwrap_or(0);
            c.1 += removed.parse::<usize>().unwrap_or(0);
        }
    }
    counts
}

/// The scan of the repository at `dir` for me over the period, as a draft
/// makes it.
fn scan(dir: &Path) -> RepoActivity {
    let spec = RepoSpec {
        path: dir.to_path_buf(),
        name: "hist".into(),
        url: None,
        forge: None,
        remotes: true,
    };
    let emails = vec![ME.to_string()];
    let me = Identity {
        emails: &emails,
        name: "Ada Lovelace",
        credit: None,
        credit_since: None,
    };
    scan_repo(
        &spec,
        TimeWindow {
            since: SINCE,
            until: UNTIL,
        },
        &me,
        Detail::Full,
    )
    .expect("scan")
}

#[test]
fn every_commits_line_counts_are_git_log_numstats() {
    let env = TestEnv::new();
    let dir = env.path().join("hist");
    history(&dir, 300);
    let git = git_numstats(&dir);
    assert_eq!(git.len(), 300);
    let activity = scan(&dir);
    assert_eq!(activity.commits.len(), 300, "every commit is listed");
    let mut differ = Vec::new();
    for c in &activity.commits {
        let want = git[&c.id];
        if (c.added, c.removed) != want {
            differ.push(format!(
                "{} {}: icu +{} −{}, git +{} −{}",
                c.short, c.subject, c.added, c.removed, want.0, want.1
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "counts that are not git's:\n{}",
        differ.join("\n")
    );
    // The history holds what it should: renames git detects, binary files.
    let renames = Command::new("git")
        .args(["log", "--name-status", "--format="])
        .current_dir(&dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git log");
    let names = String::from_utf8_lossy(&renames.stdout);
    assert!(
        names.lines().filter(|l| l.starts_with('R')).count() >= 25,
        "{names}"
    );

    // The draft's line for the repository adds up git's numbers.
    let repo = Repo { path: dir };
    let cfg = env.config_for(&[&repo], "");
    let (added, removed) = git.values().fold((0, 0), |s, c| (s.0 + c.0, s.1 + c.1));
    let doc = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let want = format!(
        "- 300 commits in hist, +{} −{}",
        thousands(added),
        thousands(removed)
    );
    assert!(doc.contains(&want), "{want} in\n{doc}");
}

/// `n` with commas between thousands, as the draft writes it.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Commits what the index holds, as me at `date`; returns its full id.
fn commit_index(r: &Repo, message: &str, date: &str) -> String {
    r.git_env(
        &["commit", "-q", "-m", message],
        &[
            ("GIT_AUTHOR_NAME", "Ada Lovelace"),
            ("GIT_AUTHOR_EMAIL", ME),
            ("GIT_COMMITTER_NAME", "Ada Lovelace"),
            ("GIT_COMMITTER_EMAIL", ME),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
    r.git(&["rev-parse", "HEAD"])
}

/// A gitlink (mode 160000: a submodule at commit `id`) at `path` in the
/// index; the submodule's commits need not exist here.
fn link(r: &Repo, id: &str, path: &str) {
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{id},{path}"),
    ]);
}

#[test]
fn a_submodule_bump_counts_as_git_counts_it_and_names_the_submodule() {
    let env = TestEnv::new();
    let r = env.repo("super");
    let (a, b, c) = ("1".repeat(40), "2".repeat(40), "3".repeat(40));
    std::fs::write(r.path.join("README"), "one\ntwo\nthree\n").unwrap();
    r.git(&["add", "README"]);
    commit_index(&r, "import", "2026-11-10T10:00:00Z");
    link(&r, &a, "vendor/lib");
    let added = commit_index(&r, "Add the lib submodule", "2026-11-11T10:00:00Z");
    link(&r, &b, "vendor/lib");
    let bumped = commit_index(&r, "Bump lib", "2026-11-12T10:00:00Z");
    // The same bump cherry-picked onto a release branch: one piece of work.
    r.git(&["checkout", "-q", "-b", "release", &added]);
    r.git_env(
        &["cherry-pick", &bumped],
        &[
            ("GIT_COMMITTER_NAME", "Ada Lovelace"),
            ("GIT_COMMITTER_EMAIL", ME),
            ("GIT_COMMITTER_DATE", "2026-11-12T11:00:00Z"),
        ],
    );
    r.git(&["checkout", "-q", "main"]);
    link(&r, &c, "vendor/lib");
    std::fs::write(r.path.join("README"), "one\n2\nthree\n").unwrap();
    r.git(&["add", "README"]);
    commit_index(&r, "Bump lib and say so", "2026-11-13T10:00:00Z");
    // A submodule added where a file was deleted: the commit that both adds
    // and deletes goes through rename detection.
    r.git(&["rm", "-q", "README"]);
    link(&r, &a, "vendor/other");
    commit_index(
        &r,
        "Swap the README for a submodule",
        "2026-11-14T10:00:00Z",
    );
    // A file turned into a submodule at the same path.
    std::fs::write(r.path.join("tool"), "a\nb\n").unwrap();
    r.git(&["add", "tool"]);
    commit_index(&r, "Add tool", "2026-11-15T10:00:00Z");
    r.git(&["rm", "-q", "--cached", "tool"]);
    link(&r, &b, "tool");
    commit_index(&r, "tool is a submodule now", "2026-11-16T10:00:00Z");
    r.git(&["rm", "-q", "--cached", "vendor/lib"]);
    let removed = commit_index(&r, "Drop the lib submodule", "2026-11-17T10:00:00Z");

    let git = git_numstats(&r.path);
    assert_eq!(
        (git[&added], git[&bumped], git[&removed]),
        ((1, 0), (1, 1), (0, 1))
    );
    let activity = scan(&r.path);
    // main's commits (those git log shows); the copy on the release branch
    // is folded into the bump.
    assert_eq!(activity.commits.len(), git.len());
    for c in &activity.commits {
        assert_eq!((c.added, c.removed), git[&c.id], "{}", c.subject);
    }
    let files = |id: &str| {
        let c = activity
            .commits
            .iter()
            .find(|c| c.id == id)
            .expect("listed");
        c.files.clone()
    };
    assert_eq!(files(&bumped), ["vendor/lib"]);
    assert_eq!(files(&removed), ["vendor/lib"]);

    // A goal's `paths` claims the commits that move the submodule.
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"lib\"\ntitle = \"Lib upgrade\"\npaths = [\"vendor/lib\"]\n",
    );
    let doc = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let block = crate::common::activity_block(&doc, "lib");
    assert!(block.contains("- 4 commits in super, +4 −4"), "{block}");
    for subject in [
        "Add the lib submodule",
        "Bump lib",
        "Bump lib and say so",
        "Drop the lib submodule",
    ] {
        assert!(
            block.contains(&format!("  - {subject} (")),
            "{subject} in {block}"
        );
    }
    assert!(block.contains("), also on `release`"), "{block}");
}
