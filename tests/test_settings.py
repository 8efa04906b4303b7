"""Settings read from the environment: truth values as people write them, and gunicorn's
timeout long enough for an export."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from web.settings import coerced


@pytest.mark.parametrize(("written", "meant"), [
    ("False", False), ("false", False), ("0", False), ("off", False), ("no", False),
    ("", False), ("True", True), ("1", True), (" yes ", True), ("ON", True)])
def test_a_truth_value_is_read_as_written(written: str, meant: bool) -> None:
    assert coerced({"SECURE_COOKIES": written}) == {"SECURE_COOKIES": meant}


def test_a_truth_value_that_is_none_names_the_setting() -> None:
    with pytest.raises(ValueError, match="TRACUU_PRELOAD: expected true or false"):
        coerced({"PRELOAD": "maybe"})


def test_the_app_reads_secure_cookies_false_as_false(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    from web import create_app

    monkeypatch.setenv("TRACUU_SECURE_COOKIES", "False")
    app = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True})
    assert app.config["SECURE_COOKIES"] is False
    app.extensions["tracuu.index"].close()


def test_gunicorn_gives_a_request_the_configured_timeout(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import web.gunicorn_settings as gunicorn_settings

    assert gunicorn_settings.timeout == 120 and "timeout" in gunicorn_settings.__all__
    monkeypatch.setenv("TRACUU_TIMEOUT", "300")
    try:
        assert importlib.reload(gunicorn_settings).timeout == 300
    finally:
        monkeypatch.delenv("TRACUU_TIMEOUT")
        importlib.reload(gunicorn_settings)
