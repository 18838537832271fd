"""The one base of every error a user can cause, so the CLI and the page catch one kind.

Each subclass carries a message for the user, Vietnamese first with English in
parentheses; the CLI prints it and exits non-zero, the page shows it, and neither shows a
traceback (simonw/llm's ``llm/errors.py`` is the model).
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: a file, a question, a setting, a busy or full store."""
