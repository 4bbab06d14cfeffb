//! The walk reads commits from git's commit-graph file when there is one, and
//! the answer is the one without it: present, missing, stale (commits newer
//! than the file), a split chain, a file without corrected dates, and a
//! corrupt file each give exactly the commits git lists for the window, from
//! a walk of the same reach. With corrected dates the walk also finds work
//! that the margin alone misses.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use icu::testing::config::RepoSpec;
use icu::testing::scan::{scan_repo, Detail, Identity, RepoActivity, TimeWindow, SLOP};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// 2026-11-24T00:00:00Z
const UNTIL: i64 = 1_795_478_400;
const SINCE: i64 = UNTIL - 14 * DAY;

/// One commit to import: its branch, committer time, author and parents (as
/// indices of earlier commits).
struct C {
    branch: &'static str,
    time: i64,
    mine: bool,
    parents: Vec<usize>,
}

/// Imports `commits` into a new repository at `dir` with `git fast-import`.
fn import(dir: &Path, commits: &[C]) {
    let mut s = String::new();
    for (i, c) in commits.iter().enumerate() {
        let who = if c.mine { "ada" } else { "bob" };
        let msg = format!("commit {i}");
        s.push_str(&format!(
            "commit refs/heads/{}\nmark :{}\nauthor X <{who}@example.com> {} +0000\ncommitter X <{who}@example.com> {} +0000\ndata {}\n{msg}\n",
            c.branch,
            i + 1,
            c.time,
            c.time,
            msg.len()
        ));
        for (k, p) in c.parents.iter().enumerate() {
            let verb = if k == 0 { "from" } else { "merge" };
            s.push_str(&format!("{verb} :{}\n", p + 1));
        }
        s.push_str(&format!(
            "M 100644 inline f{}.txt\ndata {}\n{i}\n\n",
            i % 20,
            format!("{i}\n").len()
        ));
    }
    crate::common::fast_import(dir, &s);
}

/// Runs git in `cwd` (plus `path` as the last argument), returning stdout.
fn git(cwd: &Path, args: &[&str], path: Option<&Path>) -> String {
    let mut cmd = Command::new("git");
    cmd.args(args).current_dir(cwd);
    if let Some(p) = path {
        cmd.arg(p);
    }
    let out = cmd.output().expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A busy history: 200 commits on main, one every 6 hours up to the end of
/// the window; a topic branch of mine merged back, an octopus merge of two
/// more, and a branch of mine left unmerged, in the window.
fn busy() -> Vec<C> {
    let n = 200;
    let t = |k: i64| UNTIL - 60 - (n - 1 - k) * 6 * HOUR;
    let mut v: Vec<C> = (0..n)
        .map(|k| C {
            branch: "main",
            time: t(k),
            mine: k % 3 == 0,
            parents: if k == 0 { vec![] } else { vec![k as usize - 1] },
        })
        .collect();
    let side = |branch: &'static str, from: usize, len: usize, at: i64, v: &mut Vec<C>| {
        let mut last = from;
        for j in 0..len {
            v.push(C {
                branch,
                time: at + j as i64 * 60,
                mine: true,
                parents: vec![last],
            });
            last = v.len() - 1;
        }
        last
    };
    let topic = side("topic", 170, 3, t(171), &mut v);
    let a = side("oct/a", 175, 2, t(176), &mut v);
    let b = side("oct/b", 176, 2, t(177), &mut v);
    side("feature", 190, 3, t(191) + 30, &mut v);
    v.push(C {
        branch: "main",
        time: t(199) + 30,
        mine: false,
        parents: vec![199, topic],
    });
    let merge = v.len() - 1;
    v.push(C {
        branch: "main",
        time: t(199) + 40,
        mine: false,
        parents: vec![merge, a, b],
    });
    v
}

/// icu's scan of `dir` over the window, as a draft makes it.
fn scan(dir: &Path) -> RepoActivity {
    let spec = RepoSpec {
        path: dir.to_path_buf(),
        name: "graph".into(),
        url: None,
        forge: None,
        remotes: true,
    };
    let emails = vec!["ada@example.com".to_string()];
    let identity = Identity {
        emails: &emails,
        name: "Ada",
        credit: None,
        credit_since: None,
    };
    let window = TimeWindow {
        since: SINCE,
        until: UNTIL,
    };
    scan_repo(&spec, window, &identity, Detail::Full).expect("scan")
}

