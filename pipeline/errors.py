"""Errors every `corpus` subcommand shares (a module that imports nothing heavy)."""


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 1."""
