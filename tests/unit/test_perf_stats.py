"""The percentiles the @perf scenarios hold to their budgets: linear interpolation between closest ranks."""
import pytest

from qmtl_acceptance.perf_stats import one_line, percentile, summary


def test_percentiles_of_one_to_a_hundred_interpolate_between_ranks():
    samples = list(range(1, 101))
    assert percentile(samples, 50) == pytest.approx(50.5)
    assert percentile(samples, 95) == pytest.approx(95.05)
    assert percentile(samples, 99) == pytest.approx(99.01)


def test_the_ends_are_the_smallest_and_the_largest_sample():
    samples = [0.3, 0.1, 0.2]
    assert percentile(samples, 0) == 0.1
    assert percentile(samples, 100) == 0.3


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)


def test_the_order_of_the_samples_does_not_matter():
    assert percentile([5, 1, 4, 2, 3], 75) == percentile([1, 2, 3, 4, 5], 75) == pytest.approx(4.0)


def test_one_slow_outlier_in_a_hundred_moves_the_p99_and_the_max_but_not_the_p95():
    samples = [1.0] * 99 + [100.0]
    assert percentile(samples, 95) == pytest.approx(1.0)
    assert percentile(samples, 99) == pytest.approx(1.99)
    assert percentile(samples, 100) == 100.0


def test_a_single_sample_is_every_percentile():
    assert {percentile([0.007], p) for p in (0, 50, 95, 99, 100)} == {0.007}


@pytest.mark.parametrize("p", [-1, 100.5, 250])
def test_a_percentile_outside_zero_to_a_hundred_is_refused(p):
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1, 2, 3], p)


def test_no_samples_have_no_percentile():
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 95)


def test_the_summary_is_in_milliseconds_with_the_budget_and_what_it_bounds():
    numbers = summary([0.001 * i for i in range(1, 101)], 0.25, "p95")
    assert numbers == {"count": 100, "min_ms": 1.0, "median_ms": 50.5, "p95_ms": 95.05, "p99_ms": 99.01, "max_ms": 100.0,
                       "budget_ms": 250.0, "budget_bounds": "p95"}


def test_the_one_line_names_every_figure_and_the_budget():
    line = one_line("delivery", summary([0.010, 0.020, 0.030], 0.1, "p99"))
    assert line == ("delivery: n=3 min 10.0 ms, median 20.0 ms, p95 29.0 ms, p99 29.8 ms, max 30.0 ms "
                    "(budget: p99 under 100 ms)")
