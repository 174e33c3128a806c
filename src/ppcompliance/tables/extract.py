"""The synthetic caseload as an extract: tables of cases, contacts, registrations and assessments, in the shape
of a case-management and an assessment system's extracts, with the mapping that reads them back.

The codes are nDelius-like (four-letter contact types, outcome codes, register types, OASys-style RoSH columns),
not the timeline's own names, so importing them exercises the mapping. They are illustrative: a real mapping is
written from the local system's reference tables (docs/import.md). Importing what is written here gives back
the same timelines (tests/test_import.py).
"""

from __future__ import annotations

import csv
import io
import zlib
from datetime import date
from typing import Any, Iterable, Iterator, Mapping

import yaml

# Contact type code -> (event type, fixed fields, keep the code as ndelius_code).
CONTACT_CODES: dict[str, tuple[str, dict[str, object], bool]] = {
    "CPSR": ("pre_sentence_report", {}, False),
    "ESEN": ("sentence", {}, False),
    "EORD": ("order_received", {}, False),
    "ERLS": ("licence_release", {}, False),
    "CALO": ("allocation", {}, False),
    "COAP": ("appointment", {"mode": "office"}, True),
    "COPV": ("appointment", {"mode": "office"}, False),
    "CHVS": ("appointment", {"mode": "home_visit"}, True),
    "COPT": ("appointment", {"mode": "phone"}, False),
    "COVC": ("appointment", {"mode": "video"}, False),
    "DAPR": ("enquiry", {"agency": "police", "topic": "domestic_abuse", "status": "requested"}, False),
    "DAPS": ("enquiry", {"agency": "police", "topic": "domestic_abuse", "status": "response_received"}, False),
    "SFGC": ("enquiry", {"agency": "childrens_services", "topic": "child_safeguarding", "status": "requested"},
             True),
    "SFGR": ("enquiry", {"agency": "childrens_services", "topic": "child_safeguarding",
                         "status": "response_received"}, False),
    "CRMP": ("risk_management_plan", {}, False),
    "CSPL": ("sentence_plan", {}, False),
    "RACP": ("referral", {"service": "accredited_programme"}, False),
    "RSTI": ("referral", {"service": "structured_intervention"}, False),
    "RCRS": ("referral", {"service": "commissioned_rehabilitative_service"}, False),
    "ROTH": ("referral", {"service": "other"}, False),
    "ISAC": ("intervention_start", {"service": "accredited_programme"}, False),
    "ISST": ("intervention_start", {"service": "structured_intervention"}, False),
    "ISCR": ("intervention_start", {"service": "commissioned_rehabilitative_service"}, False),
    "ISOT": ("intervention_start", {"service": "other"}, False),
    "MAPR": ("mappa_referral", {}, False),
    "MAPL": ("mappa_level_set", {}, False),
    "MAPM": ("mappa_meeting", {}, False),
    "MARR": ("marac_referral", {}, False),
    "CMOV": ("management_oversight", {}, False),
    "NPCO": ("new_information", {"kind": "police_call_out"}, False),
    "NARR": ("new_information", {"kind": "arrest"}, False),
    "NCHG": ("new_information", {"kind": "charge"}, False),
    "NCOA": ("new_information", {"kind": "change_of_address"}, False),
    "NCOR": ("new_information", {"kind": "change_of_relationship"}, False),
    "NSGC": ("new_information", {"kind": "safeguarding_concern"}, False),
    "NOTH": ("new_information", {"kind": "other"}, False),
    "CRRV": ("risk_review", {}, False),
    "AWLI": ("warning_letter", {}, True),
    "EBRE": ("breach", {}, False),
    "ERCL": ("recall", {}, False),
    "ECRM": ("custody_start", {"reason": "remand"}, False),
    "ECRC": ("custody_start", {"reason": "recall"}, False),
    "ECSN": ("custody_start", {"reason": "sentence"}, False),
    "ECOT": ("custody_start", {"reason": "other"}, False),
    "ECUS": ("custody_start", {}, False),
    "ECRL": ("custody_release", {}, False),
    "TIER": ("tier_calculation", {}, False),
    "CPTR": ("pre_termination_review", {}, False),
    "CEXP": ("exit_plan", {}, False),
    "ETER": ("termination", {}, False),
    "VCSO": ("victim_contact", {"kind": "scheme_offer"}, False),
    "VREP": ("victim_contact", {"kind": "representations"}, False),
    "VSAF": ("victim_contact", {"kind": "safety_work"}, False),
    "VOTH": ("victim_contact", {"kind": "other"}, False),
    "TRAN": ("transfer", {}, False),
}
# Contacts a real extract holds that no rule reads: written, and ignored by the mapping.
IGNORED_CODES = {"CLTR": "letter sent", "CNOT": "case note"}
SUPERVISION_CODES = {"CO": "community_order", "SSO": "suspended_sentence_order", "LIC": "licence",
                     "PSS": "post_sentence_supervision"}
