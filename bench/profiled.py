"""Run a module as `python -m <module> ...` would, with cProfile switched on by SIGUSR1 and its
figures written to PROFILE_OUT by SIGUSR2: a benchmark profiles a bot over exactly the part it
measures (bench_report_calls.py).

    PROFILE_OUT=/tmp/bot.prof python -m bench.profiled citybot run
"""

from __future__ import annotations

import cProfile
import os
import runpy
import signal
import sys


def main() -> None:
    profile = cProfile.Profile()

    def dump(*_: object) -> None:
        profile.disable()
        profile.dump_stats(os.environ["PROFILE_OUT"])

    signal.signal(signal.SIGUSR1, lambda *_: profile.enable())
    signal.signal(signal.SIGUSR2, dump)
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
