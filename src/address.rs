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
#[error(
    "`{value}` is not an email address ({why}); fix [update] to/cc or [me] emails in your config"
)]
pub struct AddressError {
    /// The text as written.
    pub value: String,
    /// What is wrong with it, in words.
    pub why: &'static str,
}

/// Parses `a@b.c`, `Name <a@b.c>` or `"Last, First" <a@b.c>`.
pub fn parse_mailbox(s: &str) -> Result<Mailbox, AddressError> {
    let bad = |why| AddressError {
        value: s.to_string(),
        why,
    };
    if s.chars().any(char::is_control) {
        return Err(bad("it contains a line break or control character"));
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

/// Checks a bare address (the part between `<` and `>`), for a mailbox that
/// was built by hand rather than parsed.
pub fn check_mailbox(m: &Mailbox) -> Result<(), AddressError> {
    check_email(&m.email).map_err(|why| AddressError {
        value: m.email.clone(),
        why,
    })
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
            assert!(e.contains("fix [update] to/cc"), "{e}");
        }
    }
}
