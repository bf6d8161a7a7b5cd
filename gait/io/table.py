"""Delimited text tables with errors that name the file, line and column.

All text importers (generic CSV, Xsens MT exports, gaitmap CSV) read through :func:`read_table`, so a bad cell
is always reported the same way: ``FILE:LINE: column 'NAME' (column N): what is wrong``. Lines are counted
from 1 as a text editor shows them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gait.errors import GaitError


@dataclass
class Table:
    """A delimited text file: header names, data lines and their 1-based file line numbers.

    Cells are split lazily; :meth:`numeric` first tries NumPy's C parser on the whole table (fast path for
    large, clean files) and only falls back to cell-by-cell conversion, which can name the bad cell.
    """

    path: Path
    header: list[str]
    header_line: int
    lines: list[str]  # data lines, unsplit
    line_numbers: np.ndarray  # (N,) int, file line of each data line
    preamble: list[str]  # lines before the header (comments, "Acquisition frequency: ...")
    delimiter: str = ","
    _rows: list[list[str]] | None = field(default=None, repr=False)
    _matrix: np.ndarray | None = field(default=None, repr=False)
    _fast_failed: bool = field(default=False, repr=False)
    _widths_ok: bool = field(default=False, repr=False)

    @property
    def rows(self) -> list[list[str]]:
        if self._rows is None:
            self._rows = list(csv.reader(self.lines, delimiter=self.delimiter))  # "quoted" cells too
        return self._rows

    def has(self, name: str) -> bool:
        return name in self.header

    def column_index(self, name: str) -> int:
        """0-based index of column ``name``; a missing or repeated name is a :class:`GaitError`."""
        where = [i for i, h in enumerate(self.header) if h == name]
        if not where:
            raise GaitError(
                f"{self.path}:{self.header_line}: missing column {name!r} "
                f"(header has: {', '.join(self.header) or 'nothing'})"
            )
        if len(where) > 1:
            columns = " and ".join(str(i + 1) for i in where)
            raise GaitError(f"{self.path}:{self.header_line}: column {name!r} appears more than once "
                            f"(columns {columns}); which one holds the data is ambiguous")
        return where[0]

    def error(self, row: int, name: str, message: str) -> GaitError:
        """A :class:`GaitError` located at data row ``row`` (0-based) and column ``name``."""
        return GaitError(
            f"{self.path}:{int(self.line_numbers[row])}: column {name!r} "
            f"(column {self.column_index(name) + 1}): {message}"
        )

    def numeric(self, name: str) -> np.ndarray:
        """Column ``name`` as float64; the first empty or non-numeric cell is a :class:`GaitError`."""
        idx = self.column_index(name)
        matrix = self._fast_matrix()
        if matrix is not None:
            return matrix[:, idx].copy()
        self._check_row_widths()
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

    def _check_row_widths(self) -> None:
        """A row with more non-empty cells than the header has shifted or stray values: refuse it, since
        reading by column would silently drop the extra cell (trailing empty cells are fine)."""
        if self._widths_ok:
            return
        width = len(self.header)
        for k, row in enumerate(self.rows):
            extra = [j for j in range(width, len(row)) if row[j].strip()]
            if extra:
                raise GaitError(
                    f"{self.path}:{int(self.line_numbers[k])}: {len(row)} cells but the header has {width} "
                    f"columns (extra value {row[extra[0]].strip()!r} in column {extra[0] + 1}); "
                    "fix the row or the header"
                )
        self._widths_ok = True

    def _fast_matrix(self) -> np.ndarray | None:
        """All cells as floats in one C-level parse, or None when any cell is not a finite number."""
        if self._matrix is None and not self._fast_failed:
            try:
                matrix = np.loadtxt(
                    self.lines, delimiter=self.delimiter, ndmin=2, dtype=np.float64, comments=None
                )
            except ValueError:
                matrix = None
            ok = matrix is not None and matrix.shape == (len(self.lines), len(self.header))
            if ok and np.all(np.isfinite(matrix)):
                self._matrix = matrix
            else:
                self._fast_failed = True
        return self._matrix


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
    header = [h.strip() for h in next(csv.reader([header_text], delimiter=delim))]
    data: list[str] = []
    numbers: list[int] = []
    for i in range(header_idx + 1, len(lines)):
        line = lines[i]
        if not line.strip() or (comment_prefix and line.startswith(comment_prefix)):
            continue
        data.append(line)
        numbers.append(i + 1)
    if not data:
        raise GaitError(f"{path}: header found on line {header_idx + 1} but no data rows follow")
    return Table(path, header, header_idx + 1, data, np.asarray(numbers), lines[:header_idx], delim)


def _find_header(lines: list[str], header_starts: tuple[str, ...], comment_prefix: str | None) -> int | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or (comment_prefix and stripped.startswith(comment_prefix)):
            continue
        if not header_starts or stripped.lstrip('"').startswith(header_starts):
            return i
    return None


def _guess_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","
