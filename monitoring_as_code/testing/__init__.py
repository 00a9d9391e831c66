"""Alert tests on synthetic series, run with promtool (`mac test`).

    from monitoring_as_code.testing import AlertTest, Series, constant, fires, pending, quiet

    disk_tests = [
        *threshold_tests(disk_space_low, "< 15", for_="5m", fire=14, safe=16),
        AlertTest(disk_space_low, "a read-only filesystem never alerts",
                  series=[Series('node_filesystem_avail_bytes{…}', constant(10, "20m")), …],
                  expect=[quiet(between=("0m", "19m"))]),
    ]
"""
from .boundary import boundary_tests, threshold_tests
from .histogram import histogram
from .model import AlertTest, Expectation, Series, fires, not_firing, pending, quiet
from .values import constant, counter, missing, ramp, stale, step

__all__ = [
    "AlertTest", "Expectation", "Series", "boundary_tests", "constant", "counter", "fires", "histogram",
    "missing", "not_firing", "pending", "quiet", "ramp", "stale", "step", "threshold_tests",
]
