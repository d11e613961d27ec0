"""An HTTP/1.1 keep-alive server on asyncio streams (standard library only) with a known profile, for the runner's
profiling tests: each request burns 0.6 ms of CPU in hot_function and 1.4 ms in cold_function, so hot_function is
30 % of the work the handlers do (the loop's own bookkeeping adds a few points of other frames). The first 150
requests (all inside the runner's warm-up at 200 req/s) burn in warmup_only instead, which a profile of the measured
window must never contain.

    python3 hot_http_server.py --port PORT
"""

import argparse
import asyncio
import time

served = 0


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def warmup_only():
    burn(0.002)


def hot_function():
    burn(0.0006)


def cold_function():
    burn(0.0014)


async def handle_request(path):
    global served
    served += 1
    if path == "/health":
        return
    if served <= 150:
        warmup_only()
    elif served % 2:
        hot_function()
        cold_function()
    else:  # alternate the order, as a loaded machine tends to preempt the second burn
        cold_function()
        hot_function()


async def handle_connection(reader, writer):
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                break
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            parts = request_line.split()
            await handle_request(parts[1].decode() if len(parts) > 1 else "/")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = await asyncio.start_server(handle_connection, "127.0.0.1", args.port)
    print("listening on", args.port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
