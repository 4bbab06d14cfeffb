//! The update the mail tests export (`mail_html`, `mail_text`): drafted
//! with a repository `url`, so its commit and PR are links, and finished by
//! hand with the things a person writes — a long paragraph with a link,
//! short lines of their own, a table, a quote, code and asks.

use std::process::Command as StdCommand;

use super::{Drafted, DraftedWorld};

/// The one commit's subject: longer than a line of the text part.
pub const SUBJECT: &str =
    "Make the query planner reuse cached plans across tenants when the schema version matches (#12)";

/// What the person wrote after every prompt.
pub const PROSE: &str = "The query-plan cache is *live* behind the `plan_cache` flag; p99 is down to 240 ms from 410 ms on the [prod dashboard](https://dashboards.example.com/search/latency?range=14d&tenant=all), measured over seven days.

Short line one.
Short line two.

| Metric | Before | After |
|---|---:|---:|
| p50 | 80 ms | 60 ms |
| p99 | 410 ms | 240 ms |

> From the review: keep the planner change behind a flag until the load test is green.

```
cargo bench --bench plan
```

- [ ] Access to prod traces, see https://example.com/traces
- [x] Budget for the load-test cluster";

/// Today's update of the mail world, every prompt answered with [`PROSE`],
/// and the full id of its one commit.
pub fn mail_world() -> (Drafted, String) {
    let w = DraftedWorld {
        subject: SUBJECT,
        after: "url = \"https://github.com/acme/search\"\n",
        ..DraftedWorld::default()
    }
    .draft();
    w.answer_every_prompt(PROSE);
    let out = StdCommand::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(w.env.path().join("search"))
        .output()
        .expect("git rev-parse");
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(id.len(), 40, "{id}");
    (w, id)
}
