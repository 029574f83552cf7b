"""Tools of ``benchmarks.load``: a small HTTP client with cookies, a gunicorn server started
and stopped by us, a sampler of its workers' memory, and the figures of a set of answers."""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT = 300  # seconds a request may take before the client gives up


@dataclass
class Answer:
    """One request: what, its status, how long it took, the start of its body."""

    kind: str
    status: int
    seconds: float
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One user: her cookies and her CSRF token; a new connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send one request; a failed connection is status 0 (counted, never raised)."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _sep, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            data, status = str(error).encode(), 0
        finally:
            connection.close()
        return Answer(kind, status, time.perf_counter() - started, data)

    def json(self, kind: str, method: str, path: str, payload: Any = None) -> Answer:
        """A JSON request with the CSRF header once she has a token."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-CSRFToken"] = self.token
        body = json.dumps(payload).encode() if payload is not None else None
        return self.request(kind, method, path, body, headers)

    def multipart(
        self, kind: str, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> Answer:
        """A multipart/form-data POST, as a browser or a phone sends a file."""
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(head.encode() + value.encode() + b"\r\n")
        for name, (filename, data) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self.token:
            headers["X-CSRFToken"] = self.token
        return self.request(kind, "POST", path, body, headers)


class Server:
    """gunicorn serving ``app`` on 127.0.0.1:``port``, its output in ``log``."""

    def __init__(
        self, app: str, port: int, workers: int, threads: int, env: dict, log: Path, code: Path
    ):
        self.command = [str(Path(os.sys.executable).parent / "gunicorn"), "--workers", str(workers)]
        self.code = code
        if threads:
            self.command += ["--threads", str(threads)]
        self.command += ["--timeout", "60", "--bind", f"127.0.0.1:{port}", app]
        self.port, self.env, self.log = port, env, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command, env=self.env, stdout=out, stderr=out, cwd=self.code
            )
        self._wait_ready()
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self.process is not None  # noqa: S101
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_ready(self) -> None:
        client = Client(self.port)
        for _try in range(300):
            if client.request("ready", "GET", "/").status:
                time.sleep(0.5)  # let every worker finish booting
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start: see {self.log}")

    def workers(self) -> list[int]:
        """The worker processes' ids (children of the gunicorn master we started)."""
        assert self.process is not None  # noqa: S101
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """The workers' resident memory every 50 ms while the load runs: the highest total,
    and the highest of one worker."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.pids = server.workers()
        self.total_kb = self.single_kb = 0
        self.start_kb = sum(_status_kb(p, "VmRSS") for p in self.pids)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            sizes = [_status_kb(p, "VmRSS") for p in self.pids]
            self.total_kb = max(self.total_kb, sum(sizes))
            self.single_kb = max([self.single_kb, *sizes])
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopped.set()
        self.join()

    def high_water_kb(self) -> int:
        """The kernel's peak resident size of the largest worker since it started."""
        return max((_status_kb(p, "VmHWM") for p in self.pids), default=0)


@dataclass
class Figures:
    """Latencies of one kind of request, in seconds, and their statuses."""

    seconds: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, answers: list[Answer], kind: str) -> Figures:
        chosen = [a for a in answers if a.kind == kind]
        return cls([a.seconds for a in chosen], [a.status for a in chosen])

    def quantile(self, q: float) -> float:
        if not self.seconds:
            return float("nan")
        if len(self.seconds) == 1:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[int(q * 100) - 1]

    def row(self) -> str:
        """``n, p50, p95, max`` and the statuses seen."""
        if not self.seconds:
            return "none"
        counts: dict[int, int] = {}
        for status in self.statuses:
            counts[status] = counts.get(status, 0) + 1
        shown = ", ".join(f"{s}×{n}" for s, n in sorted(counts.items()))
        return (
            f"n={len(self.seconds)} p50={self.quantile(0.5):.2f}s p95={self.quantile(0.95):.2f}s "
            f"max={max(self.seconds):.2f}s [{shown}]"
        )
