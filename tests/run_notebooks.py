#!/usr/bin/env python3
"""Executes TheoryLab's notebooks top to bottom on a fresh GoNB kernel and fails on any error.

Run it with the repository's venv (`make test-notebooks` does this after `make setup`):

    .venv/bin/python tests/run_notebooks.py [NOTEBOOK.ipynb ...]

Without arguments it runs every notebooks/*.ipynb, in name order, each on its own new kernel,
with THEORYLAB_PRESET=quick (--preset to change). Executed copies (outputs included) are written
to build/notebooks/, never over the committed notebooks, each with the kernel's own log beside it
(NAME.kernel.log).

A notebook FAILS when a cell
  - ends in an error reply or has an error output (GoNB: compile errors, `go get` failures),
  - writes to stderr text that looks like a failure: GoNB shows a panicking cell or a program
    that exits non-zero only as stderr text ("panic: ...", "exit status 2") and the execution
    itself still "succeeds", so the outputs are inspected here (see STDERR_FAILURE),
  - shows a failing claim: pkg/claims marks every rendered claim row with its status, and any
    output containing the marker CLAIM-FAIL fails the notebook (a documented finding,
    CLAIM-FINDING, and a failure its recorded sweep shows, CLAIM-RECORDED-FAIL, do not),
  - holds an exercise's solution (a line `// BEGIN SOLUTION`, see pkg/exercise) but does not show
    the marker EXERCISE-PASS of a passing exercise check: every solution is checked on every run,
  - times out (--cell-timeout, default 900 s per cell) or kills the kernel.
Execution stops at the first failing cell. Stderr that is not a failure (progress bars) is fine.

Output: one line per notebook, then a last line `N passed, N failed`. The exit status is 0 only
when no notebook failed (also when there is no notebook at all: `0 passed, 0 failed`).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CLAIM_FAIL = "CLAIM-FAIL"
# pkg/exercise: a code cell holding a solution block must show a passing check.
SOLUTION_BEGIN = "// BEGIN SOLUTION"
EXERCISE_PASS = "EXERCISE-PASS"
# CLAIM-FINDING: a failing claim documented as a real finding (pkg/claims Claim.Finding); it is
# reported, not a test failure: the paper's Go test asserts the finding itself.
# CLAIM-RECORDED-FAIL: a failing claim whose 10-replicate sweep is recorded with it (pkg/claims
# Def.Sweep): it reads FAIL with its sweep; the paper's Go test asserts that seed 0 fails as recorded.
CLAIM_MARKERS = ("CLAIM-PASS", "CLAIM-FAIL", "CLAIM-FINDING", "CLAIM-RECORDED-FAIL", "CLAIM-TARGET-MET",
                 "CLAIM-TARGET-MISSED")

# Stderr text that means a cell failed. Stderr is otherwise allowed (progress bars, timings), so a
# notebook should print its own messages to stdout.
STDERR_FAILURE = re.compile(
    r"^panic:"  # Go panic
    r"|^fatal error:"  # Go runtime fatal error (deadlock, out of memory, ...)
    r"|goroutine \d+ \["  # goroutine dump
    r"|\bexit status [1-9]\d*"  # GoNB: the cell's program (or a ! shell line) exited non-zero
    r"|\bsignal: [a-z]"  # the cell's program was killed (e.g. out of memory: "signal: killed")
    r"|\berror\b"  # error messages of any kind (case-insensitive)
    r"|\bFAIL\b"
    r"|^[EF]\d{4} \d\d:\d\d:\d\d",  # klog ERROR / FATAL lines
    re.IGNORECASE | re.MULTILINE,
)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def one_line(text: str, limit: int = 160) -> str:
    """The first non-empty lines of text, squeezed into one line for the report."""
    text = " | ".join(line.strip() for line in strip_ansi(text).splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The lab's Go settings, the Makefile's defaults (GOTOOLCHAIN, GOEXPERIMENT): used when unset, so that
# `go` run from here (the site's `theorylab list`, the student copies) builds as under make.
GO_ENV_DEFAULTS = {"GOTOOLCHAIN": "go1.27.3", "GOEXPERIMENT": "simd"}


def set_environment(preset: str) -> None:
    """The environment scripts/env.sh gives Jupyter, so that the runner also works on its own."""
    for name, value in GO_ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)
    go_bin = shutil.which("go")
    path = [str(ROOT / ".tools" / "bin"), str(ROOT / ".venv" / "bin")]
    if go_bin:
        path.append(str(Path(go_bin).parent))
    os.environ["PATH"] = os.pathsep.join(path + [os.environ.get("PATH", "")])
    jupyter = ROOT / ".venv" / "share" / "jupyter"
    os.environ["JUPYTER_DATA_DIR"] = str(jupyter)
    os.environ["JUPYTER_CONFIG_DIR"] = str(ROOT / ".venv" / "etc" / "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(jupyter / "runtime")
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ.pop("JUPYTER_PATH", None)
    os.environ["THEORYLAB_PRESET"] = preset


def output_texts(output: dict) -> list[str]:
    """Every piece of text in one output: stream text, error text, each text-like MIME value."""
    kind = output.get("output_type")
    if kind == "stream":
        return [output.get("text", "")]
    if kind == "error":
        return [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
    texts = []
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith(("+json", "/json", "+xml")):
            texts.append(value if isinstance(value, str) else str(value))
    return texts


def count_markers(cells) -> dict[str, int]:
    """How many claim rows of each status the outputs show. An output may carry the same table in
    several MIME types, so each output counts once per marker (its largest count)."""
    counts = dict.fromkeys(CLAIM_MARKERS, 0)
    for cell in cells:
        for output in cell.get("outputs", []):
            texts = output_texts(output)
            for marker in CLAIM_MARKERS:
                # No marker is a substring of another one.
                counts[marker] += max((text.count(marker) for text in texts), default=0)
    return counts


def failing_claim_ids(text: str) -> list[str]:
    """IDs of failing claim rows in pkg/claims' HTML (data-claim="CLAIM-FAIL" data-claim-id="ID")."""
    pattern = r'data-claim="' + CLAIM_FAIL + r'"[^>]*?data-claim-id="([^"]*)"'
    return list(dict.fromkeys(re.findall(pattern, text)))


