"""The domain vocabulary shared by timelines and rules: event types, their fields, and derived state.

The published timeline schema (schemas/timeline.schema.json) spells the same lists; a test keeps the two equal.
"""

from __future__ import annotations

PRACTICE_AREAS: dict[str, str] = {
    "enquiries": "Enquiries about domestic abuse and child safeguarding",
    "curiosity": "Professional curiosity: reacting to new information",
    "activity": "Sufficient activity throughout supervision",
    "interventions": "Interventions: relevant and timely referrals",
    "multi_agency": "Multi-agency working (MAPPA, MARAC, children's services)",
    "contingency": "Contingency planning and preparing for the end",
    "oversight": "Management oversight",
}

STAGES: dict[str, str] = {
    "court": "Court (pre-sentence)",
    "induction": "Induction",
    "assessment": "Assessment",
    "planning": "Planning",
    "delivery": "Delivery",
    "review": "Review",
    "end": "End of supervision",
}

SUPERVISION_TYPES = ("community_order", "suspended_sentence_order", "licence", "post_sentence_supervision")

ROSH_LEVELS = ("low", "medium", "high", "very_high")

SEVERITIES = ("low", "medium", "high")

# Registration codes as nDelius records them. Timelines may carry any code (real data has many more); rules
# may only name these, so that a typo in a rule is caught rather than silently never matching.
REGISTRATIONS: dict[str, str] = {
    "ADVP": "domestic abuse perpetrator",
    "REG30": "domestic abuse history",
    "ADVV": "domestic abuse victim",
    "RCCO": "child concerns",
    "RCPR": "child protection",
    "RCHD": "risk to children",
    "IMAR": "MARAC",
    "MAPP": "MAPPA",
    "ARSO": "registered sex offender",
    "STRK": "stalking",
    "AV2S": "risk to staff",
    "INVI": "victim contact",
    "WRSM": "warrant or summons",
}

# Each event type, with its type-specific fields: field -> allowed values (a tuple), or None for free ids.
EVENT_TYPES: dict[str, dict[str, tuple | None]] = {
    "pre_sentence_report": {},
    "sentence": {},
    "order_received": {},
    "licence_release": {},
    "allocation": {},
    "appointment": {
        "mode": ("office", "home_visit", "phone", "video"),
        "outcome": ("attended", "failed_acceptable", "failed_unacceptable"),
    },
    "enquiry": {
        "agency": ("police", "childrens_services", "other"),
        "topic": ("domestic_abuse", "child_safeguarding", "other"),
        "status": ("requested", "response_received"),
    },
    "risk_assessment": {"rosh": ROSH_LEVELS, "tool": ("oasys", "other")},
    "risk_management_plan": {},
    "sentence_plan": {},
    "referral": {
        "service": ("accredited_programme", "structured_intervention", "commissioned_rehabilitative_service", "other"),
        "programme": None,
    },
    "intervention_start": {
        "service": ("accredited_programme", "structured_intervention", "commissioned_rehabilitative_service", "other"),
        "programme": None,
    },
    "mappa_referral": {},
    "mappa_level_set": {"category": (1, 2, 3, 4), "level": (1, 2, 3)},
    "mappa_meeting": {},
    "marac_referral": {},
    "management_oversight": {},
    "new_information": {
        "kind": (
            "police_call_out",
            "arrest",
            "charge",
            "change_of_address",
            "change_of_relationship",
            "safeguarding_concern",
            "other",
        ),
    },
    "risk_review": {},
    "warning_letter": {},
    "breach": {},
    "recall": {},
    "custody_start": {"reason": ("remand", "recall", "sentence", "other")},
    "custody_release": {},
    "registration_added": {"code": None},
    "registration_removed": {"code": None},
    "tier_calculation": {"tier": None},
    "pre_termination_review": {},
    "exit_plan": {},
    "termination": {},
}

# Fields an event of a type must carry (the schema requires them too).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "appointment": ("mode", "outcome"),
    "enquiry": ("agency", "topic", "status"),
    "risk_assessment": ("rosh",),
    "referral": ("service",),
    "intervention_start": ("service",),
    "mappa_level_set": ("category", "level"),
    "new_information": ("kind",),
    "registration_added": ("code",),
    "registration_removed": ("code",),
    "tier_calculation": ("tier",),
}

# Not recorded by anyone: made from the case itself so that rules can count from the start of supervision.
SUPERVISION_START = "supervision_start"
SYNTHETIC_EVENT_TYPES = {SUPERVISION_START: {}}

COMMON_EVENT_FIELDS = ("id", "type", "date", "ndelius_code")

TIERS = tuple(f"{p}{c}" for p in "ABCD" for c in "3210")


def describe_type(event_type: str) -> str:
    """An event type as words: ``risk_management_plan`` -> ``risk management plan``."""
    return event_type.replace("_", " ")
