"""Charts as small inline SVG (horizontal bars, stacked bars) with a title and description
for assistive technology. Pure: standard library and markupsafe only; every text is escaped."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate
from numbers import Real

from markupsafe import Markup, escape

# Okabe–Ito colours, told apart with any colour vision; each has at least 3:1 on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#666666")
TEXT = "#222"  # 15.9:1 on white
WIDTH = 360  # viewBox units: one unit is one CSS pixel on a 360 px phone
PAD = 4
BAR = 280  # the longest bar, leaving room for the value written after it
ROW = 46  # a label line, a 16-unit bar below it, and a gap
KEY_ROW = 20
LABEL_CHARS = 44  # what fits on one line at 14 units; the data table has the rest
_ID = re.compile(r"[a-z][a-z0-9-]*")
# Characters XML 1.0 forbids (control characters, lone surrogates); escaping cannot save them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _trim(number_text: str) -> str:
    return number_text.rstrip("0").rstrip(".") if "." in number_text else number_text


def plain(value: float) -> str:
    """A count as a whole number, anything else to at most two decimal places."""
    return _trim(f"{value:.2f}")


def percent(value: float) -> str:
    """A share from 0 to 1 (a Banzhaf index) as a percentage to at most one decimal place."""
    return _trim(f"{value * 100:.1f}") + "%"


def _amount(value: float, where: str) -> float:
    """`value` as a float, or a ValueError naming `where` if it is negative or not a number."""
    number = float(value) if isinstance(value, Real) and not isinstance(value, bool) else -1.0
    if not 0 <= number < math.inf:  # NaN fails every comparison
        raise ValueError(f"{where}: {value!r} is not a number of at least 0")
    return number + 0.0  # turns -0.0 into 0.0, so it never prints as "-0"


def _text(text: str, limit: int | None = None) -> Markup:
    """`text` escaped for XML, cut to `limit` characters with an ellipsis if longer."""
    text = _NOT_XML.sub("", str(text))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def _units(hundredths: int) -> str:
    return _trim(f"{hundredths // 100}.{hundredths % 100:02d}")


def _length(value: float, top: float) -> int:
    """Bar length in hundredths of a unit; a value beyond `top` stops at the full bar."""
    return round(BAR * 100 * min(value / top, 1.0))


def _check_id(id_prefix: str) -> None:
    if not isinstance(id_prefix, str) or not _ID.fullmatch(id_prefix):
        raise ValueError(f"id_prefix: {id_prefix!r} does not match ^[a-z][a-z0-9-]*$")


def _svg(id_prefix: str, title: str, description: str, height: int, body: str) -> Markup:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%"'
        f' preserveAspectRatio="xMinYMin meet" role="img"'
        f' aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="sans-serif"'
        f' font-size="14" fill="{TEXT}" style="max-width:28rem;background:#fff">'
        f'<title id="{id_prefix}-title">{_text(title)}</title>'
        f'<desc id="{id_prefix}-desc">{_text(description)}</desc>{body}</svg>'
    )
    return Markup(svg)  # noqa: S704 (every text here and in body went through _text)  # nosec B704


def _row(top: int, label: str, spans: Sequence[tuple[int, int, str]], value: str) -> str:
    """One row: its label on a line, the bar's spans (start, end, fill) below, then its value."""
    rects = "".join(
        f'<rect x="{_units(PAD * 100 + start)}" y="20" width="{_units(end - start)}"'
        f' height="16" fill="{fill}" stroke="#fff"/>'
        for start, end, fill in spans
        if end > start
    )
    value_x = PAD * 100 + max((end for _, end, _ in spans), default=0) + 400
    return (
        f'<g transform="translate(0,{top})">'
        f'<text x="{PAD}" y="14">{_text(label, LABEL_CHARS)}</text>'
        f'{rects}<text x="{_units(value_x)}" y="33">{_text(value)}</text></g>'
    )


def bars(
    rows: Sequence[tuple[str, float]],
    *,
    id_prefix: str,
    title: str,
    description: str,
    maximum: float | None = None,
    value_label: Callable[[float], str] = plain,
) -> Markup:
    """One horizontal bar per (label, value), its length in proportion to `maximum` (or the
    largest value), with `value_label(value)` written at its end."""
    _check_id(id_prefix)
    values = [_amount(value, f"row {label!r}") for label, value in rows]
    if maximum is not None and _amount(maximum, "maximum") == 0:
        raise ValueError("maximum: 0 leaves no room for any bar")
    top = maximum or max(values, default=0) or 1
    body = "".join(
        _row(PAD + i * ROW, label, [(0, _length(value, top), PALETTE[0])], value_label(value))
        for i, ((label, _), value) in enumerate(zip(rows, values, strict=True))
    )
    return _svg(id_prefix, title, description, PAD + len(rows) * ROW, body)


def _counts(
    label: str, segments: Sequence[tuple[str, int]], keys: Mapping[str, str]
) -> list[float]:
    """The row's amounts in the order of `keys`, absent segments as 0."""
    counts = dict.fromkeys(keys, 0.0)
    for key, value in segments:
        if key not in counts:
            raise ValueError(f"row {label!r}: segment {key!r} is not one of {list(keys)}")
        counts[key] += _amount(value, f"row {label!r}, segment {key!r}")
    return list(counts.values())


def _legend(segment_labels: Mapping[str, str], totals: Sequence[float]) -> str:
    entries = "".join(
        f'<rect x="{PAD}" y="{PAD + i * KEY_ROW + 2}" width="12" height="12" fill="{PALETTE[i]}"/>'
        f'<text x="{PAD + 18}" y="{PAD + i * KEY_ROW + 13}">'
        f"{_text(name, LABEL_CHARS)}: {plain(total)}</text>"
        for i, (name, total) in enumerate(zip(segment_labels.values(), totals, strict=True))
    )
    return f"<g>{entries}</g>"


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    *,
    id_prefix: str,
    title: str,
    description: str,
    segment_labels: Mapping[str, str],
) -> Markup:
    """One bar per row split into segments (in `segment_labels` order, one colour each), all
    on the scale of the largest row total, which is written after each bar; a legend above."""
    _check_id(id_prefix)
    if len(segment_labels) > len(PALETTE):
        raise ValueError(f"segment_labels: at most {len(PALETTE)} segments have a colour")
    table = [_counts(label, segments, segment_labels) for label, segments in rows]
    top = max((sum(counts) for counts in table), default=0) or 1
    start = PAD + len(segment_labels) * KEY_ROW + 8
    totals = [sum(counts[i] for counts in table) for i in range(len(segment_labels))]
    body = _legend(segment_labels, totals)
    for i, ((label, _), counts) in enumerate(zip(rows, table, strict=True)):
        ends = [_length(total, top) for total in accumulate(counts, initial=0)]
        spans = list(zip(ends, ends[1:], PALETTE, strict=False))
        body += _row(start + i * ROW, label, spans, plain(sum(counts)))
    return _svg(id_prefix, title, description, start + len(rows) * ROW, body)
