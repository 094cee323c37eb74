"""Storage errors.

StorageError            -- base of this package's exceptions
 └── StorageUnavailable -- the database cannot be reached or is busy; retrying later can help
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of storage errors."""


class StorageUnavailable(StorageError):
    """The database did not answer (down, refused, locked too long). Nothing was committed."""
