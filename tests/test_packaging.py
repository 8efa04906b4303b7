"""The installed distribution: one Whoosh, the console script, the templates."""

from __future__ import annotations

from importlib import metadata

from tests.conftest import PROJECT


def test_exactly_one_whoosh_distribution() -> None:
    providers = metadata.packages_distributions().get("whoosh", [])
    assert [name.lower() for name in providers] == ["whoosh-reloaded"]
    assert metadata.version("whoosh-reloaded") == "2.7.5"


def test_console_script_points_at_the_cli() -> None:
    scripts = {entry.name: entry.value
               for entry in metadata.distribution("tracuu").entry_points
               if entry.group == "console_scripts"}
    assert scripts == {"tracuu": "web.cli:main"}


def test_only_web_imports_flask() -> None:
    import subprocess
    import sys

    code = ("import sys, index.store, ingest.pipeline, search; "
            "print('flask' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert output == "False"


def test_the_readme_lists_every_setting() -> None:
    """List every TRACUU_* setting of web/settings.py in the README's table."""
    from web.settings import SETTINGS

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    missing = [setting.name for setting in SETTINGS
               if f"| `TRACUU_{setting.name}` |" not in readme]
    assert not missing, f"add these settings to the README's table: {missing}"