/// What the scan found: the ids of my commits (sorted) and how many commits
/// of anyone's are in the window.
fn found(a: &RepoActivity) -> (Vec<String>, usize) {
    let mut ids: Vec<String> = a.commits.iter().map(|c| c.id.clone()).collect();
    ids.sort();
    (ids, a.in_window)
}

/// git's exhaustive answer: every commit on the branches, by committer time.
fn exhaustive(dir: &Path) -> (Vec<String>, usize) {
    let log = git(dir, &["log", "--branches", "--format=%H %ct %ae %P"], None);
    let mut mine = Vec::new();
    let mut in_window = 0;
    for line in log.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let ct: i64 = f[1].parse().unwrap();
        if (SINCE..UNTIL).contains(&ct) {
            in_window += 1;
            if f[2] == "ada@example.com" && f.len() == 4 {
                mine.push(f[0].to_string());
            }
        }
    }
    mine.sort();
    (mine, in_window)
}

/// A new repository holding `commits`, its scan without a commit-graph
/// checked against git's answer.
fn repo(commits: &[C]) -> (tempfile::TempDir, RepoActivity) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    import(&dir, commits);
    let graphs = dir.join(".git/objects/info");
    assert!(!graphs.join("commit-graph").exists() && !graphs.join("commit-graphs").exists());
    let plain = scan(&dir);
    assert_eq!(found(&plain), exhaustive(&dir));
    (tmp, plain)
}

fn write_graph(dir: &Path, args: &[&str]) {
    let mut all = vec!["commit-graph", "write", "--reachable"];
    all.extend_from_slice(args);
    git(dir, &all, None);
}

/// `git commit-graph write ARGS --stdin-commits` of the history up to `tip`.
fn write_graph_of(dir: &Path, tip: &str, args: &[&str]) {
    let mut child = Command::new("git")
        .args(["commit-graph", "write"])
        .args(args)
        .arg("--stdin-commits")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git commit-graph");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(tip.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_commit_graph_gives_the_same_commits_from_the_file() {
    let (tmp, plain) = repo(&busy());
    let dir = tmp.path().join("r");
    write_graph(&dir, &[]);
    let got = scan(&dir);
    assert_eq!(found(&got), found(&plain));
    // The same reach (the window and the margin), no commit inflated.
    assert_eq!(got.visited, plain.visited);
    assert_eq!(plain.visited, got.in_window + SLOP);
    assert_eq!(plain.from_graph, 0);
    assert!(got.from_graph >= got.visited);
}

#[test]
fn a_stale_commit_graph_gives_the_same_commits() {
    let (tmp, plain) = repo(&busy());
    let dir = tmp.path().join("r");
    // The file holds the history up to 20 commits before main's tip: the
    // newer commits, the merges and the side branches are read as objects.
    let old = git(&dir, &["rev-parse", "main~20"], None);
    write_graph_of(&dir, &old, &[]);
    let got = scan(&dir);
    assert_eq!(found(&got), found(&plain));
    assert_eq!(got.visited, plain.visited);
    // The 20 newest commits of main and the branches' are not in the file.
    assert!(got.from_graph > 0 && got.from_graph + 20 < got.visited);
}

#[test]
fn a_split_commit_graph_chain_gives_the_same_commits() {
    let (tmp, plain) = repo(&busy());
    let dir = tmp.path().join("r");
    let old = git(&dir, &["rev-parse", "main~30"], None);
    write_graph_of(&dir, &old, &["--split"]);
    write_graph(&dir, &["--split=no-merge"]);
    let chain =
        std::fs::read_to_string(dir.join(".git/objects/info/commit-graphs/commit-graph-chain"))
            .unwrap();
    assert_eq!(chain.lines().count(), 2, "two layers");
    let got = scan(&dir);
    assert_eq!(found(&got), found(&plain));
    assert_eq!(got.visited, plain.visited);
    assert!(got.from_graph >= got.visited);
}

#[test]
fn a_commit_graph_without_corrected_dates_keeps_the_margin() {
    let (tmp, plain) = repo(&busy());
    let dir = tmp.path().join("r");
    git(
        &dir,
        &[
            "-c",
            "commitGraph.generationVersion=1",
            "commit-graph",
            "write",
            "--reachable",
        ],
        None,
    );
    let got = scan(&dir);
    assert_eq!(found(&got), found(&plain));
    assert_eq!(got.visited, plain.visited);
    assert!(got.from_graph >= got.visited);
}

