"""Delimited text tables with errors that name the file, line and column.

All text importers (generic CSV, Xsens MT exports, gaitmap CSV) read through :func:`read_table`, so a bad cell
is always reported the same way: ``FILE:LINE: column 'NAME' (column N): what is wrong``. Lines are counted
from 1 as a text editor shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gait.errors import GaitError


@dataclass
class Table:
    """Cells of a delimited text file: header names, raw string rows and their 1-based file line numbers."""

    path: Path
    header: list[str]
    header_line: int
    rows: list[list[str]]
    line_numbers: np.ndarray  # (N,) int, file line of each row
    preamble: list[str]  # lines before the header (comments, "Acquisition frequency: ...")

    def has(self, name: str) -> bool:
        return name in self.header

    def column_index(self, name: str) -> int:
        try:
            return self.header.index(name)
        except ValueError:
            raise GaitError(
                f"{self.path}:{self.header_line}: missing column {name!r} "
                f"(header has: {', '.join(self.header) or 'nothing'})"
            ) from None

    def error(self, row: int, name: str, message: str) -> GaitError:
        """A :class:`GaitError` located at data row ``row`` (0-based) and column ``name``."""
        return GaitError(
            f"{self.path}:{int(self.line_numbers[row])}: column {name!r} "
            f"(column {self.column_index(name) + 1}): {message}"
        )

    def numeric(self, name: str) -> np.ndarray:
        """Column ``name`` as float64; the first empty or non-numeric cell is a :class:`GaitError`."""
        idx = self.column_index(name)
        cells = [row[idx] if idx < len(row) else "" for row in self.rows]
        try:
            values = np.asarray(cells, dtype=np.float64)
        except ValueError:
            values = None
        if values is not None and np.all(np.isfinite(values)):
            return values
        for k, cell in enumerate(cells):
            try:
                ok = np.isfinite(float(cell))
            except ValueError:
                ok = False
            if not ok:
                shown = repr(cell) if cell.strip() else "an empty cell"
                raise self.error(k, name, f"expected a finite number, found {shown}")
        raise AssertionError("unreachable: a cell failed to convert but none was found")  # pragma: no cover


def read_table(
    path: Path,
    *,
    delimiter: str | None = None,
    header_starts: tuple[str, ...] = (),
    comment_prefix: str | None = None,
) -> Table:
    """Read a delimited text table.

    Parameters
    ----------
    path : file to read.
    delimiter : cell separator; ``None`` guesses tab, comma or semicolon from the header line.
    header_starts : the header is the first line starting with one of these; empty = first line that is
        not a comment.
    comment_prefix : lines starting with it (before the header) are kept in ``preamble``, after the header
        they are skipped.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig", errors="strict")
    except FileNotFoundError:
        raise GaitError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise GaitError(f"{path}: not a UTF-8 text file (byte offset {exc.start})") from None
    except OSError as exc:
        raise GaitError(f"{path}: cannot read ({exc.strerror})") from None
    lines = text.splitlines()
    header_idx = _find_header(lines, header_starts, comment_prefix)
    if header_idx is None:
        what = " or ".join(repr(s) for s in header_starts) if header_starts else "a header row"
        raise GaitError(f"{path}: no header line found (expected {what})")
    header_text = lines[header_idx]
    delim = delimiter or _guess_delimiter(header_text)
    header = [h.strip() for h in header_text.split(delim)]
    rows: list[list[str]] = []
    numbers: list[int] = []
    for i in range(header_idx + 1, len(lines)):
        line = lines[i]
        if not line.strip() or (comment_prefix and line.startswith(comment_prefix)):
            continue
        rows.append(line.split(delim))
        numbers.append(i + 1)
    if not rows:
        raise GaitError(f"{path}: header found on line {header_idx + 1} but no data rows follow")
    return Table(path, header, header_idx + 1, rows, np.asarray(numbers), lines[:header_idx])


def _find_header(lines: list[str], header_starts: tuple[str, ...], comment_prefix: str | None) -> int | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or (comment_prefix and stripped.startswith(comment_prefix)):
            continue
        if not header_starts or stripped.startswith(header_starts):
            return i
    return None


def _guess_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","
