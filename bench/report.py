"""The one result table: measurement, baseline from the same run, ratio, target and whether it was met."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HEADER = ("phase", "metric", "baseline", "measured", "ratio", "target", "result")


@dataclass
class Row:
    phase: str
    metric: str
    baseline: str = "-"
    measured: str = "-"
    ratio: str = "-"
    target: str = "-"
    met: bool | None = None  # None: no target

    def cells(self) -> tuple[str, ...]:
        result = "-" if self.met is None else ("met" if self.met else "MISSED")
        return (self.phase, self.metric, self.baseline, self.measured, self.ratio, self.target, result)


def per_s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}/s"


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:,.1f} ms" if abs(seconds) < 10 else f"{seconds:,.1f} s"


def ratio(measured: float | None, baseline: float | None) -> str:
    if measured is None or not baseline:
        return "n/a"
    return f"{measured / baseline:.2f}x"


def table(rows: Sequence[Row]) -> str:
    cells = [HEADER, *(r.cells() for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    numeric = {2, 3, 4}  # right-aligned columns

    def line(c: Sequence[str]) -> str:
        padded = (v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(c, widths, strict=True)))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADER), rule, *(line(c) for c in cells[1:])])
