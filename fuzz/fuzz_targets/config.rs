//! The config loader on arbitrary text: errors are fine, panics are not.
#![no_main]

use icu::config::{parse, Env};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut env = Env::default();
    env.home = Some("/home/ada".into());
    env.vars.insert("SRC".into(), "/src".into());
    if let Err(e) = parse(text, std::path::Path::new("/cfg/icu.toml"), &env) {
        // Every diagnostic renders and names the file.
        assert!(e.to_string().contains("/cfg/icu.toml"));
    }
});
