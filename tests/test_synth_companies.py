"""The synthetic world's company table (warchest.synth.world.Companies) and the company
sampler's focus lookup, checked against brute force on a small world."""

from __future__ import annotations

import numpy as np
import pytest

from warchest.synth.patents import CompanySampler
from warchest.synth.world import Coded, Companies, Technology, Texts, make_companies


def test_coded_and_text_columns_give_back_what_they_were_given() -> None:
    roles = Coded(["", "threat", "", "seller", "threat"])
    assert len(roles) == 5 and roles.codes.dtype == np.uint8
    assert roles[1] == "threat" and roles[np.array([3, 0])].tolist() == ["seller", ""]
    assert roles.matches("threat").tolist() == [False, True, False, False, True]
    assert not roles.matches("buyer").any()
    assert roles.any_of(["seller", "threat"], np.array([4, 0, 3])).tolist() == [True, False, True]
    markets = Coded([("US",), ("CN", "IN"), ("US",)])
    assert markets[1] == ("CN", "IN") and markets.tolist() == [("US",), ("CN", "IN"), ("US",)]
    assert len(markets.table) == 2  # each distinct tuple kept once
    many = Coded([str(i) for i in range(300)])
    assert many.codes.dtype == np.uint16 and many[299] == "299"
    names = Texts(["Sunvale Electronics Co., Ltd.", "", "Økovik Søndergård A/S"])
    assert len(names) == 3 and names[np.int64(2)] == "Økovik Søndergård A/S"
    assert [names[i] for i in range(3)] == ["Sunvale Electronics Co., Ltd.", "",
                                            "Økovik Søndergård A/S"]
    # UTF-8 bytes and offsets: 29 + 0 + 24 bytes (21 characters; "Ø", "ø" and "å" take
    # two bytes each)
    assert names.offset.tolist() == [0, 29, 29, 53]


@pytest.fixture(scope="module")
def world() -> tuple[Technology, Companies]:
    tech = Technology.load()
    return tech, make_companies(20_000, 5, tech, "smartphone-expansion")


def test_rows_are_views_of_the_columns_and_subsidiaries_share_their_parents_focus(
        world: tuple[Technology, Companies]) -> None:
    _, companies = world
    from warchest.synth.world import Companies
    assert isinstance(companies, Companies)
    # 20,000 patents / 40 = 500 companies, the scenario's buyer, and one subsidiary for
    # each of the largest 500 // 20 = 25 (no subsidiary name clashes at this seed)
    n = len(companies)
    assert n == 500 + 1 + 25 and len(list(companies)) == n
    assert (companies.parent[526 - 25:] >= 0).all() and (companies.parent[:501] < 0).all()
    assert [c.id for c in companies[3:6]] == [3, 4, 5]
    with pytest.raises(IndexError):
        companies[n]
    subsidiaries = np.flatnonzero(companies.parent >= 0)
    assert len(subsidiaries) > 0
    for i in subsidiaries.tolist():
        c = companies[i]
        assert c.parent is not None
        parent = companies[c.parent]
        assert parent.parent is None and c.archetype == parent.archetype
        assert c.focus.tolist() == parent.focus.tolist()
        assert c.focus_weights.tolist() == parent.focus_weights.tolist()
    for c in companies:
        assert c.name == companies.name[c.id] and c.share == companies.share[c.id]
        if c.parent is None:
            # distinct clusters, weights summing to 1
            assert len(set(c.focus.tolist())) == len(c.focus) >= 1
            assert abs(float(c.focus_weights.sum()) - 1) < 1e-9
    (buyer,) = companies.with_role("buyer")
    assert companies[buyer].sells_in == ("CN", "IN")
    assert len(companies.with_role("threat")) == 5


