//! Asks.
use chrono::NaiveDate;

use super::DocError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub text: String,
    pub asked: NaiveDate,
    pub done: bool,
}

pub fn asks(_text: &str, _doc_date: NaiveDate) -> Result<Vec<Ask>, DocError> {
    todo!()
}
