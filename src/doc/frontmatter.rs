//! TOML front matter between `+++` lines.
use std::ops::Range;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::DocError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Sent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub date: NaiveDate,
    pub since: DateTime<FixedOffset>,
    pub until: DateTime<FixedOffset>,
    pub status: Status,
    pub sent: Option<DateTime<FixedOffset>>,
    pub goals: Vec<String>,
}

pub fn split(_text: &str) -> Result<(FrontMatter, Range<usize>, usize), DocError> {
    todo!()
}
pub fn render(_fm: &FrontMatter) -> String {
    todo!()
}
pub fn mark_sent(_text: &str, _when: DateTime<FixedOffset>) -> Result<String, DocError> {
    todo!()
}
