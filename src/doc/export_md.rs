//! The Markdown an export starts from: the update without its front matter,
//! without icu's markers and unfilled prompts.

use super::markers::{self, Kind};
use super::{frontmatter, DocError};

/// The finished update as plain Markdown: front matter and every `icu:`
/// marker line dropped (text written after a prompt on its line is kept),
/// runs of blank lines left behind collapsed to one, `\n` line endings.
///
/// A marker line becomes a blank line rather than nothing: a marker ends the
/// Markdown block before it, so prose right after a block's end must not
/// become a continuation of the block's last bullet.
pub fn export_markdown(text: &str) -> Result<String, DocError> {
    let (fm, _, body) = frontmatter::split(text)?;
    let outline = markers::outline(text, body)?;
    outline.check_hidden(&fm.listed_keys())?;
    outline.blocks()?;
    let first = outline.lines.line_of(body);
    let mut out: Vec<&str> = Vec::new();
    let mut m = outline.markers.iter().peekable();
    for n in first..=outline.lines.len() {
        if body >= text.len() {
            break;
        }
        let line = outline.lines.text(text, n);
        match m.peek() {
            Some(marker) if marker.line == n => {
                out.push("");
                if let Kind::Write { after, .. } = &marker.kind {
                    if !after.is_empty() {
                        out.push(after);
                        out.push("");
                    }
                }
                m.next();
            }
            _ => out.push(line),
        }
    }
    let mut md = String::new();
    let mut blank = true;
    for line in out {
        let is_blank = line.trim().is_empty();
        if is_blank && blank {
            continue;
        }
        md.push_str(if is_blank { "" } else { line });
        md.push('\n');
        blank = is_blank;
    }
    while md.ends_with("\n\n") {
        md.pop();
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_front_matter_and_markers() {
        let text = "+++\r\ndate = 2026-11-23\r\nsince = 2026-11-09T00:00:00Z\r\nuntil = 2026-11-24T00:00:00Z\r\n+++\r\n# U\r\n\r\n## Summary\r\n<!-- icu:write S -->\r\nDone.\r\n\r\n### A\r\n<!-- icu:write W -->\r\n\r\n<!-- icu:activity a -->\r\n- 1 commit in r\r\n<!-- /icu:activity -->\r\n\r\n## Help\r\n<!-- icu:write H --> Nothing needed.\r\n";
        assert_eq!(
            export_markdown(text).unwrap(),
            "# U\n\n## Summary\n\nDone.\n\n### A\n\n- 1 commit in r\n\n## Help\n\nNothing needed.\n"
        );
    }
}
