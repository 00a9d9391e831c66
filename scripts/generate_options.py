"""Write monitoring_as_code/options/ from Grafana's published JSON schemas.

    python scripts/generate_options.py [--reference ../shared/reference/grafana]

Reads the panel schemas of grafana-foundation-sdk (fsdk-main/<panel>.jsonschema.json: each
panel's `Options` and `FieldConfig`, i.e. `options` and `fieldConfig.defaults.custom`) and the
classic dashboard schema v11.6 (field colours, value mappings, links, annotations, …) and
writes one frozen dataclass per object definition: fields in snake_case, all optional (None:
not written, Grafana's default applies), enum values as CHOICES, the schema's defaults and
descriptions as comments. A definition that several panels share unchanged is written once
in common.py; one that differs keeps the panel's name as prefix. The output is checked in
and read by people: rerun this script after updating the schemas, then review the diff.
"""
from __future__ import annotations

import argparse
import json
import keyword
import os
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from monitoring_as_code.model.jsonmap import camel, snake  # noqa: E402

OUT = os.path.join(os.path.dirname(HERE), "monitoring_as_code", "options")

# schema file -> (module, class prefix, panel type as Grafana names it)
PANELS = {
    "timeseries": ("timeseries", "TimeSeries", "timeseries"),
    "stat": ("stat", "Stat", "stat"),
    "gauge": ("gauge", "Gauge", "gauge"),
    "bargauge": ("bargauge", "BarGauge", "bargauge"),
    "table": ("table", "Table", "table"),
    "text": ("text", "Text", "text"),
    "heatmap": ("heatmap", "Heatmap", "heatmap"),
    "piechart": ("piechart", "PieChart", "piechart"),
    "statetimeline": ("statetimeline", "StateTimeline", "state-timeline"),
    "statushistory": ("statushistory", "StatusHistory", "status-history"),
    "histogram": ("histogram", "Histogram", "histogram"),
    "barchart": ("barchart", "BarChart", "barchart"),
    "logs": ("logs", "Logs", "logs"),
    "nodegraph": ("nodegraph", "NodeGraph", "nodeGraph"),
    "dashboardlist": ("dashlist", "DashList", "dashlist"),
    "annotationslist": ("annolist", "AnnoList", "annolist"),
    "news": ("news", "News", "news"),
    "xychart": ("xychart", "XYChart", "xychart"),
    "trend": ("trend", "Trend", "trend"),
    "candlestick": ("candlestick", "Candlestick", "candlestick"),
    "geomap": ("geomap", "Geomap", "geomap"),
    "canvas": ("canvas", "Canvas", "canvas"),
}
# Objects of the classic dashboard model that mac types (the panel, query, variable and
# dashboard themselves are hand-written in monitoring_as_code/model: they carry mac's choices).
DASHBOARD_OBJECTS = ("DataSourceRef", "FieldColor", "ValueMap", "RangeMap", "RegexMap", "SpecialValueMap",
                     "ValueMappingResult", "DashboardLink", "DataTransformerConfig", "MatcherConfig",
                     "DynamicConfigValue", "AnnotationQuery", "AnnotationPanelFilter", "AnnotationTarget",
                     "TimePickerConfig", "VariableOption", "LibraryPanelRef")
# Values the published schemas type as objects, which Grafana itself writes as any JSON value:
# a byName matcher's options is the field name (a string), a property's value is whatever the
# property takes ("bytes" for unit, 0 for min). The generator types them Any.
ANY_VALUE = {("MatcherConfig", "options"), ("DynamicConfigValue", "value")}
# Fields Grafana writes in another type than its schema says: the table footer's `fields` is
# "" (all fields) by default, a list of names otherwise.
TYPE_OVERRIDES = {("TableFooterOptions", "fields"): "Union[str, Tuple[str, ...]]"}
RENAMES = {"DataTransformerConfig": "Transformation", "MatcherConfig": "Matcher", "DynamicConfigValue": "Property",
           "AnnotationQuery": "Annotation", "DataSourceRef": "DataSourceRef"}


def python_name(key: str) -> str:
    name = snake(key).replace("-", "_")
    if not name.isidentifier() or camel(name) != key:
        name = "".join(c if c.isalnum() else "_" for c in key).lower()
    if keyword.iskeyword(name) or name in ("extra", "source", "ignore"):
        name += "_"
    return name