def test_the_scenario_seller_holds_an_acquired_wireless_portfolio(
        world: tuple[Technology, Companies]) -> None:
    from warchest.synth.world import SELLER_ACQUIRED, Companies
    tech, companies = world
    assert isinstance(companies, Companies)
    (seller,) = companies.with_role("seller")
    c = companies[seller]
    kind, count, share = SELLER_ACQUIRED
    software = tech.profiles["software_giant"]
    wireless = tech.profiles[kind]
    # its own clusters first (from its archetype's profile), then the acquired ones: all
    # distinct, the acquired ones from the wireless profile, holding their share of weight
    own, bought = c.focus[:-count], c.focus[-count:]
    assert len(bought) == count and not set(own.tolist()) & set(bought.tolist())
    assert (software[own] > 0).all() and (wireless[bought] > 0).all()
    assert abs(float(c.focus_weights[-count:].sum()) - share) < 1e-9
    assert abs(float(c.focus_weights.sum()) - 1) < 1e-9
    # its subsidiaries share the whole range
    for i in np.flatnonzero(companies.parent == seller).tolist():
        assert companies[i].focus.tolist() == c.focus.tolist()


def test_in_focus_matches_the_set_of_focus_pairs(world: tuple[Technology, Companies]) -> None:
    tech, companies = world
    sampler = CompanySampler(companies, tech, np.arange(1976, 2025))
    pairs = {(c.id, g) for c in companies if c.parent is None for g in c.focus.tolist()}
    rng = np.random.default_rng(1)
    top = np.flatnonzero(companies.parent < 0)
    company = np.concatenate([
        np.array([p[0] for p in pairs]),  # every true pair
        rng.choice(top, 20_000), [-1, -1]])
    cluster = np.concatenate([
        np.array([p[1] for p in pairs]),
        rng.integers(0, len(tech.groups), 20_000), [0, 5]])
    expected = np.array([(int(c), int(g)) in pairs for c, g in zip(company, cluster,
                                                                   strict=True)])
    got = sampler.in_focus(company, cluster)
    assert got.tolist() == expected.tolist()
    assert got[:len(pairs)].all() and not got[-2:].any() and not got[len(pairs):-2].all()


def test_the_sampler_still_answers_after_the_focus_and_the_draws_are_released() -> None:
    # generate_world writes truth/tech_profiles.csv, then frees the company table's focus
    # clusters: the sampler must keep answering from its own sorted copy
    tech = Technology.load()
    companies = make_companies(20_000, 5, tech, "smartphone-expansion")
    pairs = sorted({(c.id, g) for c in companies if c.parent is None
                    for g in c.focus.tolist()})
    (buyer,) = companies.with_role("buyer")
    buyer_focus = companies[buyer].focus.tolist()
    sampler = CompanySampler(companies, tech, np.arange(1976, 2025))
    # a view made before the release (the truth keeps some) holds copies: it keeps its
    # focus, and does not keep the freed flat arrays alive
    kept = companies[0]
    assert not np.shares_memory(kept.focus, companies.focus_flat)
    assert not np.shares_memory(kept.focus_weights, companies.focus_weight_flat)
    companies.release_focus()
    assert sorted(kept.focus.tolist()) == [g for c, g in pairs if c == 0]
    assert len(kept.focus) == len(kept.focus_weights) > 0
    assert companies.focus_released and len(companies.focus_flat) == 0
    assert companies[0].focus.tolist() == [] and companies[buyer].focus.tolist() == []
    company = np.array([p[0] for p in pairs])
    cluster = np.array([p[1] for p in pairs])
    assert sampler.in_focus(company, cluster).all()
    assert not sampler.in_focus(company, (cluster + 1) % len(tech.groups)).all()
    assert sampler.buyer_focus.tolist() == buyer_focus and len(buyer_focus) > 0
    # once every patent's company is drawn, the draws' masses are freed too
    sampler.release_draws()
    assert sampler.draws_released and len(sampler.f_cum) == 0
    assert sampler.in_focus(company, cluster).all()
    with pytest.raises(RuntimeError, match="released"):
        sampler.draw(np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64), 5)


def test_the_sampler_needs_consecutive_years_that_hold_every_start_year(
        world: tuple[Technology, Companies]) -> None:
    # its cut table has one column a year: a gap, or a company started outside the years,
    # would put entries of different start years in one searched range
    tech, companies = world
    with pytest.raises(ValueError, match="consecutive"):
        CompanySampler(companies, tech, np.arange(1976, 2025, 2))
    with pytest.raises(ValueError, match="every start year"):
        CompanySampler(companies, tech, np.arange(1990, 2025))
