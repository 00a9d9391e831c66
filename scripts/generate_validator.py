"""Write fastjsonschema's validator for the shipped Grafana schema as a module beside it
(make build runs this; mac compiles the schema at run time when the module is missing or stale)."""
from monitoring_as_code.lint.dashboard_schema import write_generated

if __name__ == "__main__":
    print(f"wrote {write_generated()}")
