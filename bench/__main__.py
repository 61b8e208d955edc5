"""`make bench` / `python -m bench [--tiny] [--out FILE]`: run every benchmark, print one table, write bench/results.json.

Each row is a ratio of two timings taken in the same process, one right after the other, so machine noise
cancels. The run first measures this machine's float32 matrix-multiply peak; each training row then also reports
the GFLOP/s its two sides achieve and their share of that peak. `--tiny` runs each benchmark on a very small
setting (the smoke test in tests/test_bench.py) and writes build/bench-tiny.json, never bench/results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from bench import course, data_path, throughput, time_to_99
from bench.flops import PEAK_REPEATS, PEAK_SIZES, TINY_PEAK_REPEATS, TINY_PEAK_SIZES, matmul_peak
from bench.report import BENCH_FILE, ROOT, Machine, Report, machine_text, shown

#: Where a tiny (smoke) run writes: its numbers are no measurement and must not replace bench/results.json.
TINY_FILE = ROOT / "build" / "bench-tiny.json"


def main(argv: list[str] | None = None) -> int:
    """Run the peak measurement and the four benchmarks, print the table and write the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="a very small setting: checks the benchmarks run")
    parser.add_argument("--out", type=Path, help=f"default {shown(BENCH_FILE)} ({shown(TINY_FILE)} with --tiny)")
    args = parser.parse_args(argv)
    out = args.out or (TINY_FILE if args.tiny else BENCH_FILE)
    if args.tiny and out.resolve() == BENCH_FILE.resolve():
        parser.error(f"a --tiny run is a smoke test: it does not overwrite {shown(BENCH_FILE)}")

    start = time.perf_counter()
    machine = dataclasses.replace(Machine.this(), device="cpu")  # every benchmark runs on the CPU
    print(f"{machine_text(machine)}{' (tiny setting)' if args.tiny else ''}")
    sizes, repeats = (TINY_PEAK_SIZES, TINY_PEAK_REPEATS) if args.tiny else (PEAK_SIZES, PEAK_REPEATS)
    peak = matmul_peak(sizes, repeats)
    print(f"peak: float32 matrix multiply {peak.gflops:.1f} GFLOP/s ({peak.size}×{peak.size}, best of {repeats})")
    rows = [
        *data_path.run(tiny=args.tiny),
        *throughput.run(tiny=args.tiny, peak=peak),
        *time_to_99.run(tiny=args.tiny),
        *course.run(tiny=args.tiny),
    ]
    report = Report(machine, peak, round(time.perf_counter() - start, 1), rows, tiny=args.tiny)
    print()
    print(report.terminal_table())
    report.write(out)
    print(f"numbers in {shown(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
