"""Benchmark: start-up to a usable window, installed bundle against the venv (run on demand).

    python tests/bench/bench_startup.py [--bundle dist/shopcrm-0.1.0/shopcrm] [--runs 5]

For the demo shop (600 guests) and a 50,000-guest shop (tests/bench/bench_ui_search.generate),
starts ``shopcrm --db FILE`` on a real X server (Xvfb, the xcb platform plugin a desktop uses)
and times spawn -> the main window mapped on screen at full size (polling ``xwininfo -tree``),
then ends the app. Reports the median and the best of ``--runs`` starts (the first start of each
is a warm-up: the OS file cache and, for the bundle, the first unpack of the postal data).
Needs Xvfb and xwininfo (Debian: xvfb, x11-utils).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


WINDOW = re.compile(r'^\s*0x[0-9a-f]+ "[^"]*shopcrm[^"]*": .*?\s(\d+)x(\d+)[+-]', re.M)


def window_shown(display: str) -> bool:
    out = subprocess.run(["xwininfo", "-root", "-tree", "-display", display],
                         capture_output=True, text=True).stdout  # fmt: skip
    return any(int(w) >= 600 and int(h) >= 400 for w, h in WINDOW.findall(out))


def start_once(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not window_shown(env["DISPLAY"]):
            if proc.poll() is not None or time.perf_counter() - t0 > 120:
                raise RuntimeError(f"{cmd} showed no window (rc={proc.poll()})")
            time.sleep(0.02)
        return time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(60)


def measure(cmd: list[str], db: Path, env: dict, runs: int) -> tuple[float, float]:
    start_once([*cmd, "--db", str(db)], env)  # warm-up
    times = [start_once([*cmd, "--db", str(db)], env) for _ in range(runs)]
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    from shopcrm import __version__

    default_bundle = ROOT / "dist" / f"shopcrm-{__version__}" / "shopcrm"
    parser.add_argument("--bundle", type=Path, default=default_bundle)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--customers", type=int, default=50_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="shopcrm-bench-start-"))
    display = f":{90 + os.getpid() % 100}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1.0)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display,
               SHOPCRM_DATA_DIR=str(work / "data"), SHOPCRM_LOG_DIR=str(work / "logs"))  # fmt: skip
    demo = work / "demo.db"
    venv_cmd = [sys.executable, "-m", "shopcrm"]
    subprocess.run([*venv_cmd, "--db", str(demo), "demo"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    big = work / "big.db"
    from shopcrm.store import open_db
    from tests.bench.bench_ui_search import generate

    db = open_db(big)
    generate(db, args.customers)
    db.close()

    commands = {"venv": venv_cmd}
    if args.bundle.exists():
        commands["bundle"] = [str(args.bundle)]
    else:
        print(f"(no bundle at {args.bundle}: build it with python packaging/build.py)")
    print(f"start-up to a usable window, median / best of {args.runs} (s)")
    try:
        for shop, path in (("demo shop (600 guests)", demo), (f"{args.customers:,} guests", big)):
            for name, cmd in commands.items():
                median, best = measure(cmd, path, env, args.runs)
                print(f"  {shop:<24} {name:<7} {median:6.2f} / {best:5.2f}")
    finally:
        xvfb.terminate()


if __name__ == "__main__":
    main()
