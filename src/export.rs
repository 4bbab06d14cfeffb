//! Export: html, text, eml; sendmail.
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub date: DateTime<FixedOffset>,
    pub message_id: String,
}

pub fn parse_mailbox(_s: &str) -> Result<Mailbox, ExportError> {
    todo!()
}
pub fn message_id(_date: DateTime<FixedOffset>, _from_email: &str, _seed: &str) -> String {
    todo!()
}
pub fn to_html(_md: &str, _title: &str) -> String {
    todo!()
}
pub fn to_text(_md: &str) -> String {
    todo!()
}
pub fn to_eml(_env: &Envelope, _md: &str) -> Result<Vec<u8>, ExportError> {
    todo!()
}
pub fn sendmail(_cmd: &str, _message: &[u8], _timeout: Duration) -> Result<(), ExportError> {
    todo!()
}
pub fn open_with_default_app(_path: &Path) -> Result<(), ExportError> {
    todo!()
}