/// A change that leaves a commit-graph file unusable.
type Corrupt = fn(&mut Vec<u8>);

#[test]
fn a_corrupt_commit_graph_is_not_used() {
    let (tmp, plain) = repo(&busy());
    let dir = tmp.path().join("r");
    let file = dir.join(".git/objects/info/commit-graph");
    let corruptions: [(&str, Corrupt); 4] = [
        ("truncated", |b| b.truncate(b.len() / 2)),
        ("bad signature", |b| b[0] = b'X'),
        ("a chunk offset past the end", |b| b[8 + 4 + 2] = 0xff),
        ("empty", Vec::clear),
    ];
    for (what, corrupt) in corruptions {
        std::fs::remove_file(&file).ok();
        write_graph(&dir, &[]);
        let mut bytes = std::fs::read(&file).unwrap();
        corrupt(&mut bytes);
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, &bytes).unwrap();
        let got = scan(&dir);
        assert_eq!(found(&got), found(&plain), "{what}");
        assert_eq!(
            got.visited, plain.visited,
            "{what}: the margin rule, as without a file"
        );
    }
    // A chain that names a layer that is not there.
    std::fs::remove_file(&file).unwrap();
    write_graph(&dir, &["--split"]);
    let chain = dir.join(".git/objects/info/commit-graphs/commit-graph-chain");
    std::fs::write(
        &chain,
        format!(
            "{}\n{}\n",
            "0".repeat(40),
            std::fs::read_to_string(&chain).unwrap()
        ),
    )
    .unwrap();
    let got = scan(&dir);
    assert_eq!(found(&got), found(&plain), "a broken chain");
    assert_eq!(got.from_graph, 0, "a broken chain: not used");
}

#[test]
fn corrected_dates_find_work_behind_more_old_dated_commits_than_the_margin() {
    // Main's history; then, on top of its tip, a commit of mine in the
    // window, more than SLOP commits with forged dates a month before the
    // window, and a newer commit: the margin rule stops in the forged
    // chain, before my commit.
    let mut v = busy();
    let base = v.len() - 1;
    v.push(C {
        branch: "main",
        time: UNTIL - DAY,
        mine: true,
        parents: vec![base],
    });
    for j in 0..SLOP + 10 {
        let parent = v.len() - 1;
        v.push(C {
            branch: "main",
            time: SINCE - 30 * DAY + j as i64,
            mine: false,
            parents: vec![parent],
        });
    }
    let parent = v.len() - 1;
    v.push(C {
        branch: "main",
        time: UNTIL - HOUR,
        mine: false,
        parents: vec![parent],
    });
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    import(&dir, &v);
    let plain = scan(&dir);
    let want = exhaustive(&dir);
    assert_ne!(found(&plain), want, "the margin misses the hidden commit");
    write_graph(&dir, &[]);
    assert_eq!(found(&scan(&dir)), want);
}

/// Where git itself would not trust the file — `git replace` refs in use,
/// `core.commitGraph = false` — icu does not read it either: a replaced
/// commit's parents are not those the file holds.
#[test]
fn a_commit_graph_is_not_used_where_git_would_not_trust_it() {
    let (tmp, _) = repo(&busy());
    let dir = tmp.path().join("r");
    write_graph(&dir, &[]);
    assert!(scan(&dir).from_graph > 0);

    git(&dir, &["config", "core.commitGraph", "false"], None);
    let got = scan(&dir);
    assert_eq!(found(&got), exhaustive(&dir));
    assert_eq!(got.from_graph, 0, "core.commitGraph = false");
    git(&dir, &["config", "--unset", "core.commitGraph"], None);

    // Main's commit 168 (in the window, below every branch's fork) grafted
    // onto 150: the 17 commits between leave the history, as git log shows
    // it; the file still holds 168's own parent.
    let before = exhaustive(&dir);
    let (child, parent) = (
        git(&dir, &["rev-parse", ":/^commit 168$"], None),
        git(&dir, &["rev-parse", ":/^commit 150$"], None),
    );
    git(
        &dir,
        &["replace", "--graft", child.trim(), parent.trim()],
        None,
    );
    let want = exhaustive(&dir);
    assert_eq!(want.1 + 17, before.1);
    let got = scan(&dir);
    assert_eq!(found(&got), want);
    assert_eq!(got.from_graph, 0, "git replace");
}
