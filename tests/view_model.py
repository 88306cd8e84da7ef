# SPDX-License-Identifier: MIT
"""Randomized differential test of the destination-table views.

Generates random streams of upserts (changes/) and deletes (deletes/) over
a small key space with a sequence column that is not monotonic, so late,
out-of-order and tied rows are common; splits them into batches; applies
them through tests/view_driver (one process per operation, so every step
reopens the database), sometimes killing the driver in the middle of a
batch and sometimes starting a new epoch; and compares current.jsonl and
history.jsonl row for row with the model below, which states the rules
plainly.

Environment: VIEW_DRIVER (the driver), VIEW_DRIVER_PREFIX (e.g. a valgrind
command line), VIEW_MODEL_SEEDS (seeds per configuration, default 3),
VIEW_MODEL_STEPS (batches per run, default 40).
"""
import datetime
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

DRIVER = os.environ.get("VIEW_DRIVER") or os.path.join(
    os.environ.get("top_builddir", "."), "tests", "view_driver")
PREFIX = shlex.split(os.environ.get("VIEW_DRIVER_PREFIX", ""))
SEEDS = int(os.environ.get("VIEW_MODEL_SEEDS", "3"))
STEPS = int(os.environ.get("VIEW_MODEL_STEPS", "40"))

IDS = ["a", "ab", "B", "\u00e9", "z\u0000", ""]
NS = [None, -3, 0, 7, 12]
EPOCH_US = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# ------------------------------------------------------------ the rules ---

def typed(kind, value):
    """A sequence or key value as the rules compare it; None is null."""
    if value is None:
        return None
    if kind == "string":
        return value.encode("utf-8")
    if kind in ("integer", "double"):
        return value
    if kind == "timestamp":
        t = datetime.datetime.fromisoformat(value)
        d = t - EPOCH_US
        return (d.days * 86400 + d.seconds) * 1000000 + d.microseconds
    return datetime.date.fromisoformat(value).toordinal()  # date


def key_order(key):
    """Null first, then values of the column's type."""
    return tuple((0,) if v is None else (1, v) for v in key)


class Model:
    """Per key, one change per sequence value: the later upsert wins a tie,
    a delete wins over an upsert. SCD 1: the greatest sequence, unless it
    is a delete. SCD 2: replayed in sequence order, each upsert opens a
    version and closes the live one, a delete closes the live one.
    seq names the sequence column, keys the key columns as (name, type)
    pairs; the defaults are this test's table. tests/fs/current_model.py
    uses it for real mounts."""

    def __init__(self, seq_type, seq="seq",
                 keys=(("id", "string"), ("n", "integer"))):
        self.seq_type = seq_type
        self.seq = seq
        self.keys = keys
        self.changes = {}  # key -> {seq: (is_delete, line, raw)}

    def apply(self, is_delete, rec, line):
        raw = rec.get(self.seq)
        seq = typed(self.seq_type, raw)
        if seq is None:
            return
        key = tuple(typed(kind, rec.get(name)) for name, kind in self.keys)
        at = self.changes.setdefault(key, {})
        old = at.get(seq)
        if old is not None and old[0] and not is_delete:
            return  # a delete outranks an upsert at the same sequence
        at[seq] = (is_delete, line, raw)

    def current(self):
        out = []
        for key in sorted(self.changes, key=key_order):
            at = self.changes[key]
            is_delete, line, _ = at[max(at)]
            if not is_delete:
                out.append(line)
        return out

    def history(self):
        out = []
        for key in sorted(self.changes, key=key_order):
            at = self.changes[key]
            live = None
            for seq in sorted(at):
                is_delete, line, raw = at[seq]
                if live is not None:
                    live["__END_AT"] = raw
                    live = None
                if not is_delete:
                    live = dict(json.loads(line), __START_AT=raw,
                                __END_AT=None)
                    out.append(live)
        return out


# ------------------------------------------------------------- the data ---

def seq_value(rnd, kind):
    if kind == "integer":
        v = rnd.randint(-20, 20)
        return float(v) if rnd.random() < 0.1 else v
    if kind == "double":
        return rnd.choice([-2.5, -0.0, 0.0, 0.1, 0.25, 3, 3.0, 1e3, -1e-3])
    if kind == "string":
        return rnd.choice(["", "a", "B", "ab", "b", "\u00e9", "a\u0000",
                           "a\u0000b", "ba"])
    if kind == "date":
        return "2026-02-%02d" % rnd.randint(1, 20)
    us = rnd.randint(0, 40) * 500000  # timestamp, written with offsets
    off = rnd.choice([0, 0, 120, -330])
    t = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
    t = (t + datetime.timedelta(microseconds=us)).astimezone(
        datetime.timezone(datetime.timedelta(minutes=off)))
    text = t.isoformat(timespec=rnd.choice(["seconds", "microseconds"]))
    return text.replace("+00:00", "Z") if rnd.random() < 0.3 else text


