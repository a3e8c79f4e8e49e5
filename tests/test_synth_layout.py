"""The arithmetic patent layout and counter-based draws (warchest.synth.layout, .streams),
checked against brute force on small layouts."""

from __future__ import annotations

import numpy as np

from warchest.synth import streams
from warchest.synth.layout import Layout


def _small() -> Layout:
    probs = np.array([[0.5, 0.3, 0.15, 0.05], [0.1, 0.2, 0.3, 0.4]])
    return Layout.draw({2015: 700, 2016: 90}, probs, seed=3)


def test_draws_are_a_function_of_the_index_alone() -> None:
    idx = np.array([0, 5, 123_456_789])
    alone = [float(streams.uniform(7, 4, int(i))[0]) for i in idx]
    assert streams.uniform(7, 4, idx).tolist() == alone
    assert streams.uniform(7, 4, idx).tolist() != streams.uniform(8, 4, idx).tolist()
    assert streams.uniform(7, 4, idx).tolist() != streams.uniform(7, 5, idx).tolist()
    u = streams.uniform(1, 1, np.arange(200_000))
    # a uniform's mean is 1/2 and variance 1/12: 5 standard errors
    assert abs(u.mean() - 0.5) < 5 * (1 / 12) ** 0.5 / 200_000 ** 0.5
    assert abs(u.var() - 1 / 12) < 0.002
    z = streams.normal(1, 2, np.arange(200_000))
    assert abs(z.mean()) < 0.012 and abs(z.std() - 1) < 0.01


def test_buckets_are_index_ranges_and_locate_inverts_index() -> None:
    lay = _small()
    assert lay.n == 790 and lay.counts.sum(axis=1).tolist() == [700, 90]
    i = np.arange(lay.n)
    year, bucket, k = lay.locate(i)
    assert (lay.index(year, bucket, k) == i).all()
    assert (k >= 0).all() and (k < lay.counts[year, bucket]).all()


def test_grant_days_increase_within_a_bucket_and_are_tuesdays_of_the_year() -> None:
    lay = _small()
    day = lay.grant_day(np.arange(lay.n))
    year, bucket, _ = lay.locate(np.arange(lay.n))
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    assert (weekday == 1).all()
    assert ((1970 + day / 365.2425).astype(int) == lay.years[year]).all()
    for y in range(2):
        for b in range(lay.buckets):
            m = (year == y) & (bucket == b)
            assert (np.diff(day[m]) >= 0).all()


def test_k_range_and_ranks_match_brute_force() -> None:
    lay = _small()
    i = np.arange(lay.n)
    year, bucket, k = lay.locate(i)
    t = lay.tuesday(year, bucket, k)
    for y in range(2):
        for b in range(lay.buckets):
            m = (year == y) & (bucket == b)
            for lo, hi in ((0, 5), (10, 30), (51, 51)):
                want = k[m & (t >= lo) & (t <= hi)]
                k_lo, k_hi = lay.k_range(np.array([y]), np.array([b]), np.array([lo]),
                                         np.array([hi]))
                assert list(range(int(k_lo[0]), int(k_hi[0]))) == sorted(want.tolist())
    members = np.array([True, True, False, True])
    rank = lay.rank_in_year(i, members)
    for y in range(2):
        m = (year == y) & members[bucket]
        order = np.lexsort((k[m], bucket[m], t[m]))
        assert rank[m][order].tolist() == list(range(int(m.sum())))


def test_draws_in_a_window_fall_in_it_in_proportion_to_weight() -> None:
    lay = _small()
    i = np.arange(lay.n)
    day = lay.grant_day(i)
    _, bucket, _ = lay.locate(i)
    weight = np.where(i % 2 == 0, 3.0, 1.0)  # even indexes three times as likely
    lo, hi = int(day.min()) + 200, int(day.max()) - 100  # across the turn of the year
    m = 40_000
    got = lay.draw_in_window(np.full(m, 1), np.full(m, lo), np.full(m, hi),
                             lambda x, _r: weight[x], 3.0, seed=5, stream=9, key=np.arange(m),
                             rounds=40)
    inside = i[(bucket == 1) & (day >= lo) & (day <= hi)]
    assert set(got.tolist()) <= set(inside.tolist())
    assert (got >= 0).mean() > 0.999
    share_even = (got % 2 == 0).mean()
    evens = (inside % 2 == 0).sum()
    want = 3 * evens / (3 * evens + len(inside) - evens)
    assert abs(share_even - want) < 5 * (want * (1 - want) / m) ** 0.5
    # a window with no Tuesday (Wednesday to Sunday) holds no patent: -1
    tuesday = int(day[0])
    none = lay.draw_in_window(np.array([1]), np.array([tuesday + 1]), np.array([tuesday + 5]),
                              lambda x, _r: weight[x], 3.0, 5, 9, np.array([0]))
    assert none.tolist() == [-1]


def test_rank_tables_take_two_bytes_a_cell_unless_a_tuesday_holds_more() -> None:
    lay = _small()
    members = np.ones(lay.buckets, bool)
    assert lay._rank_table(0, members)[1].dtype == np.uint16
    # 3.5M patents on the 52 Tuesdays of 2016: about 67,000 a Tuesday, over 65,535
    big = Layout(np.array([2016]), np.array([[2_000_000, 1_500_000, 100]]),
                 np.zeros((1, 3), np.int64))
    members = np.array([True, True, False])
    assert big._rank_table(0, members)[1].dtype == np.int32
    i = np.arange(big.n)
    year, bucket, k = big.locate(i)
    t = big.tuesday(year, bucket, k)
    m = members[bucket]
    order = np.lexsort((k[m], bucket[m], t[m]))
    assert big.rank_in_year(i[m], members)[order].tolist() == list(range(3_500_000))
