"""How fast a model's HTML report page opens in a real browser: the page as the report writes
it (each trace's chart and data beside it in MODEL.traces/ID.js, loaded when the trace is
opened) against the same page with every trace inlined (as pages were before session 14):
headless Chromium's wall time to load the page from disk and dump its DOM, median of
several runs, and each page's size.

    .venv/bin/python benchmarks/bench_html_page.py models/private_call_redirect.py
    .venv/bin/python benchmarks/bench_html_page.py models/group_call_migration.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_seconds(browser: str, page: Path) -> float:
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                       capture_output=True, check=True, timeout=600)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                    if shutil.which(n)), None)
    if browser is None:
        print("no Chromium on this machine: apt-get install chromium")
        return 2
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "mcfsm.cli", "report", args.model, "--out", out],
                       check=True, cwd=ROOT, capture_output=True)
        [lazy] = [p for p in Path(out).glob("*.html") if p.name != "index.html"]
        eager = lazy.with_name("eager.html")
        text = lazy.read_text()

        def inline(m: re.Match[str]) -> str:
            call = (lazy.parent / m.group(1)).read_text()
            body = json.loads(call[call.index(", ") + 2:call.rindex(");")])
            return f'<div class="trace-body">{body}</div>'

        eager.write_text(re.sub(r'<div class="trace-body" data-src="([^"]+)">.*?</div>', inline,
                                text, flags=re.S))
        rows = []
        for page in (eager, lazy):
            times = [load_seconds(browser, page) for _ in range(args.runs)]
            rows.append((page, statistics.median(times), page.stat().st_size))
    (_, t_eager, size_eager), (_, t_lazy, size_lazy) = rows
    print(f"{lazy.name}: every trace inlined: {size_eager / 1e6:.1f} MB, {t_eager:.2f} s; "
          f"traces loaded when opened: {size_lazy / 1e6:.1f} MB, {t_lazy:.2f} s "
          f"({t_eager / t_lazy:.1f}x); median of {args.runs} headless Chromium loads (whole "
          "process, dump of the DOM)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