def record(rnd, kind, is_delete):
    rec = {"id": rnd.choice(IDS), "n": rnd.choice(NS),
           "seq": None if rnd.random() < 0.04 else seq_value(rnd, kind),
           "v": None if is_delete else rnd.randint(0, 9)}
    if rec["n"] is None and rnd.random() < 0.5:
        del rec["n"]
    line = json.dumps(rec, separators=(",", ":"),
                      ensure_ascii=rnd.random() < 0.5)
    return rec, line


# ------------------------------------------------------------ the test ---

class Run:
    def __init__(self, tmp, seq_type, scd2, rnd):
        self.tmp, self.rnd, self.scd2 = tmp, rnd, scd2
        self.db = os.path.join(tmp, "view.db")
        self.defn = os.path.join(tmp, "def.json")
        with open(self.defn, "w") as f:
            json.dump({"columns": [["id", "string"], ["n", "integer"],
                                   ["seq", seq_type], ["v", "integer"]],
                       "keys": ["id", "n"], "sequence_by": "seq",
                       "scd2": scd2}, f)
        self.seq_type = seq_type
        self.model = Model(seq_type)
        self.epoch = 1
        self.epochs = {"changes": "e1", "deletes": "e1"}
        self.tokens = {"changes": 0, "deletes": 0}
        self.nbatch = 0

    def driver(self, *args, kill=False):
        cmd = PREFIX + [DRIVER, self.db, self.defn] + [str(a) for a in args]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if kill:
            if p.returncode != -9:
                sys.exit("driver was not killed: %r %s" % (args, p.stderr))
            return None
        if p.returncode != 0:
            sys.exit("driver failed: %r %s" % (args, p.stderr))
        return p.stdout

    def batch(self, stream):
        n = self.rnd.randint(1, 12)
        recs = [record(self.rnd, self.seq_type, stream == "deletes")
                for _ in range(n)]
        self.nbatch += 1
        path = os.path.join(self.tmp, "b%d.jsonl" % self.nbatch)
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for _, line in recs))
        self.tokens[stream] += 1
        token = "%06d" % self.tokens[stream]
        ep = self.epochs[stream]
        if self.rnd.random() < 0.15:  # a crash in the middle
            self.driver("kill", self.rnd.randint(1, n), stream, ep, token,
                        path, kill=True)
        out = self.driver("apply", stream, ep, token, path).split()
        if out[4] != "0":
            sys.exit("a new batch counted as applied")
        if self.rnd.random() < 0.1:  # applied again: nothing happens
            again = self.driver("apply", stream, ep, token, path).split()
            if again[4] != "1":
                sys.exit("a batch was applied twice")
        for rec, line in recs:
            self.model.apply(stream == "deletes", rec, line)

    def new_epoch(self):
        self.epoch += 1
        self.tokens = {"changes": 0, "deletes": 0}
        self.model = Model(self.seq_type)
        self.epochs["changes"] = "e%d" % self.epoch
        out = self.driver("sync", self.epochs["changes"], "e1")
        if out.strip() != "1":
            sys.exit("a new epoch did not reset the view")

    def compare(self, where):
        path = os.path.join(self.tmp, "out.jsonl")
        self.driver("current", path)
        with open(path, encoding="utf-8") as f:
            got = f.read().split("\n")[:-1]
        want = self.model.current()
        if got != want:
            sys.exit("current differs %s:\n got  %r\n want %r"
                     % (where, got, want))
        if not self.scd2:
            return
        self.driver("history", path)
        with open(path, encoding="utf-8") as f:
            got = [json.loads(line) for line in f]
        want = self.model.history()
        if got != want:
            sys.exit("history differs %s:\n got  %r\n want %r"
                     % (where, got, want))

    def go(self, steps):
        self.driver("sync", "e1", "e1")
        for step in range(steps):
            r = self.rnd.random()
            if r < 0.03 and step > steps // 2 and self.epoch == 1:
                self.new_epoch()
            self.batch("deletes" if r < 0.3 else "changes")
            if step % 8 == 7:
                self.compare("after step %d" % step)
        self.compare("at the end")


def main():
    runs = 0
    for seq_type in ["integer", "double", "string", "timestamp", "date"]:
        for scd2 in (False, True):
            for seed in range(SEEDS):
                rnd = random.Random("%s-%s-%d" % (seq_type, scd2, seed))
                with tempfile.TemporaryDirectory() as tmp:
                    Run(tmp, seq_type, scd2, rnd).go(STEPS)
                runs += 1
    print("view_model: %d runs equal the model" % runs)


if __name__ == "__main__":
    main()
