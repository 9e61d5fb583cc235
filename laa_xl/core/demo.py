"""Demoshire: the built-in demo area (fictional; clearly labelled demo data).

Shaped like the Oxfordshire Partnership's LAA2 (2008-11): six thematic
partnerships, about forty targets under outcomes, real National Indicator
codes and titles, both polarities, all three frequencies, some absolute
tolerances, LAA1 stretch targets with reward grants, profiles for 2008/09 to
2010/11 and the 2008/09 reporting timetable. The figures are invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .periods import QUARTERS
from .register import (
    FREQUENCIES,
    PARTNERSHIP_COLUMNS,
    PROFILE_COLUMNS,
    TARGET_COLUMNS,
    TIMETABLE_COLUMNS,
)

AREA = "Demoshire (demo data)"
YEARS = ("2008/09", "2009/10", "2010/11")

PARTNERSHIPS = [
    ("CYP", "Children's Trust Board", "Alex Morgan", "cyp.partnership@demoshire.example"),
    ("SAF", "Safer Communities Partnership", "Sam Patel", "safer.partnership@demoshire.example"),
    ("STR", "Stronger Communities Partnership", "Jo Williams", "stronger.partnership@demoshire.example"),
    ("HWB", "Health and Wellbeing Partnership", "Chris Okafor", "health.partnership@demoshire.example"),
    ("OEP", "Demoshire Economic Partnership", "Pat Reilly", "economic.partnership@demoshire.example"),
    ("ENV", "Environment Partnership", "Lee Turner", "environment.partnership@demoshire.example"),
]

OUTCOMES = {
    "CYP1": "Children and young people achieve and enjoy, and are healthy and safe",
    "CYP2": "Young people make a positive contribution and are in education, employment or training",
    "SAF1": "Communities are safer and feel safer",
    "STR1": "Strong, cohesive communities where people can influence decisions",
    "HWB1": "People live healthier, more independent lives",
    "OEP1": "A thriving economy with homes people can afford",
    "ENV1": "A cleaner, greener county that is ready for climate change",
}

# ref, NI title, outcome, partnership, block, PSA, polarity, units, decimals, tolerance, type, frequency,
# baseline, yearly step (the change each year aims for; sign is the direction of improvement)
_T = [
    ("NI 117", "16 to 18 year olds who are not in education, training or employment (NEET)", "CYP2", "CYP", "CYP", "PSA 14", "lower", "%", 1, 0.05, "relative", "quarterly", 6.8, -0.4),
    ("NI 56", "Obesity among primary school age children in Year 6", "CYP1", "CYP", "CYP", "PSA 12", "lower", "%", 1, 0.05, "relative", "annual", 16.9, -0.3),
    ("NI 111", "First time entrants to the Youth Justice System aged 10-17", "CYP2", "CYP", "CYP", "PSA 14", "lower", "rate per 100,000", 0, 0.05, "relative", "quarterly", 1720, -60),
    ("NI 112", "Under 18 conception rate", "CYP1", "CYP", "CYP", "PSA 14", "lower", "rate per 1,000", 1, 0.05, "relative", "quarterly", 30.2, -1.5),
    ("NI 73", "Achievement at level 4 or above in both English and Maths at Key Stage 2", "CYP1", "CYP", "CYP", "PSA 10", "higher", "%", 0, 2, "absolute", "annual", 72, 2),
    ("NI 75", "Achievement of 5 or more A*-C grades at GCSE or equivalent including English and Maths", "CYP1", "CYP", "CYP", "PSA 10", "higher", "%", 0, 2, "absolute", "annual", 48, 2),
    ("NI 110", "Young people's participation in positive activities", "CYP2", "CYP", "CYP", "PSA 14", "higher", "%", 0, 0.05, "relative", "annual", 65, 2),
    ("NI 62", "Stability of placements of looked after children: number of placements", "CYP1", "CYP", "CYP", "PSA 13", "lower", "%", 1, 0.10, "relative", "quarterly", 12.5, -0.5),
    ("NI 20", "Assault with injury crime rate", "SAF1", "SAF", "SSC", "PSA 23", "lower", "rate per 1,000", 2, 0.05, "relative", "quarterly", 1.85, -0.06),
    ("NI 16", "Serious acquisitive crime rate", "SAF1", "SAF", "SSC", "PSA 23", "lower", "rate per 1,000", 2, 0.05, "relative", "quarterly", 3.9, -0.15),
    ("NI 32", "Repeat incidents of domestic violence", "SAF1", "SAF", "SSC", "PSA 23", "lower", "%", 0, 3, "absolute", "quarterly", 31, -2),
    ("NI 30", "Re-offending rate of prolific and priority offenders", "SAF1", "SAF", "SSC", "PSA 23", "lower", "%", 0, 0.10, "relative", "quarterly", 40, -3),
    ("NI 40", "Number of drug users recorded as being in effective treatment", "SAF1", "SAF", "SSC", "PSA 25", "higher", "number", 0, 0.05, "relative", "quarterly", 1480, 60),
    ("NI 47", "People killed or seriously injured in road traffic accidents", "SAF1", "SAF", "SSC", "PSA 24", "lower", "number", 0, 0.05, "relative", "six-monthly", 410, -20),
    ("NI 4", "% of people who feel they can influence decisions in their locality", "STR1", "STR", "SSC", "PSA 21", "higher", "%", 0, 0.05, "relative", "annual", 30, 2),
    ("NI 6", "Participation in regular volunteering", "STR1", "STR", "SSC", "PSA 21", "higher", "%", 0, 0.05, "relative", "annual", 27, 1),
    ("NI 1", "% of people who believe people from different backgrounds get on well together in their local area", "STR1", "STR", "SSC", "PSA 21", "higher", "%", 0, 0.05, "relative", "annual", 80, 1),
    ("NI 7", "Environment for a thriving third sector", "STR1", "STR", "SSC", "PSA 21", "higher", "%", 0, 0.05, "relative", "annual", 17, 1),
    ("NI 141", "Percentage of vulnerable people achieving independent living", "STR1", "STR", "HCOP", "PSA 16", "higher", "%", 1, 0.05, "relative", "quarterly", 68, 2),
    ("NI 142", "Percentage of vulnerable people who are supported to maintain independent living", "STR1", "STR", "HCOP", "PSA 17", "higher", "%", 1, 1, "absolute", "quarterly", 97.5, 0.5),
    ("NI 8", "Adult participation in sport and active recreation", "HWB1", "HWB", "HCOP", "PSA 22", "higher", "%", 1, 0.05, "relative", "annual", 22.5, 1),
    ("NI 39", "Rate of hospital admissions per 100,000 for alcohol related harm", "HWB1", "HWB", "HCOP", "PSA 25", "lower", "rate per 100,000", 0, 0.05, "relative", "quarterly", 1180, -25),
    ("NI 123", "Stopping smoking", "HWB1", "HWB", "HCOP", "PSA 18", "higher", "rate per 100,000", 0, 0.05, "relative", "quarterly", 820, 40),
    ("NI 125", "Achieving independence for older people through rehabilitation/intermediate care", "HWB1", "HWB", "HCOP", "PSA 17", "higher", "%", 1, 0.05, "relative", "annual", 78, 2),
    ("NI 136", "People supported to live independently through social services (all adults)", "HWB1", "HWB", "HCOP", "PSA 18", "higher", "rate per 100,000", 0, 0.05, "relative", "quarterly", 2950, 100),
    ("NI 135", "Carers receiving needs assessment or review and a specific carer's service, or advice and information", "HWB1", "HWB", "HCOP", "PSA 18", "higher", "%", 1, 0.05, "relative", "quarterly", 18, 3),
    ("NI 120", "All-age all cause mortality rate", "HWB1", "HWB", "HCOP", "PSA 18", "lower", "rate per 100,000", 0, 0.05, "relative", "annual", 640, -12),
    ("NI 154", "Net additional homes provided", "OEP1", "OEP", "EDEI", "PSA 20", "higher", "number", 0, 0.10, "relative", "quarterly", 2400, 100),
    ("NI 155", "Number of affordable homes delivered (gross)", "OEP1", "OEP", "EDEI", "PSA 20", "higher", "number", 0, 0.10, "relative", "quarterly", 640, 40),
    ("NI 152", "Working age people on out of work benefits", "OEP1", "OEP", "EDEI", "PSA 8", "lower", "%", 1, 0.5, "absolute", "quarterly", 7.9, -0.3),
    ("NI 163", "Working age population qualified to at least Level 2 or higher", "OEP1", "OEP", "EDEI", "PSA 2", "higher", "%", 1, 0.05, "relative", "annual", 71, 1.5),
    ("NI 171", "New business registration rate", "OEP1", "OEP", "EDEI", "PSA 7", "higher", "rate per 10,000", 1, 0.05, "relative", "annual", 58, 1.5),
    ("NI 166", "Median earnings of employees in the area", "OEP1", "OEP", "EDEI", "PSA 7", "higher", "£ per week", 0, 0.05, "relative", "annual", 468, 12),
    ("NI 192", "Percentage of household waste sent for reuse, recycling and composting", "ENV1", "ENV", "EDEI", "PSA 27", "higher", "%", 1, 2, "absolute", "quarterly", 36, 3),
    ("NI 191", "Residual household waste per household", "ENV1", "ENV", "EDEI", "PSA 27", "lower", "kg", 0, 0.05, "relative", "quarterly", 165, -6),
    ("NI 186", "Per capita reduction in CO2 emissions in the LA area", "ENV1", "ENV", "EDEI", "PSA 27", "higher", "%", 1, 0.05, "relative", "annual", 0, 3.5),
    ("NI 188", "Planning to adapt to climate change", "ENV1", "ENV", "EDEI", "PSA 27", "higher", "level (0-4)", 0, 0, "absolute", "annual", 0, 1),
    ("NI 195", "Improved street and environmental cleanliness (levels of litter)", "ENV1", "ENV", "EDEI", "PSA 27", "lower", "%", 0, 1, "absolute", "six-monthly", 9, -1),
    ("NI 197", "Improved local biodiversity: active management of local sites", "ENV1", "ENV", "EDEI", "PSA 28", "higher", "%", 0, 0.05, "relative", "annual", 40, 5),
]  # fmt: skip

# LAA1 stretch targets (local refs), carried into LAA2 with their reward grants.
# ref, title, outcome, partnership, block, polarity, units, baseline, yearly step, expected without stretch, grant
_STRETCH = [
    ("DS-01", "Reduce the number of domestic burglaries (LAA1 stretch)", "SAF1", "SAF", "SSC", "lower", "number", 1900, -90, 1780, 750_000),
    ("DS-02", "Increase the number of adults gaining a first full Level 2 qualification (LAA1 stretch)", "OEP1", "OEP", "EDEI", "higher", "number", 2200, 150, 2400, 1_000_000),
    ("DS-03", "Increase the number of older people helped to live at home (LAA1 stretch)", "HWB1", "HWB", "HCOP", "higher", "number", 3100, 120, 3250, 600_000),
]  # fmt: skip

_LEADS = ["A. Khan", "B. Jones", "C. Smith", "D. Evans", "E. Brown", "F. Taylor", "G. Wilson", "H. Davies"]
_SPONSORS = {"CYP": "Director for Children", "SAF": "Chief Superintendent", "STR": "Head of Communities",
             "HWB": "Director of Public Health", "OEP": "Director of Economy", "ENV": "Director of Environment"}  # fmt: skip


def _round(x: float, decimals: int) -> float:
    r = round(x, decimals)
    return float(int(r)) if decimals == 0 else r


def _profile_rows(ref: str, units: str, decimals: int, frequency: str, baseline: float, step: float) -> list[list[Any]]:
    """Quarterly profiles: counts spread over the year; rates and percentages move steadily to the year's target."""
    due = FREQUENCIES[frequency]
    rows: list[list[Any]] = []
    for y, year in enumerate(YEARS):
        start, end = baseline + step * y, baseline + step * (y + 1)
        qs: dict[str, float | None] = {}
        for i, q in enumerate(QUARTERS):
            if q not in due:
                qs[q] = None
            elif units == "number":
                qs[q] = _round(end / 4, decimals)
            else:
                qs[q] = _round(start + (end - start) * (i + 1) / 4, decimals)
        annual = _round(end, decimals)
        rows.append([ref, year, *[qs[q] for q in QUARTERS], annual])
    return rows


