//! The world the update loop is lived in: one repository the tests add
//! commits to, a config for it, and the updates drafted, written by hand,
//! checked and sent in the updates dir, each named by its date.

use std::fs;
use std::path::PathBuf;

use super::{good_repo, set_config_key, Repo, TestEnv, C};

/// The goal of [`World::search`] and [`World::search_due`]: on track,
/// claiming `search/**`.
const SEARCH_GOAL: &str = "[[goal]]\nid = \"search-latency\"\ntitle = \"Cut search p99 latency\"\nstatus = \"on-track\"\npaths = [\"search/**\"]\n";

/// The same goal, due 31 Mar 2027.
const SEARCH_GOAL_DUE: &str = "[[goal]]\nid = \"search-latency\"\ntitle = \"Cut search p99 latency\"\nstatus = \"on-track\"\ndue = 2027-03-31\npaths = [\"search/**\"]\n";

/// A sealed world: the repository the tests commit to, a config, and the
/// updates in `env.updates()`.
pub struct World {
    pub env: TestEnv,
    /// The repository the tests add commits to (and run `icu` inside, with
    /// [`World::icu_in_repo`]).
    pub repo: Repo,
    pub cfg: PathBuf,
}

impl World {
    /// The repository `name` with `commits`, and [`TestEnv::config_for`] it
    /// with `extra` (goals).
    pub fn new(name: &str, commits: Vec<C<'_>>, extra: &str) -> World {
        let env = TestEnv::new();
        let repo = env.repo(name);
        for c in commits {
            repo.commit(c);
        }
        let cfg = env.config_for(&[&repo], extra);
        World { env, repo, cfg }
    }

    /// The repository `search` with a commit of mine on the goal
    /// `search-latency` (on track, no due date) on 10 Nov, "Add tiered
    /// cache", and one outside it on 11 Nov, "Tidy the README".
    pub fn search() -> World {
        World::new(
            "search",
            vec![
                C::mine(
                    "2026-11-10T10:00:00Z",
                    "Add tiered cache",
                    "search/cache.rs",
                ),
                C::mine("2026-11-11T10:00:00Z", "Tidy the README", "README.md"),
            ],
            SEARCH_GOAL,
        )
    }

    /// The repository `search` with one commit of mine on the goal
    /// `search-latency` (on track, due 31 Mar 2027) on 5 Nov, "Add tiered
    /// cache": in the update of 9 Nov.
    pub fn search_due() -> World {
        World::new(
            "search",
            vec![C::mine(
                "2026-11-05T10:00:00Z",
                "Add tiered cache",
                "search/cache.rs",
            )],
            SEARCH_GOAL_DUE,
        )
    }

    /// The repository `good` with one commit of mine on 20 Nov, "Work that
    /// counts" (no goals), and the update of `date` drafted.
    pub fn drafted(date: &str) -> World {
        let env = TestEnv::new();
        let repo = good_repo(&env);
        let cfg = env.config_for(&[&repo], "");
        let w = World { env, repo, cfg };
        w.draft(date).success();
        w
    }

    /// Runs `icu --config CFG ARGS…`.
    pub fn icu(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env.run(&self.cfg, args)
    }

    /// Runs `icu --config CFG ARGS…` with "now" at `now`.
    pub fn icu_at(&self, now: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env.run_at(&self.cfg, now, args)
    }

    /// Runs `icu --config CFG ARGS…` inside the repository.
    pub fn icu_in_repo(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env
            .icu_with(&self.cfg)
            .current_dir(&self.repo.path)
            .args(args)
            .assert()
    }

    /// Drafts or refreshes the update of `date`: `icu draft --no-edit
    /// --date DATE`.
    pub fn draft(&self, date: &str) -> assert_cmd::assert::Assert {
        self.icu(&["draft", "--no-edit", "--date", date])
    }

    /// `icu check` on the update of `date`.
    pub fn check(&self, date: &str) -> assert_cmd::assert::Assert {
        let doc = self.doc(date);
        self.icu(&["check", doc.to_str().unwrap()])
    }

    /// Records the update of `date` as sent that day.
    pub fn sent(&self, date: &str) {
        let doc = self.doc(date);
        self.icu(&["sent", doc.to_str().unwrap(), "--at", date])
            .success();
    }

    /// The update of `date`.
    pub fn doc(&self, date: &str) -> PathBuf {
        self.env.updates().join(format!("{date}.md"))
    }

    /// The backup a refresh keeps of the update of `date`.
    pub fn bak(&self, date: &str) -> PathBuf {
        self.env.updates().join(format!(".{date}.md.bak"))
    }

    /// The text of the update of `date`.
    pub fn read(&self, date: &str) -> String {
        fs::read_to_string(self.doc(date)).expect("doc exists")
    }

    /// Replaces the update of `date` with `text`.
    pub fn write(&self, date: &str, text: &str) {
        fs::write(self.doc(date), text).expect("write doc");
    }

    /// Replaces the one occurrence of `from` in the update of `date`.
    pub fn edit(&self, date: &str, from: &str, to: &str) {
        let text = self.read(date);
        assert_eq!(text.matches(from).count(), 1, "`{from}` in\n{text}");
        self.write(date, &text.replacen(from, to, 1));
    }

    /// Sets the status and due date of the goal in the config (of its one
    /// goal, or of every goal).
    pub fn set_goal(&self, status: &str, due: &str) {
        set_config_key(&self.cfg, "status", &format!("\"{status}\""));
        set_config_key(&self.cfg, "due", due);
    }

    /// A new commit of mine at `date` on `search/more.rs`, so that a refresh
    /// has news for the goal of [`World::search`] or [`World::search_due`].
    pub fn commit(&self, date: &str, subject: &str) {
        self.repo.commit(C::mine(date, subject, "search/more.rs"));
    }
}
