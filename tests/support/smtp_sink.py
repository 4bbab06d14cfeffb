#!/usr/bin/env python3
"""A real SMTP server for the end-to-end send test (aiosmtpd).

    python3 tests/support/smtp_sink.py --port 0 --out DIR

Listens on 127.0.0.1 (on PORT, or a free port when PORT is 0), prints its port
on stdout, and writes every message it receives to DIR as N.eml plus N.json
(envelope sender and recipients); the .eml appears only once complete.
Runs until killed or until its stdin closes.
"""
import argparse
import json
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.out, str(n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = ap.parse_args()
    # aiosmtpd's Controller checks readiness by connecting to its port, so it
    # needs a real port number rather than 0.
    port = args.port or free_port()
    controller = Controller(Sink(args.out), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
