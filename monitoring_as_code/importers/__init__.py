"""`mac import`: existing Grafana dashboards and Prometheus rule files into mac's Python.

One module per input form: grafana_json (reading and unwrapping exports), migrate (Grafana's
own schema migrations), dashboard (JSON → model objects), rules (rule files → model
objects), pycode (model objects → readable Python), roundtrip (the --check comparison)."""


class ImportProblem(Exception):
    """Input mac cannot import: the file and the JSON path (or line) say where."""

    def __init__(self, path: str, where: str, message: str) -> None:
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")
        self.path, self.where, self.message = path, where, message


def json_path(parts) -> str:
    """$.panels[3].targets[0] from a sequence of keys and indexes."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if str(part).isidentifier() else f"[{part!r}]")
    return out
