"""Run every benchmark in turn; exit non-zero when any misses its target."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if m.name.startswith("bench_"))
    wanted = sys.argv[1:]
    selected = [n for n in names if not wanted or any(a in n for a in wanted)]
    failed = []
    for name in selected:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        sys.argv = [f"bench/{name}.py"]  # each benchmark reads its own options
        code = importlib.import_module(f"bench.{name}").main()
        print(f"--- {name}: {'ok' if code == 0 else 'MISSED TARGET'} "
              f"({time.perf_counter() - started:.1f} s)", flush=True)
        if code:
            failed.append(name)
    print(f"\n{len(selected) - len(failed)} of {len(selected)} benchmarks met their targets"
          + (f"; missed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
