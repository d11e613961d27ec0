"""A Python 'server' with a known profile, for test_pysampler.py: an asyncio loop that, every cycle, burns 3 ms of
CPU in hot_function and 7 ms in cold_function (so hot_function is 30 % of busy samples), then waits 10 ms in the
loop's selector (idle). Until the marker file exists it burns in warmup_only instead, which a window opened after
the marker must never see."""

import asyncio
import os
import sys
import time


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def warmup_only():
    burn(0.010)


def hot_function():
    burn(0.003)


def cold_function():
    burn(0.007)


async def work_loop(marker):
    cycle = 0
    while True:
        cycle += 1
        if os.path.exists(marker):
            # Alternate the order: a loaded machine tends to preempt the second burn after a wake-up, and a wall-clock
            # sampler charges the wait to what was running.
            for work in (hot_function, cold_function) if cycle % 2 else (cold_function, hot_function):
                work()
        else:
            warmup_only()
        await asyncio.sleep(0.010)


if __name__ == "__main__":
    print("hot_script running", flush=True)
    asyncio.run(work_loop(sys.argv[1]))
