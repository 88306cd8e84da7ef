# SPDX-License-Identifier: MIT
"""The destination table files of a real mount against the model of the
rules (tests/view_model.py's Model), for tests/fs/current_*.sh.

    table_model.py check MOUNT OBJECT...
        For each object: builds the model from the object's changes/ and
        deletes/ batches (read through the mount, in stream order; the
        listing refreshes them first), with the keys, sequence_by and SCD
        type of its metadata.json and the types of its schema.json, and
        compares current.jsonl (byte for byte, line by line) and, with SCD
        type 2, history.jsonl (row for row) with it. Also checks that
        current.csv holds the same rows as current.jsonl, and that stat
        sizes are the sizes read. Prints "OBJECT: N rows, M versions".
    table_model.py write URL SEED N [MOUNT]
        N random writes through the server's write routes: upserts of
        orders old and new (amounts from a small set, some null, so that a
        sequence_by amount has ties, late and out-of-order values),
        deletes of orders, re-inserts of deleted ones, upserts of users.
        With MOUNT, refreshes the changes/ and deletes/ of an object now
        and then between writes (the mount must have refresh=0), so that
        batches split the stream at different places.

Exit status 0, or 1 with a message on the first difference.
"""
import base64
import csv
import http.client
import json
import os
import random
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests"))
from view_model import Model  # noqa: E402

SPARK_KINDS = {"string": "string", "long": "integer", "double": "double",
               "timestamp": "timestamp", "date": "date"}


def fail(msg):
    sys.exit("table_model.py: " + msg)


def read_lines(path):
    """The lines of a file read through the mount, and a check that its
    stat size is the size read."""
    size = os.stat(path).st_size
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != size:
        fail("%s: stat says %d bytes, a read gives %d" % (path, size, len(data)))
    text = data.decode("utf-8")
    if text and not text.endswith("\n"):
        fail("%s: the last line has no newline" % path)
    return text.split("\n")[:-1]


def batches(directory):
    """The batch files of a chain directory, in stream order."""
    if not os.path.isdir(directory):
        return []
    names = sorted(n for n in os.listdir(directory)
                   if n.endswith(".jsonl") and not n.startswith("_"))
    return [os.path.join(directory, n) for n in names]


def model_of(base):
    """The model of an object's table, from its batches."""
    with open(os.path.join(base, "metadata.json")) as f:
        meta = json.load(f)
    with open(os.path.join(base, "schema.json")) as f:
        kinds = {fld["name"]: SPARK_KINDS[fld["type"]]
                 for fld in json.load(f)["fields"]
                 if isinstance(fld["type"], str)}
    seq = meta["sequence_by"] or meta["cursor_field"]
    keys = tuple((k, kinds[k]) for k in meta["primary_keys"])
    model = Model(kinds[seq], seq=seq, keys=keys)
    # Streams are independent: the rules make the order between them moot.
    for stream, is_delete in (("changes", False), ("deletes", True)):
        for path in batches(os.path.join(base, stream)):
            for line in read_lines(path):
                model.apply(is_delete, json.loads(line), line)
    return model, meta["scd_type"] == "SCD_TYPE_2"


def leaves(fields, prefix=()):
    """The CSV columns of schema fields: struct fields flattened, as paths."""
    for fld in fields:
        path = prefix + (fld["name"],)
        if isinstance(fld["type"], dict):
            yield from leaves(fld["type"]["fields"], path)
        else:
            yield path


def value_at(rec, path):
    for name in path:
        rec = rec.get(name) if isinstance(rec, dict) else None
    return rec


