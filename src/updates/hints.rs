//! Ownership hints for `icu goals` and `icu check`: the update rests on what
//! each goal makes you answerable for — what could fail that would cost you
//! (`risk`), what could go well that you should get credit for (`success`).
//! A goal without them, a config without goals, and a goal that had neither
//! commits nor a word of yours in two updates running are pointed out.
//! Hints only: they never make a command fail or an update unready.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::config::Goal;
use crate::doc::sections::{self, GoalSection, UpdateParts};
use crate::updates::store;

/// The `n` newest updates dated on or before `upto` that can be read, newest
/// first. An update that cannot be read is passed over: the hints are about
/// goals, and the command that reads the update says what is wrong with it.
pub fn recent(dir: &Path, upto: NaiveDate, n: usize) -> Vec<UpdateParts> {
    let Ok(list) = store::list(dir) else {
        return Vec::new();
    };
    list.into_iter()
        .rev()
        .filter(|(d, _)| *d <= upto)
        .filter_map(|(_, p)| store::read(&p).ok())
        .filter_map(|t| sections::read(&t).ok())
        .take(n)
        .collect()
}

/// The hints for the active goals of a config, given the newest updates
/// (newest first; the last two are looked at).
pub fn ownership(goals: &[Goal], recent: &[UpdateParts]) -> Vec<String> {
    if goals.is_empty() {
        return vec![
            "no goal in your config: an update shows what you own. Add a [[goal]] with `success` and `risk` (`icu init` writes an example)".into(),
        ];
    }
    // Each update's goals by id, looked up once per goal: linear in the
    // goals, where a search of the update per goal was quadratic.
    let by_id: Vec<HashMap<&str, &GoalSection>> = recent
        .iter()
        .take(2)
        .map(|u| u.goals.iter().rev().map(|s| (s.id.as_str(), s)).collect())
        .collect();
    let mut out = Vec::new();
    for g in goals.iter().filter(|g| g.status.is_active()) {
        match (&g.success, &g.risk) {
            (None, None) => out.push(format!(
                "goal `{}` has no `success` and no `risk`: what could go well that you should get credit for, and what could fail that would cost you?",
                g.id
            )),
            (None, Some(_)) => out.push(format!(
                "goal `{}` has no `success`: what could go well that you should get credit for?",
                g.id
            )),
            (Some(_), None) => out.push(format!(
                "goal `{}` has no `risk`: what could fail that would cost you?",
                g.id
            )),
            (Some(_), Some(_)) => {}
        }
        if let ([newer, older, ..], [newer_goals, older_goals]) = (recent, by_id.as_slice()) {
            if idle(newer_goals, &g.id) && idle(older_goals, &g.id) {
                out.push(format!(
                    "goal `{}` had no commits and none of your words in the updates of {} and {}: still yours? Say why it is quiet, or set its status to paused or done",
                    g.id, older.front.date, newer.front.date
                ));
            }
        }
    }
    out
}

/// The goal is in the update (its goals by id) with no commits listed and
/// no words written.
fn idle(goals: &HashMap<&str, &GoalSection>, id: &str) -> bool {
    goals
        .get(id)
        .is_some_and(|s| s.totals.commits == 0 && s.prose.is_none())
}
