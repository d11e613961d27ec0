#!/usr/bin/python3
"""The Python sampler's cost per sample (docs/benchmarks.md, "Profiling"): CPU time of Sampler.record() on a
31-frame stack, and what that makes at 100 Hz. The signal's delivery and the timer's re-arming add a few µs.

    python3 bench/pysampler_cost.py
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "profilers"))
import pysampler  # noqa: E402

SAMPLES = 20000


def main():
    sampler = pysampler.Sampler(pysampler.FrameLabels(__file__), 100, "signal")

    def deep(depth):
        if depth == 0:
            frame = sys._getframe()
            start = time.thread_time()
            for _ in range(SAMPLES):
                sampler.record(frame, 1)
            return (time.thread_time() - start) / SAMPLES
        return deep(depth - 1)

    per_sample = deep(30)
    print("record(): %.1f us per sample on a 31-frame stack; at 100 Hz: %.2f %% of a core"
          % (per_sample * 1e6, per_sample * 100 * 100))


if __name__ == "__main__":
    main()
