//! Mailboxes (`Name <a@b.c>`): parsed and checked once, by the same rules,
//! when the config is loaded and when a message is built.

/// A name and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

/// Why a string is not a mailbox icu can send to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not an address at all.
    #[error(
        "`{value}` is not an email address ({why}); fix it in your config ([me] emails, or [update] from, reply_to, to, cc or bcc)"
    )]
    Invalid {
        /// The text as written.
        value: String,
        /// What is wrong with it, in words.
        why: &'static str,
    },
    /// Several addresses in one string (`A <a@x>, B <b@y>`). Read as one
    /// mailbox it would become `"A <a@x>, B" <b@y>`, and A would never get the
    /// mail, so it is refused rather than guessed at.
    #[error(
        "`{value}` holds {} addresses; write one address per string in your config ([me] emails, or [update] reply_to, to, cc or bcc): [{}]",
        parts.len(),
        quoted(parts)
    )]
    Several {
        /// The text as written.
        value: String,
        /// The addresses in it, in order, each as written.
        parts: Vec<String>,
    },
}

impl AddressError {
    /// The text as written.
    pub fn value(&self) -> &str {
        match self {
            AddressError::Invalid { value, .. } | AddressError::Several { value, .. } => value,
        }
    }
}

/// `parts` as a list of double-quoted strings, `"a", "b"`.
fn quoted(parts: &[String]) -> String {
    let q: Vec<String> = parts.iter().map(|p| format!("{p:?}")).collect();
    q.join(", ")
}

/// Parses `a@b.c`, `Name <a@b.c>` or `"Last, First" <a@b.c>`.
///
/// A string that holds several addresses (`A <a@x>, B <b@y>`, `a@x; b@y`,
/// `A <a@x> B <b@y>`) is [`AddressError::Several`], never one mangled
/// mailbox. A name with a comma is one address: quoted (`"Hopper, Grace"
/// <g@x>`), or not, as long as only one part of the string is an address.
pub fn parse_mailbox(s: &str) -> Result<Mailbox, AddressError> {
    let bad = |why| AddressError::Invalid {
        value: s.to_string(),
        why,
    };
    if s.chars().any(char::is_control) {
        return Err(bad("it contains a line break or control character"));
    }
    let parts = split_addresses(s);
    if parts.len() > 1 {
        return Err(AddressError::Several {
            value: s.to_string(),
            parts,
        });
    }
    let s_trim = s.trim();
    let (name, email) = match (s_trim.rfind('<'), s_trim.ends_with('>')) {
        (Some(i), true) => {
            let name = s_trim[..i].trim().trim_matches('"').trim();
            let name = (!name.is_empty()).then(|| name.to_string());
            (name, s_trim[i + 1..s_trim.len() - 1].trim())
        }
        (None, false) => (None, s_trim),
        _ => return Err(bad("unbalanced < >")),
    };
    check_email(email).map_err(bad)?;
    Ok(Mailbox {
        name,
        email: email.to_string(),
    })
}

/// True for an address nobody reads: a forge's commit address such as
/// `123+ada@users.noreply.github.com` (GitHub), `…@users.noreply.gitlab.com`
/// or `…@noreply.codeberg.org`, or a `noreply@`, `no-reply@`,
/// `donotreply@`, `do-not-reply@` mailbox. It counts as me in commits, but a
/// manager's reply to it would be lost, so it is never the default From.
pub fn is_noreply(email: &str) -> bool {
    let email = email.to_ascii_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    const NOBODY: [&str; 4] = ["noreply", "no-reply", "donotreply", "do-not-reply"];
    NOBODY.contains(&local) || domain.split('.').any(|label| NOBODY.contains(&label))
}

