"""A local SMTP server for tests/send_test.rs (aiosmtpd, on loopback).

Usage: python smtp_sink.py OUT_DIR

Listens on 127.0.0.1 on a free port and prints that port on the first
line of stdout. Every message it receives is written, before the server
answers 250, as OUT_DIR/<n>.json: the envelope, the raw header lines as
they came over the wire, and the message as Python's email package decodes
it (the decoded headers and each part of a multipart body). Runs until it
is killed.
"""

import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        head = data.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append(
                {
                    "content_type": part.get_content_type(),
                    "charset": part.get_content_charset(),
                    "content": part.get_content(),
                }
            )
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw_head": head,
            "content_type": message.get_content_type(),
            "subject": str(message["Subject"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "list_unsubscribe": message["List-Unsubscribe"]
            and str(message["List-Unsubscribe"]),
            "parts": parts,
        }
        self.count += 1
        path = os.path.join(self.out_dir, f"{self.count}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        return "250 OK"


async def main(out_dir):
    sink = Sink(out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, enable_SMTPUTF8=True), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
