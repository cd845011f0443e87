"""`make formula-sheet`: the one-page formula sheet (A4) in row and column form, as HTML to print.

    python tools/formula_sheet.py                    # -> build/formula_sheet.html
    python tools/formula_sheet.py --out sheet.html

Open it in a browser and print on A4 (one page), or "Save as PDF". The lines are
course_utils.formula_sheet.SECTIONS; the column form is derived by its one mapping.
"""

import argparse
import sys
from pathlib import Path

from course_utils.formula_sheet import sheet_html

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "formula_sheet.html", help="output file")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(sheet_html(), encoding="utf-8")
    print(f"wrote {args.out} (print on A4: one page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
