"""`citybot nlu ...` through a throwaway parser, as the main CLI will register it."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from citybot.nlu import cli


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "nlu-cache"


@pytest.fixture(autouse=True)
def cache_env(nlu_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYBOT_NLU_CACHE", str(nlu_cache))


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="citybot")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    return args.func(args)


CONTRACT_KEYS = {"intent", "confidence", "category", "entities"}


def test_train(capsys) -> None:
    assert run("nlu", "train") == 0
    assert "trained on" in capsys.readouterr().out


def test_parse_prints_the_contract(capsys) -> None:
    assert run("nlu", "parse", "мусорку опять не вывезли", "--lang", "ru") == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == CONTRACT_KEYS
    assert (out["intent"], out["category"]) == ("report_problem", "waste")


def test_parse_stdin_one_json_per_line(capsys, monkeypatch) -> None:
    lines = "where is my #123\n\nкогда ходит 12а\r\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert run("nlu", "parse", "--stdin") == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["intent"] for o in out] == ["check_status", "out_of_scope", "faq_transport"]
    assert out[0]["entities"] == [
        {"entity": "report_number", "value": "123", "start": 13, "end": 16}
    ]
    assert out[2]["entities"][0]["value"] == "12A"
    assert all(set(o) == CONTRACT_KEYS for o in out)


def test_parse_needs_text(capsys) -> None:
    assert run("nlu", "parse") == 2


def test_evaluate_report_and_json(capsys) -> None:
    assert run("nlu", "evaluate") == 0
    text = capsys.readouterr().out
    assert "intent accuracy" in text and "category accuracy" in text and "p99" in text
    assert run("nlu", "evaluate", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert {"all", "en", "ru", "latency_ms"} <= set(report)
    assert report["latency_ms"]["parses"] >= 2000
    assert set(report["en"]["confusion"]) >= {"greet", "report_problem"}


def test_evaluate_a_given_file(tmp_path, capsys) -> None:
    data = tmp_path / "en.yml"
    data.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hello there\n')
    assert run("nlu", "evaluate", str(data), "--json") == 0
    assert json.loads(capsys.readouterr().out)["all"]["examples"] == 1
