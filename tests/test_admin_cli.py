"""The `tracuu user` and `tracuu token` commands: staff accounts and API tokens."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from web.accounts import DATABASE, Accounts
from web.cli import main

PASSWORD = "mật-khẩu-đủ-dài-2024"
NEW_PASSWORD = "một-mật-khẩu-mới-hẳn"
TOKEN = re.compile(r"tracuu_[A-Za-z0-9_-]{43}")
TRACUU = Path(sys.executable).with_name("tracuu")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """Run with the usual umask (022), so that a file made without a mode is world-readable."""
    saved = os.umask(0o022)
    yield
    os.umask(saved)


@pytest.fixture()
def instance(tmp_path: Path) -> Path:
    """Return an instance folder that does not exist yet (nor does its parent)."""
    return tmp_path / "var" / "instance"


def tracuu(*args: str | Path, input: str | None = None,
           env: dict[str, str] | None = None) -> Result:
    """Run the command line in this process, as a terminal would."""
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input, env=env)


def add(instance: Path, name: str = "lan", password: str = PASSWORD) -> Result:
    """Add an account with the password typed twice at the prompts."""
    result = tracuu("user", "add", name, "--instance", instance,
                    input=f"{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    return result


def refused(result: Result, *words: str) -> None:
    """Check a command failed with exit status 1 and one error line saying why."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[-1], (word, result.stderr)


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


# --- Accounts ------------------------------------------------------------------------------


def test_user_add_asks_for_the_password_twice(instance: Path) -> None:
    """Add an account whose password is typed twice, hidden."""
    result = add(instance, "Lan")
    assert result.stdout.strip().splitlines()[-1] == "added account lan"
    assert result.output.count("Password:") == 1
    assert "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    user = Accounts(instance).verify("lan", PASSWORD)
    assert user is not None and user.name == "lan"
    assert Accounts(instance).verify("lan", PASSWORD[:-1]) is None


