"""`make practice-paper SEED=…`: a printable practice paper of hand calculations with its answer key.

    python tools/practice_paper.py --seed 3                 # -> build/practice_paper_seed3.html
    python tools/practice_paper.py --seed 3 --out paper.html --kinds rnn_step gru_step

One drill of every type (course_utils.drills), bilingual headings, boxes to write each
intermediate in, and the worked solutions on a new page. Open it in a browser and print
(A4; the print stylesheet hides the on-screen hints), or "Save as PDF".
"""

import argparse
import sys
from pathlib import Path

from course_utils.drills import KINDS
from course_utils.drills.render import practice_paper

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="the paper's seed (same seed, same numbers)")
    parser.add_argument("--out", type=Path, default=None, help="output file (default build/practice_paper_seed<SEED>.html)")
    parser.add_argument("--kinds", nargs="+", choices=sorted(KINDS), default=None, help="drill types, in order")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer; got {args.seed}")
    out = args.out or ROOT / "build" / f"practice_paper_seed{args.seed}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(practice_paper(args.seed, args.kinds), encoding="utf-8")
    print(f"wrote {out} ({len(args.kinds or KINDS)} questions and the answer key)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
