"""`citybot run --webhook --workers N`: a supervisor that keeps N webhook workers running.

Each worker is `citybot run --webhook` in a process of its own, all listening on
WEBHOOK_LISTEN (SO_REUSEPORT). A worker that dies is started again, after a pause that doubles
while its successors die young too (a database still coming up, say) up to half a minute, and
is short again once one has run a while; SIGTERM or Ctrl-C stops them all (each finishes its
in-flight updates). Their Prometheus counters are summed through PROMETHEUS_MULTIPROC_DIR, a
fresh directory unless one is given.
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

RESTART_DELAY = 1.0  # seconds before a dead worker's successor starts
MAX_RESTART_DELAY = 30.0
YOUNG = 30.0  # a worker that dies younger than this doubles the next pause
STOP_TIMEOUT = 40.0


def _spawn(env: dict[str, str], log_level: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "citybot", "--log-level", log_level, "run", "--webhook",
               "--worker"]
    return subprocess.Popen(command, env=env)


class Slot:
    """One of the N workers: its process now, and when its successor may start."""

    def __init__(self, env: dict[str, str], log_level: str, now: float) -> None:
        self.env, self.log_level = env, log_level
        self.delay = RESTART_DELAY  # the pause before the next successor, if it dies young
        self.restart_at: float | None = None
        self._start(now)

    def _start(self, now: float) -> None:
        self.started = now
        self.process = _spawn(self.env, self.log_level)

    def tend(self, now: float) -> None:
        """Notice a death, and start the successor once its pause is over."""
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            lived = now - self.started
            pause = self.delay if lived < YOUNG else RESTART_DELAY
            self.delay = min(pause * 2, MAX_RESTART_DELAY)  # if this one dies young too
            self.restart_at = now + pause
            log.warning("worker died pid=%s code=%s after %.0f s; another starts in %.0f s",
                        self.process.pid, code, lived, pause)
        elif now >= self.restart_at:
            self.restart_at = None
            self._start(now)
            log.info("worker started pid=%s", self.process.pid)


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
    slots = [Slot(env, log_level, time.monotonic()) for _ in range(count)]
    log.info("workers started count=%s pids=%s", count, [s.process.pid for s in slots])
    try:
        while not stopping:
            for slot in slots:
                slot.tend(time.monotonic())
            time.sleep(0.2)
    finally:
        workers = [slot.process for slot in slots]
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
