#!/usr/bin/python3
"""Tornado server under test for Loadscope (the founding benchmark's Tornado side).

Two styles of the same handlers, which is the experiment:
  --style gen    "old school": @tornado.gen.coroutine functions that `yield` futures, all the way down
  --style async  "new school": native `async def` coroutines that `await`

Endpoints:
  /simple   one "work": tornado.gen.sleep(--sleep-ms, 50 ms)                      ideal ~50 ms
  /complex  one work; then two works concurrently (tornado.gen.multi); then one work
            under a timeout of half a work (tornado.gen.with_timeout) whose timeout
            is swallowed                                                          ideal ~125 ms
  /health   answers at once (readiness)

Single process, access log off. Prints one line when it listens; exits cleanly on SIGTERM/SIGINT.
Run it with Debian's /usr/bin/python3 (python3-tornado, python3-uvloop).
"""

import argparse
import asyncio
import datetime
import platform
import signal
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Tornado server under test for Loadscope")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port (default 8080)")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio", help="event loop (default asyncio)")
    parser.add_argument("--style", choices=["async", "gen"], default="async",
                        help="handler style: async def/await or @gen.coroutine/yield (default async)")
    parser.add_argument("--sleep-ms", type=float, default=50.0, help="duration of one work in ms (default 50)")
    parser.add_argument("--version", action="store_true", help="print the versions in use and exit")
    return parser.parse_args(argv)


def version_line(loop_name):
    import tornado

    line = "Tornado " + tornado.version
    if loop_name == "uvloop":
        import uvloop

        line += " + uvloop " + uvloop.__version__
    return line + " / Python " + platform.python_version()


def make_gen_handlers(sleep_s):
    """Old school: generator coroutines decorated with @tornado.gen.coroutine, yielding at every step."""
    import tornado.gen
    import tornado.util
    import tornado.web

    timeout = datetime.timedelta(seconds=sleep_s / 2)

    @tornado.gen.coroutine
    def old_school_work():
        # Stands for one asynchronous network call.
        yield tornado.gen.sleep(sleep_s)

    class SimpleHandler(tornado.web.RequestHandler):
        @tornado.gen.coroutine
        def get(self):
            yield old_school_work()
            self.write("simple\n")

    class ComplexHandler(tornado.web.RequestHandler):
        @tornado.gen.coroutine
        def get(self):
            yield old_school_work()
            yield tornado.gen.multi([old_school_work(), old_school_work()])
            try:
                yield tornado.gen.with_timeout(timeout, old_school_work())
            except tornado.util.TimeoutError:
                pass  # the experiment: a call that times out and is given up on
            self.write("complex\n")

    return SimpleHandler, ComplexHandler


def make_async_handlers(sleep_s):
    """New school: native coroutines with async def and await, on the same Tornado primitives."""
    import tornado.gen
    import tornado.util
    import tornado.web

    timeout = datetime.timedelta(seconds=sleep_s / 2)

    async def work():
        # Stands for one asynchronous network call.
        await tornado.gen.sleep(sleep_s)

    class SimpleHandler(tornado.web.RequestHandler):
        async def get(self):
            await work()
            self.write("simple\n")

    class ComplexHandler(tornado.web.RequestHandler):
        async def get(self):
            await work()
            await tornado.gen.multi([work(), work()])
            try:
                await tornado.gen.with_timeout(timeout, work())
            except tornado.util.TimeoutError:
                pass  # the experiment: a call that times out and is given up on
            self.write("complex\n")

    return SimpleHandler, ComplexHandler


def make_app(style, sleep_s):
    import tornado.web

    class HealthHandler(tornado.web.RequestHandler):
        def get(self):
            self.write("ok\n")

    simple, complex_ = make_gen_handlers(sleep_s) if style == "gen" else make_async_handlers(sleep_s)
    # log_function: the access log is off (a log line per request would be part of what we measure).
    return tornado.web.Application([(r"/simple", simple), (r"/complex", complex_), (r"/health", HealthHandler)],
                                   log_function=lambda handler: None)


async def serve(args):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    app = make_app(args.style, args.sleep_ms / 1000.0)
    server = app.listen(args.port, address=args.host, backlog=4096)  # one process: no fork_processes
    port = args.port
    if port == 0:
        port = next(iter(server._sockets.values())).getsockname()[1]
    running = type(loop).__module__.split(".")[0]  # the loop really in use: "uvloop" or "asyncio"
    print("tornado listening on http://%s:%d (style %s, loop %s, %s)"
          % (args.host, port, args.style, running, version_line(args.loop)), flush=True)
    await stop.wait()
    server.stop()
    await server.close_all_connections()


def main(argv):
    args = parse_args(argv)
    if args.version:
        print(version_line(args.loop), flush=True)
        return 0
    if args.loop == "uvloop":
        import uvloop

        # Tornado 6 runs on asyncio's loop: install uvloop's policy before asyncio.run() creates the loop.
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        asyncio.run(serve(args))
    except OSError as error:
        print("tornado: cannot listen on %s:%d: %s" % (args.host, args.port, error), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
