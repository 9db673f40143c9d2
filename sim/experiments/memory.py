"""Give a finished replication's memory back to the operating system.

A replication frees its arrays and objects when it ends, but the allocators keep the freed
pages: glibc's heap (``malloc_trim`` returns its free pages) and Arrow's pool, used when the
tables are written (``release_unused``). Without this, a process that runs replications one
after another holds ~70-100 MB more from the second replication on (national world; the
measurement is in docs/performance.md), so its peak memory grows past the first one's.
"""
from __future__ import annotations

import ctypes
import functools
import gc
import sys
from typing import Optional


@functools.cache
def _libc_trim() -> Optional[ctypes._CFuncPtr]:
    """The C library's ``malloc_trim`` (glibc), or None where the C library has none (musl, macOS, Windows)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def return_free_memory() -> None:
    """Collect garbage, then hand the allocators' free pages back to the operating system."""
    gc.collect()
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    trim = _libc_trim()
    if trim is not None:
        trim(0)