/// Whether `id` is a Message-ID as icu writes one between `<` and `>`:
/// `left@right`, each side printable ASCII with no space and none of
/// `<>()[]\,;:"@`, at most 250 characters. Whatever else could end the
/// header or the id early is refused.
pub fn is_message_id(id: &str) -> bool {
    let Some((left, right)) = id.split_once('@') else {
        return false;
    };
    let part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_graphic() && !b"<>()[]\\,;:\"@".contains(&b))
    };
    id.len() <= 250 && part(left) && part(right)
}

/// Checks a bare address (the part between `<` and `>`), for a mailbox that
/// was built by hand rather than parsed.
pub fn check_mailbox(m: &Mailbox) -> Result<(), AddressError> {
    check_email(&m.email).map_err(|why| AddressError::Invalid {
        value: m.email.clone(),
        why,
    })
}

/// The mailboxes `s` is a list of, each trimmed, as written: split at commas
/// and semicolons outside double quotes and `<…>`, and after each `<…>`.
/// A piece without an `@` is part of a name (`Hopper, Grace <g@x>`), so it
/// goes with the next piece (or, at the end, the one before). One element
/// (or none) when `s` is at most one address.
fn split_addresses(s: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped, mut angle) = (false, false, 0usize);
    for c in s.chars() {
        if quoted {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            ',' | ';' if angle == 0 => pieces.push(std::mem::take(&mut cur)),
            '>' if angle == 1 => {
                cur.push(c);
                angle = 0;
                pieces.push(std::mem::take(&mut cur));
            }
            _ => {
                match c {
                    '"' => quoted = true,
                    '<' => angle += 1,
                    '>' => angle = angle.saturating_sub(1),
                    _ => {}
                }
                cur.push(c);
            }
        }
    }
    pieces.push(cur);
    // A piece closed by `>` and a separator after it leave empty pieces.
    let pieces = pieces.iter().map(|p| p.trim()).filter(|p| !p.is_empty());
    let mut out: Vec<String> = Vec::new();
    let mut name = String::new();
    for p in pieces {
        if p.contains('@') {
            out.push(format!("{name}{p}"));
            name.clear();
        } else {
            name.push_str(p);
            name.push_str(", ");
        }
    }
    match out.last_mut() {
        Some(last) if !name.is_empty() => {
            last.push(' ');
            last.push_str(name.trim_end_matches([',', ' ']));
        }
        _ => {}
    }
    out
}

