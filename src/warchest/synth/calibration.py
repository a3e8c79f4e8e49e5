"""Calibration targets of the synthetic world, each with its source.

Everything the generator draws from is here, so that a reader can check one place. Figures
marked "approx." are rounded from the cited source; the statistics report
(``warchest synth --report``) compares a generated world with them.
"""

from __future__ import annotations

# US utility patent grants per calendar year. Source: USPTO Patent Technology Monitoring
# Team, "U.S. Patent Statistics Chart, Calendar Years 1963-2020" (utility grants); 2021-2025
# approx. from USPTO annual reports / IFI CLAIMS counts. The 2016 figure matches the 304,126
# utility grants of 2016 in shared/data/README.md (IFI CLAIMS) to within 0.5%.
GRANTS_PER_YEAR: dict[int, int] = {
    1976: 70226, 1977: 65269, 1978: 66102, 1979: 48854, 1980: 61819, 1981: 65771,
    1982: 57888, 1983: 56860, 1984: 67200, 1985: 71661, 1986: 70860, 1987: 82952,
    1988: 77924, 1989: 95537, 1990: 90365, 1991: 96511, 1992: 97444, 1993: 98342,
    1994: 101676, 1995: 101419, 1996: 109645, 1997: 111984, 1998: 147517, 1999: 153485,
    2000: 157494, 2001: 166035, 2002: 167331, 2003: 169023, 2004: 164290, 2005: 143806,
    2006: 173772, 2007: 157282, 2008: 157772, 2009: 167349, 2010: 219614, 2011: 224505,
    2012: 253155, 2013: 277835, 2014: 300677, 2015: 298407, 2016: 303049, 2017: 318829,
    2018: 307759, 2019: 354430, 2020: 351993, 2021: 327798, 2022: 323410, 2023: 313000,
    2024: 324000, 2025: 320000,
}
FIRST_YEAR, LAST_YEAR = 1976, 2025
WORLD_DATE = "2025-12-31"
"""The date the world is observed at: no event after it is written."""

# First utility patent number of each year (real numbering, approx.; USPTO "Issue Years and
# Patent Numbers" table). Synthetic patents get increasing numbers inside these ranges.
FIRST_UTILITY_NUMBER: dict[int, int] = {
    1976: 3930271, 1977: 4000000, 1978: 4065812, 1979: 4131952, 1980: 4180867,
    1981: 4242757, 1982: 4308622, 1983: 4366579, 1984: 4423523, 1985: 4490885,
    1986: 4562596, 1987: 4633526, 1988: 4716594, 1989: 4794652, 1990: 4890335,
    1991: 4980927, 1992: 5077836, 1993: 5175886, 1994: 5274846, 1995: 5377359,
    1996: 5479658, 1997: 5590420, 1998: 5704062, 1999: 5855021, 2000: 6009555,
    2001: 6167569, 2002: 6334220, 2003: 6502244, 2004: 6671884, 2005: 6836899,
    2006: 6981282, 2007: 7155746, 2008: 7313829, 2009: 7472428, 2010: 7640598,
    2011: 7861317, 2012: 8087093, 2013: 8341762, 2014: 8621751, 2015: 8925058,
    2016: 9226925, 2017: 9532844, 2018: 9854828, 2019: 10165721, 2020: 10524704,
    2021: 10881190, 2022: 11212341, 2023: 11540208, 2024: 11856453, 2025: 12184152,
    2026: 12500000,
}
FIRST_DESIGN_NUMBER = {1976: 238315, 2026: 1110000}
"""Design patents D238315 (January 1976) to about D1,100,000 (2025); interpolated linearly."""

# Document types among grants (approx. shares of the 8.26M PatentsView grants: designs ~7%,
# reissues ~0.3%, plants ~0.2%; the generator writes utility, design and reissue patents).
DESIGN_SHARE = 0.07
REISSUE_SHARE = 0.003

# Top US grant recipients in 2016 (shared/data/README.md, IFI CLAIMS) out of 304,126 grants.
# The synthetic world has fictional companies with these shares and archetypes.
TOP_2016: list[tuple[str, int, str]] = [
    ("IBM", 8088, "software_giant"),
    ("Samsung", 5518, "phone_maker"),
    ("Canon", 3665, "imaging"),
    ("Qualcomm", 2897, "chip_maker"),
    ("Google", 2835, "software_giant"),
    ("Intel", 2784, "chip_maker"),
    ("Microsoft", 2398, "software_giant"),
    ("Apple", 2102, "phone_maker"),
    ("Huawei", 1202, "telecom_standards"),
    ("Nokia", 695, "telecom_standards"),
]
GRANTS_2016 = 304126

UNASSIGNED_SHARE = 0.12
"""Share of grants with no assignee (individual inventors); approx. 10-15% in PatentsView."""

COMPANIES_PER_PATENT = 1 / 40
"""Companies in a world of N patents (the 8.3M-patent corpus has about 400k-500k assignee
organisations after disambiguation, about 1 per 17-20 patents; fewer here keeps the tail of
each company meaningful at small N)."""

TAIL_EXPONENT = 1.05
"""Zipf exponent of company sizes below the top 10 (a long, heavy tail)."""

