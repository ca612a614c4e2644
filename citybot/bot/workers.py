"""`citybot run --webhook --workers N`: a supervisor that keeps N webhook workers running.

Each worker is `citybot run --webhook` in a process of its own, all listening on
WEBHOOK_LISTEN (SO_REUSEPORT). A worker that dies is started again; SIGTERM or Ctrl-C stops
them all (each finishes its in-flight updates). Their Prometheus counters are summed through
PROMETHEUS_MULTIPROC_DIR, a fresh directory unless one is given.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

log = logging.getLogger("citybot.workers")

RESTART_DELAY = 1.0
STOP_TIMEOUT = 40.0


def _spawn(env: dict[str, str], log_level: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "citybot", "--log-level", log_level, "run", "--webhook",
               "--worker"]
    return subprocess.Popen(command, env=env)


def _metrics_dir(env: dict[str, str]) -> str | None:
    """A fresh directory for the workers' counters; None when the caller gave one."""
    if env.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    directory = tempfile.mkdtemp(prefix="citybot-metrics-")
    env["PROMETHEUS_MULTIPROC_DIR"] = directory
    return directory


def run_workers(count: int, log_level: str = "INFO") -> int:
    env = dict(os.environ)
    own_dir = _metrics_dir(env)
    stopping = False

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    workers = [_spawn(env, log_level) for _ in range(count)]
    log.info("workers started count=%s pids=%s", count, [w.pid for w in workers])
    try:
        while not stopping:
            for index, worker in enumerate(workers):
                code = worker.poll()
                if code is not None and not stopping:
                    log.warning("worker died pid=%s code=%s; starting another", worker.pid, code)
                    time.sleep(RESTART_DELAY)
                    workers[index] = _spawn(env, log_level)
            time.sleep(0.2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in workers:
            try:
                worker.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.kill()
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)
    log.info("bot stopped")
    return 0