class Generator:
    def __init__(self):
        self.classes = {}  # emitted class name -> (module, source text, structure)
        self.structures = {}  # a definition's JSON schema text -> the first class written for it

    def resolve(self, schema, defs):
        while "$ref" in schema:
            schema = defs[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def type_of(self, prop, defs, module, prefix, want):
        """Python annotation text of a property schema; object definitions become classes."""
        if "$ref" in prop:
            name = prop["$ref"].rsplit("/", 1)[1]
            target = defs[name]
            if "$ref" in target:
                return self.type_of(target, defs, module, prefix, want)
            if target.get("type") == "object" and "properties" in target:
                return self.klass(name, target, defs, module, prefix, want)
            if "oneOf" in target or "anyOf" in target:
                return self.type_of(target, defs, module, prefix, want)
            return self.type_of(target, defs, module, prefix, want)
        for key in ("oneOf", "anyOf"):
            if key in prop:
                options = [o for o in prop[key] if o.get("type") != "null"]
                types = [self.type_of(o, defs, module, prefix, want) for o in options]
                if any(t == "Any" for t in types) or not types:
                    return "Any"
                types = list(dict.fromkeys(types))
                return types[0] if len(types) == 1 else "Union[%s]" % ", ".join(types)
        if "allOf" in prop:
            return "Any"
        kind = prop.get("type")
        if isinstance(kind, list):
            return "Any"
        if kind == "string":
            return "str"
        if kind == "boolean":
            return "bool"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "array":
            item = self.type_of(prop.get("items", {}), defs, module, prefix, want)
            return f"Tuple[{item}, ...]"
        if kind == "object":
            if "properties" in prop:
                return "Mapping[str, Any]"
            return "Mapping[str, Any]"
        return "Any"

    def klass(self, name, schema, defs, module, prefix, want):
        structure = json.dumps(schema, sort_keys=True)
        public = RENAMES.get(name, name)
        if public in ("Options", "FieldConfig"):
            public = prefix + public
        existing = self.classes.get(public)
        if existing and existing[2] != structure:
            public = prefix + public
            existing = self.classes.get(public)
        if existing:
            if existing[0] != module:
                self.shared.add(public)
            return public
        same = self.structures.get(structure)
        if same is not None and same != public:
            # Another panel's class with exactly these fields: a subclass, not a second copy.
            self.classes[public] = [module, f"@dataclass(frozen=True, kw_only=True)\nclass {public}({same}):\n"
                                            f'    """The fields of {same}."""\n', structure]
            return public
        self.structures.setdefault(structure, public)
        self.classes[public] = [module, None, structure]
        outer, self.current = getattr(self, "current", None), name
        self.classes[public][1] = self.render(public, schema, defs, module, prefix, want)
        self.current = outer
        return public

    def render(self, public, schema, defs, module, prefix, want):
        lines = []
        doc = (schema.get("description") or "").strip()
        head = f"@dataclass(frozen=True, kw_only=True)\nclass {public}(JsonObject):"
        lines.append(head)
        body = []
        if doc and not doc.startswith("TODO"):
            body.append('    """' + "\n    ".join(textwrap.wrap(doc.replace('"""', "'''"), 92)) + '"""')
        names, choices = {}, {}
        for key, prop in schema.get("properties", {}).items():
            if (self.current, key) in ANY_VALUE:
                prop = {}
            py = python_name(key)
            if camel(py) != key:
                names[py] = key
            tp = TYPE_OVERRIDES.get((self.current, key)) or self.type_of(prop, defs, module, prefix, want)
            enum = self.resolve(prop, defs).get("enum")
            if enum and all(isinstance(e, (str, int, float)) for e in enum):
                choices[py] = tuple(enum)
            notes = []
            if "default" in prop:
                notes.append("default " + json.dumps(prop["default"]))
            text = (prop.get("description") or "").strip().split("\n")[0]
            if text and not text.startswith("TODO") and len(text) < 70:
                notes.append(text)
            comment = ("  # " + "; ".join(notes)) if notes else ""
            line = f"    {py}: Optional[{tp}] = None{comment}"
            if len(line) > 110:
                line = f"    {py}: Optional[{tp}] = None"
            body.append(line)
        if names:
            body.append(f"    JSON_NAMES: ClassVar[Mapping[str, str]] = {names!r}")
        if choices:
            rendered = ",\n".join(f"        {k!r}: {v!r}" for k, v in choices.items())
            body.append("    CHOICES: ClassVar[Mapping[str, Tuple[Any, ...]]] = {\n" + rendered + ",\n    }")
        if not body:
            body.append("    pass")
        return "\n".join(lines + body) + "\n"

    def run(self, reference):
        self.shared = set()
        order = []  # (module, class) in first-seen order
        dash = os.path.join(reference, "dashboard.jsonschema.v11.6-sv41.json")
        defs = json.load(open(dash, encoding="utf-8"))["definitions"]
        for name in DASHBOARD_OBJECTS:
            self.klass(name, defs[name], defs, "dashboard", "", True)
        for schema, (module, prefix, _type) in PANELS.items():
            path = os.path.join(reference, "fsdk-main", f"{schema}.jsonschema.json")
            defs = json.load(open(path, encoding="utf-8"))["definitions"]
            for top in ("Options", "FieldConfig"):
                if top in defs:
                    target = self.resolve(defs[top], defs)
                    if top == "FieldConfig" and "$ref" in defs[top]:
                        # the panel's own name for its custom field config
                        self.klass("FieldConfig", target, defs, module, prefix, True)
                    else:
                        self.klass(top, target, defs, module, prefix, True)
        del order
        return self.write()

    def write(self):
        # A shared class takes what it refers to along into common.py (no import cycles).
        grown = True
        while grown:
            grown = False
            for public in list(self.shared):
                for other in self.classes:
                    if other not in self.shared and _mentions(self.classes[public][1], other):
                        self.shared.add(other)
                        grown = True
        modules = {}
        for public, (module, text, _) in self.classes.items():
            where = "common" if public in self.shared else module
            modules.setdefault(where, []).append((public, text))
        os.makedirs(OUT, exist_ok=True)
        written = {}
        for module, classes in sorted(modules.items()):
            names = [p for p, _ in classes]
            used = set()
            for _, text in classes:
                used.update(n for n in self.classes if n not in names and _mentions(text, n))
            imports = ""
            by_module = {}
            for n in sorted(used):
                m = "common" if n in self.shared else self.classes[n][0]
                by_module.setdefault(m, []).append(n)
            for m, ns in sorted(by_module.items()):
                line = f"from .{m} import {', '.join(ns)}  # noqa: F401\n"
                if len(line) > 100:
                    line = f"from .{m} import (  # noqa: F401\n" + "".join(f"    {n},\n" for n in ns) + ")\n"
                imports += line
            header = ('"""Generated by scripts/generate_options.py from Grafana\'s published schemas; do not edit."""\n'
                      "from __future__ import annotations\n\nfrom dataclasses import dataclass\n"
                      "from typing import Any, ClassVar, Mapping, Optional, Tuple, Union  # noqa: F401\n\n"
                      "from ..model.jsonmap import JsonObject\n" + imports)
            text = header + "\n\n" + "\n\n".join(t for _, t in classes)
            written[module] = names
            with open(os.path.join(OUT, f"{module}.py"), "w", encoding="utf-8") as f:
                f.write(text)
        init = ['"""Typed options of Grafana\'s core panels and objects of the dashboard model, generated by',
                'scripts/generate_options.py from Grafana\'s published JSON schemas (see its docstring)."""']
        for module, names in sorted(written.items()):
            init.append(f"from .{module} import (  # noqa: F401\n    " + ",\n    ".join(sorted(names)) + ",\n)")
        init.append("\nPANEL_TYPES = {\n" + "".join(
            f"    {t!r}: ({p + 'Options' if p + 'Options' in self.classes else None!r}, "
            f"{p + 'FieldConfig' if p + 'FieldConfig' in self.classes else None!r}),\n"
            for _, (_, p, t) in PANELS.items()) + "}")
        with open(os.path.join(OUT, "__init__.py"), "w", encoding="utf-8") as f:
            f.write("\n".join(init) + "\n")


def _mentions(text, name):
    """Whether a class's source refers to another class (its base or a field's type)."""
    import re

    body = re.sub(r"^class \w+", "", text.split("class ", 1)[1] if "class " in text else text)
    body = "class " + body
    return re.search(rf"\b{re.escape(name)}\b", body) is not None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default=os.path.join(os.path.dirname(HERE), "..", "shared", "reference", "grafana"))
    args = parser.parse_args()
    Generator().run(args.reference)


if __name__ == "__main__":
    main()
