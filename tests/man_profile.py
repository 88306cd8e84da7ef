# SPDX-License-Identifier: MIT
"""lakeflowfs-profile(5) against the profile it documents.

The EXAMPLE section of man/lakeflowfs-profile.5 walks through
contrib/profiles/tracker.json in its no-fill blocks (.nf to .fi); joined,
they must be that profile, member for member, so the page never drifts
from the file. The page must also render without groff warnings.

Environment: top_srcdir (the source tree).
"""
import json
import os
import shutil
import subprocess
import sys

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), ".."))
PAGE = os.path.join(TOP, "man", "lakeflowfs-profile.5")
PROFILE = os.path.join(TOP, "contrib", "profiles", "tracker.json")


def example_blocks(page):
    """The lines of the .nf blocks of the EXAMPLE section that hold JSON."""
    lines, section, inside = [], None, False
    for line in page.splitlines():
        if line.startswith(".SH "):
            section = line[4:].strip()
        elif section != "EXAMPLE":
            continue
        elif line == ".nf":
            inside, block = True, []
        elif line == ".fi":
            inside = False
            if not block[0].startswith("GET "):
                lines.extend(block)
        elif inside:
            block.append(line)
    return "\n".join(lines)


def main():
    with open(PAGE, encoding="utf-8") as f:
        page = f.read()
    with open(PROFILE, encoding="utf-8") as f:
        want = json.load(f)
    text = example_blocks(page)
    try:
        got = json.loads(text)
    except ValueError as e:
        print("the EXAMPLE section is not one JSON document: %s" % e)
        return 1
    if got != want:
        print("the EXAMPLE section differs from contrib/profiles/tracker.json")
        return 1
    if not shutil.which("groff"):
        print("groff is missing: the page was not rendered")
        return 0
    out = subprocess.run(["groff", "-man", "-t", "-ww", "-z", PAGE],
                         capture_output=True, text=True, check=False)
    if out.returncode or out.stderr:
        print("groff warns about the page:\n" + out.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
