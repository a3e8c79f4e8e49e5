"""How numbers read in reports and on the terminal: money as $1.27M, quantities with
thousands separators and no exponent (1,274,000 rather than 1.274e+06)."""

from __future__ import annotations


def money(usd: float) -> str:
    """$1.27B, $1.27M, $850K, $9,500."""
    a = abs(usd)
    if a >= 1e9:
        return f"${usd / 1e9:,.2f}B"
    if a >= 1e6:
        return f"${usd / 1e6:,.2f}M"
    if a >= 1e4:
        return f"${usd / 1e3:,.0f}K"
    return f"${usd:,.0f}"


def number(value: float) -> str:
    """About four significant digits, never in exponent form for everyday sizes:
    1,274,000; 12,345; 123.5; 12.35; 0.1235; 0.0012."""
    a = abs(value)
    if a >= 1e4:
        return f"{value:,.0f}"
    if a >= 100:
        return f"{value:,.1f}"
    if a >= 10:
        return f"{value:.2f}"
    if a >= 1:
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    if a == 0:
        return "0"
    if a >= 1e-4:
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return f"{value:.1e}"


def share(fraction: float) -> str:
    """A fraction as a percentage; a rounding error below zero reads 0.00%."""
    return f"{max(0.0, fraction):.2%}" if fraction > -1e-9 else f"{fraction:.2%}"
