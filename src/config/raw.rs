//! Phase one of loading a config: the serde structs for the TOML as written.
//!
//! Values keep their spans so that `validate` can point at the one that is
//! wrong. `deny_unknown_fields` everywhere: a misspelt key is an error (with a
//! did-you-mean from `diagnostic`) rather than silently ignored.

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) me: Option<RawMe>,
    pub(super) update: Option<RawUpdate>,
    #[serde(default)]
    pub(super) repo: Vec<RawRepo>,
    #[serde(default)]
    pub(super) goal: Vec<RawGoal>,
    #[serde(default)]
    pub(super) link: Vec<RawLink>,
    #[serde(default)]
    pub(super) skip: Vec<Spanned<RawSkip>>,
    pub(super) credit: Option<RawCredit>,
    #[serde(default)]
    pub(super) source: Vec<Spanned<RawSource>>,
}

/// `[credit]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCredit {
    pub(super) enabled: Option<bool>,
    pub(super) trailers: Option<Vec<Spanned<String>>>,
}

/// `[me]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMe {
    pub(super) name: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) emails: Vec<Spanned<String>>,
}

/// `[update]`; `cadence_days` and `list_limit` are `i64` so that a negative
/// or huge number reaches validation and gets its own message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUpdate {
    pub(super) cadence_days: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) to: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) cc: Vec<Spanned<String>>,
    pub(super) subject: Option<Spanned<String>>,
    pub(super) dir: Option<Spanned<String>>,
    pub(super) template: Option<Spanned<String>>,
    pub(super) sendmail: Option<Spanned<String>>,
    // The sender and threading of the mail, and the program `--open` uses.
    pub(super) from: Option<Spanned<String>>,
    pub(super) envelope_from: Option<bool>,
    #[serde(default)]
    pub(super) reply_to: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) bcc: Vec<Spanned<String>>,
    pub(super) thread: Option<bool>,
    pub(super) mail_client: Option<Spanned<String>>,
    pub(super) mail_client_terminal: Option<bool>,
    pub(super) list_limit: Option<Spanned<i64>>,
    pub(super) lang: Option<Spanned<String>>,
}

/// One `[[repo]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRepo {
    pub(super) path: Spanned<String>,
    pub(super) name: Option<Spanned<String>>,
    pub(super) url: Option<Spanned<String>>,
    pub(super) forge: Option<Spanned<String>>,
    pub(super) remotes: Option<bool>,
}

/// One `[[goal]]`; `due` is any value so that a quoted date is accepted and
/// anything else gets a message about dates rather than about types.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGoal {
    pub(super) id: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) status: Option<Spanned<String>>,
    pub(super) due: Option<Spanned<toml::Value>>,
    pub(super) success: Option<String>,
    pub(super) risk: Option<String>,
    pub(super) repos: Option<Vec<Spanned<String>>>,
    pub(super) paths: Option<Vec<Spanned<String>>>,
    pub(super) branches: Option<Vec<Spanned<String>>>,
    pub(super) keywords: Option<Vec<Spanned<String>>>,
}

/// One `[[link]]`: ticket keys in commit subjects turned into links.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLink {
    pub(super) pattern: Spanned<String>,
    pub(super) href: Spanned<String>,
    pub(super) text: Option<Spanned<String>>,
}

/// One `[[skip]]`: commits kept out of the activity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSkip {
    pub(super) message: Option<Spanned<String>>,
    pub(super) author: Option<Spanned<String>>,
}

/// One `[[source]]`: a command whose JSON lines are work beyond commits.
/// `timeout` is `i64` so that 0 or a negative number reaches validation
/// and gets its own message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) name: Spanned<String>,
    pub(super) command: Spanned<String>,
    pub(super) timeout: Option<Spanned<i64>>,
    pub(super) goal: Option<Spanned<String>>,
    pub(super) repo: Option<Spanned<String>>,
}
