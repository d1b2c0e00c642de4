#!/usr/bin/env python3
"""Browser test: JupyterLab started for real, a notebook opened and run in headless Chromium.

Run it with the repository's venv (`make test` and `make test-browser` do, after `make setup`):

    .venv/bin/python tests/browser_test.py [--notebook notebooks/00-start-here.ipynb]

1. scripts/setup-browser.sh installs Debian's chromium (apt) and playwright-core (npm, pinned by
   tests/browser/package-lock.json) when they are missing. Where Chromium cannot be installed (no
   apt, not root, no Node.js), the test SKIPS and says why, in a line that starts with SKIP.
2. The notebook is copied to build/browser/lab/ (JupyterLab never writes to the committed notebook;
   the GoNB kernel's go.work, from `make setup`, makes the module importable there), and JupyterLab starts
   from .venv on a free loopback port with a random token, its settings, workspaces and logs under
   build/browser/ (autosave off).
3. tests/browser/lab_test.mjs drives Chromium: it opens the notebook, checks that the GoNB kernel
   runs it, runs the standard first cell, a GoMLX cell and a plotting cell, and checks the printed
   text, the <svg> figure in the output area and the progress summary. Screenshots:
   build/browser/NAME.png (the window) and build/browser/NAME-figure.png (the figure's output).
4. The server is always shut down (its API, then its process tree), also on failure or Ctrl-C.

Output ends like tests/run_notebooks.py's: one PASS / FAIL / SKIP line, then `N passed, N failed`
(`0 passed, 0 failed, 1 skipped` on a skip). Exit status 0 on PASS or SKIP, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from run_notebooks import set_environment  # noqa: E402  (the same Jupyter environment)

OUT = ROOT / "build" / "browser"
UNAVAILABLE = 3  # scripts/setup-browser.sh: the browser cannot be installed here


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(settings: Path) -> None:
    """JupyterLab user settings for the test: no autosave, every cell rendered in the page."""
    files = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                            "checkForUpdates": False},
    }
    for name, value in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, indent=1) + "\n")


def api(base: str, token: str, path: str, method: str = "GET", timeout: float = 5) -> bytes:
    req = urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None,
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def process_tree(pid: int):
    """The process and all its descendants (psutil ships with JupyterLab's dependencies)."""
    import psutil
    try:
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def stop_server(server: subprocess.Popen, base: str, token: str) -> str:
    """Shuts JupyterLab and its kernels down: the shutdown API first, then signals to every
    process the server started (kernels run in sessions of their own, so a process-group kill
    would miss them). Returns a note on how it went."""
    import psutil
    tree = process_tree(server.pid)  # before the server goes: its children then get reparented
    note = "shut down through its API"
    try:
        api(base, token, "api/shutdown", method="POST")
    except (urllib.error.URLError, OSError) as err:
        note = f"shutdown API failed ({err}); terminated"
        server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        note = "did not stop in 20 s; terminated"
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            note = "killed"
    # Whatever the server left behind (a kernel, a cell program): terminate, then kill.
    alive = [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for p in alive:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(alive, timeout=10)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    if alive:
        note += f"; killed {len(alive)} leftover process(es)"
    return note


def summary(status: str, detail: str, seconds: float) -> int:
    print(f"{status}  browser  ({seconds:.1f} s)  {detail}", flush=True)
    if status == "PASS":
        print("1 passed, 0 failed")
        return 0
    if status == "SKIP":
        print("0 passed, 0 failed, 1 skipped")
        return 0
    print("0 passed, 1 failed")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", type=Path, default=ROOT / "notebooks" / "00-start-here.ipynb",
                        help="notebook to open (default: notebooks/00-start-here.ipynb); it must have "
                             "the cells tests/browser/lab_test.mjs looks for")
    parser.add_argument("--cell-timeout", type=int, default=int(os.environ.get("NB_CELL_TIMEOUT", "300")),
                        help="seconds per cell (default: $NB_CELL_TIMEOUT or 300)")
    args = parser.parse_args()
    start = time.monotonic()
    elapsed = lambda: time.monotonic() - start  # noqa: E731

    # 1. Chromium and playwright-core.
    setup = subprocess.run([str(ROOT / "scripts" / "setup-browser.sh")], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = [line for line in setup.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        print(line)
    last = lines[-1] if lines else f"setup-browser.sh exited {setup.returncode} without a word"
    if setup.returncode == UNAVAILABLE:
        print(last)
        return summary("SKIP", "Chromium cannot be installed on this machine, so the browser test did not "
                       "run: " + last.split("UNAVAILABLE: ", 1)[-1], elapsed())
    if setup.returncode != 0:
        print(last)
        return summary("FAIL", f"scripts/setup-browser.sh failed (exit {setup.returncode})", elapsed())
    print(last)
    chromium = last.split("ready: ", 1)[-1].split(" (", 1)[0]

    set_environment("quick")
    kernel_json = ROOT / ".venv" / "share" / "jupyter" / "kernels" / "gonb" / "kernel.json"
    if not kernel_json.exists():
        return summary("FAIL", "the GoNB kernelspec is missing: run `make setup` first", elapsed())

    # 2. A copy of the notebook, and JupyterLab on it.
    nb = args.notebook.resolve()
    shutil.rmtree(OUT, ignore_errors=True)
    lab_root = OUT / "lab"
    lab_root.mkdir(parents=True)
    shutil.copy(nb, lab_root / nb.name)
    write_settings(OUT / "lab-settings")
    (OUT / "lab-workspaces").mkdir()
    port, token = free_port(), secrets.token_hex(24)
    base = f"http://127.0.0.1:{port}/"
    cmd = [
        str(ROOT / ".venv" / "bin" / "jupyter"), "lab", "--no-browser",
        f"--ServerApp.root_dir={lab_root}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        "--MappingKernelManager.default_kernel_name=gonb",
        "--KernelSpecManager.allowed_kernelspecs=gonb",
        f"--LabApp.user_settings_dir={OUT / 'lab-settings'}",
        f"--LabApp.workspaces_dir={OUT / 'lab-workspaces'}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    server_log = open(OUT / "jupyterlab.log", "wb")
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
    status, detail = "FAIL", ""
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with status {server.returncode} "
                                   "(see build/browser/jupyterlab.log)")
            try:
                api(base, token, "api/status")
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer in 120 s (see build/browser/jupyterlab.log)")
                time.sleep(0.5)
        print(f"browser: JupyterLab up on 127.0.0.1:{port} after {elapsed():.1f} s", flush=True)

        # 3. Chromium.
        env = dict(os.environ, LAB_URL=base, LAB_TOKEN=token, NOTEBOOK=nb.name, CHROMIUM=chromium,
                   SHOT_DIR=str(OUT), CELL_TIMEOUT_MS=str(args.cell_timeout * 1000))
        run = subprocess.run(["node", str(ROOT / "tests" / "browser" / "lab_test.mjs")], cwd=ROOT, env=env,
                             timeout=3 * args.cell_timeout + 300)
        shot = (OUT / (nb.stem + ".png")).relative_to(ROOT)
        if run.returncode == 0:
            status = "PASS"
            detail = (f"{nb.relative_to(ROOT) if nb.is_relative_to(ROOT) else nb} in JupyterLab + headless "
                      f"Chromium: first cell, GoMLX cell and plotting cell ran; text, <svg> figure and "
                      f"progress summary shown; screenshot {shot}")
        else:
            detail = "the page checks failed (see the lines above, build/browser/*.png and build/browser/jupyterlab.log)"
    except subprocess.TimeoutExpired:
        detail = "the Chromium driver timed out"
    except Exception as err:  # the server did not start, or something else broke
        detail = f"{type(err).__name__}: {err}"
    finally:
        note = stop_server(server, base, token)
        server_log.close()
        print(f"browser: JupyterLab {note}", flush=True)
    return summary(status, detail, elapsed())


if __name__ == "__main__":
    sys.exit(main())
