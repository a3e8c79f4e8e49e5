"""warchest.synth.heap: Arrow allocates with malloc while a world is written, and its
default pool comes back afterwards, also when the block fails."""

from __future__ import annotations

import pyarrow as pa
import pytest

from warchest.synth.heap import system_allocator


def test_the_system_allocator_is_used_inside_the_block_and_restored_after() -> None:
    before = pa.default_memory_pool().backend_name
    with system_allocator():
        assert pa.default_memory_pool().backend_name == "system"
        # what Arrow allocates in the block is counted by the system pool
        used = pa.system_memory_pool().bytes_allocated()
        data = pa.array(range(100_000), pa.int64())
        assert pa.system_memory_pool().bytes_allocated() >= used + 8 * 100_000
        del data
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(ZeroDivisionError), system_allocator():
        1 / 0  # noqa: B018
    assert pa.default_memory_pool().backend_name == before

