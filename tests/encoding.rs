//! A commit made in another encoding (`git -c i18n.commitEncoding=…
//! commit`, which writes an `encoding` header) reads as git shows it: its
//! subject, body and names decoded, `Café` and not `Caf�`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use icu::testing::config::RepoSpec;
use icu::testing::scan::{scan_repo, Detail, Identity, TimeWindow};

use crate::common::{stdout, Repo, TestEnv, ME};

/// Who makes a commit: a name in the commit's encoding, and an address.
type Who<'a> = (&'a [u8], &'a str);

/// A commit of `message` (bytes in `encoding`, written to its `encoding`
/// header by git) by `author`, committed by `committer` at `date`; returns
/// its full id.
fn commit_in(
    r: &Repo,
    encoding: &str,
    message: &[u8],
    author: Who<'_>,
    committer: Who<'_>,
    date: &str,
) -> String {
    let file = r.path.join(".git/MSG");
    std::fs::write(&file, message).unwrap();
    let out = Command::new("git")
        .current_dir(&r.path)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", OsStr::from_bytes(author.0))
        .env("GIT_AUTHOR_EMAIL", author.1)
        .env("GIT_COMMITTER_NAME", OsStr::from_bytes(committer.0))
        .env("GIT_COMMITTER_EMAIL", committer.1)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args(["-c", &format!("i18n.commitEncoding={encoding}")])
        .args(["commit", "-q", "--allow-empty", "-F"])
        .arg(&file)
        .output()
        .expect("git commit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    r.git(&["rev-parse", "HEAD"])
}

/// What `git log` shows of each commit on `main` — subject, author and
/// committer names after `.mailmap` — by full id, read as UTF-8 as a
/// terminal would read it.
fn git_shows(dir: &Path) -> Vec<(String, [String; 3])> {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["log", "--format=%H%x00%s%x00%aN%x00%cN"])
        .output()
        .expect("git log");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\0').collect();
            (
                f[0].to_string(),
                [f[1].to_string(), f[2].to_string(), f[3].to_string()],
            )
        })
        .collect()
}

const ADA: Who<'static> = (b"Ada Lovelace", ME);

/// The commits of [`encoded_history`], by full id.
struct Ids {
    cafe: String,
    c1: String,
    euro: String,
    undefined: String,
    unknown: String,
    theirs: String,
}

/// A repository whose `.mailmap` (in UTF-8) maps an old identity of mine
/// by name and address — git matches the name once decoded — and commits
/// in Latin-1 (by that identity, with C1 controls), windows-1252 (with a
/// byte it leaves undefined), an encoding no one knows, and someone else's
/// change in Latin-1 that credits me.
fn encoded_history(r: &Repo) -> Ids {
    std::fs::write(
        r.path.join(".mailmap"),
        "Ada Lovelace <ada@example.com> José Núñez <jose@old.example>\n",
    )
    .unwrap();
    r.git(&["add", ".mailmap"]);
    let at = |day: u32| format!("2026-11-{day}T10:00:00Z");
    commit_in(r, "UTF-8", b"Add the mailmap", ADA, ADA, &at(10));
    let cafe = commit_in(
        r,
        "ISO-8859-1",
        b"Caf\xe9 cr\xe8me: d\xe9j\xe0 vu\n\nNa\xefve body.\n",
        (b"Jos\xe9 N\xfa\xf1ez", "jose@old.example"),
        (b"R\xe9mi", "remi@example.com"),
        &at(11),
    );
    // C1 controls in Latin-1: git (iconv) reads them as such, not as
    // windows-1252's `€` and `Ÿ`.
    let c1 = commit_in(r, "latin1", b"Bytes \x80 and \x9f\n", ADA, ADA, &at(12));
    let euro = commit_in(r, "windows-1252", b"Costs 5 \x80\n", ADA, ADA, &at(13));
    // 0x81 is undefined in windows-1252: git shows the commit as it is.
    let undefined = commit_in(
        r,
        "windows-1252",
        b"Odd \x81 byte \xe9\n",
        ADA,
        ADA,
        &at(14),
    );
    let unknown = commit_in(
        r,
        "x-no-such-encoding",
        b"Unknown \xe9\n",
        ADA,
        ADA,
        &at(15),
    );
    let theirs = commit_in(
        r,
        "ISO-8859-1",
        b"R\xe9pare le cache\n\nReviewed-by: Ada Lovelace <ada@example.com>\n",
        (b"B\xe9r\xe9nice", "berenice@example.com"),
        (b"B\xe9r\xe9nice", "berenice@example.com"),
        &at(16),
    );
    Ids {
        cafe,
        c1,
        euro,
        undefined,
        unknown,
        theirs,
    }
}

