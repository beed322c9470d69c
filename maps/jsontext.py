"""JSON text of many records at once, in numpy, byte for byte what the API's JSON renderer
(json.dumps, compact separators) writes for the same values.

Why: an 18,000-hexagon heatmap holds about 270,000 numbers; json.dumps spends 2 µs or more on
each float (the shortest repr), and building the dicts first costs as much again: over a
second of CPU per answer on this project's hosts. Here every record is a row of bytes (its
fields at fixed widths, padded with NUL), all rows are built by array arithmetic, and the
padding is dropped from the whole buffer at once.

Numbers rounded to `decimals` places are written as Python's repr writes them (the shortest
text that reads back as the same float: the decimal with its trailing zeros dropped), which
is exact only while the float is the one nearest to that decimal and repr would not switch to
an exponent; `fixed` checks both and writes the others through repr itself.
"""

from __future__ import annotations

import json

import numpy as np

PAD = 0
_MINUS, _DOT, _ZERO = ord("-"), ord("."), ord("0")
# repr writes floats outside this range (but 0) with an exponent.
_REPR_LOW, _REPR_HIGH = 1e-4, 1e16
# k / 10**decimals must stay exact in a float64.
_EXACT = 2**53


def _digit_rows(k: np.ndarray, width: int) -> np.ndarray:
    """(n, width) decimal digits of the non-negative ints k, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (k[:, None] // powers[None, :]) % 10


def _width(k: np.ndarray) -> int:
    top = int(k.max()) if k.size else 0
    return max(1, len(str(top)))


def _sign(negative: np.ndarray) -> np.ndarray:
    return np.where(negative, _MINUS, PAD).astype(np.uint8)[:, None]


def ints(values) -> np.ndarray:
    """(n, w) bytes of integers as json.dumps writes them."""
    v = np.asarray(values, dtype=np.int64)
    k = np.abs(v)
    digits = _digit_rows(k, _width(k))
    # Leading zeros are padding; the last digit always shows (0 is "0").
    shown = np.cumsum(digits != 0, axis=1) > 0
    shown[:, -1] = True
    text = np.where(shown, digits + _ZERO, PAD).astype(np.uint8)
    return np.hstack([_sign(v < 0), text])


def strings(texts: list[str]) -> np.ndarray:
    """(n, w) bytes of ready-made ASCII texts (NUL-padded by numpy's bytes dtype)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.uint8)
    fixed = np.array([t.encode("ascii") for t in texts])
    return fixed.view(np.uint8).reshape(len(texts), fixed.dtype.itemsize)


def floats(values) -> np.ndarray:
    """(n, w) bytes of any floats as json.dumps writes them (repr; NaN, Infinity)."""
    return strings([json.dumps(x) for x in np.asarray(values, dtype=float).tolist()])


def py_round(values, decimals: int) -> np.ndarray:
    """[round(x, decimals) for x in values], vectorised. Python rounds the float's exact value
    (to the nearest, ties to even) and returns the float nearest that decimal; x·10^d then
    rint gives the same integer unless the product lies near a half (or is too large to be
    within 1e-7 of exact), and k / 10^d is then the same nearest float: only those few go
    through round itself."""
    v = np.asarray(values, dtype=float)
    scale = 10.0**decimals
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = v * scale
        out = np.rint(scaled) / scale
        half = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5)
        unsure = ~np.isfinite(scaled) | (half < 1e-6) | (np.abs(scaled) > 1e9)
    others = np.nonzero(unsure)[0]
    if others.size:
        out[others] = [round(x, decimals) for x in v[others].tolist()]
    return out


def fixed(values, decimals: int) -> np.ndarray:
    """(n, w) bytes of floats already rounded to `decimals` places, as json.dumps writes them."""
    v = np.asarray(values, dtype=float)
    scale = 10**decimals
    size = np.abs(v)
    with np.errstate(invalid="ignore", over="ignore"):
        in_range = np.isfinite(v) & ((size == 0) | ((size >= _REPR_LOW) & (size < _REPR_HIGH)))
        in_range &= size * scale < _EXACT
        k = np.where(in_range, np.rint(size * scale), 0).astype(np.int64)
        # The float nearest to k / 10**decimals is this one: its repr is that decimal.
        ok = in_range & (k / scale == size)
    whole, part = np.divmod(k, scale)
    int_digits = _digit_rows(whole, _width(whole))
    shown = np.cumsum(int_digits != 0, axis=1) > 0
    shown[:, -1] = True
    int_text = np.where(shown, int_digits + _ZERO, PAD)
    frac_digits = _digit_rows(part, max(decimals, 1))
    # Trailing zeros are padding; the first decimal always shows (1.0 is "1.0").
    kept = np.cumsum((frac_digits != 0)[:, ::-1], axis=1)[:, ::-1] > 0
    kept[:, 0] = True
    frac_text = np.where(kept, frac_digits + _ZERO, PAD)
    dot = np.full((len(v), 1), _DOT)
    text = np.hstack([_sign(np.signbit(v)), int_text, dot, frac_text]).astype(np.uint8)
    if ok.all():
        return text
    # The rest (none in practice) through repr itself, at the width they need.
    others = np.nonzero(~ok)[0]
    spare = floats(v[others])
    width = max(text.shape[1], spare.shape[1])
    out = np.zeros((len(v), width), dtype=np.uint8)
    out[:, : text.shape[1]] = text
    out[others] = 0
    out[others, : spare.shape[1]] = spare
    return out


def block(parts: list, n: int) -> np.ndarray:
    """(n, w) bytes of n records made of `parts` in order (constant bytes, or (n, w) byte
    arrays), still padded: a piece to keep and put into other records."""
    columns = []
    for part in parts:
        if isinstance(part, bytes):
            columns.append(np.broadcast_to(np.frombuffer(part, dtype=np.uint8), (n, len(part))))
        else:
            columns.append(part.astype(np.uint8, copy=False))
    return np.hstack(columns) if columns else np.zeros((n, 0), dtype=np.uint8)


def records(parts: list, n: int, *, separator: bytes = b",") -> bytes:
    """The n records made of `parts` (as `block`), joined by `separator`, padding removed."""
    if n == 0:
        return b""
    flat = block([*parts, separator], n).ravel()
    text = flat[flat != PAD].tobytes()
    return text[: len(text) - len(separator)]


def dumps(value) -> bytes:
    """One value as the API's JSON renderer writes it (compact, UTF-8, NaN allowed)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
