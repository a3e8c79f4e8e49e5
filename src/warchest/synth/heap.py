"""Give the pages of freed temporaries back to the operating system between batches.

glibc's ``malloc`` keeps the memory of freed blocks in its heap for reuse, and raises its
threshold for serving large blocks from their own mappings each time such a block is freed,
so after a batch of large temporaries the process can hold on to pages it no longer uses:
the resident size then follows the largest batches seen, and the number of them, instead of
the live data. ``malloc_trim(0)`` returns every free page of the heap (not only its top).
Elsewhere (another C library, another system) this does nothing.

Arrow's own allocator (mimalloc by default) keeps the pages of freed buffers too, and
more of them the larger the world (about 20 MB more at 1M patents than at 100k, measured
with ``bench/synth_memory.py``): ``system_allocator`` makes Arrow use ``malloc`` while a
world is written, so that ``malloc_trim`` returns those pages as well.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyarrow as pa

_trim: Callable[[int], int] | None = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _trim = _libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        _trim = None


def release_free_memory() -> bool:
    """Return the heap's free pages to the system; whether anything was returned."""
    if _trim is None:
        return False
    return bool(_trim(0))


@contextmanager
def system_allocator() -> Iterator[None]:
    """Arrow allocates with the C library's ``malloc`` inside the block (its default pool
    is restored after it): the pages of freed Arrow buffers can then be returned by
    ``release_free_memory``. Process-wide while it lasts, like any change of Arrow's
    default pool."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)
