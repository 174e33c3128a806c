"""A whole caseload checked from Python: timelines in, the summary and the worklist out (what ``ppcheck PATH...``
and ``ppcheck due`` compute), so that an embedding program need not reach into the modules behind them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Union

from ..engine.rulebook import Rulebook
from ..timeline.model import Timeline
from ..vocabulary import UNIT_KINDS
from .batch import ordered_map
from .inputs import Item, items
from .summary import WORKLIST_SHOWN, Caseload, Summary
from .work import CheckOptions, Selection, task

#: One source of cases: a timeline file, a folder of them, a JSON Lines file (one case a line), or one
#: timeline's JSON data already in memory (a mapping, as ``json.load`` gives it).
CaseSource = Union[str, "PathLike[str]", Mapping[str, Any]]


def check_caseload(rulebook: Rulebook, sources: Iterable[CaseSource], as_of: date, *, jobs: int = 1,
                   by: str | None = None, within_days: int = 14, include_closed: bool = False,
                   units: Mapping[str, Iterable[str]] | None = None,
                   worklist_rows: int | None = WORKLIST_SHOWN) -> Summary:
    """Check every case of ``sources`` against ``rulebook`` as of ``as_of`` and roll the verdicts up.

    ``sources`` are paths (a timeline file, a folder, a ``.jsonl`` file) or timelines' JSON data (mappings);
    each case is read, validated and evaluated as ``ppcheck`` does it, a case that cannot be checked is counted
    in ``summary.inputs.rejected`` with its located problems in ``summary.rejected``, and the others are still
    evaluated. ``jobs`` worker processes share the work (1: in this process). ``by`` is ``"region"``,
    ``"pdu"`` or ``"team"`` for rates per unit; ``units`` selects cases by unit (``{"team": ["T1"]}``);
    ``within_days`` is the worklist's "due soon" window; ``worklist_rows`` bounds the rows kept per section
    (None keeps every row). The summary's ``rows(Section.OVERDUE)`` and ``rows(Section.DUE)`` are the
    worklist; ``as_dict()`` is the JSON document ``ppcheck --format json`` writes for a caseload.

    Raises TypeError for arguments of the wrong kind, and ValueError for a ``by`` or ``units`` kind that is not
    a unit kind or a negative window.
    """
    _check_arguments(rulebook, as_of, jobs, by, within_days, units)
    selection = Selection({kind: frozenset(ids) for kind, ids in (units or {}).items()})
    caseload = Caseload(rulebook, as_of, by, within_days, worklist_rows, include_closed, selection)
    options = CheckOptions(as_of, within_days, "none", selection)
    for result in ordered_map(task(rulebook, options), _items(sources), jobs):
        caseload.add(result)
    return caseload.summary(shown=worklist_rows if worklist_rows is not None else 2**62)


def _items(sources: Iterable[object]) -> Iterator[Item]:
    for number, source in enumerate(sources, 1):
        if isinstance(source, Mapping):
            text = json.dumps(source, ensure_ascii=False, default=str).encode("utf-8")
            yield Item(f"<timeline {number}>", 0, text, size=len(text))
        elif isinstance(source, (str, PathLike)):
            if str(source) == "-":
                raise ValueError("check_caseload() reads no standard input: pass the path of a file or folder")
            yield from items([str(Path(source))])
        elif isinstance(source, Timeline):
            raise TypeError("check_caseload() takes timelines as files or JSON data (mappings); a Timeline is "
                            "already loaded: evaluate() it")
        else:
            raise TypeError(f"check_caseload() takes paths or timelines' JSON data (mappings), not "
                            f"{type(source).__name__}")


def _check_arguments(rulebook: object, as_of: object, jobs: object, by: object, within_days: object,
                     units: Mapping[str, Iterable[str]] | None) -> None:
    if not isinstance(rulebook, Rulebook):
        raise TypeError(f"check_caseload() needs a Rulebook first (from load_rulebook), not {type(rulebook).__name__}")
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise TypeError(f"check_caseload() needs the as-of date as a datetime.date (e.g. date(2024, 6, 30)), not "
                        f"{type(as_of).__name__} {as_of!r}")
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise TypeError(f"check_caseload() needs jobs as a whole number of processes, at least 1, not {jobs!r}")
    if not isinstance(within_days, int) or isinstance(within_days, bool) or within_days < 0:
        raise ValueError(f"within_days is a number of days, 0 or more, not {within_days!r}")
    kinds = ", ".join(UNIT_KINDS)
    if by is not None and by not in UNIT_KINDS:
        raise ValueError(f"by is one of {kinds}, not {by!r}")
    for kind, ids in (units or {}).items():
        if kind not in UNIT_KINDS:
            raise ValueError(f"units are selected by {kinds}, not {kind!r}")
        if isinstance(ids, str):
            raise TypeError(f"units[{kind!r}] is a list of ids, not the string {ids!r}")
