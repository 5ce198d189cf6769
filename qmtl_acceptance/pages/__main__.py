"""python -m qmtl_acceptance.pages docs [REPORTS_DIR]
python -m qmtl_acceptance.pages matrix NAME=RESULTS [NAME=RESULTS …] [-o reports/matrix.html] [--markdown]

--markdown also prints the rows where some run did not pass, as a Markdown table.

RESULTS is a run's reports folder, its run.json, or its JUnit folder or file.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..config import PROJECT_ROOT
from . import living_docs, matrix

FEATURES = PROJECT_ROOT / "features"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "docs":
        reports = Path(rest[0]) if rest else Path("reports")
        reports.mkdir(parents=True, exist_ok=True)
        print(f"living documentation: {living_docs.write(FEATURES, reports)}")
        return 0
    if command == "matrix":
        out, markdown, runs = Path("reports/matrix.html"), False, []
        items = iter(rest)
        for item in items:
            if item == "-o":
                out = Path(next(items, "reports/matrix.html"))
            elif item == "--markdown":
                markdown = True
            elif "=" in item:
                name, path = item.split("=", 1)
                if not Path(path).exists():
                    print(f"matrix: no results at {path}", file=sys.stderr)
                    return 2
                runs.append((name, Path(path)))
            else:
                print(f"matrix: '{item}' is not NAME=RESULTS", file=sys.stderr)
                return 2
        if not runs:
            print("matrix: name at least one run as NAME=RESULTS", file=sys.stderr)
            return 2
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(matrix.render(runs, FEATURES), encoding="utf-8")
        if markdown:
            print("\n".join(matrix.text_rows(runs, FEATURES, all_passed_too=False)))
        print(f"conformance matrix: {out}")
        return 0
    print(f"pages: unknown command '{command}' (docs, matrix)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
