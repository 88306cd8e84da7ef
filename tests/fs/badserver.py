#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A misbehaving Example source for the fault tests (tests/fs/fault_*.sh).

It serves one cdc table, users (37 rows, pages of 15, `since` exclusive,
Basic auth required), answering GET /tables, /tables/users/schema and
/tables/users/metadata like the real server, so that a mount succeeds. The
records route then misbehaves as the current MODE says. The mode is read
from --mode-file on every request (so a test switches it by rewriting the
file), else --mode. A mode "M:N" applies M from page N on; earlier pages
are answered normally.

Modes of the records route:
  normal             valid pages
  silent             reads the request and never answers (until the mode
                     changes, then closes the connection without a word)
  slow               answers normally after --slow-seconds
  invalid_json       a body that is not JSON
  not_array          "records" is an object
  next_page_string   "next_page": "2"
  no_cursor          a record without updated_at
  no_key             a record without user_id
  huge               a valid-looking body of --huge-mb MB, streamed fast
  empty              200 with an empty body
  truncated          Content-Length promises more than is sent
  pretty             valid pages, pretty-printed, "next_page" first and an
                     extra member, display names holding quotes, a
                     backslash, control characters, accents and an emoji,
                     every non-ASCII character, '/' and '+' written as
                     escapes (see pretty_body)
Every request is logged to stderr as "METHOD PATH -> what".