OUTCOME_CODES = {"ATTC": "attended", "AFTA": "failed_acceptable", "AFTC": "failed_unacceptable"}
ROSH_CODES = {"L": "low", "M": "medium", "H": "high", "V": "very_high"}
TOOL_CODES = {"LAYER3": "oasys", "OTHER": "other"}
ROSH_COLUMNS = ("ROSH_CHILDREN", "ROSH_PUBLIC", "ROSH_KNOWN_ADULT", "ROSH_STAFF")

# The columns of each table, in order; which of them hold dates.
COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": ("CRN", "DISPOSAL_TYPE", "START_DATE", "EXPECTED_END_DATE", "TERMINATION_DATE", "REGION_CODE",
              "PDU_CODE", "TEAM_CODE"),
    "events": ("CRN", "CONTACT_ID", "CONTACT_DATE", "CONTACT_TYPE", "OUTCOME", "INTERVENTION", "TIER",
               "MAPPA_CATEGORY", "MAPPA_LEVEL", "CHILDREN_INVOLVED", "RELATED_CONTACT_ID", "RECORDED_DATE",
               "ARRANGED_DATE"),
    "registrations": ("CRN", "REGISTRATION_ID", "REGISTER_TYPE", "REGISTRATION_DATE", "DEREGISTRATION_ID",
                      "DEREGISTRATION_DATE"),
    "assessments": ("CRN", "ASSESSMENT_ID", "ASSESSMENT_TYPE", "COMPLETED_DATE", *ROSH_COLUMNS),
}
DATE_COLUMNS = frozenset({"START_DATE", "EXPECTED_END_DATE", "TERMINATION_DATE", "CONTACT_DATE", "RECORDED_DATE",
                          "ARRANGED_DATE", "REGISTRATION_DATE", "DEREGISTRATION_DATE", "COMPLETED_DATE"})
_FIELD_COLUMNS = {"outcome": "OUTCOME", "programme": "INTERVENTION", "tier": "TIER", "category": "MAPPA_CATEGORY",
                  "level": "MAPPA_LEVEL", "involves_children": "CHILDREN_INVOLVED", "about": "RELATED_CONTACT_ID",
                  "recorded_date": "RECORDED_DATE", "arranged_date": "ARRANGED_DATE"}
# (type, fixed fields, ndelius_code or None) -> contact code.
_BY_EVENT = {(kind, tuple(sorted(fixed.items())), code if keep else None): code
             for code, (kind, fixed, keep) in CONTACT_CODES.items()}
_FIXED = {kind: sorted({k for (t, fixed, _) in CONTACT_CODES.values() if t == kind for k in fixed})
          for kind, _, _ in CONTACT_CODES.values()}


def mapping_data() -> dict[str, Any]:
    """The mapping that reads the tables written here (as ``mapping.yaml`` holds it)."""
    return {
        "mapping": 1,
        "cases": {
            "columns": {"id": "CRN", "supervision_type": "DISPOSAL_TYPE", "start_date": "START_DATE",
                        "expected_end_date": "EXPECTED_END_DATE", "end_date": "TERMINATION_DATE",
                        "region": "REGION_CODE", "pdu": "PDU_CODE", "team": "TEAM_CODE"},
            "supervision_types": dict(SUPERVISION_CODES),
        },
        "events": {
            "columns": {"case": "CRN", "id": "CONTACT_ID", "date": "CONTACT_DATE", "code": "CONTACT_TYPE"},
            "fields": {
                "outcome": {"column": "OUTCOME", "values": dict(OUTCOME_CODES), "default": "arranged"},
                "programme": {"column": "INTERVENTION"},
                "tier": {"column": "TIER"},
                "category": {"column": "MAPPA_CATEGORY"},
                "level": {"column": "MAPPA_LEVEL"},
                "involves_children": {"column": "CHILDREN_INVOLVED", "values": {"Y": True, "N": False}},
                "about": {"column": "RELATED_CONTACT_ID"},
                "recorded_date": {"column": "RECORDED_DATE"},
                "arranged_date": {"column": "ARRANGED_DATE"},
            },
            "codes": {code: {"type": kind, **fixed, **({"keep_code": True} if keep else {})}
                      for code, (kind, fixed, keep) in CONTACT_CODES.items()},
            "ignore": sorted(IGNORED_CODES),
        },
        "registrations": {
            "columns": {"case": "CRN", "id": "REGISTRATION_ID", "code": "REGISTER_TYPE",
                        "date": "REGISTRATION_DATE", "end_id": "DEREGISTRATION_ID",
                        "end_date": "DEREGISTRATION_DATE"},
            "codes": {code: code for code in REGISTER_TYPES},
            "keep_code": True,
        },
        "assessments": {
            "columns": {"case": "CRN", "id": "ASSESSMENT_ID", "date": "COMPLETED_DATE"},
            "rosh": {"columns": list(ROSH_COLUMNS), "values": dict(ROSH_CODES)},
            "fields": {"tool": {"column": "ASSESSMENT_TYPE", "values": dict(TOOL_CODES)}},
        },
    }


