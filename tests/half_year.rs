//! The two-week loop lived for half a year (README, "The period"): commits
//! land at all hours, updates are drafted early or late, refreshed, sent the
//! same day, the next day, a week late or before their date, by `icu send`
//! or `icu sent`, and some are never sent at all. Whatever the timing, every
//! commit of mine lands in exactly one sent update — no gap between two
//! updates, no commit in two — and a sent update is never refreshed.

use std::collections::BTreeMap;
use std::fs;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::common::{add_to_update, TestEnv, C};

/// A small deterministic generator (xorshift64*), so a failing seed can be
/// replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What happens at a moment of the half-year.
#[derive(Debug, Clone)]
enum Event {
    /// A commit made now, dated this many minutes ahead (a clock that runs
    /// fast, a rebase with a forged date).
    Commit(String, i64),
    Draft(NaiveDate),
    Send(NaiveDate),
    MarkSent(NaiveDate),
    RefreshSent(NaiveDate),
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(hour, minute, 0).unwrap())
}

/// The events of one half-year, and how many commits they make.
struct Schedule {
    events: Vec<(DateTime<Utc>, Event)>,
    commits: usize,
}

impl Schedule {
    /// A commit made at `t`, dated `ahead` minutes later.
    fn commit(&mut self, t: DateTime<Utc>, ahead: i64) {
        self.commits += 1;
        let subject = format!("work {:03}", self.commits);
        self.events.push((t, Event::Commit(subject, ahead)));
    }
}

/// 13 updates two weeks apart, commits every day or two at random hours,
/// plus some placed where a wrong period rule would drop or repeat them.
fn schedule(seed: u64) -> Schedule {
    let mut rng = Rng(seed);
    let start = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
    let mut s = Schedule {
        events: Vec::new(),
        commits: 0,
    };
    for day in 0..(14 * 13 + 3) {
        let d = start + Duration::days(day);
        for _ in 0..rng.below(3) {
            s.commit(at(d, rng.below(24) as u32, rng.below(60) as u32), 0);
        }
    }
    for k in 1..=12 {
        let date = start + Duration::days(14 * k);
        // Right after a morning draft, late on the date, just after midnight.
        s.commit(at(date, 10, 30), 0);
        s.commit(at(date, 23, 50), 0);
        s.commit(at(date + Duration::days(1), 0, 10), 0);
        let draft_day = date + Duration::days(rng.below(3) as i64 - 1);
        let drafted = at(draft_day, 9 + rng.below(8) as u32, 0);
        // Made before the draft, dated after it by a clock running fast.
        s.commit(drafted - Duration::minutes(30), 90);
        s.events.push((drafted, Event::Draft(date)));
        let mut last_draft = drafted;
        if rng.below(3) == 0 {
            last_draft = drafted + Duration::hours(2 + rng.below(30) as i64);
            s.events.push((last_draft, Event::Draft(date)));
        }
        let delay = match rng.below(6) {
            0 => None, // never sent
            1 => Some(Duration::minutes(5)),
            2 => Some(Duration::days(1)),
            3 => Some(Duration::days(7)),
            4 => Some(Duration::hours(3)),
            _ => Some(Duration::days(2)),
        };
        if let Some(delay) = delay {
            let sent_at = last_draft + delay;
            let how = if rng.below(2) == 0 {
                Event::Send(date)
            } else {
                Event::MarkSent(date)
            };
            s.events.push((sent_at, how));
            s.events
                .push((sent_at + Duration::hours(1), Event::RefreshSent(date)));
        }
    }
    // The last update, after every commit, sent.
    let last = start + Duration::days(14 * 13 + 4);
    s.events.push((at(last, 12, 0), Event::Draft(last)));
    s.events.push((at(last, 13, 0), Event::MarkSent(last)));
    s.events.sort_by_key(|(t, _)| *t);
    s
}

/// Writes a sentence after every prompt that has none, as a person does
/// before sending.
fn write_every_prompt(doc: &std::path::Path) {
    let text = fs::read_to_string(doc).unwrap();
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        out.push_str(l);
        out.push('\n');
        let filled = lines
            .peek()
            .is_some_and(|n| !n.trim().is_empty() && !n.starts_with('#') && !n.starts_with("<!--"));
        if l.starts_with("<!-- icu:write") && !filled {
            out.push_str("Written by hand.\n");
        }
    }
    fs::write(doc, out).unwrap();
}

