#!/usr/bin/python3
"""Starlette-on-Uvicorn server under test for Loadscope: the same endpoints as aiohttp_server.py.

Endpoints:
  /simple   one "work": asyncio.sleep(--sleep-ms, 50 ms)                           ideal ~50 ms
  /complex  one work; then two works concurrently (asyncio.gather); then one work
            under a timeout of half a work (asyncio.wait_for) whose timeout is
            swallowed                                                              ideal ~125 ms
  /health   answers at once (readiness)

Uvicorn with one worker, access log off, lifespan off; --loop picks Uvicorn's event loop
(uvloop is installed by Uvicorn itself through its `loop` setting). Uvicorn handles SIGTERM/SIGINT
with a graceful shutdown. Prints one line when it listens.
Run it with Debian's /usr/bin/python3 (python3-starlette, python3-uvicorn, python3-uvloop).
"""

import argparse
import asyncio
import platform
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Starlette/Uvicorn server under test for Loadscope")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (default 8080)")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio", help="event loop (default asyncio)")
    parser.add_argument("--sleep-ms", type=float, default=50.0, help="duration of one work in ms (default 50)")
    parser.add_argument("--version", action="store_true", help="print the versions in use and exit")
    return parser.parse_args(argv)


def http_implementation():
    # Uvicorn's "auto" picks httptools when it is installed, else h11 (Debian ships no python3-httptools).
    try:
        import httptools  # noqa: F401

        return "httptools"
    except ImportError:
        return "h11"


def version_line(loop_name):
    import starlette
    import uvicorn

    line = "Starlette %s on Uvicorn %s (%s)" % (starlette.__version__, uvicorn.__version__, http_implementation())
    if loop_name == "uvloop":
        import uvloop

        line += " + uvloop " + uvloop.__version__
    return line + " / Python " + platform.python_version()


def make_app(sleep_s):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def work():
        # Stands for one asynchronous network call.
        await asyncio.sleep(sleep_s)

    async def simple(request):
        await work()
        return PlainTextResponse("simple\n")

    async def complex_(request):
        await work()
        await asyncio.gather(work(), work())
        try:
            await asyncio.wait_for(work(), timeout=sleep_s / 2)
        except asyncio.TimeoutError:
            pass  # the experiment: a call that times out and is given up on
        return PlainTextResponse("complex\n")

    async def health(request):
        return PlainTextResponse("ok\n")

    return Starlette(routes=[Route("/simple", simple), Route("/complex", complex_), Route("/health", health)])


def main(argv):
    args = parse_args(argv)
    if args.version:
        print(version_line(args.loop), flush=True)
        return 0

    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        """Prints the listening line once the sockets are bound (Uvicorn's own is an INFO log we silence)."""

        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.should_exit:  # startup failed (e.g. the port is taken); Uvicorn has logged why
                return
            running = type(asyncio.get_running_loop()).__module__.split(".")[0]
            port = args.port
            if port == 0 and self.servers and self.servers[0].sockets:
                port = self.servers[0].sockets[0].getsockname()[1]
            print("starlette listening on http://%s:%d (loop %s, %s)" % (args.host, port, running,
                                                                        version_line(args.loop)), flush=True)

    config = uvicorn.Config(make_app(args.sleep_ms / 1000.0), host=args.host, port=args.port, loop=args.loop,
                            http="auto", lifespan="off", access_log=False, log_level="warning", workers=1,
                            backlog=4096)
    server = AnnouncingServer(config)
    server.run()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
