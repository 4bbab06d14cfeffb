//! The update as an RFC 5322 message (mail-builder): the only place a mail
//! header is written, so the last check that no value can smuggle in another.

use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use mail_builder::MessageBuilder;

use super::{to_html, to_text, Envelope, ExportError, Mailbox};
use crate::address::check_mailbox;

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// An `.eml` for the person to open and send: `X-Unsent: 1` makes mail
    /// clients open it as a draft.
    Draft,
    /// The message `icu send` hands to sendmail: no `X-Unsent`, which some
    /// clients would show the manager as an unsent draft.
    Send,
    /// An `.eml` for a terminal mail client (`neomutt -H`,
    /// `update.mail_client_terminal`), which sends the headers of the draft
    /// it is given as they are: no `X-Unsent`, which it would pass on to the
    /// recipients.
    TerminalDraft,
}

/// The update as an email: multipart/alternative (text/plain and text/html,
/// UTF-8).
///
/// Bcc recipients are in a `Bcc:` header, the one way both readers of this
/// message learn them: a mail client opening the draft, and the mail program
/// `icu send` runs, which reads the recipients from the message (`-t`) and
/// deletes the header before delivery (config refuses `bcc` with an
/// `update.sendmail` that does not say `-t`).
pub fn to_eml(env: &Envelope, md: &str, purpose: Purpose) -> Result<Vec<u8>, ExportError> {
    // The last line of defence: no header value may carry a line break (a
    // new header) or another control character, whoever built the envelope.
    if env.subject.chars().any(char::is_control) {
        return Err(ExportError::HeaderInjection { header: "subject" });
    }
    let ids = std::iter::once(&env.message_id)
        .chain(&env.in_reply_to)
        .chain(&env.references);
    for id in ids {
        if !crate::address::is_message_id(id) {
            return Err(ExportError::HeaderInjection {
                header: "Message-ID, In-Reply-To or References",
            });
        }
    }
    let all = std::iter::once(&env.from)
        .chain(&env.reply_to)
        .chain(&env.to)
        .chain(&env.cc)
        .chain(&env.bcc);
    for m in all {
        if m.name
            .as_deref()
            .unwrap_or("")
            .chars()
            .any(char::is_control)
        {
            return Err(ExportError::HeaderInjection {
                header: "name of a sender or recipient",
            });
        }
        check_mailbox(m)?;
    }
    let addr = |m: &Mailbox| Address::new_address(m.name.clone(), m.email.clone());
    let list = |v: &[Mailbox]| Address::new_list(v.iter().map(addr).collect());
    let mut b = MessageBuilder::new().from(addr(&env.from));
    if !env.reply_to.is_empty() {
        b = b.reply_to(list(&env.reply_to));
    }
    b = b.to(list(&env.to));
    if !env.cc.is_empty() {
        b = b.cc(list(&env.cc));
    }
    if !env.bcc.is_empty() {
        b = b.bcc(list(&env.bcc));
    }
    b = b
        .subject(env.subject.clone())
        .date(env.date.timestamp())
        .message_id(env.message_id.clone());
    if let Some(parent) = &env.in_reply_to {
        b = b
            .in_reply_to(parent.clone())
            .references(env.references.clone());
    }
    b = b
        .text_body(to_text(md))
        .html_body(to_html(md, &env.subject, &env.lang));
    if purpose == Purpose::Draft {
        b = b.header("X-Unsent", Raw::new("1"));
    }
    b.write_to_vec().map_err(ExportError::Build)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::parse_mailbox;
    use crate::export::new_message_id;
    use crate::export::tests::{fm, t};

    fn envelope(subject: &str, name: &str) -> Envelope {
        Envelope {
            from: Mailbox {
                name: Some(name.into()),
                email: "ada@example.com".into(),
            },
            reply_to: Vec::new(),
            to: vec![parse_mailbox("Grace Hopper <grace@example.com>").unwrap()],
            cc: vec![parse_mailbox("alan@example.com").unwrap()],
            bcc: Vec::new(),
            subject: subject.into(),
            date: t("2026-11-24T12:00:00+00:00"),
            message_id: new_message_id(&fm(), "ada@example.com"),
            in_reply_to: None,
            references: Vec::new(),
            lang: "en".into(),
        }
    }

    /// The ids a Message-ID header (`In-Reply-To`, `References`) holds.
    fn ids(v: &mail_parser::HeaderValue<'_>) -> Vec<String> {
        match (v.as_text_list(), v.as_text()) {
            (Some(list), _) => list.iter().map(ToString::to_string).collect(),
            (None, Some(one)) => vec![one.to_string()],
            (None, None) => Vec::new(),
        }
    }

    #[test]
    fn a_reply_names_the_thread_and_the_sender_details_are_headers() {
        let mut env = envelope("s", "Ada");
        env.in_reply_to = Some("u2@example.com".into());
        env.references = vec!["u1@example.com".into(), "u2@example.com".into()];
        env.reply_to = vec![parse_mailbox("Ada <ada@home.example>").unwrap()];
        env.bcc = vec![parse_mailbox("Me <ada+sent@example.com>").unwrap()];
        for purpose in [Purpose::Draft, Purpose::Send] {
            let bytes = to_eml(&env, "x", purpose).unwrap();
            let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
            assert_eq!(ids(msg.in_reply_to()), ["u2@example.com"]);
            assert_eq!(ids(msg.references()), ["u1@example.com", "u2@example.com"]);
            assert_eq!(
                msg.reply_to().unwrap().first().unwrap().address(),
                Some("ada@home.example")
            );
            // The mail program reads (and deletes) it; a mail client's
            // draft keeps it as the Bcc of the message it will send.
            assert_eq!(
                msg.bcc().unwrap().first().unwrap().address(),
                Some("ada+sent@example.com")
            );
        }
        // No thread: no header for it.
        let bytes = to_eml(&envelope("s", "Ada"), "x", Purpose::Send).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert!(msg.header_raw("In-Reply-To").is_none());
        assert!(msg.header_raw("References").is_none());
        assert!(msg.header_raw("Reply-To").is_none());
        assert!(msg.header_raw("Bcc").is_none());
    }

    #[test]
    fn only_the_draft_says_it_is_unsent() {
        let env = envelope("s", "Ada");
        let parse = |p| {
            let bytes = to_eml(&env, "x", p).unwrap();
            mail_parser::MessageParser::default()
                .parse(&bytes)
                .unwrap()
                .header_raw("X-Unsent")
                .map(|v| v.trim().to_string())
        };
        assert_eq!(parse(Purpose::Draft).as_deref(), Some("1"));
        assert_eq!(parse(Purpose::Send), None);
        assert_eq!(parse(Purpose::TerminalDraft), None);
    }

    #[test]
    fn the_eml_is_a_real_multipart_message() {
        let env = envelope("Ünïcødé — update 9 Nov to 23 Nov", "Zoë Ørsted");
        let bytes = to_eml(&env, "## Summary\n\nAll *good*.\n", Purpose::Draft).unwrap();
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.is_ascii(), "headers and bodies are encoded: {raw}");
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(msg.subject(), Some("Ünïcødé — update 9 Nov to 23 Nov"));
        let from = msg.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Zoë Ørsted"));
        assert_eq!(from.address(), Some("ada@example.com"));
        assert_eq!(
            msg.to().unwrap().first().unwrap().address(),
            Some("grace@example.com")
        );
        assert_eq!(
            msg.cc().unwrap().first().unwrap().address(),
            Some("alan@example.com")
        );
        assert_eq!(msg.message_id(), Some(env.message_id.as_str()));
        assert_eq!(msg.date().unwrap().to_timestamp(), env.date.timestamp());
        assert_eq!(msg.header_raw("X-Unsent").map(str::trim), Some("1"));
        use mail_parser::MimeHeaders;
        let ct = msg.content_type().unwrap();
        assert_eq!(
            (ct.ctype(), ct.subtype()),
            ("multipart", Some("alternative"))
        );
        assert_eq!(
            msg.body_text(0).unwrap().replace("\r\n", "\n").trim_end(),
            "Summary\n-------\n\nAll *good*."
        );
        assert!(msg.body_html(0).unwrap().contains("<em>good</em>"));
        assert!(msg
            .body_html(0)
            .unwrap()
            .contains("<title>Ünïcødé — update 9 Nov to 23 Nov</title>"));
        let parts: Vec<(String, Option<String>)> = msg
            .parts
            .iter()
            .skip(1)
            .map(|p| {
                let ct = p.content_type().unwrap();
                (
                    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")),
                    ct.attribute("charset").map(str::to_ascii_lowercase),
                )
            })
            .collect();
        let utf8 = Some("utf-8".to_string());
        assert_eq!(
            parts,
            vec![
                ("text/plain".to_string(), utf8.clone()),
                ("text/html".to_string(), utf8)
            ]
        );
    }

    #[test]
    fn awkward_names_survive_the_round_trip() {
        let mut env = envelope("s", "Ada \"The Countess\" Lovelace");
        env.to = vec![parse_mailbox("\"Hopper, Grace\" <grace@example.com>").unwrap()];
        let bytes = to_eml(&env, "x", Purpose::Draft).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        let from = msg.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Ada \"The Countess\" Lovelace"));
        let to: Vec<_> = msg.to().unwrap().iter().collect();
        assert_eq!(to.len(), 1, "the comma does not split the name");
        assert_eq!(to[0].name(), Some("Hopper, Grace"));
        assert_eq!(to[0].address(), Some("grace@example.com"));
    }

    #[test]
    fn an_address_that_is_not_one_is_refused_even_when_built_by_hand() {
        let mut env = envelope("s", "Ada");
        env.from.email = "ada at example.com".into();
        let e = to_eml(&env, "x", Purpose::Draft).unwrap_err();
        assert!(e.to_string().contains("`ada at example.com`"), "{e}");
        let mut env = envelope("s", "Ada");
        env.to[0].email = "zoë@exämple.com".into();
        assert!(matches!(
            to_eml(&env, "x", Purpose::Draft),
            Err(ExportError::Address(_))
        ));
    }

    #[test]
    fn no_header_can_be_injected() {
        let env = envelope("Hi\r\nBcc: evil@example.com", "Ada");
        assert!(matches!(
            to_eml(&env, "x", Purpose::Draft),
            Err(ExportError::HeaderInjection { .. })
        ));
        let env = envelope("Hi", "Ada\nBcc: evil@example.com");
        assert!(matches!(
            to_eml(&env, "x", Purpose::Draft),
            Err(ExportError::HeaderInjection { .. })
        ));
        let mut env = envelope("Hi", "Ada");
        env.cc[0].name = Some("Alan\r\nBcc: evil@example.com".into());
        assert!(to_eml(&env, "x", Purpose::Draft).is_err());
        let mut env = envelope("Hi", "Ada");
        env.message_id = "x@y>\r\nBcc: evil@example.com".into();
        assert!(to_eml(&env, "x", Purpose::Draft).is_err());
        let mut env = envelope("Hi", "Ada");
        env.in_reply_to = Some("x@y> <z@w".into());
        assert!(to_eml(&env, "x", Purpose::Draft).is_err());
        let mut env = envelope("Hi", "Ada");
        env.bcc = vec![Mailbox {
            name: Some("Me\r\nTo: evil@example.com".into()),
            email: "me@example.com".into(),
        }];
        assert!(to_eml(&env, "x", Purpose::Draft).is_err());
        // Through the config's door: the address parser refuses it first.
        assert!(crate::address::parse_mailbox("Alan <a@b.c>\r\nBcc: evil@example.com").is_err());
        // And a subject on one line that merely mentions a header stays one.
        let env = envelope("Hi Bcc: evil@example.com", "Ada");
        let bytes = to_eml(&env, "x", Purpose::Draft).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert!(msg.header_raw("Bcc").is_none());
        assert_eq!(msg.subject(), Some("Hi Bcc: evil@example.com"));
    }
}
