"""Helpers shared by the dashboards (not compiled by itself: it defines no dashboard)."""
from monitoring_as_code import InstanceVariable

TAGS = ("mac",)


def instance_variable(job: str):
    """Instance picker for one scrape job; queries filter with instance=~"$instance"."""
    return InstanceVariable(job=job)
