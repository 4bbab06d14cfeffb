//! Property tests for the update document: whatever a person writes around
//! the generated blocks, a refresh changes nothing outside them; and no input
//! at all makes the document code panic.

use chrono::{DateTime, NaiveDate};
use proptest::prelude::*;

use icu::doc::frontmatter::{self, FrontMatter, Status};
use icu::doc::markers::{self, OTHER_KEY};
use icu::doc::render::{self, escape_markdown, RenderContext};
use icu::doc::{asks, check, export_md, refresh};
use icu::period::Period;

/// One goal as the config has it.
#[derive(Debug, Clone)]
struct G {
    id: String,
    title: String,
}

fn period() -> Period {
    Period {
        date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        since: DateTime::parse_from_rfc3339("2026-11-09T00:00:00Z").unwrap(),
        until: DateTime::parse_from_rfc3339("2026-11-24T00:00:00Z").unwrap(),
    }
}

/// Generated activity lines, as the renderer writes them.
fn activity(subjects: &[String]) -> String {
    if subjects.is_empty() {
        return "- No commits on this goal since 9 Nov.".into();
    }
    let mut s = format!("- {} commits in search, +12 −3", subjects.len());
    for (i, subj) in subjects.iter().enumerate() {
        s.push_str(&format!("\n  - {} (abc{i:04})", escape_markdown(subj)));
    }
    s
}

/// A complete rendered update (front matter + body), like `icu draft`'s.
fn render_doc(goals: &[G], acts: &[Vec<String>], other: &[String]) -> String {
    let p = period();
    let ctx = RenderContext {
        me: render::MeContext {
            name: "Ada".into(),
            emails: vec!["ada@example.com".into()],
        },
        date: "2026-11-23".into(),
        date_long: "23 Nov 2026".into(),
        period: render::PeriodContext::new(&p),
        goals: goals
            .iter()
            .zip(acts)
            .map(|(g, a)| render::GoalContext {
                id: g.id.clone(),
                title: g.title.clone(),
                status: "on-track".into(),
                status_label: "on track".into(),
                due: None,
                due_long: None,
                success: None,
                risk: None,
                activity: activity(a),
                commits: a.len(),
            })
            .collect(),
        other: render::OtherContext {
            activity: activity(other),
            commits: other.len(),
        },
        asks: vec![],
        repos: vec![],
    };
    let body = render::render_body(render::DEFAULT_TEMPLATE, &ctx).expect("render");
    let mut keys: Vec<String> = goals.iter().map(|g| g.id.clone()).collect();
    keys.push(OTHER_KEY.into());
    let fm = FrontMatter {
        date: p.date,
        since: p.since,
        until: p.until,
        status: Status::Draft,
        sent: None,
        goals: keys,
    };
    format!("{}{}", frontmatter::render(&fm), body)
}

/// The body with every generated block emptied.
fn blanked(text: &str) -> String {
    let (_, _, body) = frontmatter::split(text).expect("front matter");
    let o = markers::outline(text, body).expect("outline");
    let mut s = text.to_string();
    for b in o.blocks().expect("blocks").iter().rev() {
        s.replace_range(b.content(), "");
    }
    s[body..].to_string()
}

fn block_contents(text: &str) -> Vec<(String, String)> {
    let (_, _, body) = frontmatter::split(text).unwrap();
    let o = markers::outline(text, body).unwrap();
    o.blocks()
        .unwrap()
        .into_iter()
        .map(|b| (b.key.clone(), text[b.content()].to_string()))
        .collect()
}

/// Prose a person writes: one chunk, always followed by a blank line so that
/// it cannot swallow a marker into an HTML block of its own.
fn prose() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\\r\\n<`~]{1,40}",
        "[^\\r\\n<`~]{1,20}".prop_map(|s| format!("- {s}")),
        "[^\\r\\n<`~#]{1,20}".prop_map(|s| format!("#### {s}")),
        "[^\\r\\n<`~-]{1,20}".prop_map(|s| format!("<!-- {s} -->")),
        Just("```\n<!-- icu:activity fake -->\n<!-- /icu:activity -->\n```".to_string()),
        Just("see <!-- icu:activity inline --> in a sentence".to_string()),
        Just("> <!-- icu:activity quoted -->".to_string()),
        Just("Ünïcødé — 日本語のテキスト, émoji 🚀".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |".to_string()),
    ]
}

fn goals() -> impl Strategy<Value = Vec<G>> {
    prop::collection::btree_set("[a-z][a-z0-9-]{0,8}", 0..4).prop_flat_map(|ids| {
        let ids: Vec<String> = ids.into_iter().filter(|i| i != OTHER_KEY).collect();
        let n = ids.len();
        prop::collection::vec(".{1,30}", n).prop_map(move |titles| {
            ids.iter()
                .zip(titles)
                .map(|(id, t)| G {
                    id: id.clone(),
                    title: t.replace(['\r', '\n'], " "),
                })
                .collect()
        })
    })
}

fn subjects() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(".{0,40}", 0..4)
}

