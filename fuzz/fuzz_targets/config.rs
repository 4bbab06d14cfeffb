//! The config loader on arbitrary text: errors are fine, panics are not; an
//! error names the file, and a config that loads keeps the schema's promises.
#![no_main]

use std::collections::HashSet;
use std::path::Path;

use icu::testing::config::{parse, Env};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut env = Env::default();
    env.home = Some("/home/ada".into());
    env.vars.insert("SRC".into(), "/src".into());
    match parse(&text, Path::new("/cfg/icu.toml"), &env) {
        Err(e) => {
            // Every diagnostic renders and names the file.
            assert!(e.to_string().contains("/cfg/icu.toml"));
        }
        Ok(cfg) => {
            let mut ids = HashSet::new();
            for g in &cfg.goals {
                assert!(
                    !g.id.is_empty()
                        && g.id
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "goal id {:?} is not [a-z0-9-]+",
                    g.id
                );
                assert!(ids.insert(g.id.as_str()), "duplicate goal id {:?}", g.id);
                assert_ne!(
                    g.id,
                    icu::testing::doc::markers::OTHER_KEY,
                    "the reserved id `other`"
                );
                assert!(!g.title.chars().any(char::is_control));
                for r in g.repos.iter().flatten() {
                    // Either a [[repo]] has that name, or a repo glob that
                    // finds nothing on this machine might name it on another:
                    // then a warning says so.
                    let warned = format!("goal `{}` names repo `{r}`, which `", g.id);
                    assert!(
                        cfg.repos.iter().any(|spec| &spec.name == r)
                            || cfg.warnings.iter().any(|w| w.starts_with(&warned)),
                        "goal {} names repo {r:?} that no [[repo]] defines, without a warning",
                        g.id
                    );
                }
            }
            for h in cfg.update.to.iter().chain(&cfg.update.cc) {
                assert!(
                    !h.chars().any(char::is_control),
                    "a header address has a control character: {h:?}"
                );
            }
            assert!(!cfg.me.name.chars().any(char::is_control));
        }
    }
});
