//! The starter config `icu init` writes: a commented `icu.toml` filled in
//! with what `init` found out, which loads as written.
//!
//! Values go through [`lit`] so that any name or address, quotes and all,
//! round-trips: the file `init` writes is the file `load` reads back.

use super::{DEFAULT_CADENCE_DAYS, DEFAULT_LANG, DEFAULT_LIST_LIMIT, DEFAULT_SENDMAIL};
use crate::template::{DEFAULT_SUBJECT, SUBJECT_VARIABLES};

/// What `icu init` puts in the starter config.
#[derive(Debug, Clone, Default)]
pub struct StarterOptions {
    pub name: String,
    pub emails: Vec<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub repos: Vec<String>,
}

/// `s` as a TOML basic string: `"…"` with quotes, backslashes and control
/// characters escaped, so any text round-trips and reads as written.
pub(super) fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `[[source]]` recipes: GitHub's `gh`, GitLab's `glab` and
/// ankitpokhrel/jira-cli, each printing items as JSON lines from the tool's
/// documented JSON output. The starter config has them commented out; the
/// README's "Work beyond commits" shows the same text (a test compares
/// them) and says which flag and field each uses, and what it approximates.
pub const SOURCE_RECIPES: &str = r#"[[source]]
name = "github"
timeout = 60
command = '''
set -e
gh search prs --reviewed-by=@me --updated="$ICU_SINCE..$ICU_UNTIL" --limit=200 \
  --json title,url,updatedAt,repository \
  --jq '.[] | {title, url, time: .updatedAt, kind: "reviewed", id: ("reviewed " + .url), repo: .repository.name}' \
  -- -author:@me
gh search prs --author=@me --created="$ICU_SINCE..$ICU_UNTIL" --limit=200 \
  --json title,url,createdAt,repository \
  --jq '.[] | {title, url, time: .createdAt, kind: "opened", id: ("opened " + .url), repo: .repository.name}'
gh search prs --author=@me --merged-at="$ICU_SINCE..$ICU_UNTIL" --limit=200 \
  --json title,url,closedAt,repository \
  --jq '.[] | {title, url, time: .closedAt, kind: "merged", id: ("merged " + .url), repo: .repository.name}'
gh search issues --assignee=@me --closed="$ICU_SINCE..$ICU_UNTIL" --limit=200 \
  --json title,url,closedAt,repository \
  --jq '.[] | {title, url, time: .closedAt, kind: "closed", id: ("closed " + .url), repo: .repository.name}'
'''

[[source]]
name = "gitlab"
timeout = 60
command = '''
set -e
reviewed=$(glab mr list --group=acme --reviewer=@me --all --order=updated_at --per-page=100 --output=json)
opened=$(glab mr list --group=acme --author=@me --all --order=created_at --per-page=100 --output=json)
merged=$(glab mr list --group=acme --author=@me --merged --order=merged_at --per-page=100 --output=json)
closed=$(glab issue list --group=acme --assignee=@me --closed --order=updated_at --per-page=100 --output=json)
printf '%s\n' "$reviewed" | jq -c '.[] | {title, url: .web_url, time: .updated_at, kind: "reviewed", id: ("reviewed " + .web_url)}'
printf '%s\n' "$opened" | jq -c '.[] | {title, url: .web_url, time: .created_at, kind: "opened", id: ("opened " + .web_url)}'
printf '%s\n' "$merged" | jq -c '.[] | {title, url: .web_url, time: .merged_at, kind: "merged", id: ("merged " + .web_url)}'
printf '%s\n' "$closed" | jq -c '.[] | {title, url: .web_url, time: .closed_at, kind: "closed", id: ("closed " + .web_url)}'
'''

[[source]]
name = "jira"
timeout = 60
command = '''
set -e
err=$(mktemp)
trap 'rm -f "$err"' EXIT
if issues=$(jira issue list --jql "status CHANGED TO Done BY currentUser() AFTER \"$ICU_SINCE_DATE\"" --raw 2>"$err"); then
  printf '%s\n' "$issues" | jq -c '.[] | {title: (.key + " " + .fields.summary), url: ("https://jira.example.com/browse/" + .key), time: (.fields.updated | sub("(?<h>[+-][0-9]{2})(?<m>[0-9]{2})$"; "\(.h):\(.m)")), kind: "closed", id: .key}'
elif ! grep -q "No result found" "$err"; then
  cat "$err" >&2
  exit 1
fi
'''
"#;

/// `items` as a one-line TOML array of [`lit`] strings.
fn list(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", v.join(", "))
}

