//! A commit's text as git shows it: a commit whose `encoding` header names
//! another encoding than UTF-8 (`git -c i18n.commitEncoding=ISO-8859-1
//! commit`) has its message, and its author's and committer's names and
//! addresses, decoded from it, as `git log` decodes the whole commit with
//! iconv before it shows any of it. A commit without the header, or naming
//! UTF-8, is read as UTF-8.
//!
//! The decoders are the Encoding Standard's (`encoding_rs`), which differ
//! from iconv's (glibc's, which git uses) in a few bytes, made git's here:
//!
//! - ISO-8859-1 (`latin1`, `l1`, …) is windows-1252 to the Encoding
//!   Standard; iconv reads it as itself, each byte the character of its
//!   number. The bytes that differ are 0x80–0x9F: iconv's C1 controls
//!   (U+0080–U+009F), windows-1252's `€`, `‚`, `ƒ`, … So these labels are
//!   read as true Latin-1, as git reads them. The same holds for ISO-8859-9
//!   (windows-1254 to the standard) and ISO-8859-11 (windows-874).
//! - US-ASCII is windows-1252 too; iconv refuses a byte above 0x7F.
//! - TIS-620 is windows-874; iconv refuses 0x80–0xA0.
//! - In the windows-125x and windows-874 encodings, iconv leaves the bytes
//!   undefined that the standard maps to C1 controls (windows-1252's 0x81,
//!   0x8D, 0x8F, 0x90, 0x9D), and windows-1255's 0xCA (U+05BA to the
//!   standard).
//!
//! A commit whose text does not decode — a byte its encoding leaves
//! undefined, a label neither iconv nor the standard knows — is shown by
//! git as it is, undecoded, every part of it: so here too, its bytes read
//! as UTF-8, those that are not shown as U+FFFD (what a UTF-8 terminal
//! shows for them). Left as they are: the standard's multi-byte decoders
//! (Shift_JIS, EUC-KR, GBK, Big5, …) accept some byte sequences that
//! iconv's refuse, and a label only iconv knows (`CP437`) reads undecoded.
//! All of this was checked against git 2.47 with glibc's iconv.

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1254, WINDOWS_1255, WINDOWS_874};
use git2::{Commit as GitCommit, Mailmap};

/// How a commit's bytes are read.
#[derive(Clone, Copy)]
pub(super) enum Decoder {
    /// As UTF-8 (invalid bytes as U+FFFD).
    Utf8,
    /// An ISO-8859 charset whose bytes 0x80–0x9F are C1 controls and whose
    /// others are those of a windows encoding.
    Iso(&'static Encoding),
    /// A windows encoding: a byte it maps to a C1 control is undefined.
    Windows(&'static Encoding),
    /// TIS-620: windows-874 without 0x80–0xA0.
    Tis620,
    /// Any other encoding of the Encoding Standard.
    Other(&'static Encoding),
}

impl Decoder {
    /// How git reads commit `c`: by its `encoding` header, if it names an
    /// encoding other than UTF-8 in which all of the commit decodes;
    /// otherwise as UTF-8.
    pub(super) fn of(c: &GitCommit<'_>) -> Decoder {
        let Ok(Some(label)) = c.message_encoding() else {
            return Decoder::Utf8;
        };
        let d = Decoder::for_label(label);
        if matches!(d, Decoder::Utf8)
            || d.decode(c.raw_header_bytes()).is_none()
            || d.decode(c.message_bytes()).is_none()
        {
            return Decoder::Utf8;
        }
        d
    }

    /// The decoder for an `encoding` header's label.
    fn for_label(label: &str) -> Decoder {
        let lower = label.trim().to_ascii_lowercase();
        let Some(enc) = Encoding::for_label(lower.as_bytes()) else {
            return Decoder::Utf8;
        };
        let is = |labels: &[&str]| labels.contains(&lower.as_str());
        if enc == encoding_rs::UTF_8
            || enc == encoding_rs::REPLACEMENT
            || enc == encoding_rs::X_USER_DEFINED
        {
            // UTF-8, or what iconv does not decode as the standard does.
            return Decoder::Utf8;
        }
        if enc == WINDOWS_1252 {
            if is(&["ansi_x3.4-1968", "ascii", "us-ascii"]) {
                // ASCII: any other byte is undefined, so the commit reads
                // as it is, which is what ASCII decodes to.
                return Decoder::Utf8;
            }
            if !is(&["cp1252", "windows-1252", "x-cp1252"]) {
                return Decoder::Iso(enc);
            }
        }
        if enc == WINDOWS_1254 && !is(&["cp1254", "windows-1254", "x-cp1254"]) {
            return Decoder::Iso(enc);
        }
        if enc == WINDOWS_874 {
            return match lower.as_str() {
                "tis-620" => Decoder::Tis620,
                "windows-874" | "dos-874" => Decoder::Windows(enc),
                _ => Decoder::Iso(enc),
            };
        }
        if enc.name().starts_with("windows-") {
            return Decoder::Windows(enc);
        }
        Decoder::Other(enc)
    }

    /// `bytes` decoded; `None` when they do not decode.
    fn decode<'b>(self, bytes: &'b [u8]) -> Option<Cow<'b, str>> {
        let whole = |enc: &'static Encoding, bytes: &'b [u8]| {
            enc.decode_without_bom_handling_and_without_replacement(bytes)
        };
        match self {
            Decoder::Utf8 => Some(String::from_utf8_lossy(bytes)),
            Decoder::Iso(enc) => {
                let mut out = String::with_capacity(bytes.len());
                for run in bytes.split_inclusive(|b| (0x80..=0x9F).contains(b)) {
                    match run.split_last() {
                        Some((&b, head)) if (0x80..=0x9F).contains(&b) => {
                            out.push_str(&whole(enc, head)?);
                            out.push(char::from(b));
                        }
                        _ => out.push_str(&whole(enc, run)?),
                    }
                }
                Some(Cow::Owned(out))
            }
            Decoder::Windows(enc) => {
                let text = whole(enc, bytes)?;
                let undefined = text.chars().any(|ch| ('\u{80}'..='\u{9F}').contains(&ch))
                    || (enc == WINDOWS_1255 && text.contains('\u{5BA}'));
                (!undefined).then_some(text)
            }
            Decoder::Tis620 => {
                if bytes.iter().any(|b| (0x80..=0xA0).contains(b)) {
                    return None;
                }
                whole(WINDOWS_874, bytes)
            }
            Decoder::Other(enc) => whole(enc, bytes),
        }
    }

    /// `bytes` (a part of a commit [`Decoder::of`] chose this for) as text.
    pub(super) fn text(self, bytes: &[u8]) -> String {
        self.decode(bytes)
            .unwrap_or_else(|| String::from_utf8_lossy(bytes))
            .into_owned()
    }

    /// Whether the commit is read as UTF-8.
    pub(super) fn is_utf8(self) -> bool {
        matches!(self, Decoder::Utf8)
    }
}

/// The message of commit `c` as git shows it (borrowed when it is UTF-8,
/// as nearly every message is).
pub(super) fn message<'c>(c: &'c GitCommit<'_>) -> Cow<'c, str> {
    let d = Decoder::of(c);
    d.decode(c.message_bytes())
        .unwrap_or_else(|| String::from_utf8_lossy(c.message_bytes()))
}

/// A name and an address, as git shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Person {
    pub(super) name: String,
    pub(super) email: String,
}

