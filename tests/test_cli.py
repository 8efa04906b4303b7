"""The `tracuu` command line: ingest summaries and exit codes, search output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import SAMPLES
from web.cli import main


def test_ingest_then_search(tmp_path: Path) -> None:
    runner = CliRunner()
    index = str(tmp_path / "index")
    result = runner.invoke(main, ["ingest", str(SAMPLES), "--index", index, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["failed"] == 0 and summary["added"] == summary["read"] >= 40
    again = runner.invoke(main, ["ingest", str(SAMPLES), "--index", index])
    assert again.exit_code == 0
    assert f"unchanged {summary['read']}" in again.output
    found = runner.invoke(main, ["search", "22 kh cb", "--index", index])
    assert found.exit_code == 0
    assert "22-KH/CB" in found.output.splitlines()[1]
    as_json = runner.invoke(main, ["search", "ke hoach", "--year", "2016", "--json",
                                   "--index", index])
    body = json.loads(as_json.output)
    assert body["total"] > 0 and all(hit["year"] == 2016 for hit in body["results"])


def test_ingest_with_failures_exits_1_and_names_them(tmp_path: Path) -> None:
    good = tmp_path / "tot.txt"
    good.write_text("Thông báo\nNội dung.", encoding="utf-8")
    bad = tmp_path / "hong.jsonl"
    bad.write_text('{"id": "x", "title": "Tốt"}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(good), str(bad),
                                       "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert f"failed: {bad}:2: invalid JSON" in result.output
    assert "read 3, added 2, updated 0, unchanged 0, removed 0, failed 1" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["ingest"]).exit_code == 2
    assert runner.invoke(main, ["search", "x", "--type", "khong-co"]).exit_code == 2
    result = runner.invoke(main, ["search", "x", "--per-page", "500",
                                  "--index", str(tmp_path)])
    assert result.exit_code == 2 and "'per_page'" in result.output


def test_search_without_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "tracuu ingest" in result.output


def test_a_rebuild_that_reads_nothing_leaves_the_index_alone(tmp_path: Path) -> None:
    runner = CliRunner()
    index = str(tmp_path / "index")
    assert runner.invoke(main, ["ingest", str(SAMPLES), "--index", index]).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.bin").write_bytes(b"\x00\x01")  # no supported file
    result = runner.invoke(main, ["rebuild", str(empty), "--index", index])
    assert result.exit_code == 1
    assert f"error: the paths hold no document; the index in {index} is unchanged" in \
        result.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{oops\n", encoding="utf-8")
    result = runner.invoke(main, ["rebuild", str(broken), "--index", index])
    assert result.exit_code == 1 and "nothing could be read" in result.output
    found = runner.invoke(main, ["search", "22 kh cb", "--index", index])
    assert found.exit_code == 0 and "22-KH/CB" in found.output  # still served
