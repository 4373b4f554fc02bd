"""Exact money arithmetic in integer minor units."""

from __future__ import annotations

from dataclasses import dataclass


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return sign * quotient


def share(amount_cents: int, basis_points: int) -> int:
    """``basis_points`` / 10 000 of an amount, rounded half up to the cent."""
    return round_half_up(amount_cents * basis_points, 10_000)


@dataclass(frozen=True)
class Money:
    """An amount of one currency in minor units."""

    amount_cents: int
    currency: str
