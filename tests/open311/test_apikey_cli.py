"""`citybot apikey create|list|revoke`: the key printed once, alone on the last line; only its
hash kept."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
from pathlib import Path

from citybot.cli import main
from citybot.storage import apikeys
from citybot.storage.database import make_engine, make_sessionmaker

ROOT = Path(__file__).resolve().parents[2]


async def active(url: str, key: str) -> str | None:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            row = await apikeys.active_key(session=session, key=key)
            return row.name if row else None
    finally:
        await engine.dispose()


def test_create_list_revoke(sqlite_url: str, monkeypatch, capsys) -> None:
    created = subprocess.run([sys.executable, "-m", "citybot", "apikey", "create", "city-crm"],
                             cwd=ROOT, env={"DATABASE_URL": sqlite_url, "PATH": "/usr/bin"},
                             capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert len(key) >= 40 and " " not in key
    assert asyncio.run(active(sqlite_url, key)) == "city-crm"

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with open(sqlite_url.removeprefix("sqlite:///"), "rb") as database:
        stored = database.read()
    assert key.encode() not in stored and hashlib.sha256(key.encode()).hexdigest().encode() \
        in stored

    assert main(["apikey", "create", "city-crm"]) == 2  # a name is never reused
    assert "exists already" in capsys.readouterr().err
    assert main(["apikey", "create", "bad name!"]) == 2
    capsys.readouterr()
    assert main(["apikey", "list"]) == 0
    listed = capsys.readouterr().out
    assert "city-crm" in listed and "active" in listed and key not in listed

    assert main(["apikey", "revoke", "city-crm"]) == 0
    assert asyncio.run(active(sqlite_url, key)) is None
    assert main(["apikey", "revoke", "city-crm"]) == 2
    assert "no active key" in capsys.readouterr().err
    main(["apikey", "list"])
    assert "revoked" in capsys.readouterr().out