def merge_streams(cell) -> None:
    """Joins consecutive stream outputs of the same stream into one, as JupyterLab shows them:
    GoNB sends a program's output in small pieces ("panic: ", "deliberate panic", "\n", ...)."""
    merged = []
    for output in cell.get("outputs", []):
        if (merged and output.get("output_type") == "stream"
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] += output.get("text", "")
        else:
            merged.append(output)
    cell["outputs"] = merged


def error_detail(outputs) -> str:
    """The telling line of GoNB's HTML error report (a compile error, a `go get` failure), if any."""
    for output in outputs:
        page = output.get("data", {}).get("text/html", "")
        if output.get("output_type") != "display_data" or not page:
            continue
        page = re.sub(r"(?s)<style.*?</style>", "", page)
        page = html.unescape(re.sub(r"<[^>]+>", "", page))
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for line in lines:
            if re.search(r"\.go:\d+:\d+:|^go: |cannot find|not in std|undefined|error", line):
                return one_line(line, 200)
    return ""


def cell_problem(cell) -> str | None:
    """Why this executed cell counts as failed, or None."""
    outputs = cell.get("outputs", [])
    # Stderr first: it often says why (a panic, the first cell's own message) where the error
    # output only says that the build or `go get` failed.
    stderr = strip_ansi("".join(o.get("text", "") for o in outputs
                                if o.get("output_type") == "stream" and o.get("name") == "stderr"))
    match = STDERR_FAILURE.search(stderr)
    if match:
        # Report from the line holding the match, a few lines of it.
        start = stderr.rfind("\n", 0, match.start()) + 1
        return "stderr: " + one_line("\n".join(stderr[start:].splitlines()[:4]), 200)
    for output in outputs:
        if output.get("output_type") == "error":
            detail = error_detail(outputs)
            return "error: " + one_line(output.get("evalue", "") or output.get("ename", "")) + (
                f" — {detail}" if detail else "")
    for output in outputs:
        for text in output_texts(output):
            if CLAIM_FAIL in text:
                ids = failing_claim_ids(text)
                return "failing claim " + (", ".join(ids) if ids else f"({CLAIM_FAIL} in the output)")
    if SOLUTION_BEGIN in cell.get("source", "") and not any(
            EXERCISE_PASS in text for output in outputs for text in output_texts(output)):
        return (f"exercise cell: it holds a solution ({SOLUTION_BEGIN}) but shows no passing check "
                f"({EXERCISE_PASS}; call exercise.Check, Close or CloseAll at its end)")
    return None


def count_exercises(cells) -> int:
    """How many passing exercise checks the outputs show."""
    return sum(text.count(EXERCISE_PASS) for cell in cells for output in cell.get("outputs", [])
               for text in output_texts(output))


def describe_cell(index: int, cell) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index + 1} ({one_line(first, 50)!r})"


