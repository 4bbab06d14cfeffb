//! Export markdown.
use super::DocError;
pub fn export_markdown(_text: &str) -> Result<String, DocError> {
    todo!()
}
