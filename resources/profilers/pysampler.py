#!/usr/bin/python3
"""Loadscope's sampling profiler for Python servers under test (standard library only).

    python3 pysampler.py [--rate 100] [--control FIFO] [--out FILE] [--mode signal|thread] -- script.py [args...]

It runs `script.py` in this interpreter (runpy, as `python3 script.py args` would) and samples the main thread's
stack at `--rate` Hz, but only inside a window: the runner opens the window when a step's measured part starts and
closes it when it ends, so warm-up and cool-down are never counted. Counts are written as folded stacks
("module:function;module:function count", the format of FlameGraph's stackcollapse tools and speedscope), root
first. Samples taken while an asyncio loop waits in selectors' select (epoll/poll/select) get a last frame "[idle]",
so busy time and idle time can be told apart. uvloop's loop is C code: its waiting is invisible to a Python sampler,
so a uvloop server shows no idle samples (its idle time is simply not sampled as Python frames).

Window control, either:
  * a control pipe (--control FIFO): lines "start" and "stop PATH" (PATH gets the window's counts, written to
    PATH.tmp then renamed, so a reader never sees half a file); or
  * signals: SIGUSR1 opens a window, SIGUSR2 closes it and writes the counts to --out.

Two ways to sample (--mode):
  * signal (default): an interval timer (ITIMER_REAL, wall clock) raises SIGALRM, and the handler, which Python runs
    in the main thread between bytecodes, is handed the main thread's current frame. No second thread competes for
    the GIL; measured at about 0.5 % of a core at 100 Hz (docs/benchmarks.md). The timer runs only inside a window.
  * thread: a sampler thread reads sys._current_frames() for the main thread at the rate (the design the issue
    describes). It must take the GIL for each sample, which delays the server more under load.
"""

import argparse
import os
import random
import runpy
import signal
import sys
import threading
import time

IDLE_FRAME = "[idle]"
# The methods an asyncio loop waits in (selectors.DefaultSelector is one of them on every platform).
IDLE_FUNCTIONS = {
    ("selectors", "EpollSelector.select"),
    ("selectors", "PollSelector.select"),
    ("selectors", "SelectSelector.select"),
    ("selectors", "KqueueSelector.select"),
    ("selectors", "DevpollSelector.select"),
    ("selectors", "_PollLikeSelector.select"),
}


class FrameLabels:
    """`module:qualified.function` for a code object, computed once per code object (sampling must be cheap)."""

    def __init__(self, script_path):
        self._cache = {}
        self._script = os.path.abspath(script_path)
        self._script_module = os.path.splitext(os.path.basename(script_path))[0]
        # Longest first, so site-packages wins over its parent lib/python3.x.
        self._roots = sorted({os.path.abspath(p) for p in sys.path if p and os.path.isdir(p)}, key=len, reverse=True)

    def module_of(self, filename):
        if filename.startswith("<"):  # "<frozen runpy>", "<string>"
            return filename.strip("<>").replace("frozen ", "").replace(" ", "_") or "unknown"
        path = os.path.abspath(filename)
        if path == self._script:
            return self._script_module
        for root in self._roots:
            if path.startswith(root + os.sep):
                rel = os.path.splitext(path[len(root) + 1:])[0]
                parts = rel.split(os.sep)
                if parts[-1] == "__init__":
                    parts.pop()
                return ".".join(parts) or "unknown"
        return os.path.splitext(os.path.basename(path))[0]

    def label(self, code):
        """(label, is_idle) for a code object."""
        entry = self._cache.get(code)
        if entry is None:
            name = getattr(code, "co_qualname", code.co_name)
            module = self.module_of(code.co_filename)
            text = (module + ":" + name).replace(";", ",").replace(" ", "_")
            entry = (text, (module, name) in IDLE_FUNCTIONS)
            self._cache[code] = entry
        return entry


