"""Condition kinds: one class per YAML keyword, each holding what it means (compile, track over a case,
describe, and what lint needs), registered here. Adding a kind is one module and one line below."""

from __future__ import annotations

from typing import Iterable, Mapping

from ..rulebook import Always, Condition
from .base import ConditionKind
from .combine import All, AnyOf, Not
from .custody import InCustody
from .dates import Dates
from .elapsed import Elapsed
from .facts import SupervisionType
from .mappa import Mappa
from .registration import Registration
from .rosh import Rosh, rosh_in
from .tier import Tier

#: Every condition kind, by its YAML keyword, in the order the rule schema lists them.
CONDITIONS: Mapping[str, type[ConditionKind]] = {
    kind.keyword: kind
    for kind in (All, AnyOf, Not, SupervisionType, Rosh, Registration, Mappa, InCustody, Tier, Elapsed, Dates)
}


def all_of(conditions: Iterable[Condition]) -> Condition:
    """Every one of the conditions (one alone is itself)."""
    found = tuple(conditions)
    return found[0] if len(found) == 1 else All(found)


__all__ = ["CONDITIONS", "ConditionKind", "Always", "All", "AnyOf", "Not", "SupervisionType", "Rosh",
           "Registration", "Mappa", "InCustody", "Tier", "Elapsed", "Dates", "all_of", "rosh_in"]