/// Runs the half-year for `seed` and returns, for each commit subject, the
/// sent updates that list it.
fn live(seed: u64) -> (BTreeMap<String, Vec<String>>, usize) {
    let env = TestEnv::new();
    let repo = env.repo("search");
    // Three goals by path and "Other work"; the update names every commit,
    // however many one block lists.
    let goals = "[[goal]]\nid = \"a\"\ntitle = \"A\"\npaths = [\"a/**\"]\n\n\
                 [[goal]]\nid = \"b\"\ntitle = \"B\"\npaths = [\"b/**\"]\n\n\
                 [[goal]]\nid = \"c\"\ntitle = \"C\"\npaths = [\"c/**\"]\n";
    let cfg = env.config_for(&[&repo], goals);
    add_to_update(&cfg, "sendmail = \"sh -c 'cat >/dev/null'\"\n");
    let Schedule { events, commits } = schedule(seed);
    let run = |now: DateTime<Utc>, args: &[&str]| env.run_at(&cfg, &rfc(now), args);
    for (t, e) in &events {
        match e {
            Event::Commit(subject, ahead) => {
                let n: usize = subject[5..].parse().unwrap();
                let dir = ["a", "b", "c", "d"][n % 4];
                let file = format!("{dir}/{}.txt", subject.replace(' ', "_"));
                let dated = rfc(*t + Duration::minutes(*ahead));
                repo.commit(C::mine(&dated, subject, &file));
            }
            Event::Draft(d) => {
                let date = d.to_string();
                run(*t, &["draft", "--no-edit", "--date", &date]).success();
            }
            Event::Send(d) => {
                let file = env.updates().join(format!("{d}.md"));
                write_every_prompt(&file);
                let f = file.to_string_lossy().into_owned();
                run(*t, &["send", "--yes", &f]).success();
            }
            Event::MarkSent(d) => {
                let file = env.updates().join(format!("{d}.md"));
                let f = file.to_string_lossy().into_owned();
                run(*t, &["sent", &f]).success();
            }
            Event::RefreshSent(d) => {
                let file = env.updates().join(format!("{d}.md"));
                let before = fs::read_to_string(&file).unwrap();
                let date = d.to_string();
                run(*t, &["draft", "--no-edit", "--date", &date]).code(1);
                assert_eq!(fs::read_to_string(&file).unwrap(), before);
                // Sending or marking it again is refused as well.
                let f = file.to_string_lossy().into_owned();
                run(*t, &["sent", &f])
                    .code(1)
                    .stderr(predicates::str::contains("already sent"));
                write_every_prompt(&file);
                let before = fs::read_to_string(&file).unwrap();
                run(*t, &["send", "--yes", &f])
                    .code(1)
                    .stderr(predicates::str::contains("does not mail it twice"));
                assert_eq!(fs::read_to_string(&file).unwrap(), before);
            }
        }
    }
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in fs::read_dir(env.updates()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".md") || name.starts_with('.') {
            continue;
        }
        let text = fs::read_to_string(&p).unwrap();
        if !text.contains("status = \"sent\"") {
            continue;
        }
        for line in text.lines() {
            if let Some(i) = line.find("work ") {
                let subject = &line[i..i + 8];
                seen.entry(subject.to_string())
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    (seen, commits)
}

#[test]
fn every_commit_lands_in_exactly_one_sent_update_over_half_a_year() {
    for seed in [0x1CE_CAFE, 0x5EED_0003] {
        let (seen, commits) = live(seed);
        let mut missing = Vec::new();
        let mut twice = Vec::new();
        for n in 1..=commits {
            let subject = format!("work {n:03}");
            match seen.get(&subject).map(Vec::len) {
                None => missing.push(subject),
                Some(1) => {}
                Some(_) => twice.push((subject.clone(), seen[&subject].clone())),
            }
        }
        assert!(
            missing.is_empty() && twice.is_empty(),
            "seed {seed:#x}: {commits} commits; in no sent update: {missing:?}; in several: {twice:?}"
        );
    }
}
