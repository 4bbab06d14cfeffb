//! The drafted world: a config with me and a manager to write to, and the
//! update already drafted (`icu draft --no-edit`) in `updates/`, waiting to be
//! finished by hand, checked, exported or sent.

use std::fs;
use std::path::PathBuf;

use super::{answer_every_prompt, stdout, toml_str, TestEnv, C, ME};

/// What [`DraftedWorld::finished`] writes after every prompt.
pub const BY_HAND: &str = "Written by hand.";

/// The date of [`super::NOW`]: the update drafted today is `updates/TODAY.md`.
pub const TODAY: &str = "2026-11-24";

/// A sealed world with a config and a drafted update.
pub struct Drafted {
    pub env: TestEnv,
    pub cfg: PathBuf,
    /// The drafted update.
    pub doc: PathBuf,
}

impl Drafted {
    /// Runs `icu --config CFG ARGS…`.
    pub fn icu(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env.run(&self.cfg, args)
    }

    /// Runs `icu --config CFG ARGS…` with "now" at `now`.
    pub fn icu_at(&self, now: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env.run_at(&self.cfg, now, args)
    }

    /// `icu --config CFG`, not yet run (see [`TestEnv::icu_with`]).
    pub fn icu_with(&self) -> assert_cmd::Command {
        self.env.icu_with(&self.cfg)
    }

    pub fn doc_text(&self) -> String {
        fs::read_to_string(&self.doc).expect("the drafted doc")
    }

    /// Finishes the update by hand: `prose` after every prompt (see
    /// [`answer_every_prompt`]).
    pub fn answer_every_prompt(&self, prose: &str) {
        answer_every_prompt(&self.doc, prose);
    }
}

/// The world [`DraftedWorld::draft`] builds: one repository `search` with one
/// commit of mine on 20 Nov (file `search/a.rs`), and the config
///
/// ```toml
/// [me]
/// name = ME_NAME
/// emails = [ME]
///
/// [update]
/// dir = "<root>/updates"
/// to = ["Grace Hopper <grace@example.com>"]
/// cc = [CC…]
/// UPDATE
///
/// [[repo]]
/// path = "<root>/search"
/// AFTER
/// ```
///
/// Tests name positions in this file (`icu.toml:8:7` is in `cc`): keep its
/// lines where they are. [`Default`] is the plain case.
pub struct DraftedWorld<'a> {
    /// `me.name`.
    pub me_name: &'a str,
    /// The subject of the one commit.
    pub subject: &'a str,
    /// `update.cc`, each one written as a TOML string.
    pub cc: &'a [&'a str],
    /// The lines `[update]` ends with (`subject = …`, `sendmail = …`).
    pub update: &'a str,
    /// TOML after the `[[repo]]` table (goals).
    pub after: &'a str,
}

impl Default for DraftedWorld<'_> {
    fn default() -> Self {
        DraftedWorld {
            me_name: "Ada Lovelace",
            subject: "Add tiered cache",
            cc: &["Alan Kay <alan@example.com>"],
            update: "",
            after: "",
        }
    }
}

impl DraftedWorld<'_> {
    /// Builds the world and drafts today's update in it (`icu draft
    /// --no-edit`), asserting that it worked.
    pub fn draft(self) -> Drafted {
        let env = TestEnv::new();
        let r = env.repo("search");
        r.commit(C::mine("2026-11-20T10:00:00Z", self.subject, "search/a.rs"));
        let cc: Vec<String> = self.cc.iter().map(|a| toml_str(a)).collect();
        let cfg = env.config(&format!(
            "[me]\nname = {}\nemails = [\"{ME}\"]\n\n[update]\ndir = \"{}\"\nto = [\"Grace Hopper <grace@example.com>\"]\ncc = [{}]\n{}\n\n[[repo]]\npath = \"{}\"\n{}",
            toml_str(self.me_name),
            env.updates().display(),
            cc.join(", "),
            self.update,
            r.path.display(),
            self.after,
        ));
        env.run(&cfg, &["draft", "--no-edit"]).success();
        Drafted {
            doc: env.updates().join(format!("{TODAY}.md")),
            env,
            cfg,
        }
    }

    /// [`DraftedWorld::draft`], and the update finished by hand: every
    /// prompt answered with "Written by hand.".
    pub fn finished(self) -> Drafted {
        let w = self.draft();
        w.answer_every_prompt(BY_HAND);
        w
    }
}

/// A drafted update and an `icu export --force --format md` of it.
pub fn export_world() -> (Drafted, String) {
    let w = DraftedWorld::default().draft();
    let md = stdout(&w.icu(&["export", "--force", "--format", "md"]).success());
    (w, md)
}
