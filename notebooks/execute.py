#!/usr/bin/env python3
"""Executes the tutorial notebooks through the installed gotensor kernelspec with nbclient.

    execute.py --write [NOTEBOOK ...]   run and save the outputs into the notebooks (what is committed)
    execute.py --check [NOTEBOOK ...]   run into memory; fail on any error output, and on drift from the
                                        committed outputs in every cell not tagged "volatile"

"Drift" compares what a reader relies on: stream text, text/plain results and the shape of rich outputs
(which MIME types). Cells whose output legitimately changes from run to run (timings, device names, progress
rates) carry the cell tag "volatile"; their outputs are still required to be error-free.
"""
import argparse
import copy
import difflib
import glob
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = os.path.dirname(os.path.abspath(__file__))
# Display ids are fresh on every run; hex-looking ids in text are the only other volatile token we allow.
DISPLAY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def summarize(cell):
    """The parts of a cell's outputs that must not drift, as a list of strings."""
    out = []
    for o in cell.get("outputs", []):
        kind = o["output_type"]
        if kind == "stream":
            out.append(f"stream:{o['name']}:{o['text']}")
        elif kind in ("execute_result", "display_data"):
            data = o.get("data", {})
            out.append(f"{kind}:{sorted(data)}:{DISPLAY_ID.sub('<id>', data.get('text/plain', ''))}")
        elif kind == "error":
            out.append(f"error:{o['ename']}:{o['evalue']}")
    # Consecutive stream messages may be split differently between runs: join them before comparing.
    joined = []
    for s in out:
        if joined and s.startswith("stream:") and joined[-1].startswith(s[: s.index(":", 7) + 1]):
            joined[-1] += s[s.index(":", 7) + 1 :]
        else:
            joined.append(s)
    return joined


def execute(path, timeout):
    nb = nbformat.read(path, as_version=4)
    ran = copy.deepcopy(nb)
    client = NotebookClient(ran, timeout=timeout, kernel_name="gotensor", allow_errors=True,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    client.execute()
    return nb, ran


def errors_in(nb):
    errs = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o["output_type"] == "error":
                errs.append(f"cell {i}: {o['ename']}: {o['evalue']}")
            if o["output_type"] == "stream" and o["name"] == "stderr" and "panic" in o["text"]:
                errs.append(f"cell {i}: stderr: {o['text'][:200]}")
    return errs


def main():
    ap = argparse.ArgumentParser()
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("notebooks", nargs="*")
    args = ap.parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(HERE, "*.ipynb")))
    failed = 0
    for path in paths:
        nb, ran = execute(path, args.timeout)
        errs = errors_in(ran)
        drift = []
        if args.check:
            for i, (old, new) in enumerate(zip(nb.cells, ran.cells)):
                if old.cell_type != "code" or "volatile" in old.metadata.get("tags", []):
                    continue
                a, b = summarize(old), summarize(new)
                if a != b:
                    diff = "\n".join(difflib.unified_diff(a, b, "committed", "now", lineterm=""))
                    drift.append(f"cell {i} drifted:\n{diff}")
        else:
            nbformat.write(ran, path)
        status = "ok" if not errs and not drift else "FAIL"
        print(f"{status} {os.path.relpath(path)}: {len(ran.cells)} cells")
        for e in errs + drift:
            print("   ", e.replace("\n", "\n    "))
        failed += status != "ok"
    print(f"notebooks: {len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
