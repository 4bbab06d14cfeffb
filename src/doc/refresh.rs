//! Refresh.
use super::DocError;
pub fn refresh(_old: &str, _fresh: &str) -> Result<String, DocError> {
    todo!()
}