/// A commented starter config, filled from `o`. It loads as written; the
/// example goal is commented out. The comments follow the config schema in
/// README.md.
pub fn starter(o: &StarterOptions) -> String {
    let mut t = String::new();
    t.push_str(
        "# icu's config: who you are, where your update goes, the repositories to\n\
         # scan and the goals you own. `icu goals` shows what it understood. The\n\
         # README's \"Configuration\" section has the whole schema.\n\
         # Paths take ~ and $VARIABLES; a relative path is relative to this file.\n\n",
    );
    t.push_str("[me]\n");
    t.push_str(&format!("name = {}\n", lit(&o.name)));
    t.push_str(
        "# A commit is yours when its author (after .mailmap) or a Co-authored-by:\n\
         # trailer has one of these addresses; add your other ones.\n",
    );
    t.push_str(&format!("emails = {}\n\n", list(&o.emails)));
    t.push_str("[update]\n");
    t.push_str(&format!(
        "cadence_days = {DEFAULT_CADENCE_DAYS}   # days an update covers when none was sent yet\n"
    ));
    t.push_str(
        "# Who `icu send` and `icu export --format eml` address: \"Name <addr>\" or\n\
         # \"addr\", one address per string.\n",
    );
    t.push_str(&format!("to = {}   # your manager\n", list(&o.to)));
    t.push_str(&format!(
        "cc = {}   # e.g. your manager's manager\n",
        list(&o.cc)
    ));
    t.push_str(&format!(
        "# subject = {}\n\
         #   (variables: {SUBJECT_VARIABLES})\n\
         #   Keep it the same for every update: Gmail and Outlook thread by subject too.\n",
        lit(DEFAULT_SUBJECT)
    ));
    t.push_str(
        "# dir = \"~/notes/updates\"            # where updates go (default: <data dir>/updates)\n",
    );
    t.push_str(
        "# template = \"~/notes/update.md.j2\"  # your own template (default: the built-in one)\n",
    );
    t.push_str(&format!(
        "# sendmail = {}         # what `icu send` runs: sendmail, msmtp -t, ...\n",
        lit(DEFAULT_SENDMAIL)
    ));
    t.push_str(
        "# from = \"Your Name <you@example.com>\"  # default: name and your first address that is not a no-reply one\n\
         # envelope_from = false                # default true: from's address is the envelope sender (sendmail -f)\n\
         # reply_to = [\"you@home.example\"]\n\
         # bcc = [\"you+sent@example.com\"]        # a copy to yourself; no header names it\n\
         # thread = false                       # default true: each update replies to the last one sent\n\
         # mail_client = \"thunderbird {}\"       # what `icu export --format eml --open` opens; {} is the file\n\
         # mail_client_terminal = true          # for a terminal mail client (\"neomutt -H {}\"): run here, waited for\n",
    );
    t.push_str(&format!(
        "# list_limit = {DEFAULT_LIST_LIMIT}                      # how many of each list of commits an export or mail shows (the update names all); 0: every one\n"
    ));
    t.push_str(&format!(
        "# lang = {}                           # the language you write in (a BCP 47 tag: \"de\", \"pt-BR\"), which the mail's HTML declares\n\n",
        lit(DEFAULT_LANG)
    ));
    t.push_str(
        "# The repositories icu scans. A path may be a glob: \"~/src/*\" adds every\n\
         # git repository there, each named after its folder.\n",
    );
    if o.repos.is_empty() {
        t.push_str("# [[repo]]\n# path = \"~/src/search\"\n\n");
    }
    for r in &o.repos {
        t.push_str("[[repo]]\n");
        t.push_str(&format!("path = {}\n", lit(r)));
        if !r.contains(['*', '?', '[']) {
            t.push_str("# name = \"search\"                        # default: the folder name\n");
            t.push_str("# url = \"https://github.com/acme/search\"  # links commits and PRs\n");
        }
        t.push_str(
            "# remotes = false                         # local branches only (default: remote-tracking too)\n",
        );
        t.push('\n');
    }
    t.push_str(
        "# Changes of others that credit you are listed apart from your commits:\n\
         # a trailer naming you (as below), a patch you applied, a merge you made.\n\
         # [credit]\n\
         # enabled = true                     # false: list none\n\
         # trailers = [\"Reviewed-by\", \"Acked-by\", \"Tested-by\", \"Helped-by\", \"Mentored-by\", \"Suggested-by\", \"Reported-by\"]\n\n",
    );
    t.push_str(
        "# Work beyond commits: each [[source]] is a shell command icu runs once\n\
         # per draft, in this file's folder, with the update's window in\n\
         # $ICU_SINCE and $ICU_UNTIL (RFC 3339) and $ICU_SINCE_DATE and\n\
         # $ICU_UNTIL_DATE (YYYY-MM-DD). It prints one JSON object a line: \"title\"\n\
         # and \"time\" (RFC 3339), and \"url\", \"kind\", \"id\", \"goal\", \"repo\" if\n\
         # it likes; items outside the window are left out. Also: `name` (a\n\
         # word), `timeout` (seconds, default 30), `goal` and `repo` (for items\n\
         # that name none). `icu source NAME` runs one and shows what icu read.\n\
         # The README's \"Work beyond commits\" explains these recipes (they need\n\
         # gh; glab and jq; jira-cli and jq — each logged in):\n\
         #\n",
    );
    for line in SOURCE_RECIPES.lines() {
        t.push_str(format!("# {line}").trim_end());
        t.push('\n');
    }
    t.push('\n');
    t.push_str(
        "# The goals you own, one [[goal]] each. A commit of yours counts for a goal\n\
         # when it is in one of its repos (default: all) and touches one of its\n\
         # paths, is on one of its branches, or its message matches one of its\n\
         # keywords; a goal with only `repos` claims every commit there. A commit\n\
         # no goal claims goes to \"Other work\": nothing is dropped.\n\
         #\n\
         # [[goal]]\n\
         # id = \"search-latency\"              # stable key: a-z, 0-9 and -; not \"other\"\n\
         # title = \"Cut search p99 latency to 200 ms\"\n\
         # status = \"on-track\"                # on-track | at-risk | off-track | done | paused\n\
         # due = 2027-03-31                   # optional\n\
         # success = \"p99 under 200 ms on the prod dashboard\"   # what you get credit for\n\
         # risk = \"the index rebuild slips past Q1\"             # what could fail\n\
         # repos = [\"search\"]                 # which [[repo]] names count (default: all)\n\
         # paths = [\"services/search/**\"]     # glob: a commit touching one counts\n\
         # branches = [\"search/*\"]            # glob over the branches containing it (origin/x is also x)\n\
         # keywords = [\"latency\", \"SEARCH-\\\\d+\"]  # regex over the commit message\n",
    );
    t
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::raw::RawConfig;
    use crate::config::tests::parse_ok;

    #[test]
    fn the_starter_config_loads_and_round_trips_odd_names() {
        let o = StarterOptions {
            name: "Zoë \"Z\" O'Neil".into(),
            emails: vec!["zoe@example.com".into()],
            to: vec!["Grace Hopper <grace@example.com>".into()],
            cc: vec![],
            repos: vec!["~/src/search".into()],
        };
        let c = parse_ok(&starter(&o));
        assert_eq!(c.me.name, "Zoë \"Z\" O'Neil");
        assert_eq!(c.update.to, vec!["Grace Hopper <grace@example.com>"]);
        assert_eq!(c.repos[0].path, PathBuf::from("/home/ada/src/search"));
        assert!(c.goals.is_empty());
        // The example goal, uncommented, is valid too.
        let uncommented: String = starter(&o)
            .lines()
            .skip_while(|l| !l.starts_with("# [[goal]]"))
            .map(|l| format!("{}\n", l.trim_start_matches("# ")))
            .collect();
        let with_goal = format!("{}{uncommented}", starter(&o));
        let c = parse_ok(&with_goal);
        assert_eq!(c.goals[0].id, "search-latency");
    }

    #[test]
    fn the_source_recipes_load_once_uncommented() {
        let c = parse_ok(SOURCE_RECIPES);
        let names: Vec<&str> = c.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["github", "gitlab", "jira"]);
        assert!(c.sources[0]
            .command
            .starts_with("set -e\ngh search prs --reviewed-by=@me"));
        assert!(
            c.sources[2].command.contains(r#""\(.h):\(.m)""#),
            "{}",
            c.sources[2].command
        );
        let text = starter(&StarterOptions::default());
        let block: String = text
            .lines()
            .skip_while(|l| *l != "# [[source]]")
            .take_while(|l| !l.is_empty())
            .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or("")))
            .collect();
        assert_eq!(block, SOURCE_RECIPES);
        // Commented out, they add no source to the config `init` writes.
        assert!(parse_ok(&text).sources.is_empty());
    }

    #[test]
    fn string_literals_round_trip() {
        for s in [
            "",
            "plain",
            "Zoë \"Z\" O'Neil",
            "back\\slash",
            "tab\tnl\ncr\r",
            "\u{7f}\u{1}\u{85}",
            "'''\"\"\"",
        ] {
            let v: toml::Table = toml::from_str(&format!("k = {}", lit(s))).unwrap();
            assert_eq!(v["k"].as_str(), Some(s), "{}", lit(s));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_name_round_trips_through_the_starter(name in "\\PC*|[\\x00-\\x7f]*") {
            let text = starter(&StarterOptions { name: name.clone(), ..StarterOptions::default() });
            let raw: RawConfig = toml::from_str(&text).unwrap();
            proptest::prop_assert_eq!(raw.me.unwrap().name.unwrap().into_inner(), name);
        }
    }
}