class Sampler:
    def __init__(self, labels, rate, mode):
        self.labels = labels
        self.rate = rate
        self.mode = mode
        self.counts = {}
        self.recording = False
        self.main_ident = threading.main_thread().ident
        self._lock = threading.Lock()  # start/stop come from the control thread and from signal handlers
        self._thread = None
        self.root_code = runpy._run_code.__code__
        self.window_start = 0.0
        self.taken = 0

    def due_samples(self):
        """How many sampling periods this sample stands for. Timer signals that fall due while the process waits for
        a core merge into one (and a sampler thread waits for the GIL), so a sample counts every period since the
        last one: a loaded machine keeps rate x window samples instead of losing them unevenly."""
        due = int((time.monotonic() - self.window_start) * self.rate) + 1
        weight = max(1, due - self.taken)
        self.taken += weight
        return weight

    def record(self, frame):
        weight = self.due_samples()
        labels = []
        label = self.labels.label
        idle = False
        first = True
        while frame is not None:
            if frame.f_code is self.root_code:
                break  # the sampler's own frames and runpy's, below the script's <module>
            text, is_idle = label(frame.f_code)
            if first:
                idle = is_idle
                first = False
            labels.append(text)
            frame = frame.f_back
        labels.reverse()
        if idle:
            labels.append(IDLE_FRAME)
        key = ";".join(labels) if labels else "[unknown]"
        counts = self.counts
        counts[key] = counts.get(key, 0) + weight

    def next_delay(self):
        """The period with +-50 % jitter, so that a server doing something periodic (a loop cycle, a timer, a load
        generator's even arrivals) is not always caught in the same phase of it."""
        return random.uniform(0.5, 1.5) / self.rate

    def _on_alarm(self, signum, frame):
        if self.recording:
            if frame is not None:
                self.record(frame)
            signal.setitimer(signal.ITIMER_REAL, self.next_delay())

    def _thread_loop(self):
        while self.recording:
            time.sleep(self.next_delay())
            frame = sys._current_frames().get(self.main_ident)
            if frame is not None and self.recording:
                self.record(frame)
            del frame

    def install(self):
        if self.mode == "signal":
            signal.signal(signal.SIGALRM, self._on_alarm)

    def start(self):
        with self._lock:
            if self.recording:
                return
            self.counts = {}
            self.window_start = time.monotonic()
            self.taken = 0
            self.recording = True
            if self.mode == "signal":
                signal.setitimer(signal.ITIMER_REAL, self.next_delay())
            else:
                self._thread = threading.Thread(target=self._thread_loop, name="loadscope-sampler", daemon=True)
                self._thread.start()

    def stop(self):
        """Closes the window and returns its counts."""
        with self._lock:
            if self.mode == "signal":
                signal.setitimer(signal.ITIMER_REAL, 0, 0)
            self.recording = False
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=2)
        counts, self.counts = self.counts, {}
        return counts


def write_folded(counts, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for stack, count in sorted(counts.items()):
            out.write("%s %d\n" % (stack, count))
    os.replace(tmp, path)


def serve_control_pipe(sampler, fifo_path):
    """Reads commands from the runner. Opening for read blocks until the runner opens its end; reopen after EOF."""
    while True:
        try:
            with open(fifo_path, "r", encoding="utf-8") as fifo:
                for line in fifo:
                    handle_command(sampler, line.strip())
        except OSError as error:
            print("pysampler: control pipe %s: %s" % (fifo_path, error), file=sys.stderr)
            return


def handle_command(sampler, command):
    if command == "start":
        sampler.start()
    elif command.startswith("stop "):
        write_folded(sampler.stop(), command[5:].strip())
    elif command:
        print("pysampler: unknown command %r (expected 'start' or 'stop PATH')" % command, file=sys.stderr)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Loadscope's sampling profiler for Python servers")
    parser.add_argument("--rate", type=float, default=100.0, help="samples per second (default 100)")
    parser.add_argument("--control", help="control pipe (FIFO) to read 'start' and 'stop PATH' from")
    parser.add_argument("--out", help="where SIGUSR2 writes the window's folded stacks")
    parser.add_argument("--mode", choices=["signal", "thread"], default="signal", help="how to sample (default signal)")
    parser.add_argument("script", help="the Python script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    options = parser.parse_args(argv)
    if not 1 <= options.rate <= 10000:
        parser.error("--rate must be between 1 and 10000 samples per second, not %g" % options.rate)
    if options.args and options.args[0] == "--":
        options.args = options.args[1:]
    return options


def main(argv):
    options = parse_args(argv)
    sampler = Sampler(None, options.rate, options.mode)
    sys.argv = [options.script] + options.args
    sys.path[0] = os.path.dirname(os.path.abspath(options.script))
    sampler.labels = FrameLabels(options.script)
    sampler.install()
    if options.out:
        signal.signal(signal.SIGUSR1, lambda *_: sampler.start())
        signal.signal(signal.SIGUSR2, lambda *_: write_folded(sampler.stop(), options.out))
    if options.control:
        threading.Thread(target=serve_control_pipe, args=(sampler, options.control), name="loadscope-sampler-control",
                         daemon=True).start()
    runpy.run_path(options.script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
