"""`make bench` / `python -m bench [--tiny] [--out build/bench.json]`: run every benchmark, print one table.

Each row is a ratio of two timings taken in the same process, one right after the other, so machine noise
cancels. `--tiny` runs each benchmark on a very small setting (the smoke test in tests/test_bench.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from bench import course, data_path, throughput, time_to_99

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="a very small setting: checks the benchmarks run")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench.json")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads{' (tiny setting)' if args.tiny else ''}")
    results: dict = {"torch": torch.__version__, "threads": torch.get_num_threads(), "tiny": args.tiny}
    rows = []
    for bench in (data_path, throughput, time_to_99, course):
        out = bench.run(tiny=args.tiny)
        results.update(out["numbers"])
        rows.extend(out["rows"])
    results["bench_seconds"] = round(time.perf_counter() - start, 1)
    results["rows"] = rows  # the printed table, for tools/readme_results.py

    print()
    print(f"{'benchmark':44s} {'course':>12s} {'usual way':>12s} {'ratio':>8s} {'goal':>8s}  met")
    for r in rows:
        print(
            f"{r['name']:44s} {r['course']:>12s} {r['baseline']:>12s} {r['ratio']:>8s} {r['goal']:>8s}  "
            f"{'-' if r['met'] is None else ('yes' if r['met'] else 'NO')}"
        )
    print(
        f"\n{results['bench_seconds']:.0f} s in all; numbers in {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
