"""Vectorised packet mutation for fuzzing: bit flips, truncation, extension, random bytes, wrong prefixes."""

from __future__ import annotations

import numpy as np

KINDS = ("unchanged", "bitflip", "truncate", "extend", "random", "prefix")


def mutate(valid: list[bytes], count: int, seed: int = 0) -> tuple[list[bytes], np.ndarray]:
    """``count`` packets drawn from ``valid`` and mutated; also the mutation kind index of each."""
    rng = np.random.default_rng(seed)
    width = max(map(len, valid)) + 24
    base = np.zeros((len(valid), width), np.uint8)
    lengths0 = np.array([len(v) for v in valid])
    for i, v in enumerate(valid):
        base[i, : len(v)] = np.frombuffer(v, np.uint8)
    pick = rng.integers(0, len(valid), count)
    rows = base[pick]
    lengths = lengths0[pick].copy()
    kind = rng.integers(0, len(KINDS), count)
    noise = np.zeros((count, width), np.uint8)
    noisy = kind >= 3  # extend, random, prefix
    noise[noisy] = rng.integers(0, 256, (np.count_nonzero(noisy), width), dtype=np.uint8)

    flip = np.flatnonzero(kind == 1)
    for _ in range(3):  # up to three bit flips at random places inside the packet
        pos = (rng.random(flip.size) * lengths[flip]).astype(np.int64)
        rows[flip, pos] ^= (1 << rng.integers(0, 8, flip.size)).astype(np.uint8)
    cut = kind == 2
    lengths[cut] = (rng.random(np.count_nonzero(cut)) * lengths[cut]).astype(np.int64)
    ext = np.flatnonzero(kind == 3)
    add = rng.integers(1, 24, ext.size)
    cols = np.arange(width)
    mask = (cols >= lengths[ext, None]) & (cols < (lengths[ext] + add)[:, None])
    rows[ext] = np.where(mask, noise[ext], rows[ext])
    lengths[ext] += add
    rnd = kind == 4
    rows[rnd] = noise[rnd]
    lengths[rnd] = rng.integers(0, width, np.count_nonzero(rnd))
    pre = kind == 5
    rows[pre, :2] = noise[pre, :2]

    flat = rows.tobytes()
    packets = [flat[i * width : i * width + n] for i, n in enumerate(lengths.tolist())]
    return packets, kind