/// Why `email` is not an address icu can send to, if it is not.
fn check_email(email: &str) -> Result<(), &'static str> {
    if email.chars().any(char::is_control) {
        return Err("it contains a line break or control character");
    }
    if email.contains(|c: char| c.is_whitespace() || "<>()[],;:\"\\".contains(c)) {
        return Err("an address has no spaces or brackets");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("no @");
    };
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err("it needs one @ between a name and a domain");
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err("the domain is not valid");
    }
    // An address outside ASCII needs SMTPUTF8, which many servers refuse;
    // an international domain can be written in its xn-- form.
    if !email.is_ascii() {
        return Err("icu sends to ASCII addresses only; write an international domain as xn--");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_parse_and_bad_ones_are_refused() {
        assert_eq!(
            parse_mailbox("Grace Hopper <grace@example.com>").unwrap(),
            Mailbox {
                name: Some("Grace Hopper".into()),
                email: "grace@example.com".into()
            }
        );
        assert_eq!(
            parse_mailbox("\"Hopper, Grace\" <grace@example.com>")
                .unwrap()
                .name
                .as_deref(),
            Some("Hopper, Grace")
        );
        assert_eq!(parse_mailbox("a@b.c").unwrap().name, None);
        for bad in [
            "grace",
            "a@",
            "@b",
            "a b@c.d",
            "Grace <grace@x.org",
            "x@y.z\r\nBcc: e@v.il",
            "a@@b",
            "a@b..c",
            "zoë@exämple.com",
            "Grace <grace@exa mple.com>",
            "tab\t<a@b.c>",
        ] {
            let e = parse_mailbox(bad).unwrap_err().to_string();
            assert!(e.contains("is not an email address"), "{bad}: {e}");
            assert!(e.contains(&format!("`{bad}`")), "quotes the value: {e}");
            assert!(e.contains("fix it in your config ([me] emails, or [update] from, reply_to, to, cc or bcc)"), "{e}");
        }
    }

    #[test]
    fn message_ids_are_one_token_with_one_at() {
        assert!(is_message_id("icu.2026-11-24.0123456789abcdef@example.com"));
        assert!(is_message_id("a+b=c!#$%&'*/?^_`{|}~-@x.y"));
        assert!(!is_message_id("a@[x]"), "no brackets");
        for bad in [
            "",
            "a",
            "@b",
            "a@",
            "a@b@c",
            "a b@c",
            "a@b>",
            "<a@b",
            "a@b\r\nBcc: e@v.il",
            "zoë@example.com",
        ] {
            assert!(!is_message_id(bad), "{bad:?}");
        }
        assert!(!is_message_id(&format!("{}@x", "a".repeat(250))));
    }

    #[test]
    fn forge_and_noreply_addresses_are_known_as_nobody_reads_them() {
        for nobody in [
            "1234+ada@users.noreply.github.com",
            "ada@users.noreply.github.com",
            "ADA@Users.NoReply.GitHub.com",
            "ada@users.noreply.gitlab.com",
            "ada@noreply.codeberg.org",
            "noreply@example.com",
            "no-reply@example.com",
            "donotreply@example.com",
        ] {
            assert!(is_noreply(nobody), "{nobody}");
        }
        for someone in [
            "ada@example.com",
            "noreply.fan@example.com",
            "ada@noreplyco.com",
            "ada",
        ] {
            assert!(!is_noreply(someone), "{someone}");
        }
    }

    #[test]
    fn a_string_with_several_addresses_is_refused_never_mangled() {
        let several = |s: &str| match parse_mailbox(s) {
            Err(AddressError::Several { parts, .. }) => parts,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(
            several("Grace Hopper <grace@example.com>, Alan Kay <alan@example.com>"),
            [
                "Grace Hopper <grace@example.com>",
                "Alan Kay <alan@example.com>"
            ]
        );
        assert_eq!(several("a@b.c;d@e.f"), ["a@b.c", "d@e.f"]);
        assert_eq!(several("a@b.c, d@e.f,"), ["a@b.c", "d@e.f"]);
        assert_eq!(
            several("Grace <g@x.org> Alan <a@y.org>"),
            ["Grace <g@x.org>", "Alan <a@y.org>"]
        );
        assert_eq!(
            several("\"Hopper, Grace\" <g@x.org>, Kay, Alan <a@y.org>; bob@z.org"),
            [
                "\"Hopper, Grace\" <g@x.org>",
                "Kay, Alan <a@y.org>",
                "bob@z.org"
            ]
        );
        let e = parse_mailbox("a@b.c, d@e.f").unwrap_err().to_string();
        assert!(
            e.contains("holds 2 addresses; write one address per string")
                && e.contains(r#"["a@b.c", "d@e.f"]"#),
            "{e}"
        );
        // One address, whatever its name holds.
        for one in [
            "\"Hopper, Grace\" <grace@example.com>",
            "Hopper, Grace <grace@example.com>",
            "\"Grace <home>; work\" <grace@example.com>",
            "\"a@b.c, d@e.f\" <grace@example.com>",
            "\"say \\\"hi\\\", Grace\" <grace@example.com>",
        ] {
            let m = parse_mailbox(one).unwrap_or_else(|e| panic!("{one}: {e}"));
            assert_eq!(m.email, "grace@example.com", "{one}");
        }
        assert_eq!(
            parse_mailbox("Hopper, Grace <grace@example.com>")
                .unwrap()
                .name
                .as_deref(),
            Some("Hopper, Grace")
        );
    }
}
