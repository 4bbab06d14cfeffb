//! Finding icu's HTML-comment markers with a real Markdown parse.
pub const OTHER_KEY: &str = "other";
