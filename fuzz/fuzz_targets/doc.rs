//! Every function that reads an update document, on arbitrary text: none may
//! panic, and a refresh that succeeds must leave a document that still parses.
#![no_main]

use chrono::{DateTime, NaiveDate};
use icu::doc::{asks, check, export_md, frontmatter, markers, refresh};
use libfuzzer_sys::fuzz_target;

const FRESH: &str = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nstatus = \"draft\"\ngoals = [\"a\", \"other\"]\n+++\n# Update\n\n## Summary\n<!-- icu:write S -->\n\n## Goals\n\n### A — on track\n<!-- icu:write W -->\n\n<!-- icu:activity a -->\n- 1 commit in r, +1 −0\n  - x (abc1234)\n<!-- /icu:activity -->\n\n### B — on track\n<!-- icu:write W -->\n\n<!-- icu:activity b -->\n- No commits on this goal since 9 Nov.\n<!-- /icu:activity -->\n\n## Other work\n<!-- icu:activity other -->\n- No commits outside your goals since 9 Nov.\n<!-- /icu:activity -->\n\n## What I need help with\n<!-- icu:write H -->\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let _ = frontmatter::split(text);
    if let Ok(o) = markers::outline(text, 0) {
        let _ = o.blocks();
    }
    let _ = check::check(text);
    let _ = asks::asks(text, date);
    let _ = export_md::export_markdown(text);
    let _ = frontmatter::mark_sent(text, DateTime::parse_from_rfc3339("2026-11-24T17:00:00Z").unwrap());
    let _ = refresh::refresh(text, text);
    if let Ok(out) = refresh::refresh(text, FRESH) {
        assert!(check::check(&out).is_ok(), "a refreshed doc no longer parses");
        assert_eq!(refresh::refresh(&out, FRESH).as_deref(), Ok(out.as_str()), "refresh is not idempotent");
    }
});
