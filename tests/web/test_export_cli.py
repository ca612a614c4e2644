"""`citybot export`: the public reports as CSV or GeoJSON, hidden ones left out, masked."""

from __future__ import annotations

import csv
import json
import sqlite3

from citybot.cli import main
from citybot.storage.database import upgrade

ROWS = [  # id, description, created, hidden
    (1, "Old pothole, call 8 912 345 67 89", "2026-03-01 10:00:00.000000", 0),
    (2, "Graffiti on the school wall", "2026-07-01 10:00:00.000000", 0),
    (3, "Hidden: a private matter", "2026-08-01 10:00:00.000000", 1),
    (4, "Lamp out, write to lamp.fan@example.org", "2026-09-01 10:00:00.000000", 0),
]


def test_export_writes_the_public_reports(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'citybot.db'}"
    upgrade(url)
    db = sqlite3.connect(tmp_path / "citybot.db")
    db.execute("INSERT INTO residents (id, telegram_id, first_name, language, language_chosen,"
               " blocked_bot, created_at, last_seen_at) VALUES (1, 5550001, 'Evdokia', 'en', 0,"
               " 0, '2026-01-01', '2026-01-01')")
    db.executemany(
        "INSERT INTO reports (id, reporter_id, category, department, status, description,"
        " latitude, longitude, language, created_at, updated_at, hidden)"
        " VALUES (?, 1, 'roads', 'roads', 'new', ?, 56.9, 39.6, 'en', ?, ?, ?)",
        [(n, text, when, when, hidden) for n, text, when, hidden in ROWS])
    db.commit()
    db.close()
    monkeypatch.setenv("DATABASE_URL", url)

    out = tmp_path / "reports.csv"
    assert main(["export", "--format", "csv", "--since", "2026-06-01", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["id"] for row in rows] == ["2", "4"]
    assert rows[1]["description"] == "Lamp out, write to ***"
    assert "exported 2 reports" in capsys.readouterr().err

    assert main(["export", "--format", "geojson", "--no-progress"]) == 0
    collection = json.loads(capsys.readouterr().out)
    assert [f["id"] for f in collection["features"]] == [1, 2, 4]
    assert collection["features"][0]["properties"]["description"] == "Old pothole, call ***"
    assert collection["features"][0]["geometry"] == {"type": "Point",
                                                     "coordinates": [39.6, 56.9]}
    assert "Evdokia" not in json.dumps(collection) and "5550001" not in json.dumps(collection)


def test_export_of_a_database_never_migrated_is_one_sentence(tmp_path, monkeypatch,
                                                             capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["export", "--format", "csv", "--no-progress"]) == 2
    error = capsys.readouterr().err
    assert "citybot db upgrade" in error and "Traceback" not in error


def test_every_export_is_in_the_audit_trail(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'citybot.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["export", "--format", "csv", "--since", "2026-06-01", "--no-progress",
                 "--out", str(tmp_path / "reports.csv")]) == 0
    assert main(["export", "--format", "geojson", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["audit", "--exports"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("official=admin action=export" in line for line in lines)
    assert "detail=csv 0 reports since 2026-06-01 by " in lines[0]
    assert lines[0].endswith("to reports.csv") and "detail=geojson 0 reports by" in lines[1]
