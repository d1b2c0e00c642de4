#!/usr/bin/env python3
"""Builds TheoryLab's site: every notebook executed and rendered as HTML, and an index page.

Run it with the repository's venv (`make site` does this after `make setup`):

    .venv/bin/python scripts/build_site.py [--preset quick] [--out build/site] [NOTEBOOK.ipynb ...]

Without arguments it takes every notebooks/*.ipynb. Each notebook is executed top to bottom on a
fresh GoNB kernel (tests/run_notebooks.py's runner, THEORYLAB_PRESET=quick by default; results come
from the on-disk cache when `make test` has computed them), then rendered by nbconvert (JupyterLab's
look, figures and claim tables included) into OUT/NAME.html. OUT/index.html lists the papers (from
`theorylab list`) with their notebooks, the status of every claim as the executed notebook shows it
(pkg/claims' CLAIM-PASS / CLAIM-FAIL markers), the exercises and the run time. OUT/executed/ holds
the executed .ipynb files and their kernel logs, OUT/student/ the student copies
(`theorylab student`).

Formulas are typeset by MathJax 3, pinned by scripts/site/package-lock.json, installed from npm by
scripts/setup-site.sh and copied into OUT/mathjax/: the pages load nothing from the internet (no
CDN; figures are inline SVG), so the folder works offline and on any static host. Where Node.js/npm
is missing, the pages show formulas as TeX source and say so (and so does this script).

A notebook that fails is still rendered, with the failure on the index page; the exit status is 1
when any notebook failed (or MathJax could not be installed for a reason other than a missing
Node.js), 0 otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import run_notebooks as runner  # noqa: E402  (the notebook test's runner and markers)

CLAIM_ROW = re.compile(r'data-claim="(CLAIM-[A-Z-]+)"[^>]*?data-claim-id="([^"]*)"')
STATUS_WORD = {"CLAIM-PASS": "PASS", "CLAIM-FAIL": "FAIL", "CLAIM-FINDING": "FAIL (documented finding)", "CLAIM-TARGET-MET": "TARGET MET",
               "CLAIM-TARGET-MISSED": "TARGET MISSED"}


def papers_table() -> dict[int, dict]:
    """The paper table from `theorylab list`, by paper number."""
    out = subprocess.run(["go", "run", "./cmd/theorylab", "list"], cwd=ROOT, text=True,
                         capture_output=True)
    if out.returncode != 0:
        print(f"site: `theorylab list` failed, the index shows notebook titles only:\n{out.stderr}",
              file=sys.stderr)
        return {}
    table = {}
    for line in out.stdout.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+(.*?) — (.*?)\s+\[presets: (.*)\]\s*$", line)
        if m:
            table[int(m.group(2))] = {"name": m.group(1), "title": m.group(3), "authors": m.group(4),
                                      "presets": m.group(5)}
    return table


def notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def claim_statuses(nb) -> list[tuple[str, str]]:
    """(claim id, marker) of every claim row the executed notebook shows, in order, once each."""
    seen: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for text in runner.output_texts(output):
                for marker, cid in CLAIM_ROW.findall(text):
                    seen.setdefault(html.unescape(cid), marker)
    return list(seen.items())


def backend_of(nb) -> str:
    """The backend the standard first cell printed ("backend: xla:cpu — …")."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for text in runner.output_texts(output):
                m = re.search(r"^backend: (\S+)", text, re.MULTILINE)
                if m:
                    return m.group(1)
    return "?"


SITE_ASSETS = ROOT / "scripts" / "site"  # the page template, and MathJax's npm pins
UNAVAILABLE = 3  # scripts/setup-site.sh: MathJax cannot be installed on this machine
# What is copied from MathJax's es5/ folder: the single-file component (TeX input, SVG output, all
# TeX extensions, fonts as SVG paths) and what its menu loads on demand (accessibility, speech).
MATHJAX_COMPONENT = "tex-svg-full.js"
MATHJAX_EXTRAS = ("ui", "a11y", "sre")
# A page must not load anything from elsewhere: <script src="http…">, import("http…"), <link href="http…">.
REMOTE_LOAD = re.compile(r"""<script[^>]*\bsrc=["']?(?:https?:)?//|import\(\s*["'](?:https?:)?//"""
                         r"""|<link[^>]*\bhref=["']?(?:https?:)?//""", re.IGNORECASE)