/// The author (`committer` false) or committer of `c` as git shows them:
/// decoded, then mapped by `.mailmap` (git maps the decoded names, so a
/// `.mailmap` entry written in UTF-8 matches a name written in Latin-1).
pub(super) fn person(c: &GitCommit<'_>, committer: bool, mailmap: Option<&Mailmap>) -> Person {
    let d = Decoder::of(c);
    let raw = if committer { c.committer() } else { c.author() };
    let decoded = Person {
        name: d.text(raw.name_bytes()),
        email: d.text(raw.email_bytes()),
    };
    let Some(m) = mailmap else {
        return decoded;
    };
    let mapped = if d.is_utf8() {
        if committer {
            c.committer_with_mailmap(m)
        } else {
            c.author_with_mailmap(m)
        }
    } else {
        git2::Signature::new(&decoded.name, &decoded.email, &raw.when())
            .and_then(|sig| m.resolve_signature(&sig))
    };
    // Mapped from the decoded name, or from UTF-8 bytes: UTF-8 either way.
    match mapped {
        Ok(s) => Person {
            name: String::from_utf8_lossy(s.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(s.email_bytes()).into_owned(),
        },
        Err(_) => decoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(label: &str, bytes: &[u8]) -> Option<String> {
        Decoder::for_label(label).decode(bytes).map(Cow::into_owned)
    }

    #[test]
    fn latin1_is_latin1_not_windows_1252() {
        let all: Vec<u8> = (0x20..=0xFF).collect();
        let want: String = all.iter().map(|&b| char::from(b)).collect();
        for label in ["ISO-8859-1", "latin1", "L1", " iso8859-1 ", "CP819"] {
            assert_eq!(read(label, &all).as_deref(), Some(want.as_str()), "{label}");
        }
        assert_eq!(read("ISO-8859-1", b"Caf\xe9").as_deref(), Some("Café"));
        // windows-1252 itself: the euro sign, and 0x81 undefined.
        assert_eq!(read("windows-1252", b"\x80").as_deref(), Some("€"));
        assert_eq!(read("cp1252", b"a\x81"), None);
    }

    #[test]
    fn the_bytes_iconv_refuses_are_refused() {
        assert_eq!(read("US-ASCII", b"caf\xe9").as_deref(), Some("caf\u{FFFD}"));
        assert_eq!(read("ISO-8859-9", b"\xd0\x80").as_deref(), Some("Ğ\u{80}"));
        assert_eq!(read("windows-1254", b"\x80").as_deref(), Some("€"));
        assert_eq!(read("windows-1254", b"\x8e"), None);
        assert_eq!(read("windows-1255", b"\xca"), None);
        assert_eq!(read("TIS-620", b"\xa1"), read("windows-874", b"\xa1"));
        assert_eq!(read("TIS-620", b"\x80"), None);
        assert_eq!(read("ISO-8859-11", b"\x80").as_deref(), Some("\u{80}"));
        assert_eq!(read("ISO-8859-3", b"\xa5"), None);
        assert_eq!(read("KOI8-R", b"\xc1").as_deref(), Some("а"));
        assert_eq!(read("Shift_JIS", b"\x82\xa0").as_deref(), Some("あ"));
        // Labels iconv knows and the standard does not read as they are.
        assert_eq!(read("CP437", b"\x80").as_deref(), Some("\u{FFFD}"));
        assert_eq!(read("utf8", b"\xc3\xa9").as_deref(), Some("é"));
    }
}
