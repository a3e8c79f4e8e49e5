"""Counter-based random draws: a patent's values are a function of (seed, stream, index).

The generator must be able to recompute any patent's values on demand instead of keeping
arrays for the whole world (issue 3: memory must not grow with the number of patents). A
``numpy.random.Generator`` is sequential; these draws are not: each value is the splitmix64
finalizer of a key mixed from the seed, the stream (what is drawn: fitness, pendency, ...),
the draw number within the stream and the index, so ``uniform(s, t, i)`` is the same
whether ``i`` is drawn alone or among a million others.

splitmix64: Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
OOPSLA 2014 (the finalizer constants of ``java.util.SplittableRandom``).
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


def _finalize(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S30)
    x = x * MIX1
    x = x ^ (x >> _S27)
    x = x * MIX2
    out: np.ndarray = x ^ (x >> _S31)
    return out


def _key(seed: int, stream: int, draw: int) -> np.uint64:
    x = np.array([(seed * 0x2545F4914F6CDD1D + stream * 0x27D4EB2F165667C5 + draw * 0x165667B1)
                  % (1 << 64)], np.uint64)
    return np.uint64(_finalize(x)[0])


def bits(seed: int, stream: int, index: np.ndarray | int, draw: int = 0) -> np.ndarray:
    """64 random bits for each index (uint64; always an array, even for one index)."""
    i = np.atleast_1d(np.asarray(index)).astype(np.uint64)
    with np.errstate(over="ignore"):
        return _finalize((i + np.uint64(1)) * GOLDEN ^ _key(seed, stream, draw))


def uniform(seed: int, stream: int, index: np.ndarray | int, draw: int = 0) -> np.ndarray:
    """Uniform in [0, 1) for each index (53 random bits)."""
    out: np.ndarray = (bits(seed, stream, index, draw) >> _S11).astype(np.float64) \
        * (1.0 / (1 << 53))
    return out


def normal(seed: int, stream: int, index: np.ndarray | int, draw: int = 0) -> np.ndarray:
    """Standard normal for each index (Box-Muller on draws 2*draw and 2*draw + 1)."""
    u1 = 1.0 - uniform(seed, stream, index, 2 * draw)  # in (0, 1]: log is finite
    u2 = uniform(seed, stream, index, 2 * draw + 1)
    out: np.ndarray = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    return out


def lognormal(seed: int, stream: int, index: np.ndarray | int, mean: float | np.ndarray,
              sigma: float, draw: int = 0) -> np.ndarray:
    """exp(mean + sigma * N(0, 1)) for each index."""
    out: np.ndarray = np.exp(mean + sigma * normal(seed, stream, index, draw))
    return out


def integers(seed: int, stream: int, index: np.ndarray | int, low: int | np.ndarray,
             high: int | np.ndarray, draw: int = 0) -> np.ndarray:
    """Integers in [low, high) for each index."""
    span = np.asarray(high) - np.asarray(low)
    out: np.ndarray = np.asarray(low) + (uniform(seed, stream, index, draw) * span).astype(
        np.int64)
    return out