# The register types the synthetic caseload records (nDelius registration codes are the timeline's own).
REGISTER_TYPES = ("ADVP", "ARSO", "AV2S", "IMAR", "INVI", "MAPP", "RCCO", "RCHD", "RCPR", "REG30", "RHRH", "RLRH",
                  "RMRH", "RVHR", "STRK", "WRSM", "ADVV")


def mapping_text() -> str:
    """``mapping.yaml`` for the tables written here, with a header saying what it is."""
    header = ("# How `ppcheck import` reads the synthetic extract written by `ppcheck generate --tables`:\n"
              "# cases, contacts (events), registrations and assessments, with nDelius-like codes. docs/import.md\n"
              "# describes each part. The codes are illustrative: write a real mapping from your system's own\n"
              "# reference tables.\n")
    return header + yaml.safe_dump(mapping_data(), sort_keys=False, allow_unicode=True, width=120)


def rows(timelines: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each timeline as rows of the four tables: (table, row by column), in case order. Dates are ``date``s."""
    for timeline in timelines:
        case = timeline["case"]
        crn = case["id"]
        units = case.get("units", {})
        yield "cases", {"CRN": crn, "DISPOSAL_TYPE": _code_of(SUPERVISION_CODES, case["supervision_type"]),
                        "START_DATE": _day(case["start_date"]), "EXPECTED_END_DATE": _day(case["expected_end_date"]),
                        "TERMINATION_DATE": _day(case.get("end_date")), "REGION_CODE": units.get("region"),
                        "PDU_CODE": units.get("pdu"), "TEAM_CODE": units.get("team")}
        events = sorted(timeline["events"], key=lambda e: (e["date"], e["id"]))
        for index, e in enumerate(events):
            if e["type"] not in ("registration_added", "registration_removed", "risk_assessment"):
                yield "events", _contact(crn, e)
            if index == 0:
                # What a real extract also holds, which the mapping ignores.
                yield "events", {"CRN": crn, "CONTACT_ID": f"N{crn}", "CONTACT_DATE": _day(e["date"]),
                                 "CONTACT_TYPE": "CNOT"}
        yield from (("registrations", r) for r in _registrations(crn, events))
        yield from (("assessments", _assessment(crn, e)) for e in events if e["type"] == "risk_assessment")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _code_of(codes: Mapping[str, object], value: object) -> str:
    return next(code for code, v in codes.items() if v == value and type(v) is type(value))


def _contact(crn: str, e: Mapping[str, Any]) -> dict[str, Any]:
    kind = e["type"]
    fixed = tuple((k, e[k]) for k in _FIXED.get(kind, ()) if k in e)
    key = (kind, fixed, e.get("ndelius_code"))
    if key not in _BY_EVENT:
        raise ValueError(f"no contact code for {key!r} (event {e['id']} of case {crn})")
    row: dict[str, Any] = {"CRN": crn, "CONTACT_ID": e["id"], "CONTACT_DATE": _day(e["date"]),
                           "CONTACT_TYPE": _BY_EVENT[key]}
    for name, column in _FIELD_COLUMNS.items():
        if name not in e:
            continue
        value = e[name]
        if name == "outcome":
            value = None if value == "arranged" else _code_of(OUTCOME_CODES, value)
        elif name == "involves_children":
            value = "Y" if value else "N"
        elif column in DATE_COLUMNS:
            value = _day(value)
        elif isinstance(value, int):
            value = str(value)
        row[column] = value
    return row


def _registrations(crn: str, events: list[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per registration: each removal ends the earliest open registration of its code."""
    open_rows: dict[str, list[dict[str, Any]]] = {}
    made: list[dict[str, Any]] = []
    for e in events:
        if e["type"] == "registration_added":
            row = {"CRN": crn, "REGISTRATION_ID": e["id"], "REGISTER_TYPE": e["code"],
                   "REGISTRATION_DATE": _day(e["date"])}
            open_rows.setdefault(e["code"], []).append(row)
            made.append(row)
        elif e["type"] == "registration_removed":
            waiting = open_rows.get(e["code"])
            if not waiting:
                raise ValueError(f"a removal with no registration to end (event {e['id']} of case {crn})")
            row = waiting.pop(0)
            row["DEREGISTRATION_ID"], row["DEREGISTRATION_DATE"] = e["id"], _day(e["date"])
    return iter(made)


def _assessment(crn: str, e: Mapping[str, Any]) -> dict[str, Any]:
    """The overall RoSH in one of the four columns, the others at or below it, chosen from the ids (so the same
    caseload gives the same bytes)."""
    level = _code_of(ROSH_CODES, e["rosh"])
    rank = "LMHV".index(level)
    seed = zlib.crc32(f"{crn}/{e['id']}".encode("utf-8"))
    top = seed % len(ROSH_COLUMNS)
    row = {"CRN": crn, "ASSESSMENT_ID": e["id"], "ASSESSMENT_TYPE": _code_of(TOOL_CODES, e["tool"])
           if "tool" in e else None, "COMPLETED_DATE": _day(e["date"])}
    for i, column in enumerate(ROSH_COLUMNS):
        row[column] = level if i == top else "LMHV"[(seed >> (4 + 2 * i)) % (rank + 1)]
    return row


class TableWriter:
    """Writes the four tables (CSV, or Parquet in row groups) into a folder's files, row by row."""

    def __init__(self, folder: Any, parquet: bool = False, group: int = 50_000):
        self.folder = folder
        self.parquet = parquet
        self.group = group
        self.pending: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}
        self.handles: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}

    def name(self, table: str) -> str:
        """The file name of a table."""
        return f"{table}.{'parquet' if self.parquet else 'csv'}"

    def open(self) -> None:
        """Open every table's file (so that an empty table still has its header)."""
        for table, columns in COLUMNS.items():
            if self.parquet:
                import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

                self.writers[table] = pq.ParquetWriter(str(self.folder / self.name(table)), _arrow_schema(table))
            else:
                handle = open(self.folder / self.name(table), "w", encoding="utf-8", newline="")
                self.handles[table] = (handle, csv.writer(handle, lineterminator="\n"))
                self.handles[table][1].writerow(columns)

    def write(self, table: str, row: Mapping[str, Any]) -> None:
        """Write one row."""
        if self.parquet:
            self.pending[table].append(dict(row))
            if len(self.pending[table]) >= self.group:
                self._flush(table)
            return
        self.handles[table][1].writerow(["" if row.get(c) is None else
                                         row[c].isoformat() if isinstance(row[c], date) else row[c]
                                         for c in COLUMNS[table]])

    def _flush(self, table: str) -> None:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        batch = self.pending[table]
        data = {c: [r.get(c) for r in batch] for c in COLUMNS[table]}
        self.writers[table].write_table(pa.table(data, schema=_arrow_schema(table)))
        self.pending[table] = []

    def close(self) -> None:
        """Finish every file."""
        for table in COLUMNS:
            if self.parquet and table in self.writers:
                if self.pending[table]:
                    self._flush(table)
                self.writers[table].close()
            elif table in self.handles:
                self.handles[table][0].close()


def _arrow_schema(table: str) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    return pa.schema([(c, pa.date32() if c in DATE_COLUMNS else pa.string()) for c in COLUMNS[table]])


def csv_text(table: str, table_rows: Iterable[Mapping[str, Any]]) -> str:
    """One table as CSV text (for small extracts in tests and examples)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[table])
    for row in table_rows:
        writer.writerow(["" if row.get(c) is None else row[c].isoformat() if isinstance(row[c], date) else row[c]
                         for c in COLUMNS[table]])
    return out.getvalue()
