#!/usr/bin/env python3
"""Hygiene check of the committed notebooks (no kernel needed; `make test` runs it first).

    .venv/bin/python tests/check_notebooks.py [--fix] [NOTEBOOK.ipynb ...]

Without arguments it checks every notebooks/*.ipynb. Each notebook must
  - be a valid nbformat 4 notebook,
  - use the GoNB kernel (metadata.kernelspec.name == "gonb"),
  - carry no outputs, no execution counts and no execution timing metadata
    (executed copies are build products: see tests/run_notebooks.py),
  - have as its first code cell the standard first cell, exactly the text of tests/first_cell.txt
    (only markdown cells, e.g. the title, may come before it),
  - contain no absolute or home-directory paths (/work, /root, /home, /Users, C:\\, ~/, $HOME)
    anywhere: sources, attachments, metadata.

--fix removes outputs, execution counts and execution metadata in place, adds missing cell ids
and sets the GoNB kernelspec, and changes nothing else; the other problems need an edit by hand.

--student checks student copies (`theorylab student`, build/student/) instead: the same rules,
plus no solution markers left (// BEGIN SOLUTION … in code cells, <!-- BEGIN SOLUTION … in
Markdown cells; see pkg/exercise).
Exits 1 when a problem remains, printing one line per problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_CELL = (ROOT / "tests" / "first_cell.txt").read_text()

KERNELSPEC = {"name": "gonb", "display_name": "Go (GoNB)", "language": "go"}

# Absolute and home-directory paths that must not be committed: they only work on one machine.
# (?<![\w.~/-]) keeps "a/work/b" and URLs like https://x.org/home/ from matching.
ABSOLUTE_PATH = re.compile(
    r"(?<![\w.~/:-])/(?:work|root|home|Users)(?:/|\b)"
    r"|\b[A-Za-z]:\\"
    r"|(?<![\w/])~/"
    r"|\$\{?HOME\b"
)


def normalise(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip("\n").splitlines())


def strings_in(value, where: str):
    """Every string inside a JSON value, with where it is."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings_in(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{where}.{key}")


# Solution markers (pkg/exercise), by cell type: none may be left in a student copy.
SOLUTION_MARKERS = {
    "code": ("// BEGIN SOLUTION", "// END SOLUTION", "// STUB:"),
    "markdown": ("<!-- BEGIN SOLUTION", "<!-- END SOLUTION", "<!-- STUB:"),
}


def check(path: Path, fix: bool, student: bool = False) -> list[str]:
    import nbformat

    problems: list[str] = []
    changed = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing cell ids are reported below instead
            nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except Exception as err:  # unreadable JSON
        return [f"cannot read: {err}"]
    if nb.get("nbformat") != 4:
        return [f"nbformat {nb.get('nbformat')}, want 4"]
    # nbformat 4.5 gives every cell an id (JupyterLab adds them when it saves). nbformat.read
    # quietly makes up the missing ones, so look at the file itself.
    if (nb.nbformat, nb.nbformat_minor) >= (4, 5):
        raw_cells = json.loads(path.read_text()).get("cells", [])
        missing = [i + 1 for i, cell in enumerate(raw_cells) if not cell.get("id")]
        if missing and fix:
            changed = True  # writing keeps the ids nbformat.read made up
        elif missing:
            problems.append(f"{len(missing)} of {len(raw_cells)} cells have no id (nbformat 4.5 wants one; "
                            "`make strip-notebooks` adds them)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except nbformat.ValidationError as err:
        problems.append(f"invalid notebook: {str(err).splitlines()[0]}")

    kernelspec = nb.metadata.get("kernelspec", {})
    if kernelspec.get("name") != "gonb":
        if fix:
            nb.metadata["kernelspec"] = dict(KERNELSPEC)
            changed = True
        else:
            problems.append(f"kernelspec is {kernelspec.get('name')!r}, want 'gonb' (GoNB)")

    for index, cell in enumerate(nb.cells):
        where = f"cell {index + 1}"
        if cell.cell_type != "code":
            if "execution" in cell.get("metadata", {}):
                if fix:
                    del cell.metadata["execution"]
                    changed = True
                else:
                    problems.append(f"{where}: has execution metadata")
            continue
        dirty = []
        if cell.get("outputs"):
            dirty.append(f"{len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            dirty.append(f"execution count {cell.execution_count}")
        if "execution" in cell.get("metadata", {}):
            dirty.append("execution timing metadata")
        if dirty and fix:
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
            changed = True
        elif dirty:
            problems.append(f"{where}: has " + ", ".join(dirty) + " (commit notebooks without outputs)")

    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if not code_cells:
        problems.append("no code cell: the first cell must be the standard first cell")
    elif normalise(code_cells[0][1].source) != normalise(FIRST_CELL):
        problems.append(f"cell {code_cells[0][0] + 1}: the first code cell is not the standard first "
                        "cell (copy tests/first_cell.txt verbatim)")

    if student:
        for index, cell in enumerate(nb.cells):
            for marker in SOLUTION_MARKERS.get(cell.cell_type, ()):
                if any(line.strip().startswith(marker) for line in cell.source.splitlines()):
                    problems.append(f"cell {index + 1}: student copy still holds the solution marker {marker!r}")

    seen = set()
    for index, cell in enumerate(nb.cells):
        for where, text in strings_in({k: v for k, v in cell.items() if k != "outputs"}, f"cell {index + 1}"):
            for match in ABSOLUTE_PATH.finditer(text):
                key = (where, match.group(0))
                if key not in seen:
                    seen.add(key)
                    problems.append(f"{where}: absolute or home-directory path {match.group(0)!r}")
    for where, text in strings_in(nb.metadata, "metadata"):
        for match in ABSOLUTE_PATH.finditer(text):
            problems.append(f"{where}: absolute or home-directory path {match.group(0)!r}")

    if changed:
        nbformat.write(nb, path)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to check (default: notebooks/*.ipynb)")
    parser.add_argument("--fix", action="store_true",
                        help="strip outputs, execution counts and timing metadata in place")
    parser.add_argument("--student", action="store_true",
                        help="the notebooks are student copies: also check that no solution marker is left")
    args = parser.parse_args()
    if args.student and args.fix:
        parser.error("--student and --fix do not go together")
    if args.student and not args.notebooks:
        parser.error("--student needs the student copies to check (e.g. build/student/*.ipynb)")
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))

    bad = 0
    for path in paths:
        try:
            name = path.relative_to(ROOT)
        except ValueError:
            name = path
        problems = check(path, args.fix, args.student)
        for problem in problems:
            print(f"{name}: {problem}")
        bad += bool(problems)
    kind = "student cop(ies)" if args.student else "notebook(s)"
    print(f"check_notebooks: {len(paths)} {kind} checked, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
