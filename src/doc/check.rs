//! Check.
use serde::Serialize;

use super::DocError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: usize,
    pub section: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub problems: Vec<Problem>,
    pub open_asks: usize,
}

impl CheckReport {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

pub fn check(_text: &str) -> Result<CheckReport, DocError> {
    todo!()
}
