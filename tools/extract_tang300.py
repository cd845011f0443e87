"""Extract 唐诗三百首 (300 Tang poems) from Debian's fortunes-zh into course_utils/corpora/tang300.txt.

    apt-get download fortunes-zh                     # fortunes-zh_2.98_all.deb (no install needed)
    dpkg-deb -x fortunes-zh_2.98_all.deb x
    python tools/extract_tang300.py x/usr/share/games/fortunes/tang300

The package's file is a fortune(6) database: records separated by a line "%", each
with a green title line (ESC[32m《title》ESC[m), a yellow author line (ESC[33m作者：nameESC[m)
and the poem, one couplet per line. Six poems ("…・并序") start with a prose preface,
wrapped at arbitrary points and separated from the poem by a blank line.

Output (plain UTF-8, one block per poem, blocks separated by one blank line):

    《title》author
    序：the preface as one line, if there is one
    first couplet，second half。
    ...

Colour codes, the "作者：" label, blank or space-only lines and the preface's line wrapping
are dropped; every character of the title, author, preface and poem is kept as it is.
The same input always gives the same bytes (no dates, no environment in the output).
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "course_utils" / "corpora" / "tang300.txt"
SOURCE = "/usr/share/games/fortunes/tang300"

COLOUR = re.compile(r"\x1b\[[0-9;]*m")
TITLE = re.compile(r"^《(?P<title>.+)》$")
AUTHOR = re.compile(r"^作者：(?P<author>.+)$")


def parse_record(record):
    """One fortune record -> {"title", "author", "preface", "lines"}; ValueError naming what is wrong."""
    rows = [COLOUR.sub("", row).rstrip() for row in record.strip("\n").split("\n")]
    if len(rows) < 3:
        raise ValueError(f"a record must have a title, an author and at least one line; got {rows!r}")
    title, author = TITLE.match(rows[0].strip()), AUTHOR.match(rows[1].strip())
    if not title or not author:
        raise ValueError(f"a record must start with 《title》 and 作者：name lines; got {rows[:2]!r}")
    body = [row.strip() for row in rows[2:]]
    preface = []
    if "" in body:   # a preface, then a blank (or space-only) line, then the poem
        cut = body.index("")
        preface, body = body[:cut], body[cut + 1:]
    lines = [row for row in body if row]
    if not lines:
        raise ValueError(f"the poem {title['title']!r} has no lines")
    return {"title": title["title"], "author": author["author"], "preface": "".join(preface), "lines": lines}


def parse_fortunes(text):
    """The whole fortune file -> list of poem dicts, in the file's order."""
    records = [r for r in re.split(r"^%$", text, flags=re.M) if r.strip()]
    return [parse_record(r) for r in records]


def format_poems(poems):
    """Poem dicts -> the corpus text (see the module docstring)."""
    blocks = []
    for p in poems:
        rows = [f"《{p['title']}》{p['author']}"]
        if p["preface"]:
            rows.append("序：" + p["preface"])
        blocks.append("\n".join(rows + p["lines"]) + "\n")
    return "\n".join(blocks)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", default=SOURCE, help=f"the fortunes file (default {SOURCE})")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    poems = parse_fortunes(Path(args.source).read_text(encoding="utf-8"))
    args.out.write_text(format_poems(poems), encoding="utf-8")
    n_chars = sum(len(line) for p in poems for line in p["lines"])
    print(f"{len(poems)} poems, {n_chars} characters of verse -> {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
