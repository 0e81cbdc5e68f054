#!/usr/bin/env python3
"""The last step of `make run`: web, Celery worker and beat under honcho (Procfile.dev), stopped by Ctrl-C.

A plain `honcho start` under make ends a Ctrl-C with "make: *** Interrupt" (make gets the terminal's
SIGINT too) or "Error 130" (honcho's code for SIGINT). Here the processes run in a process group of
their own in the terminal's foreground, so Ctrl-C reaches honcho (which stops web, worker and beat with
SIGTERM and waits for them) but not make; the terminal is handed back afterwards and an interrupted run
exits 0. Without a terminal (CI, nohup) it simply runs honcho.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERRUPTED = (130, -signal.SIGINT, -signal.SIGTERM, 143)


def _terminal():
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return None
    if not os.isatty(fd):
        os.close(fd)
        return None
    return fd


def main() -> int:
    honcho = str(ROOT / ".venv" / "bin" / "honcho")
    command = [honcho, "-f", str(ROOT / "Procfile.dev"), "start"]
    tty = _terminal()
    previous = None
    if tty is not None:
        try:
            previous = os.tcgetpgrp(tty)
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # we may change the foreground group from behind
            os.setpgid(0, 0)
            os.tcsetpgrp(tty, os.getpgrp())
        except OSError:
            previous = None  # not our terminal to manage (e.g. started in the background): just run
    # Honcho handles Ctrl-C for everyone; this process only waits for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code = subprocess.call(command, cwd=ROOT)  # noqa: S603 (our own honcho and Procfile, no input)
    finally:
        if tty is not None and previous is not None:
            with contextlib.suppress(OSError):
                os.tcsetpgrp(tty, previous)
    if code in INTERRUPTED:
        print("\nStopped web, worker and beat. Run `make run` again to restart.", flush=True)
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