def register_grids() -> dict[str, list[list[Any]]]:
    """The Demoshire register as sheet grids (header row first), ready to write or to load."""
    targets: list[list[Any]] = [list(TARGET_COLUMNS)]
    profiles: list[list[Any]] = [list(PROFILE_COLUMNS)]
    for i, (ref, title, oc, pc, block, psa, pol, units, dec, tol, ttype, freq, base, step) in enumerate(_T):
        row = {
            "Ref": ref, "NI": ref, "Title": title, "Outcome": OUTCOMES[oc], "Partnership": pc, "Block": block,
            "Related PSA": psa, "Polarity": pol, "Units": units, "Decimals": dec, "Tolerance": tol,
            "Tolerance type": ttype, "Frequency": freq, "Target lead": _LEADS[i % len(_LEADS)],
            "Sponsor": _SPONSORS[pc], "Baseline": base, "Baseline year": "2007/08",
        }  # fmt: skip
        targets.append([row.get(c) for c in TARGET_COLUMNS])
        profiles.extend(_profile_rows(ref, units, dec, freq, base, step))
    for i, (ref, title, oc, pc, block, pol, units, base, step, expected, grant) in enumerate(_STRETCH):
        row = {
            "Ref": ref, "Title": title, "Outcome": OUTCOMES[oc], "Partnership": pc, "Block": block,
            "Related PSA": "", "Polarity": pol, "Units": units, "Decimals": 0, "Tolerance": 0.05,
            "Tolerance type": "relative", "Frequency": "quarterly", "Target lead": _LEADS[(i + 3) % len(_LEADS)],
            "Sponsor": _SPONSORS[pc], "Baseline": base, "Baseline year": "2007/08", "Stretch": "yes",
            "Expected without stretch": expected, "Reward grant": grant,
        }  # fmt: skip
        targets.append([row.get(c) for c in TARGET_COLUMNS])
        profiles.extend(_profile_rows(ref, units, 0, "quarterly", base, step))
    d = dt.date
    timetable: list[list[Any]] = [list(TIMETABLE_COLUMNS)]
    timetable += [
        ["2008/09 Q1", d(2008, 7, 1), d(2008, 7, 25), d(2008, 8, 6), d(2008, 8, 13)],
        ["2008/09 Q2", d(2008, 10, 1), d(2008, 10, 31), d(2008, 11, 12), d(2008, 11, 19)],
        ["2008/09 Q3", d(2009, 1, 5), d(2009, 1, 30), d(2009, 2, 11), d(2009, 2, 18)],
        ["2008/09 Q4", d(2009, 4, 1), d(2009, 4, 30), d(2009, 5, 13), d(2009, 5, 20)],
    ]
    settings: list[list[Any]] = [
        ["Setting", "Value"],
        ["Area", AREA],
        ["LAA", "LAA2 2008-11"],
        ["Government Office", "Government Office for the South East (GOSE)"],
        ["GO contact", "GOSE LAA lead (demo)"],
        ["GO email", "laa-returns@gose.example"],
        ["Returns folder", "returns"],
        ["Current period", "2008/09 Q2"],
    ]
    return {
        "Targets": targets,
        "Profiles": profiles,
        "Partnerships": [list(PARTNERSHIP_COLUMNS), *map(list, PARTNERSHIPS)],
        "Timetable": timetable,
        "Settings": settings,
    }