def install_mathjax(out: Path) -> tuple[str, str, bool]:
    """Installs MathJax (scripts/setup-site.sh) and copies it into OUT/mathjax/.
    Returns (its URL relative to the pages, or "" without it; why not; whether that is an error)."""
    setup = subprocess.run([str(ROOT / "scripts" / "setup-site.sh")], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = [line for line in setup.stdout.splitlines() if line.strip()]
    for line in lines:
        print(line, flush=True)
    last = lines[-1] if lines else f"setup-site.sh exited {setup.returncode} without a word"
    if setup.returncode != 0:
        why = last.split("UNAVAILABLE: ", 1)[-1].split("ERROR: ", 1)[-1]
        return "", f"MathJax was not installed ({why})", setup.returncode != UNAVAILABLE
    source = Path(last.split("ready: ", 1)[1].strip())
    dest = out / "mathjax"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copy2(source / MATHJAX_COMPONENT, dest)
    for extra in MATHJAX_EXTRAS:
        if (source / extra).is_dir():
            shutil.copytree(source / extra, dest / extra)
    # MathJax is Apache-2.0: its licence travels with the copy.
    for name in ("LICENSE", "package.json"):
        if (source.parent / name).is_file():
            shutil.copy2(source.parent / name, dest / name)
    return f"mathjax/{MATHJAX_COMPONENT}", "", False


def render(nb, title: str, dest: Path, mathjax_url: str, mathjax_note: str) -> None:
    from nbconvert import HTMLExporter
    # scripts/site/notebook.html.j2: nbconvert's "lab" page with MathJax from the site, nothing from a CDN.
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(SITE_ASSETS)],
                            template_file="notebook.html.j2")
    exporter.mathjax_url = mathjax_url
    # GoNB leaves language_info.pygments_lexer empty, and nbconvert then highlights as IPython
    # (an apostrophe in a // comment opens a "string"): the cells are Go.
    info = nb.metadata.setdefault("language_info", {})
    if not info.get("pygments_lexer"):
        info["pygments_lexer"] = "go"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title},
                                                         "mathjax_note": mathjax_note})
    nav = ('<nav style="font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ddd">'
           '<a href="index.html">← TheoryLab: all notebooks</a></nav>')
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    remote = REMOTE_LOAD.search(body)
    if remote:
        raise RuntimeError(f"{dest.name} would load something from the internet: {remote.group(0)!r}")
    dest.write_text(body, encoding="utf-8")


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TheoryLab — notebooks and claims</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #d0d7de; }}
th {{ background: #f6f8fa; }}
.pass {{ color: #1a7f37; font-weight: bold; }} .fail {{ color: #cf222e; font-weight: bold; }}
.muted {{ color: #656d76; font-size: 0.9em; }}
.chip {{ display: inline-block; margin: 1px 2px; padding: 0 6px; border-radius: 8px; font-size: 0.85em; white-space: nowrap; }}
.chip.CLAIM-PASS {{ background: rgba(46,160,67,0.15); color: #1a7f37; }}
.chip.CLAIM-FAIL {{ background: rgba(248,81,73,0.18); color: #cf222e; }}
.chip.CLAIM-FINDING {{ background: rgba(248,81,73,0.10); color: #cf222e; }}
.chip.CLAIM-TARGET-MET {{ background: rgba(110,119,129,0.12); color: #57606a; }}
.chip.CLAIM-TARGET-MISSED {{ background: rgba(212,167,44,0.18); color: #9a6700; }}
code {{ background: #f6f8fa; padding: 0 3px; border-radius: 3px; }}
</style></head><body>
<h1>TheoryLab</h1>
<p>Deep-learning theory papers as notebooks that explain the theorem, rerun the experiment on a CPU and
<b>check the paper's claims with numbers</b>. Every page below is a notebook executed top to bottom
(preset <code>{preset}</code>, backend <code>{backend}</code>) and rendered with its figures and claim tables.</p>
<p class="{overall_class}">{overall}</p>
<table>
<thead><tr><th>#</th><th>Paper</th><th>Notebook</th><th>Claims ({preset} preset)</th><th>Exercises</th><th>Run</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p class="muted">Built {built} by <code>make site</code> ({seconds:.0f} s). Student copies (solutions replaced by stubs)
are in <code>student/</code>; executed notebooks in <code>executed/</code>. The notebooks' source, and how to run them
yourself (<code>make lab</code>), is in the repository's README.</p>
</body></html>
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site",
                        help="output folder (default: build/site)")
    parser.add_argument("--preset", default="quick", help="THEORYLAB_PRESET (default: quick)")
    parser.add_argument("--cell-timeout", type=int, default=900, help="seconds per cell (default: 900)")
    args = parser.parse_args()
    start = time.monotonic()

    runner.set_environment(args.preset)
    if not (ROOT / ".venv" / "share" / "jupyter" / "kernels" / "gonb" / "kernel.json").exists():
        print("site: the GoNB kernelspec is missing; run `make setup` first", file=sys.stderr)
        return 2
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("site: no notebooks", file=sys.stderr)
        return 2
    out = args.out.resolve()
    executed = out / "executed"
    executed.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.html"):
        old.unlink()
    mathjax_url, mathjax_note, mathjax_failed = install_mathjax(out)
    if not mathjax_url:
        print(f"site: WARNING: formulas will show as TeX source: {mathjax_note}", file=sys.stderr, flush=True)

    student = subprocess.run(["go", "run", "./cmd/theorylab", "student", "--out", str(out / "student"),
                              *map(str, paths)], cwd=ROOT, text=True, capture_output=True)
    print(student.stdout.strip().splitlines()[-1] if student.returncode == 0 else
          f"site: student copies failed:\n{student.stderr}", flush=True)
    table = papers_table()

    import nbformat
    entries = []
    for path in paths:
        print(f"site: executing {path.name} (preset {args.preset}) …", flush=True)
        t0 = time.monotonic()
        ok, detail = runner.run_notebook(path, executed, args.cell_timeout, 180)
        seconds = time.monotonic() - t0
        nb = nbformat.read(executed / path.name, as_version=4)
        title = notebook_title(nb) or path.stem
        render(nb, title, out / (path.stem + ".html"), mathjax_url, mathjax_note)
        print(f"{'PASS' if ok else 'FAIL'}  {path.name}  ({seconds:.1f} s)  {detail} → {path.stem}.html",
              flush=True)
        entries.append({"path": path, "ok": ok, "detail": detail, "seconds": seconds, "title": title,
                        "claims": claim_statuses(nb), "backend": backend_of(nb),
                        "exercises": runner.count_exercises(nb.cells)})

    rows = []
    numbered = {}
    for e in entries:
        m = re.match(r"^(\d+)-", e["path"].name)
        numbered.setdefault(int(m.group(1)) if m else -1, []).append(e)
    for number in sorted(set(numbered) | set(table)):
        paper = table.get(number)
        for e in numbered.get(number, [None]):
            if paper:
                what = (f"{html.escape(paper['title'])}<br><span class=muted>{html.escape(paper['authors'])}"
                        f" · <code>{html.escape(paper['name'])}</code></span>")
            else:
                what = html.escape(e["title"]) if e else ""
            if e is None:
                rows.append(f"<tr><td>{number:02d}</td><td>{what}</td><td class=muted>no notebook</td>"
                            "<td></td><td></td><td></td></tr>")
                continue
            claims = e["claims"]
            if claims:
                passed = sum(m == "CLAIM-PASS" for _, m in claims)
                checked = sum(m in ("CLAIM-PASS", "CLAIM-FAIL", "CLAIM-FINDING") for _, m in claims)
                cls = "pass" if passed == checked else "fail"
                chips = " ".join(f'<span class="chip {m}">{html.escape(cid)} {STATUS_WORD.get(m, m)}</span>'
                                 for cid, m in claims)
                claim_cell = f'<span class="{cls}">{passed}/{checked} pass</span><br>{chips}'
            else:
                claim_cell = '<span class="muted">no claims (introduction)</span>'
            run = (f'<span class="pass">ran</span> {e["seconds"]:.0f} s on <code>{html.escape(e["backend"])}</code>'
                   if e["ok"] else f'<span class="fail">FAILED</span>: {html.escape(e["detail"])}')
            name = e["path"].name
            rows.append(
                f"<tr><td>{'' if number < 0 else f'{number:02d}'}</td><td>{what}</td>"
                f'<td><a href="{html.escape(e["path"].stem)}.html">{html.escape(name)}</a><br>'
                f'<span class=muted><a href="executed/{html.escape(name)}">executed .ipynb</a> · '
                f'<a href="student/{html.escape(name)}">student copy</a></span></td>'
                f"<td>{claim_cell}</td><td>{e['exercises'] or ''}</td><td>{run}</td></tr>")

    failed = [e for e in entries if not e["ok"]]
    backends = sorted({e["backend"] for e in entries if e["backend"] != "?"}) or ["?"]
    overall = (f"All {len(entries)} notebooks ran; every claim they check passes."
               if not failed and all(m != "CLAIM-FAIL" for e in entries for _, m in e["claims"])
               else f"{len(failed)} of {len(entries)} notebooks failed: "
                    + ", ".join(e["path"].name for e in failed))
    seconds = time.monotonic() - start
    (out / "index.html").write_text(PAGE.format(
        preset=html.escape(args.preset), backend=html.escape(", ".join(backends)), rows="\n".join(rows),
        overall=html.escape(overall), overall_class="fail" if failed else "pass",
        built=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        seconds=seconds), encoding="utf-8")
    (out / "site.json").write_text(json.dumps([
        {"notebook": e["path"].name, "ok": e["ok"], "detail": e["detail"], "seconds": round(e["seconds"], 1),
         "backend": e["backend"], "claims": dict(e["claims"]), "exercises": e["exercises"]}
        for e in entries], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        shown = out.relative_to(ROOT)
    except ValueError:
        shown = out
    print(f"site: {shown}/index.html — {len(entries) - len(failed)} of {len(entries)} notebooks ran "
          f"({seconds:.0f} s)")
    return 1 if failed or mathjax_failed else 0


if __name__ == "__main__":
    sys.exit(main())