def test_user_add_refuses_passwords_that_differ(instance: Path) -> None:
    """Refuse to add an account when the two passwords typed differ."""
    result = tracuu("user", "add", "lan", "--instance", instance,
                    input=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 1, result.output
    assert "do not match" in result.output
    assert Accounts(instance).users() == []


@pytest.mark.parametrize("how", ["prompt", "stdin"])
def test_a_weak_password_is_refused(instance: Path, how: str) -> None:
    """Refuse a password of fewer than 12 characters, saying so; accept one of 12."""
    def add_with(password: str) -> Result:
        """Add the account with this password, the way the test is about."""
        if how == "stdin":
            return tracuu("user", "add", "lan", "--password-stdin", "--instance", instance,
                          input=password + "\n")
        return tracuu("user", "add", "lan", "--instance", instance,
                      input=f"{password}\n{password}\n")

    for weak in ["ngắn", "đủ-11-ký-tự"]:
        assert len(weak) < 12
        refused(add_with(weak), "password", "at least 12 characters")
        assert Accounts(instance).users() == []
    result = add_with("đúng-12-ký-t")
    assert result.exit_code == 0, result.output
    assert Accounts(instance).verify("lan", "đúng-12-ký-t") is not None


def test_a_duplicate_account_is_refused(instance: Path) -> None:
    """Refuse to add an account whose name exists (in any case), keeping its password."""
    add(instance)
    for name in ["lan", "LAN", " Lan "]:
        result = tracuu("user", "add", name, "--instance", instance,
                        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
        refused(result, "exists already")
    assert [user.name for user in Accounts(instance).users()] == ["lan"]
    assert Accounts(instance).verify("lan", PASSWORD) is not None
    assert Accounts(instance).verify("lan", NEW_PASSWORD) is None


def test_a_bad_account_name_is_refused(instance: Path) -> None:
    """Refuse a name with spaces, slashes or nothing in it."""
    for name in ["hai từ", "a/b", "", "x" * 65]:
        refused(tracuu("user", "add", name, "--password-stdin", "--instance", instance,
                       input=PASSWORD + "\n"), "name")
    assert Accounts(instance).users() == []


@pytest.mark.parametrize("command", [["user", "add", "lan", "--password-stdin"],
                                     ["user", "list"], ["token", "create", "may-doc"]])
def test_the_database_is_made_private_on_first_use(instance: Path,
                                                   command: list[str]) -> None:
    """Make the instance folder (0700) and the SQLite file (0600) on first use."""
    assert not instance.parent.exists()
    result = tracuu(*command, "--instance", instance, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert instance.is_dir() and mode(instance) == 0o700
    database = instance / DATABASE
    assert database.is_file() and mode(database) == 0o600
    # Every file of the folder (SQLite's journal, if one is left) is private too.
    assert all(mode(path) & 0o077 == 0 for path in instance.iterdir())


def test_the_instance_folder_comes_from_the_environment(tmp_path: Path) -> None:
    """Use TRACUU_INSTANCE_DIR without --instance; --instance wins over it."""
    from_env, from_option = tmp_path / "from-env", tmp_path / "from-option"
    env = {"TRACUU_INSTANCE_DIR": str(from_env)}
    result = tracuu("user", "add", "lan", "--password-stdin", input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert Accounts(from_env).verify("lan", PASSWORD) is not None
    result = tracuu("user", "add", "minh", "--password-stdin", "--instance", from_option,
                    input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert [user.name for user in Accounts(from_option).users()] == ["minh"]
    assert [user.name for user in Accounts(from_env).users()] == ["lan"]
    result = tracuu("user", "list", env=env)
    assert result.exit_code == 0 and result.stdout.split()[0] == "lan"


def test_passwords_and_tokens_are_kept_only_as_hashes(instance: Path) -> None:
    """Keep no column of the SQLite file holding a password or a token as given."""
    add(instance)
    result = tracuu("token", "create", "may-doc", "--instance", instance)
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1]
    secrets = [PASSWORD, token, token.removeprefix("tracuu_")]
    with closing(sqlite3.connect(instance / DATABASE)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master "
                                               "WHERE type = 'table'")]
        assert {"users", "tokens"} <= set(tables)
        cells = [cell for table in tables for row in db.execute(f'SELECT * FROM "{table}"')
                 for cell in row]
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM users")]
    assert cells
    for cell in cells:
        text = cell.decode(errors="replace") if isinstance(cell, bytes) else str(cell)
        for secret in secrets:
            assert secret not in text
            assert secret.encode() not in text.encode()
    assert len(hashes) == 1 and hashes[0].startswith("scrypt:")
    raw = (instance / DATABASE).read_bytes()
    assert all(secret.encode() not in raw for secret in secrets)


def test_user_list_and_remove(instance: Path) -> None:
    """List the accounts by name; remove one; refuse to remove one that is not there."""
    add(instance, "minh")
    add(instance, "lan")
    result = tracuu("user", "list", "--instance", instance)
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["lan", "minh"]
    assert "scrypt" not in result.output and PASSWORD not in result.output
    result = tracuu("user", "remove", "lan", "--instance", instance)
    assert result.exit_code == 0 and "removed account lan" in result.stdout
    assert Accounts(instance).verify("lan", PASSWORD) is None
    result = tracuu("user", "list", "--instance", instance)
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["minh"]
    refused(tracuu("user", "remove", "lan", "--instance", instance), "no account")
    refused(tracuu("user", "remove", "khong-co", "--instance", instance), "no account")


def test_user_passwd_changes_the_password(instance: Path) -> None:
    """Change a password (typed twice); the old one no longer signs in."""
    add(instance)
    session = Accounts(instance).start_session("lan", 3600)
    result = tracuu("user", "passwd", "lan", "--instance", instance,
                    input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation:" in result.output
    accounts = Accounts(instance)
    assert accounts.verify("lan", PASSWORD) is None
    assert accounts.verify("lan", NEW_PASSWORD) is not None
    assert accounts.session_user(session, 3600) is None  # its sessions end


def test_user_passwd_refuses_and_keeps_the_password(instance: Path) -> None:
    """Keep the password when the new one is weak or mistyped; refuse a missing account."""
    add(instance)
    session = Accounts(instance).start_session("lan", 3600)
    refused(tracuu("user", "passwd", "lan", "--password-stdin", "--instance", instance,
                   input="ngắn\n"), "at least 12 characters")
    result = tracuu("user", "passwd", "lan", "--instance", instance,
                    input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}x\n")
    assert result.exit_code == 1 and "do not match" in result.output
    refused(tracuu("user", "passwd", "khong-co", "--password-stdin", "--instance", instance,
                   input=NEW_PASSWORD + "\n"), "no account")
    assert Accounts(instance).verify("lan", PASSWORD) is not None
    assert Accounts(instance).verify("lan", NEW_PASSWORD) is None
    assert Accounts(instance).session_user(session, 3600) is not None


def test_password_stdin_reads_one_line(instance: Path) -> None:
    """Read the password from the first line of standard input, without prompting."""
    result = tracuu("user", "add", "lan", "--password-stdin", "--instance", instance,
                    input=f"{PASSWORD}\r\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    assert Accounts(instance).verify("lan", PASSWORD) is not None
    result = tracuu("user", "passwd", "lan", "--password-stdin", "--instance", instance,
                    input=NEW_PASSWORD)  # no newline at the end
    assert result.exit_code == 0, result.output
    assert Accounts(instance).verify("lan", NEW_PASSWORD) is not None
    refused(tracuu("user", "add", "minh", "--password-stdin", "--instance", instance,
                   input=""), "no password")
    assert [user.name for user in Accounts(instance).users()] == ["lan"]


# --- Tokens --------------------------------------------------------------------------------


def test_token_create_prints_the_token_alone_on_its_last_line(instance: Path) -> None:
    """Print a new token alone on the last line of standard output; it is valid."""
    result = tracuu("token", "create", "may-doc", "--instance", instance)
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[-1]
    assert TOKEN.fullmatch(token), result.stdout
    assert result.stdout.endswith(token + "\n")
    found = Accounts(instance).token(token)
    assert found is not None and found.name == "may-doc"
    second = tracuu("token", "create", "may-khac", "--instance", instance)
    assert second.exit_code == 0
    assert second.stdout.splitlines()[-1] != token
    refused(tracuu("token", "create", "may-doc", "--instance", instance), "exists already")


def test_token_list_shows_names_not_tokens(instance: Path) -> None:
    """List the tokens by name, never the tokens or their digests."""
    made = []
    for name in ["may-doc", "bao-cao"]:
        result = tracuu("token", "create", name, "--instance", instance)
        made.append(result.stdout.splitlines()[-1])
    result = tracuu("token", "list", "--instance", instance)
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["bao-cao", "may-doc"]
    with closing(sqlite3.connect(instance / DATABASE)) as db:
        digests = [row[0] for row in db.execute("SELECT digest FROM tokens")]
    for secret in [*made, *(token.removeprefix("tracuu_") for token in made), *digests]:
        assert secret not in result.output


def test_token_revoke(instance: Path) -> None:
    """Revoke a token: it is refused from then on; revoking a missing one exits 1."""
    result = tracuu("token", "create", "may-doc", "--instance", instance)
    token = result.stdout.splitlines()[-1]
    kept = tracuu("token", "create", "may-khac", "--instance", instance).stdout.splitlines()[-1]
    result = tracuu("token", "revoke", "may-doc", "--instance", instance)
    assert result.exit_code == 0 and "revoked token may-doc" in result.stdout
    assert Accounts(instance).token(token) is None
    assert Accounts(instance).token(kept) is not None
    listed = tracuu("token", "list", "--instance", instance).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["may-khac"]
    refused(tracuu("token", "revoke", "may-doc", "--instance", instance), "no token")
    refused(tracuu("token", "revoke", "khong-co", "--instance", instance), "no token")


# --- The console script --------------------------------------------------------------------


def test_the_console_script_reads_the_password_from_stdin(instance: Path,
                                                          tmp_path: Path) -> None:
    """Add an account and make a token with the installed `tracuu` script."""
    env = {name: value for name, value in os.environ.items() if name != "TRACUU_INSTANCE_DIR"}

    def run(*args: str, input: str = "") -> subprocess.CompletedProcess[str]:
        """Run the script on the instance folder, from another folder."""
        return subprocess.run([str(TRACUU), *args, "--instance", str(instance)], input=input,
                              capture_output=True, text=True, cwd=tmp_path, env=env,
                              timeout=60)

    done = run("user", "add", "lan", "--password-stdin", input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "added account lan"
    assert Accounts(instance).verify("lan", PASSWORD) is not None
    assert mode(instance) == 0o700 and mode(instance / DATABASE) == 0o600
    done = run("user", "add", "minh", "--password-stdin", input="ngắn\n")
    assert done.returncode == 1
    assert "at least 12 characters" in done.stderr
    done = run("token", "create", "may-doc")
    assert done.returncode == 0, done.stderr
    token = done.stdout.splitlines()[-1]
    assert TOKEN.fullmatch(token) and Accounts(instance).token(token) is not None
