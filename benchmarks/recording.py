"""What recording costs: `aria eval --arc` with recordings (gzip, plain) against `--no-record`.

Prints figures, asserts nothing. Each case is the real CLI in a child process, as a user runs it;
cases are interleaved and repeated, and the median is shown. Two figures of time: the run's own
`wall_s` from results.json (the game loop, recordings included, until they are closed) and the
process's wall time and CPU time (interpreter start and imports included; CPU time is the figure
that a busy machine disturbs least). Disk is the recordings folder's size.

    .venv/bin/python benchmarks/recording.py                       # random on mz01 + the `make demo` run
    .venv/bin/python benchmarks/recording.py --demo-games mz01,sq01 # a subset of the demo
    .venv/bin/python benchmarks/recording.py --skip-demo --repeats 5
    .venv/bin/python benchmarks/recording.py --skip-demo --cases "no record,jsonl.gz" --repo ../before
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = {"no record": ["--no-record"], "jsonl.gz": [], "jsonl": ["--record-format", "jsonl"]}


def run_once(run_dir: Path, args: list[str], repo: Path) -> tuple[float, float, float, int]:
    """(run wall_s, process wall s, process CPU s, recordings bytes) of one `aria eval` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "agent.cli", "eval", "--arc", "--quiet", "--run-dir", str(run_dir),
                           *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(repo)})
    process_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"aria eval failed ({done.returncode}): {done.stderr.strip()}")
    wall_s = json.loads((run_dir / "results.json").read_text())["wall_s"]
    recordings = run_dir / "recordings"
    size = sum(p.stat().st_size for p in recordings.rglob("*") if p.is_file()) if recordings.exists() else 0
    shutil.rmtree(run_dir)
    return wall_s, process_s, cpu_s, size


def compare(title: str, common: list[str], cases: list[str], repeats: int, repo: Path) -> None:
    figures: dict[str, list[tuple[float, float, float, int]]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory(prefix="aria-bench-rec-") as tmp:
        for repeat in range(repeats):
            for case in cases:
                figures[case].append(run_once(Path(tmp) / f"{case}-{repeat}".replace(" ", "-"),
                                              common + CASES[case], repo))

    def median(case: str, index: int) -> float:
        return statistics.median(f[index] for f in figures[case])

    print(f"\n{title} with {repo}  (median of {repeats}; `aria eval --arc --quiet {' '.join(common)}`; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"{'case':<10} {'run wall_s':>11} {'ratio':>7} {'process s':>10} {'ratio':>7} {'CPU s':>7} {'ratio':>7} "
          f"{'recordings':>12}")
    for case in cases:
        ratios = [median(case, i) / median("no record", i) for i in range(3)]
        print(f"{case:<10} {median(case, 0):>11.2f} {ratios[0]:>6.2f}x {median(case, 1):>10.2f} {ratios[1]:>6.2f}x "
              f"{median(case, 2):>7.2f} {ratios[2]:>6.2f}x {median(case, 3) / 1e6:>10.2f} MB")
        if repeats > 1:
            print(f"{'':<10} run wall_s of each: " + ", ".join(f"{f[0]:.2f}" for f in figures[case]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=5000, help="Actions of the random agent on mz01.")
    parser.add_argument("--repeats", type=int, default=3, help="Runs of each random-agent case.")
    parser.add_argument("--demo-games", default="all", help="Games of the demo run (`all`: the whole suite).")
    parser.add_argument("--demo-repeats", type=int, default=1, help="Runs of each demo case.")
    parser.add_argument("--skip-demo", action="store_true", help="Only the random-agent figures.")
    parser.add_argument("--cases", default="no record,jsonl.gz,jsonl",
                        help="Cases of the random-agent run (`no record`, `jsonl.gz`: the default, `jsonl`).")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="The checkout whose `aria` runs (another one measures code before a change; there "
                             "`jsonl.gz` means its default recording).")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(f"python {sys.version.split()[0]}")
    compare(f"random agent on mz01, {args.actions} actions",
            ["--games", "mz01", "--agent", "random", "--max-actions", str(args.actions)],
            args.cases.split(","), args.repeats, args.repo.resolve())
    if not args.skip_demo:
        compare(f"`make demo`: the default agent on {args.demo_games} (5,000 actions per game)",
                ["--games", args.demo_games], ["no record", "jsonl.gz"], args.demo_repeats, args.repo.resolve())


if __name__ == "__main__":
    main()
