#!/usr/bin/python3
"""aiohttp server under test for Loadscope (the founding benchmark's aiohttp side).

Endpoints:
  /simple   one "work": sleep --sleep-ms (50 ms)                                   ideal ~50 ms
  /complex  one work; then two works concurrently (asyncio.gather); then one work
            under a timeout of half a work (asyncio.wait_for) whose timeout is
            swallowed                                                              ideal ~125 ms
  /health   answers at once (readiness)

A work stands for a call to another service; the sleeps are the handler's own waits, so any
latency above the ideal is what the framework and the event loop cost.
Single process, access log off. Prints one line when it listens; exits cleanly on SIGTERM/SIGINT.
Run it with Debian's /usr/bin/python3 (python3-aiohttp, python3-uvloop).
"""

import argparse
import asyncio
import platform
import signal
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(description="aiohttp server under test for Loadscope")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (default 8080)")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio", help="event loop (default asyncio)")
    parser.add_argument("--sleep-ms", type=float, default=50.0, help="duration of one work in ms (default 50)")
    parser.add_argument("--version", action="store_true", help="print the versions in use and exit")
    return parser.parse_args(argv)


def version_line(loop_name):
    import aiohttp

    line = "aiohttp " + aiohttp.__version__
    if loop_name == "uvloop":
        import uvloop

        line += " + uvloop " + uvloop.__version__
    return line + " / Python " + platform.python_version()


def make_app(sleep_s):
    from aiohttp import web

    async def work():
        # Stands for one asynchronous network call.
        await asyncio.sleep(sleep_s)

    async def simple(request):
        await work()
        return web.Response(text="simple\n")

    async def complex_(request):
        await work()
        await asyncio.gather(work(), work())
        try:
            await asyncio.wait_for(work(), timeout=sleep_s / 2)
        except asyncio.TimeoutError:
            pass  # the experiment: a call that times out and is given up on
        return web.Response(text="complex\n")

    async def health(request):
        return web.Response(text="ok\n")

    app = web.Application()
    app.router.add_get("/simple", simple)
    app.router.add_get("/complex", complex_)
    app.router.add_get("/health", health)
    return app


async def serve(args):
    from aiohttp import web

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    runner = web.AppRunner(make_app(args.sleep_ms / 1000.0), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, backlog=4096)
    await site.start()
    port = site._server.sockets[0].getsockname()[1] if args.port == 0 else args.port
    running = type(loop).__module__.split(".")[0]  # the loop really in use: "uvloop" or "asyncio"
    print("aiohttp listening on http://%s:%d (loop %s, %s)" % (args.host, port, running, version_line(args.loop)),
          flush=True)
    await stop.wait()
    await runner.cleanup()


def main(argv):
    args = parse_args(argv)
    if args.version:
        print(version_line(args.loop), flush=True)
        return 0
    if args.loop == "uvloop":
        import uvloop

        # aiohttp takes whatever loop asyncio gives it: install uvloop's policy before the loop is created.
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        asyncio.run(serve(args))
    except OSError as error:
        print("aiohttp: cannot listen on %s:%d: %s" % (args.host, args.port, error), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
