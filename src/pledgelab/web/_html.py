"""Formatting shared by the server-rendered pages (the same words as ``static/common.js``)."""

from __future__ import annotations

import html


def usd(x: float) -> str:
    """Dollars in words: billions above $1B, millions above $1M, a true minus sign."""
    a = abs(x)
    text = (f"${a / 1e9:,.2f} billion" if a >= 1e9 else f"${a / 1e6:,.1f} million" if a >= 1e6
            else f"${a:,.0f}")
    return ("−" if x < 0 else "") + text


def usd_cell(x: float) -> str:
    """A table cell with the dollars in words and the raw number in ``data-value``."""
    return f'<td class="num" data-value="{float(x)!r}">{html.escape(usd(x))}</td>'


def deal_options(deals: tuple[tuple[str, str], ...], chosen: str) -> str:
    """``<option>`` elements for (id, title) pairs, ``chosen`` selected."""
    return "".join(f'<option value="{html.escape(i)}"{" selected" if i == chosen else ""}>'
                   f"{html.escape(t)} ({html.escape(i)})</option>" for i, t in deals)