--tables JSON replaces the list GET /tables answers (names need not be
safe); only "users" has a schema, metadata and records, others 404.
--metadata JSON replaces what /tables/users/metadata answers.
"""
import argparse
import base64
import json
import socket
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = 15
SCHEMA = [
    {"name": "user_id", "type": "string", "nullable": False},
    {"name": "email", "type": "string", "nullable": True},
    {"name": "display_name", "type": "string", "nullable": True},
    {"name": "status", "type": "string", "nullable": True},
    {"name": "updated_at", "type": "timestamp", "nullable": True},
]
METADATA = {"primary_keys": ["user_id"], "cursor_field": "updated_at"}


RICH = ' caf\u00e9 "q" \\ / \t\n\x01 \U0001F600'


def escaped_json(obj, **kw):
    """obj as JSON with every non-ASCII character, '/' and '+' escaped
    ('/' and '+' only occur in strings here)."""
    text = json.dumps(obj, ensure_ascii=True, **kw)
    return text.replace("/", "\\/").replace("+", "\\u002b")


def pretty_body(chunk, nxt):
    recs = [dict(r, display_name=r["display_name"] + RICH) for r in chunk]
    return escaped_json({"next_page": nxt, "note": {"records": []},
                         "records": recs}, indent=2)


def make_rows(n):
    base = datetime.now(timezone.utc).replace(microsecond=123456) - timedelta(hours=1)
    rows = []
    for i in range(n):
        ts = (base + timedelta(seconds=60 * i)).isoformat(timespec="microseconds")
        rows.append({"user_id": "user_%04d" % i, "email": "user%d@example.com" % i,
                     "display_name": "User %d" % i, "status": "active",
                     "updated_at": ts})
    return rows


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "badserver/1"

    def log_message(self, fmt, *args):
        pass

    def note(self, what):
        sys.stderr.write("%s %s -> %s\n" % (self.command, self.path, what))
        sys.stderr.flush()

    def mode(self):
        cfg = self.server.cfg
        m = cfg.mode
        if cfg.mode_file:
            try:
                with open(cfg.mode_file) as f:
                    m = f.read().strip() or m
            except OSError:
                pass
        return m

    def send_body(self, code, body, ctype="application/json", length=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def send_json(self, code, obj):
        self.send_body(code, json.dumps(obj))

    def authorized(self):
        h = self.headers.get("Authorization", "")
        if not h.startswith("Basic "):
            return False
        try:
            user, _, pw = base64.b64decode(h[6:]).decode().partition(":")
        except Exception:
            return False
        return bool(user) and bool(pw)

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def route(self):
        cfg = self.server.cfg
        if not self.authorized():
            self.note("401")
            return self.send_json(401, {"error": "missing or empty credentials"})
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        q = parse_qs(url.query)
        if parts == ["tables"]:
            self.note("tables")
            return self.send_json(200, {"tables": cfg.tables})
        if len(parts) != 3 or parts[0] != "tables" or parts[1] != "users":
            self.note("404")
            return self.send_json(404, {"error": "no such route"})
        if parts[2] == "schema":
            self.note("schema")
            return self.send_json(200, {"schema": SCHEMA})
        if parts[2] == "metadata":
            self.note("metadata")
            return self.send_json(200, {"metadata": cfg.metadata})
        if parts[2] != "records":
            self.note("404")
            return self.send_json(404, {"error": "no such route"})
        try:
            page = int(q.get("page", ["1"])[0])
        except ValueError:
            return self.send_json(400, {"error": "bad page"})
        mode = self.mode()
        name, _, frm = mode.partition(":")
        if frm and page < int(frm):
            name = "normal"
        self.note(name)
        rows = cfg.rows
        since = q.get("since", [None])[0]
        if since is not None:
            rows = [r for r in rows if r["updated_at"] > since]
        chunk = rows[(page - 1) * PAGE:page * PAGE]
        nxt = page + 1 if page * PAGE < len(rows) else None
        good = {"records": chunk, "next_page": nxt}
        if name == "normal":
            return self.send_json(200, good)
        if name == "pretty":
            return self.send_body(200, pretty_body(chunk, nxt))
        if name == "slow":
            time.sleep(cfg.slow_seconds)
            return self.send_json(200, good)
        if name == "silent":
            t0 = time.time()
            while self.mode().partition(":")[0] == "silent" and time.time() - t0 < 300:
                time.sleep(0.05)
            self.close_connection = True
            return None
        if name == "invalid_json":
            return self.send_body(200, '{"records": [{"user_id": "user_0000", oops')
        if name == "not_array":
            return self.send_json(200, {"records": {"user_id": "user_0000"}, "next_page": None})
        if name == "next_page_string":
            return self.send_json(200, {"records": chunk, "next_page": str(page + 1)})
        if name in ("no_cursor", "no_key"):
            bad = [dict(r) for r in chunk]
            del bad[len(bad) // 2]["updated_at" if name == "no_cursor" else "user_id"]
            return self.send_json(200, {"records": bad, "next_page": nxt})
        if name == "empty":
            return self.send_body(200, b"")
        if name == "truncated":
            body = json.dumps(good).encode()
            self.send_body(200, body[: len(body) // 2], length=len(body))
            self.close_connection = True
            return None
        if name == "huge":
            rec = json.dumps(cfg.rows[0]).encode()
            n = cfg.huge_mb * 1024 * 1024 // (len(rec) + 1)
            head, tail = b'{"records": [', b'], "next_page": null}'
            block = (rec + b",") * 4096
            nblocks = n // 4096
            total = len(head) + nblocks * len(block) + len(rec) + len(tail)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            self.wfile.write(head)
            for _ in range(nblocks):
                self.wfile.write(block)
            self.wfile.write(rec + tail)
            self.wfile.flush()
            return None
        return self.send_json(500, {"error": "badserver: unknown mode %s" % name})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--mode", default="normal")
    ap.add_argument("--mode-file")
    ap.add_argument("--slow-seconds", type=float, default=5)
    ap.add_argument("--huge-mb", type=int, default=70)
    ap.add_argument("--rows", type=int, default=37)
    ap.add_argument("--tables", default='["users"]')
    ap.add_argument("--metadata", default=json.dumps(METADATA))
    cfg = ap.parse_args()
    cfg.tables = json.loads(cfg.tables)
    cfg.metadata = json.loads(cfg.metadata)
    cfg.rows = make_rows(cfg.rows)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(("127.0.0.1", cfg.port), Handler)
    srv.cfg = cfg
    port = srv.server_address[1]
    sys.stderr.write("badserver listening on 127.0.0.1:%d\n" % port)
    sys.stderr.flush()
    if cfg.port_file:
        with open(cfg.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        import os
        os.rename(cfg.port_file + ".tmp", cfg.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
