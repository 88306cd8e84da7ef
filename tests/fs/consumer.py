# SPDX-License-Identifier: MIT
"""A file-stream consumer modelled on Spark's file stream source.

    consumer.py STATE DIR OUT

One round (one micro-batch): list DIR with os.listdir, skip hidden and
control files (names starting with "_" or "."), keep the ones whose path is
not in the persisted set of seen paths (STATE, a JSON list), and read them in
name order, appending their bytes to OUT; then persist the seen set.

It refuses what would make a real stream lose or duplicate data: a
zero-size file (a batch file is never empty), a file whose stat size is not
what a read returns, a file that does not end with a newline or holds a line
that is not a JSON object. (Like Spark, it never re-reads a seen path, so a
file that changed after it was read goes unnoticed here: the caller checks
that with checksums.) Exit status: 0, or 1 with a message on stderr. Prints
the number of new files read.
"""
import json
import os
import sys


def fail(msg):
    print("consumer: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        fail("usage: consumer.py STATE DIR OUT")
    state, d, out = sys.argv[1:]
    seen = set()
    if os.path.exists(state):
        with open(state) as f:
            seen = set(json.load(f))
    try:
        names = os.listdir(d)
    except OSError as e:
        fail("cannot list %s: %s" % (d, e))
    new = sorted(
        n for n in names
        if not n.startswith(("_", ".")) and os.path.join(d, n) not in seen
    )
    chunks = []
    for n in new:
        p = os.path.join(d, n)
        try:
            size = os.stat(p).st_size
            if size == 0:
                fail("%s: zero-size file" % p)
            with open(p, "rb") as f:
                data = f.read()
        except OSError as e:
            fail("%s: %s" % (p, e))
        if len(data) != size:
            fail("%s: stat says %d bytes, read returned %d" % (p, size, len(data)))
        if not data.endswith(b"\n"):
            fail("%s: does not end with a newline" % p)
        for i, line in enumerate(data.decode().split("\n")[:-1]):
            try:
                ok = isinstance(json.loads(line), dict)
            except ValueError:
                ok = False
            if not ok:
                fail("%s: line %d is not a JSON object" % (p, i + 1))
        chunks.append(data)
        seen.add(p)
    # Commit: the output first, then the seen set (at-least-once would
    # show up as duplicates in OUT, which the test would catch).
    with open(out, "ab") as f:
        for c in chunks:
            f.write(c)
    tmp = state + ".tmp"
    with open(tmp, "w") as f:
        json.dump(sorted(seen), f)
    os.replace(tmp, state)
    print(len(new))


if __name__ == "__main__":
    main()