def check_csv(base, lines):
    """current.csv holds the rows of current.jsonl, column by column, each
    value as the JSON text wrote it (null as an empty field)."""
    with open(os.path.join(base, "schema.json")) as f:
        paths = list(leaves(json.load(f)["fields"]))
    columns = [".".join(p) for p in paths]
    with open(os.path.join(base, "current.csv"), newline="",
              encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != columns:
        fail("%s/current.csv: header %r, not %r" % (base, rows[:1], columns))
    want = []
    for line in lines:
        rec = json.loads(line, parse_float=str, parse_int=str)
        values = [value_at(rec, p) for p in paths]
        want.append(["" if v is None else v for v in values])
    if rows[1:] != want:
        diff = [(i, a, b) for i, (a, b) in enumerate(zip(rows[1:], want))
                if a != b][:3]
        fail("%s/current.csv: %d rows differ from current.jsonl's %d: %r"
             % (base, len(rows) - 1, len(want), diff))


def first_difference(got, want):
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return "row %d:\n  got  %r\n  want %r" % (i, a, b)
    return "%d rows, the model has %d" % (len(got), len(want))


def check(mount, objects):
    for obj in objects:
        base = os.path.join(mount, obj)
        model, scd2 = model_of(base)
        got = read_lines(os.path.join(base, "current.jsonl"))
        want = model.current()
        if got != want:
            fail("%s/current.jsonl differs from the model: %s"
                 % (obj, first_difference(got, want)))
        check_csv(base, got)
        versions = 0
        hist = os.path.join(base, "history.jsonl")
        if scd2:
            got = [json.loads(line) for line in read_lines(hist)]
            want = model.history()
            if got != want:
                fail("%s/history.jsonl differs from the model: %s"
                     % (obj, first_difference(got, want)))
            versions = len(got)
        elif os.path.exists(hist):
            fail("%s has history.jsonl without SCD type 2" % obj)
        print("%s: %d rows, %d versions" % (obj, len(model.current()),
                                            versions))


class Api:
    """Writes through the server's routes, retrying injected errors."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(b"tester:secret").decode(),
            "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        for _ in range(50):
            self.conn.request(method, path, body and json.dumps(body),
                              self.headers)
            r = self.conn.getresponse()
            data = r.read()
            if r.status not in (429, 500, 503):
                return r.status, data
        fail("%s %s: still failing" % (method, path))

    def ids(self, table, key):
        out, page = set(), 1
        while page:
            status, data = self.call("GET", "/tables/%s/records?page=%d"
                                     % (table, page))
            if status != 200:
                fail("GET %s: HTTP %d" % (table, status))
            body = json.loads(data)
            out.update(r[key] for r in body["records"])
            page = body["next_page"]
        return out


AMOUNTS = [None, 1, 2.5, 2.5, 3, 7.25, 10, 10.0]
STATUSES = [None, "pending", "shipped", "delivered"]


def refresh(mount, rnd):
    """Lists changes/ and deletes/ of one object: a refresh of its chains."""
    with open(os.path.join(mount, "tables")) as f:
        objects = [o for o in f.read().split()
                   if os.path.isdir(os.path.join(mount, o, "changes"))]
    base = os.path.join(mount, rnd.choice(objects))
    for d in ("changes", "deletes"):
        if os.path.isdir(os.path.join(base, d)):
            os.listdir(os.path.join(base, d))


def write(url, seed, n, mount):
    rnd = random.Random(seed)
    api = Api(url)
    live = sorted(api.ids("orders", "order_id"))
    gone = []
    users = sorted(api.ids("users", "user_id"))
    for _ in range(n):
        r = rnd.random()
        if r < 0.25 and live:  # a delete
            oid = live.pop(rnd.randrange(len(live)))
            status, data = api.call("DELETE", "/tables/orders/records/" + oid)
            if status != 200:
                fail("DELETE %s: HTTP %d %s" % (oid, status, data))
            gone.append(oid)
            continue
        if r < 0.75:  # an order: an old one, a deleted one, a new one
            pick = rnd.random()
            if pick < 0.15 and gone:
                oid = gone.pop(rnd.randrange(len(gone)))
            elif pick < 0.3 or not live:
                oid = "order_9%03d_%d" % (rnd.randrange(1000), seed)
            else:
                oid = rnd.choice(live)
            body = {"order_id": oid, "user_id": rnd.choice([None, "user_0001",
                                                            "user_0002"]),
                    "amount": rnd.choice(AMOUNTS),
                    "status": rnd.choice(STATUSES), "updated_at": None}
            table = "orders"
            if oid not in live:
                live.append(oid)
        else:
            uid = (rnd.choice(users) if rnd.random() < 0.7
                   else "user_9%03d" % rnd.randrange(100))
            body = {"user_id": uid, "email": "%s@example.org" % uid,
                    "display_name": rnd.choice([None, "A", "B b"]),
                    "status": rnd.choice(STATUSES), "updated_at": None}
            table = "users"
        status, data = api.call("POST", "/tables/%s/records" % table, body)
        if status >= 300:
            fail("POST %s: HTTP %d %s" % (table, status, data))
        if mount and rnd.random() < 0.2:  # a refresh between writes
            refresh(mount, rnd)


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        check(argv[1], argv[2:])
    elif len(argv) in (4, 5) and argv[0] == "write":
        write(argv[1], int(argv[2]), int(argv[3]),
              argv[4] if len(argv) == 5 else None)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
