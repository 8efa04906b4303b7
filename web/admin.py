"""The `tracuu user` and `tracuu token` commands: staff accounts and API tokens."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from web.accounts import AccountError, Accounts, AccountsUnavailable
from web.settings import defaults

INSTANCE_ENV = "TRACUU_INSTANCE_DIR"

instance_option = click.option(
    "--instance", "instance_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Instance folder of accounts and tokens (default: ${INSTANCE_ENV}, else "
         "var/instance in the project).")


def _accounts(instance_dir: Path | None) -> Accounts:
    folder = instance_dir or Path(os.environ.get(INSTANCE_ENV) or defaults()["INSTANCE_DIR"])
    return Accounts(folder)


def _refusing(command: Callable[..., None]) -> Callable[..., None]:
    """Turn an AccountError into one line and exit status 1; a bad folder exits 4."""
    def run(*args: object, **kwargs: object) -> None:
        try:
            command(*args, **kwargs)
        except AccountsUnavailable as error:
            click.echo(f"error: {error}; check the instance folder and its permissions",
                       err=True)
            sys.exit(4)
        except AccountError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        except OSError as error:
            click.echo(f"error: the instance folder cannot be used ({error.strerror}: "
                       f"{error.filename}); check its permissions", err=True)
            sys.exit(4)
    run.__name__, run.__doc__ = command.__name__, command.__doc__
    return run


def _read_password(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise AccountError("no password on standard input")
        return line.rstrip("\r\n")
    password: str = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return password


password_option = click.option(
    "--password-stdin", "from_stdin", is_flag=True,
    help="Read the password from the first line of standard input (no prompt).")


@click.group()
def user() -> None:
    """Staff accounts: who may sign in and see internal documents."""


@user.command("add")
@click.argument("name")
@password_option
@instance_option
@_refusing
def user_add(name: str, from_stdin: bool, instance_dir: Path | None) -> None:
    """Add a staff account (the password is asked for twice, at least 12 characters)."""
    accounts = _accounts(instance_dir)
    if accounts.user(name) is not None:
        raise AccountError(f"the account {name!r} exists already")
    added = accounts.add_user(name, _read_password(from_stdin, "Password"))
    click.echo(f"added account {added.name}")


@user.command("passwd")
@click.argument("name")
@password_option
@instance_option
@_refusing
def user_passwd(name: str, from_stdin: bool, instance_dir: Path | None) -> None:
    """Change an account's password; its sessions end."""
    accounts = _accounts(instance_dir)
    if accounts.user(name) is None:
        raise AccountError(f"there is no account {name!r}")
    accounts.set_password(name, _read_password(from_stdin, "New password"))
    click.echo(f"changed the password of {name}; its sessions have ended")


@user.command("remove")
@click.argument("name")
@instance_option
@_refusing
def user_remove(name: str, instance_dir: Path | None) -> None:
    """Remove a staff account; its sessions end."""
    _accounts(instance_dir).remove_user(name)
    click.echo(f"removed account {name}")


@user.command("list")
@instance_option
@_refusing
def user_list(instance_dir: Path | None) -> None:
    """List the staff accounts."""
    for found in _accounts(instance_dir).users():
        click.echo(f"{found.name}\tadded {found.created}")


@click.group()
def token() -> None:
    """API tokens: programs that see internal documents (Authorization: Bearer TOKEN)."""


@token.command("create")
@click.argument("name")
@instance_option
@_refusing
def token_create(name: str, instance_dir: Path | None) -> None:
    """Make a token and print it, once, alone on the last line (only its hash is kept)."""
    made = _accounts(instance_dir).create_token(name)
    click.echo(f"created token {name}; it is shown only now. Send it as "
               "'Authorization: Bearer TOKEN':", err=True)
    click.echo(made)


@token.command("list")
@instance_option
@_refusing
def token_list(instance_dir: Path | None) -> None:
    """List the tokens by name (the tokens themselves are not kept)."""
    for found in _accounts(instance_dir).tokens():
        click.echo(f"{found.name}\tcreated {found.created}")


@token.command("revoke")
@click.argument("name")
@instance_option
@_refusing
def token_revoke(name: str, instance_dir: Path | None) -> None:
    """Revoke a token: requests carrying it are refused (401) from now on."""
    _accounts(instance_dir).revoke_token(name)
    click.echo(f"revoked token {name}")