#[test]
fn a_latin1_commit_reads_as_git_log_shows_it() {
    let env = TestEnv::new();
    let r = env.repo("enc");
    let ids = encoded_history(&r);
    let git = git_shows(&r.path);
    let shown = |id: &str| {
        git.iter()
            .find(|(g, _)| g == id)
            .map(|(_, f)| f.clone())
            .unwrap()
    };
    assert_eq!(
        shown(&ids.cafe),
        ["Café crème: déjà vu", "Ada Lovelace", "Rémi"].map(String::from)
    );
    assert_eq!(shown(&ids.c1)[0], "Bytes \u{80} and \u{9f}");
    assert_eq!(shown(&ids.euro)[0], "Costs 5 €");
    assert_eq!(shown(&ids.undefined)[0], "Odd \u{FFFD} byte \u{FFFD}");
    assert_eq!(shown(&ids.unknown)[0], "Unknown \u{FFFD}");

    // The scan reads every subject and author as git shows them.
    let spec = RepoSpec {
        path: r.path.clone(),
        name: "enc".into(),
        url: None,
        forge: None,
        remotes: true,
    };
    let emails = vec![ME.to_string()];
    let keys = vec!["Reviewed-by".to_string()];
    let me = Identity {
        emails: &emails,
        name: "Ada Lovelace",
        credit: Some(&keys),
        credit_since: None,
    };
    let window = TimeWindow {
        since: 1_794_182_400,
        until: 1_795_478_400,
    };
    let activity = scan_repo(&spec, window, &me, Detail::Full).expect("scan");
    assert_eq!(
        activity.commits.len(),
        6,
        "the mailmapped Latin-1 commit is mine too"
    );
    for c in &activity.commits {
        let [subject, author, _] = shown(&c.id);
        assert_eq!(c.subject, subject);
        assert_eq!(c.author_name, author, "{}", c.subject);
    }
    assert!(activity
        .commits
        .iter()
        .any(|c| c.message.contains("Naïve body.")));
    let credit = activity
        .credits
        .iter()
        .find(|c| c.commit.id == ids.theirs)
        .expect("credited");
    assert_eq!(credit.commit.subject, shown(&ids.theirs)[0]);
    assert_eq!(credit.by, [shown(&ids.theirs)[1].clone()]);
    assert_eq!(credit.by, ["Bérénice"]);
}

#[test]
fn the_draft_and_explain_show_a_latin1_commit_as_git_does() {
    let env = TestEnv::new();
    let r = env.repo("enc");
    let ids = encoded_history(&r);
    let cfg = env.config_for(&[&r], "");
    let doc = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    for line in [
        "  - Café crème: déjà vu (",
        "  - Costs 5 € (",
        "  - Répare le cache — Bérénice (",
    ] {
        assert!(doc.contains(line), "{line} in\n{doc}");
    }
    let json = stdout(
        &env.icu()
            .current_dir(&r.path)
            .args(["--config"])
            .arg(&cfg)
            .args(["explain", &ids.cafe, "--date", "2026-11-23", "--json"])
            .assert()
            .success(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["commit"]["subject"], "Café crème: déjà vu");
    assert_eq!(v["commit"]["author_name"], "José Núñez");
    assert_eq!(v["commit"]["mapped_email"], ME);
}