# Citations: 128,401,915 US patent citations / 8,260,142 patents (shared/data/README.md).
CITATIONS_PER_PATENT = 128401915 / 8260142  # 15.54
CITATIONS_TREND = (6.0, 24.0)
"""Mean citations made by a 1976 and by a 2025 grant (linear in between, then rescaled so
that the world's mean is CITATIONS_PER_PATENT). References per patent have grown steadily
(Hall, Jaffe and Trajtenberg 2001, NBER WP 8498)."""
CITATION_DISPERSION = 1.6
"""Negative binomial shape of references per patent (over-dispersed, long right tail)."""
CITATION_LAG_MEDIAN_YEARS = 7.0
CITATION_LAG_SIGMA = 0.8
"""Citing minus cited grant date: log-normal; cited patents are mostly 3-15 years older
(Hall, Jaffe and Trajtenberg 2001, citation-lag distributions)."""
SAME_GROUP_SHARE = 0.60
SAME_SUBCLASS_SHARE = 0.20
"""Technology locality: share of citations to the citing patent's CPC main group, and to
another group of its subclass (Jaffe, Trajtenberg and Henderson 1993: citations are
strongly localised in technology)."""
SELF_CITATION_SHARE = 0.11
"""Citations to the citing company's own patents (about 11-13% at firm level; Hall, Jaffe
and Trajtenberg 2005, RAND J. Econ.)."""
EXAMINER_SHARE = 0.40
"""Citations added by the examiner, for grants from 2001 (Alcácer and Gittelman 2006: about
40% of citations on average)."""
FITNESS_SIGMA = 1.1
"""Log-normal fitness: a patent's pull for citations (fitness-based preferential
attachment, Bianconi and Barabási 2001); gives the heavy-tailed forward-citation counts of
real patents."""

# Filing to grant (pendency) in years, log-normal median by grant era (USPTO Performance and
# Accountability Reports: total pendency ~20 months in the 1980s, ~24 in the 1990s,
# 30-40 in 2005-2012, ~25 from 2016), sigma 0.35.
PENDENCY_MEDIAN_YEARS = ((1976, 1.7), (1990, 1.9), (2000, 2.3), (2008, 3.2), (2013, 2.9),
                         (2016, 2.3), (2025, 2.2))
PENDENCY_SIGMA = 0.35

# Patent term adjustment (35 U.S.C. 154(b)) for applications filed from 29 May 2000:
PTA_SHARE = 0.72
PTA_MEDIAN_DAYS = 260
PTA_SIGMA = 0.9
"""Share of post-2000 filings with PTA and its log-normal size (approx.; USPTO PTA
statistics: most grants since 2010 carry PTA, averaging about a year)."""

CONTINUATION_SHARE = ((1976, 0.12), (1995, 0.18), (2010, 0.27), (2025, 0.33))
"""Share of grants claiming a US parent (continuation, division or CIP), rising over time
(Graham, Marco and Myers 2018; USPTO continuation data)."""
CONTINUATION_KINDS = (("continuation", 0.65), ("division", 0.22), ("continuation-in-part", 0.13))
PROVISIONAL_SHARE = 0.35
"""Share of post-1995 filings claiming a US provisional application."""
TERMINAL_DISCLAIMER_SHARE = 0.08
TERMINAL_DISCLAIMER_SHARE_CONTINUATIONS = 0.45

# Maintenance fees (35 U.S.C. 41(b)), due 3.5, 7.5 and 11.5 years after grant, 6-month
# grace: payment rates per stage (USPTO PPAC fee reports, approx.: large entities pay
# ~88% / ~75% / ~58%, small entities less).
PAYMENT_RATES = {"large": (0.88, 0.75, 0.58), "small": (0.78, 0.62, 0.45)}
MAINTENANCE_FROM = "1981-09-01"
"""Maintenance fees apply to utility patents filed from 12 December 1980 (first events in
the USPTO file from 1 September 1981)."""

# Name variants: shares of mentions in the real assignee benchmark
# (shared/data/benchmarks/assignees, 185,250 hand-clustered mentions): 89.2% use their
# cluster's most common spelling; 3.1% differ in legal suffix or words, 0.5% only in case or
# punctuation, 7.2% otherwise (typos, abbreviations, subsidiaries and affiliates).
VARIANT_SHARES: tuple[tuple[str, float], ...] = (
    ("canonical", 0.892),
    ("suffix", 0.031),
    ("case_punctuation", 0.005),
    ("abbreviation", 0.012),
    ("typo", 0.025),
    ("subsidiary", 0.025),
    ("qualifier", 0.010),
)

JURISDICTIONS = ("US", "EP", "DE", "GB", "FR", "CN", "JP", "KR", "IN")

# Reassignments per patent in the world (USPTO Patent Assignment Dataset: ~9M recorded
# conveyances since 1980, most of them employee-to-employer assignments).
EMPLOYEE_ASSIGNMENT_SHARE = 0.45
SALES_PER_PATENT = 1 / 4000
MERGERS_PER_PATENT = 1 / 60000
NAME_CHANGES_PER_PATENT = 1 / 60000
SECURITY_INTERESTS_PER_PATENT = 1 / 12000
SECURITY_RELEASE_SHARE = 0.5
