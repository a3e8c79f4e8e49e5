"""The exposure model's settings: the evidence weights and thresholds (``config.yaml``),
one name per key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warchest.errors import (
    BadInputFile,
)
from warchest.yamlfile import read_yaml

CONFIG = Path(__file__).with_name("config.yaml")


NAKED_SHARE = 0.1  # naked in an area: less than this share of the threat's power there


NO_PRODUCTS = "none"
"""The product a ``--products`` file lists for a company known to sell nothing: it is no
area, so the company is active in none."""


@dataclass
class ExposureConfig:
    """The settings of config.yaml, each under its key's own name (``products.active_share``
    is ``active_share``; the weights are ``w_<evidence>``, the citation settings keep their
    names, ``text.floor`` is ``text_floor``)."""

    w_citation: float = 0.35
    w_cpc: float = 0.20
    w_subgroup: float = 0.30
    w_text: float = 0.15
    examiner: float = 2.0
    applicant: float = 1.0
    scale: float = 2.0
    text_floor: float = 0.30
    profile_years: int = 10
    min_score: float = 0.15
    active_share: float = 0.05
    outside: float = 0.1
    outside_known: float = 0.0
    cited_outside: float = 0.5
    cited_outside_known: float = 0.2

    @classmethod
    def load(cls, path: Path | None = None) -> ExposureConfig:
        path = path or CONFIG
        data = read_yaml(path, "exposure config") or {}
        try:
            w, c, t = data.get("weights", {}), data.get("citation", {}), data.get("text", {})
            cfg = cls(
                w_citation=float(w.get("citation", cls.w_citation)),
                w_cpc=float(w.get("cpc", cls.w_cpc)),
                w_subgroup=float(w.get("subgroup", cls.w_subgroup)),
                w_text=float(w.get("text", cls.w_text)),
                examiner=float(c.get("examiner", cls.examiner)),
                applicant=float(c.get("applicant", cls.applicant)),
                scale=float(c.get("scale", cls.scale)),
                text_floor=float(t.get("floor", cls.text_floor)),
                profile_years=int(data.get("profile_years", cls.profile_years)),
                min_score=float(data.get("min_score", cls.min_score)),
                active_share=float(data.get("products", {}).get("active_share",
                                                              cls.active_share)),
                outside=float(data.get("products", {}).get("outside", cls.outside)),
                outside_known=float(data.get("products", {}).get("outside_known",
                                                                  cls.outside_known)),
                cited_outside=float(data.get("products", {}).get("cited_outside",
                                                                 cls.cited_outside)),
                cited_outside_known=float(data.get("products", {}).get(
                    "cited_outside_known", cls.cited_outside_known)))
        except (TypeError, ValueError, AttributeError) as exc:
            raise BadInputFile(f"{path}: {exc}; see the shipped config.yaml for the layout") \
                from None
        if cfg.scale <= 0 or not 0 <= cfg.text_floor < 1 or cfg.profile_years < 1:
            raise BadInputFile(f"{path}: citation.scale must be > 0, text.floor in [0, 1), "
                               "profile_years >= 1")
        for key, got in (("cited_outside", cfg.cited_outside),
                         ("cited_outside_known", cfg.cited_outside_known)):
            if not 0 < got <= 1:
                raise BadInputFile(f"{path}: products.{key} must be in (0, 1]: a patent the "
                                   f"target cites is never zeroed (got {got})")
        return cfg
