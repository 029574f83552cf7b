"""Page benchmark (issue 12, "Light pages"): requests per second of simple pages, as a ratio
to a bare Flask "hello" app served by the same gunicorn command, in one run.

Run from the project root, on demand only (pytest never collects it), on a quiet machine:

    python -m benchmarks.pages                 # SQLite
    python -m benchmarks.pages --postgres postgresql://postgres@127.0.0.1:5432/postgres
    python -m benchmarks.pages --code /tmp/before   # serve another checkout (git archive)

It builds a scratch instance folder and database (the demo loaded by the real commands, as
``benchmarks.load`` does), logs a demo member in through the login form, and serves with
``gunicorn --workers 2 --timeout 60`` (sync workers). Each page is driven by ``wrk -t2 -c4``
(Debian's ``wrk``; without it a Python client of 4 threads on keep-alive connections) for
``--seconds``; the hello app is measured before and after the pages, and the ratio is taken
to the mean of the two. Targets: log form >= 0.5, member home >= 0.25, login page >= 0.5.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.loadkit import Server
from benchmarks.loadsetup import ROOT, ScratchDatabase, app_spec, prepare, server_env, web_login

PAGES = (
    ("log form", "/logs/new/contact", True, 0.5),
    ("member home", "/", True, 0.25),
    ("login page", "/auth/login", False, 0.5),
)
WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def drive_wrk(port: int, path: str, cookie: str | None, seconds: int, connections: int) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    if WRK_NON_2XX.search(out):
        raise RuntimeError(f"{path}: answers other than 2xx/3xx:\n{out}")
    return float(WRK_RPS.search(out).group(1))


def drive_python(port: int, path: str, cookie: str | None, seconds: int, connections: int) -> float:
    """Without wrk: ``connections`` threads, each on one keep-alive connection."""
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.perf_counter() + seconds
    counts = [0] * connections
    errors: list[str] = []

    def run(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                errors.append(f"{path}: {response.status}")
                return
            counts[n] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database)")
    parser.add_argument("--redis", help="a Redis URL for the throttle (default: memory)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--seconds", type=int, default=10, help="per page (default 10)")
    parser.add_argument("--connections", type=int, default=4, help="wrk -c (default 4)")
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    drive = drive_wrk if shutil.which("wrk") else drive_python
    tool = "wrk" if drive is drive_wrk else "python threads"

    with tempfile.TemporaryDirectory(prefix="fieldlog-pages-") as tmp:
        instance = Path(tmp)
        log = instance / "gunicorn.log"
        with ScratchDatabase(args, instance) as url:
            env = server_env(url, instance, args.redis, args.code.resolve())
            cast = prepare(url, instance, env)
            hello_env = {**env, "PYTHONPATH": str(ROOT)}

            def hello() -> float:
                with Server("benchmarks.hello:app", args.port, 2, 0, hello_env, log, ROOT):
                    drive(args.port, "/", None, 2, args.connections)  # warm-up
                    return drive(args.port, "/", None, args.seconds, args.connections)

            hello_before = hello()
            figures = {}
            spec = app_spec(instance)
            with Server(spec, args.port, 2, 0, env, log, args.code.resolve()):
                member = web_login(args.port, cast.members[0])
                cookie = "; ".join(f"{k}={v}" for k, v in member.cookies.items())
                for name, path, logged_in, target in PAGES:
                    sent = cookie if logged_in else None
                    drive(args.port, path, sent, 2, args.connections)  # warm-up
                    rps = drive(args.port, path, sent, args.seconds, args.connections)
                    figures[name] = {"path": path, "rps": rps, "target": target}
            hello_after = hello()

    hello_rps = (hello_before + hello_after) / 2
    print(f"gunicorn --workers 2 (sync), {tool} -c{args.connections}, {args.seconds} s a page")
    print(f"hello: {hello_before:.0f} req/s before, {hello_after:.0f} after (mean {hello_rps:.0f})")
    print(f"{'page':<14}{'req/s':>9}{'ms/req':>9}{'ratio':>8}{'target':>8}")
    for name, row in figures.items():
        row["ratio"] = row["rps"] / hello_rps
        ms = 1000 * 2 / row["rps"]  # two workers: CPU time a request, roughly
        mark = "ok" if row["ratio"] >= row["target"] else "MISSED"
        print(
            f"{name:<14}{row['rps']:>9.0f}{ms:>9.1f}{row['ratio']:>8.3f}"
            f"{row['target']:>8.2f}  {mark}"
        )
    if args.json:
        hello_figures = {"before": hello_before, "after": hello_after}
        args.json.write_text(json.dumps({"hello": hello_figures, "pages": figures}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
