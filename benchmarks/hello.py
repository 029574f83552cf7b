"""The baseline of ``benchmarks.load``: a bare Flask app served by the same gunicorn
command, answering every request with a few bytes after reading its body."""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def hello(path: str) -> str:
    request.get_data()
    return "hello"
