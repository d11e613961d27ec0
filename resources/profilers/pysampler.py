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
  * signal (default): a wall-clock interval timer (ITIMER_REAL, SIGALRM, +-50 % jitter) with a handler Python runs
    in the main thread between bytecodes, handed the main thread's current frame: the busy samples. Every other
    thread blocks SIGALRM, so the kernel delivers it to the main thread. The window's wall time not spent on a CPU is
    added at its end as idle samples of the loop's waiting stack. No second thread competes for the GIL; the timer
    runs only inside a window. (A CPU-time timer, ITIMER_PROF, fires only on scheduler ticks while the process runs:
    a server busy in 2 ms bursts got a fifth of the samples asked for, and shares swung from 17 % to 69 %.)
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
        self.cpu_start = 0.0
        self.cpu_taken = 0
        self.idle_key = None
        self.signals = 0

    def due_samples(self):
        """Thread mode: how many wall-clock periods this sample stands for. The sampler thread waits for the GIL, so a
        sample counts every period since the last one: a busy server keeps rate x window samples."""
        due = int((time.monotonic() - self.window_start) * self.rate) + 1
        weight = max(1, due - self.taken)
        self.taken += weight
        return weight

    def record(self, frame, weight):
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
        if idle:
            self.idle_key = key
        counts = self.counts
        counts[key] = counts.get(key, 0) + weight

    def next_delay(self):
        """The period with +-50 % jitter, so that a server doing something periodic (a loop cycle, a timer, a load
        generator's even arrivals) is not always caught in the same phase of it."""
        return random.uniform(0.5, 1.5) / self.rate

    def add_idle_samples(self):
        """Signal mode samples CPU time only; the window's wall time the process did not spend on a CPU is idle (the
        loop waiting in epoll, mostly; also any wait for a core). It is added as samples of the loop's waiting
        stack: the main thread's now when it is waiting (likely, if the server is idle at all), else the last one
        seen, else a bare [idle]."""
        wall = time.monotonic() - self.window_start
        cpu = time.process_time() - self.cpu_start
        periods = int(round(max(0.0, wall - cpu) * self.rate))
        if periods <= 0:
            return
        # From the control thread, look at the main thread a few times until it is caught waiting (a server that is
        # idle at all is, within a few ms); from a SIGUSR2 handler, once, below the handler's own frames.
        in_main = threading.get_ident() == self.main_ident
        for attempt in range(1 if in_main else 50):
            frame = sys._current_frames().get(self.main_ident)
            while frame is not None and frame.f_code.co_filename == __file__:
                frame = frame.f_back
            if frame is not None and self.labels.label(frame.f_code)[1]:
                self.record(frame, periods)
                return
            del frame
            time.sleep(0.001)
        key = self.idle_key or IDLE_FRAME
        self.counts[key] = self.counts.get(key, 0) + periods

    def _on_timer(self, signum, frame):
        """SIGALRM, at the rate with jitter: a busy sample where the main thread is. Samples that find the loop
        waiting are not counted here: idle time is the window's wall time off CPU, added when it closes
        (add_idle_samples), which stays right even when a signal reaches the process only after its wait ended."""
        if self.recording:
            self.signals += 1
            if frame is not None and not self.labels.label(frame.f_code)[1]:
                self.record(frame, 1)
            signal.setitimer(signal.ITIMER_REAL, self.next_delay())

    def _thread_loop(self):
        keep_signals_for_main_thread()
        while self.recording:
            time.sleep(self.next_delay())
            frame = sys._current_frames().get(self.main_ident)
            if frame is not None and self.recording:
                self.record(frame, self.due_samples())
            del frame

    def install(self):
        if self.mode == "signal":
            signal.signal(signal.SIGALRM, self._on_timer)
            # A parent that blocks signals in the thread that started us (as a GUI or a runner thread may) passes the
            # mask on through exec: unblock ours, or the timers would never be heard.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})

    def start(self):
        with self._lock:
            if self.recording:
                return
            self.counts = {}
            self.window_start = time.monotonic()
            self.taken = 0
            self.cpu_start = time.process_time()
            self.cpu_taken = 0
            self.signals = 0
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
                self.add_idle_samples()
            self.recording = False
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=2)
        counts, self.counts = self.counts, {}
        return counts


def keep_signals_for_main_thread():
    """Blocks the sampler's signals in a helper thread, so the kernel delivers them to the main thread: a signal that
    lands in a helper thread does not interrupt the main thread's epoll_wait, and its handler would run only after
    the wait ends, charging the idle time to whatever runs next."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGUSR1, signal.SIGUSR2})


def keep_signals_off_new_threads():
    """Every thread the server starts (asyncio's executor for getaddrinfo, for one) blocks the sampler's signals from
    its first instruction, so the kernel always delivers them to the main thread."""
    original = threading.Thread._bootstrap_inner

    def bootstrap_inner(thread):
        keep_signals_for_main_thread()
        original(thread)

    threading.Thread._bootstrap_inner = bootstrap_inner


def write_folded(counts, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for stack, count in sorted(counts.items()):
            out.write("%s %d\n" % (stack, count))
    os.replace(tmp, path)


def serve_control_pipe(sampler, fifo_path):
    """Reads commands from the runner. Opening for read blocks until the runner opens its end; reopen after EOF."""
    keep_signals_for_main_thread()
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
        counts = sampler.stop()
        write_folded(counts, command[5:].strip())
        print("pysampler: window of %d samples from %d timer signals" % (sum(counts.values()), sampler.signals),
              file=sys.stderr, flush=True)
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
    keep_signals_off_new_threads()
    if options.out:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1, signal.SIGUSR2})
        signal.signal(signal.SIGUSR1, lambda *_: sampler.start())
        signal.signal(signal.SIGUSR2, lambda *_: write_folded(sampler.stop(), options.out))
    if options.control:
        threading.Thread(target=serve_control_pipe, args=(sampler, options.control), name="loadscope-sampler-control",
                         daemon=True).start()
    runpy.run_path(options.script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
