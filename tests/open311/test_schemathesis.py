"""Schemathesis (property-based) against the running Open311 API and its OpenAPI document:
every operation, JSON and XML, no 5xx, every status code, content type and JSON body as the
document says. Examples are limited so the run stays within about a minute. One worker: the
requests go in the seed's order, so a run is repeatable (with two, their order varied, and a
CI run once filed no report at all)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from citybot.storage.models import Report
from citybot.testing import count_rows

ST = Path(sys.executable).with_name("st")
CONFIG = """
[parameters]
"query.api_key" = "${OPEN311_API_KEY}"
"""
# What the document cannot say: a lat/long the schema allows may lie outside the city, a
# description may lack words; those are answered 400, as they should be, so the checks of
# "valid data is accepted" and "invalid data is refused" are left out.
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")


@pytest.mark.timeout(150)
async def test_schemathesis_finds_nothing(web_bot, api, api_key, tmp_path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    process = await asyncio.create_subprocess_exec(
        str(ST), "--config-file", str(config), "run", f"{api}/openapi.json",
        "--checks", CHECKS, "--max-examples", "12", "--phases", "examples,coverage,fuzzing",
        "--workers", "1", "--seed", "311", "--no-color", "--generation-database", "none",
        "--report-dir", str(tmp_path / "report"), "--max-failures", "5",
        env={**os.environ, "OPEN311_API_KEY": api_key}, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    assert "14 selected" in text or "14 total" in text or "/14" in text, text[-3000:]
    assert await count_rows(web_bot.runtime, Report) > 0  # some requests were valid and filed
