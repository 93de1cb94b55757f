"""SQLite's LIKE folds the case of ASCII letters only, so a search for "øster" in the admin
missed "Øster" on the embedded database (PostgreSQL's ILIKE has no such gap). Each SQLite
connection gets a LIKE that lowers every letter, as PostgreSQL's ILIKE does."""

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts, chars = [], iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char.lower()))
    return re.compile("".join(parts), re.DOTALL)


def like(pattern, value, escape=None) -> bool | None:
    """SQL's `value LIKE pattern [ESCAPE escape]`, SQLite calling it like(pattern, value, …)."""
    if pattern is None or value is None:
        return None
    return _pattern(pattern, escape).fullmatch(str(value).lower()) is not None


def install(sender, connection, **kwargs) -> None:
    """For the connection_created signal."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, like, deterministic=True)
        connection.connection.create_function("like", 3, like, deterministic=True)
