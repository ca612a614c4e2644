"""`citybot nlu parse` reads the NLU set-up the bot uses (config.yml's `nlu`); flags override."""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from citybot.nlu import cli

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="citybot")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    return args.func(args)


class RasaStandIn(BaseHTTPRequestHandler):
    received: list[str] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body["text"])
        answer = json.dumps({"intent": {"name": "subscribe", "confidence": 0.93},
                             "entities": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def rasa_url():
    RasaStandIn.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def city_config(tmp_path: Path, backend: str, rasa_url: str | None) -> Path:
    text = (ROOT / "config.yml").read_text(encoding="utf-8")
    text = text.replace("  backend: builtin ", f"  backend: {backend} ", 1)
    text = text.replace("  rasa_url: null ", f"  rasa_url: {rasa_url or 'null'} ", 1)
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_asks_the_backend_of_config_yml(tmp_path, rasa_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CITYBOT_CONFIG", str(city_config(tmp_path, "rasa", rasa_url)))
    assert run("nlu", "parse", "hello there") == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "subscribe"  # Rasa's answer
    assert RasaStandIn.received == ["hello there"]

    # a flag overrides the file
    assert run("nlu", "parse", "hello there", "--backend", "builtin") == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "greet"
    assert RasaStandIn.received == ["hello there"]


def test_flags_alone_still_work(tmp_path, rasa_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CITYBOT_CONFIG", str(city_config(tmp_path, "builtin", None)))
    assert run("nlu", "parse", "hello there", "--rasa-url", rasa_url) == 0
    assert json.loads(capsys.readouterr().out)["intent"] == "subscribe"
    assert run("nlu", "parse", "hello there", "--backend", "rasa") == 2  # where to?
    assert "Rasa URL" in capsys.readouterr().err
