"""A drawing pen for figures: unit coordinates (1 unit = 1% of the figure's
height, origin between the feet, y up is negative) and the style's way of
drawing a shape: a self-coloured or ink outline, and clay-like shading.
"""

from __future__ import annotations

from itertools import pairwise

from PIL import ImageDraw

from .palette import RGB, lighten, outline_of, shade


class Pen:
    def __init__(
        self, d: ImageDraw.ImageDraw, unit: float, ox: float, oy: float, ink: RGB | None, line: float, clay: bool
    ):
        self.d, self.k, self.ox, self.oy = d, unit, ox, oy
        self.ink, self.clay = ink, clay
        self.lw = max(1, round(line * unit)) if line else 0

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (self.ox + x * self.k, self.oy + y * self.k)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        a, b = self.p(x0, y0), self.p(x1, y1)
        return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))

    def _line_color(self, fill: RGB) -> RGB:
        return self.ink or outline_of(fill)

    def ellipse(
        self, x0: float, y0: float, x1: float, y1: float, fill: RGB, line: bool = True, shine: bool = True
    ) -> None:
        b = self.box(x0, y0, x1, y1)
        lw = self.lw if line else 0
        self.d.ellipse(b, fill=fill, outline=self._line_color(fill) if lw else None, width=lw)
        if self.clay and shine and (b[2] - b[0]) > 6 * self.k:
            w, h = b[2] - b[0], b[3] - b[1]
            self.d.chord(
                (b[0] + w * 0.18, b[1] + h * 0.62, b[2] - w * 0.18, b[3] - h * 0.04), 30, 150, fill=shade(fill, 0.92)
            )
            self.d.ellipse((b[0] + w * 0.2, b[1] + h * 0.12, b[0] + w * 0.42, b[1] + h * 0.3), fill=lighten(fill, 0.45))

    def circle(self, x: float, y: float, r: float, fill: RGB, line: bool = True, shine: bool = True) -> None:
        self.ellipse(x - r, y - r, x + r, y + r, fill, line, shine)

    def poly(self, pts: list[tuple[float, float]], fill: RGB, line: bool = True) -> None:
        q = [self.p(x, y) for x, y in pts]
        self.d.polygon(
            q, fill=fill, outline=self._line_color(fill) if line and self.lw else None, width=self.lw if line else 0
        )

    def rrect(self, x0: float, y0: float, x1: float, y1: float, r: float, fill: RGB, line: bool = True) -> None:
        b = self.box(x0, y0, x1, y1)
        lw = self.lw if line else 0
        self.d.rounded_rectangle(
            b, radius=r * self.k, fill=fill, outline=self._line_color(fill) if lw else None, width=lw
        )
        if self.clay and (b[2] - b[0]) > 6 * self.k:
            w, h = b[2] - b[0], b[3] - b[1]
            self.d.rounded_rectangle(
                (b[0] + w * 0.15, b[1] + h * 0.1, b[0] + w * 0.35, b[1] + h * 0.25),
                radius=w * 0.08,
                fill=lighten(fill, 0.4),
            )

    def limb(self, x0: float, y0: float, x1: float, y1: float, width: float, fill: RGB) -> None:
        """A thick rounded stroke: an arm, a leg, a tail."""
        a, b = self.p(x0, y0), self.p(x1, y1)
        w = width * self.k
        if self.lw:
            ol = self._line_color(fill)
            self.d.line((a, b), fill=ol, width=int(w + 2 * self.lw))
            for x, y in (a, b):
                r = w / 2 + self.lw
                self.d.ellipse((x - r, y - r, x + r, y + r), fill=ol)
        self.d.line((a, b), fill=fill, width=int(w))
        for x, y in (a, b):
            r = w / 2
            self.d.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def curve(self, pts: list[tuple[float, float]], width: float, fill: RGB, taper: float = 1.0) -> None:
        """A smooth round-ended brush stroke through the points (tails, trunks),
        drawn as overlapping discs so it has no corners."""
        path = []
        for (x0, y0), (x1, y1) in pairwise(pts):
            steps = max(2, int(abs(x1 - x0) + abs(y1 - y0)) // 2)
            path += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps)]
        path.append(pts[-1])
        # smooth the corners of the polyline with a running mean
        soft = [
            (
                sum(q[0] for q in path[max(0, i - 3) : i + 4]) / len(path[max(0, i - 3) : i + 4]),
                sum(q[1] for q in path[max(0, i - 3) : i + 4]) / len(path[max(0, i - 3) : i + 4]),
            )
            for i in range(len(path))
        ]
        n = len(soft)
        passes = ([(self.lw, self._line_color(fill))] if self.lw else []) + [(0, fill)]
        for extra, color in passes:
            for i, (x, y) in enumerate(soft):
                r = (width * (1 - (1 - taper) * i / max(1, n - 1)) / 2) * self.k + extra
                cx, cy = self.p(x, y)
                self.d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)

    def stroke(self, pts: list[tuple[float, float]], fill: RGB, width: float) -> None:
        self.d.line([self.p(x, y) for x, y in pts], fill=fill, width=max(1, int(width * self.k)), joint="curve")

    def arc(
        self, x0: float, y0: float, x1: float, y1: float, start: float, end: float, fill: RGB, width: float
    ) -> None:
        self.d.arc(self.box(x0, y0, x1, y1), start, end, fill=fill, width=max(1, int(width * self.k)))

    def chord(
        self, x0: float, y0: float, x1: float, y1: float, start: float, end: float, fill: RGB, line: bool = True
    ) -> None:
        self.d.chord(
            self.box(x0, y0, x1, y1),
            start,
            end,
            fill=fill,
            outline=self._line_color(fill) if line and self.lw else None,
            width=self.lw if line else 0,
        )

    def pie(self, x0: float, y0: float, x1: float, y1: float, start: float, end: float, fill: RGB) -> None:
        self.d.pieslice(self.box(x0, y0, x1, y1), start, end, fill=fill)
