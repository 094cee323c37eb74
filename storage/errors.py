"""Storage errors.

StorageError            -- base of this package's exceptions
 ├── StorageUnavailable -- the database cannot be reached or is busy; retrying later can help
 └── StateChangeRefused -- a request cannot move to that state from the one it is in (or
                           does not exist); nothing was changed
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of storage errors."""


class StorageUnavailable(StorageError):
    """The database did not answer (down, refused, locked too long). Nothing was committed."""


class StateChangeRefused(StorageError):
    """The request is not in a state that may move to the one asked for (or does not exist)."""