def run_notebook(path: Path, out_dir: Path, cell_timeout: int, startup_timeout: int) -> tuple[bool, str]:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. missing cell ids: check_notebooks.py reports those
        nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # the executed copy is a valid nbformat 4.5 notebook
        cell.setdefault("id", uuid.uuid4().hex[:8])
    client = NotebookClient(
        nb,
        kernel_name="gonb",  # always GoNB, whatever the file says (check_notebooks.py checks that)
        timeout=cell_timeout,
        startup_timeout=startup_timeout,
        force_raise_errors=True,
        record_timing=True,
        # The kernel starts in the notebook's own folder, as in JupyterLab (GoNB's GONB_DIR).
        resources={"metadata": {"path": str(path.parent)}},
    )
    problem = None
    executed = 0
    code_cells = 0
    out_dir.mkdir(parents=True, exist_ok=True)
    # GoNB logs to its stderr; keep that next to the executed copy instead of in the report.
    kernel_log = open(out_dir / (path.stem + ".kernel.log"), "wb")
    try:
        with client.setup_kernel(stdout=kernel_log, stderr=kernel_log):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                code_cells += 1
                where = describe_cell(index, cell)
                try:
                    try:
                        client.execute_cell(cell, index)
                    finally:
                        merge_streams(cell)
                except CellTimeoutError:
                    problem = f"{where}: timed out after {cell_timeout} s"
                except DeadKernelError as err:
                    problem = f"{where}: the kernel died ({one_line(str(err))})"
                except CellExecutionError:
                    problem = f"{where}: " + (cell_problem(cell) or "error reply from the kernel")
                else:
                    executed += 1
                    reason = cell_problem(cell)
                    if reason:
                        problem = f"{where}: {reason}"
                if problem:
                    break
    except Exception as err:  # kernel did not start, or broke down outside a cell
        if not problem:
            problem = f"kernel: {type(err).__name__}: {one_line(str(err))}"
    finally:
        kernel_log.close()
        nbformat.write(nb, out_dir / path.name)

    counts = count_markers(nb.cells)
    claims = (
        f"claims {counts['CLAIM-PASS']} pass, {counts['CLAIM-FAIL']} fail"
        + (f", {counts['CLAIM-FINDING']} fail as documented findings" if counts["CLAIM-FINDING"] else "")
        + (f", {counts['CLAIM-RECORDED-FAIL']} fail as their sweeps recorded" if counts["CLAIM-RECORDED-FAIL"] else "")
        + (f", targets {counts['CLAIM-TARGET-MET']} met, {counts['CLAIM-TARGET-MISSED']} missed"
           if counts["CLAIM-TARGET-MET"] or counts["CLAIM-TARGET-MISSED"] else "")
    )
    exercises = count_exercises(nb.cells)
    if exercises:
        claims += f"; exercises {exercises} pass"
    if problem:
        return False, f"{problem} [{executed}/{code_cells} code cells ran; {claims}]"
    return True, f"{executed} code cells; {claims}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "notebooks",
                        help="folder for the executed copies (default: build/notebooks)")
    parser.add_argument("--cell-timeout", type=int,
                        default=int(os.environ.get("NB_CELL_TIMEOUT", "900")),
                        help="seconds per cell (default: $NB_CELL_TIMEOUT or 900)")
    parser.add_argument("--startup-timeout", type=int, default=180,
                        help="seconds for the kernel to start (default: 180)")
    parser.add_argument("--preset", default="quick",
                        help="THEORYLAB_PRESET for the notebooks (default: quick)")
    args = parser.parse_args()

    set_environment(args.preset)
    kernel_json = ROOT / ".venv" / "share" / "jupyter" / "kernels" / "gonb" / "kernel.json"
    if not kernel_json.exists():
        print(f"run_notebooks: the GoNB kernelspec is missing ({kernel_json.relative_to(ROOT)}); "
              "run `make setup` first", file=sys.stderr)
        return 2

    if args.notebooks:
        paths = [p.resolve() for p in args.notebooks]
        missing = [str(p) for p in args.notebooks if not p.is_file()]
        if missing:
            print(f"run_notebooks: no such notebook: {', '.join(missing)}", file=sys.stderr)
            return 2
    else:
        paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found in notebooks/")

    passed = failed = 0
    for path in paths:
        try:
            name = path.relative_to(ROOT)
        except ValueError:
            name = path
        start = time.monotonic()
        ok, detail = run_notebook(path, args.out, args.cell_timeout, args.startup_timeout)
        seconds = time.monotonic() - start
        print(f"{'PASS' if ok else 'FAIL'}  {name}  ({seconds:.1f} s)  {detail}", flush=True)
        if ok:
            passed += 1
        else:
            failed += 1
    if paths:
        try:
            out = args.out.resolve().relative_to(ROOT)
        except ValueError:
            out = args.out
        print(f"executed copies in {out}/")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