/// Inserts `chunks` at line boundaries outside the generated blocks.
fn edit(doc: &str, chunks: &[(prop::sample::Index, String)], eol: &str) -> String {
    let (_, _, body) = frontmatter::split(doc).unwrap();
    let o = markers::outline(doc, body).unwrap();
    let blocks = o.blocks().unwrap();
    let first = o.lines.line_of(body);
    // Line n may get text before it unless it lies inside a block (after
    // the opening marker, up to and including the closing one).
    let allowed: Vec<usize> = (first..=o.lines.len() + 1)
        .filter(|n| {
            !blocks
                .iter()
                .any(|b| *n > b.open.line && *n <= b.close.line)
        })
        .collect();
    let mut inserts: Vec<(usize, String)> = chunks
        .iter()
        .map(|(i, s)| {
            let n = allowed[i.index(allowed.len())];
            let at = if n > o.lines.len() {
                doc.len()
            } else {
                o.lines.span(n).start
            };
            let text = format!("{s}\n\n").replace('\n', eol);
            (at, text)
        })
        .collect();
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut s = doc.to_string();
    if !s.ends_with('\n') {
        s.push_str(eol);
    }
    for (at, t) in inserts {
        s.insert_str(at.min(s.len()), &t);
    }
    s
}

/// Removes the whole section of the goal at `idx` (heading to next heading).
fn delete_section(doc: &str, id: &str) -> String {
    let (_, _, body) = frontmatter::split(doc).unwrap();
    let o = markers::outline(doc, body).unwrap();
    let b = o
        .blocks()
        .unwrap()
        .into_iter()
        .find(|b| b.key == id)
        .unwrap();
    let h = o.section_of(b.open.line).unwrap();
    let start = o.lines.span(h.line).start;
    let end = o
        .next_heading_after(b.close.line, h.level)
        .map_or(doc.len(), |n| o.lines.span(n.line).start);
    format!("{}{}", &doc[..start], &doc[end..])
}

fn lcp(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn lcs(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn refresh_changes_nothing_outside_the_blocks(
        gs in goals(),
        old_acts in prop::collection::vec(subjects(), 4),
        new_acts in prop::collection::vec(subjects(), 5),
        other_old in subjects(),
        other_new in subjects(),
        chunks in prop::collection::vec((any::<prop::sample::Index>(), prose()), 0..6),
        crlf in any::<bool>(),
        delete in prop::option::of(any::<prop::sample::Index>()),
        add_goal in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut doc = render_doc(&gs, &old_acts, &other_old);
        if crlf {
            doc = doc.replace('\n', "\r\n");
        }
        let mut deleted = None;
        if let Some(i) = delete.filter(|_| !gs.is_empty()) {
            let id = gs[i.index(gs.len())].id.clone();
            doc = delete_section(&doc, &id);
            deleted = Some(id);
        }
        let edited = edit(&doc, &chunks, eol);

        let mut new_goals = gs.clone();
        if add_goal {
            new_goals.push(G { id: "zz-new-goal".into(), title: "A new goal".into() });
        }
        let fresh = render_doc(&new_goals, &new_acts, &other_new);
        let out = refresh::refresh(&edited, &fresh).expect("refresh succeeds");

        // Nothing outside the blocks changed, except one inserted section.
        let (a, b) = (blanked(&out), blanked(&edited));
        if add_goal {
            prop_assert!(lcp(&a, &b) + lcs(&a, &b) >= b.len(), "outside the blocks changed:\n{a}\n---\n{b}");
            prop_assert!(out.contains("<!-- icu:activity zz-new-goal -->"));
        } else {
            prop_assert_eq!(&a, &b);
        }
        // Every block holds the fresh content.
        let fresh_blocks = block_contents(&fresh);
        for (key, content) in block_contents(&out) {
            let want = fresh_blocks.iter().find(|(k, _)| *k == key).map(|(_, c)| c.replace('\n', eol));
            if let Some(want) = want {
                prop_assert_eq!(content, want);
            }
        }
        if let Some(id) = &deleted {
            let marker = format!("<!-- icu:activity {id} -->");
            prop_assert!(!out.contains(&marker), "a deleted section came back");
        }
        if crlf {
            prop_assert!(!out.replace("\r\n", "").contains('\n'), "a lone LF in a CRLF doc");
        }
        prop_assert_eq!(refresh::refresh(&out, &fresh).expect("again"), out.clone(), "refresh is idempotent");
    }

    #[test]
    fn no_input_makes_the_document_code_panic(s in "(\\PC|\\r|\\n|\\+\\+\\+\\n|<!-- icu:activity [a-z]+ -->\\n|<!-- /icu:activity -->\\n|```\\n|date = 2026-11-23\\n)*") {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let _ = frontmatter::split(&s);
        let _ = markers::outline(&s, 0).map(|o| o.blocks());
        let _ = check::check(&s);
        let _ = asks::asks(&s, date);
        let _ = export_md::export_markdown(&s);
        let _ = refresh::refresh(&s, &s);
        let _ = frontmatter::mark_sent(&s, DateTime::parse_from_rfc3339("2026-11-24T00:00:00Z").unwrap());
        let fresh = render_doc(&[], &[], &[]);
        if let Ok(out) = refresh::refresh(&s, &fresh) {
            // Whatever was refreshed is still a valid document.
            prop_assert!(check::check(&out).is_ok());
        }
    }

    #[test]
    fn documents_with_front_matter_never_panic(body in "(\\PC|\\r\\n|\\n|<!-- icu:write x -->\\n|<!-- icu:activity a -->\\n|<!-- /icu:activity -->\\n|## What I need help with\\n|- \\[ \\] ask \\(asked 9 Nov\\)\\n)*") {
        let s = format!("{}{body}", frontmatter::render(&FrontMatter {
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            since: period().since,
            until: period().until,
            status: Status::Draft,
            sent: None,
            goals: vec!["a".into()],
        }));
        let _ = check::check(&s);
        let _ = asks::asks(&s, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let _ = export_md::export_markdown(&s);
        let fresh = render_doc(&[G { id: "a".into(), title: "A".into() }], &[vec!["x".into()]], &[]);
        let _ = refresh::refresh(&s, &fresh);
    }
}
