"""`mac`: a thin command line over the compiler."""
from __future__ import annotations

import contextlib
import os
import sys

import click

from . import __version__


def compile_tree(src, debug=False, parallel=False, staging=None, strict=False, grafana=None, targets=()):
    # Imported on use: `mac compile` with nothing changed must not pay for the compiler.
    from .compiler import compile_tree as compile_

    return compile_(src, debug=debug, parallel=parallel, staging=staging, strict=strict, grafana=grafana,
                    targets=targets)


STRICT = click.option("--strict", is_flag=True,
                      help="An alert mac cannot derive boundary tests for is an error (as require_tests = true).")


def render(problems, fmt):
    from .diagnostics import render as render_

    return render_(problems, fmt)

FORMATS = click.Choice(["text", "json", "github"])


def _report(problems, fmt: str) -> None:
    if problems:
        click.echo(render(problems, fmt), err=fmt == "text")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mac")
def main() -> None:
    """mac compiles dashboards and alerts written as Python objects (dashboards/*.py,
    alerts/*.py) into Grafana dashboard JSON and Prometheus rule files.

    Exit codes: 0 success; 1 problems in the definitions (lint, a consumer rejecting the
    output, --check finding differences, a failing alert test); 2 usage errors; 3 a program
    mac needs is missing (promtool, or a checker with --require-checkers); 4 the file system
    refused (read-only, full, a name too long, no permission)."""
    import gc

    # A compile builds hundreds of thousands of objects and few cycles, in a short-lived
    # process: at the collector's default pace it re-scans them over and over. Freezing what
    # is loaded so far also keeps forked workers from copying it.
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


# Exit codes (README, "The command line"): what went wrong, for scripts and CI.
PROBLEMS, USAGE, TOOL, FILESYSTEM = 1, 2, 3, 4  # 0: success


def _fault(message: str, code: int) -> None:
    """A fault of the machine, not of the definitions: one line, its own exit code."""
    click.echo(f"mac: {message}", err=True)
    sys.exit(code)


def _os_error(exc: OSError, doing: str) -> None:
    where = f" {exc.filename}" if exc.filename else ""
    _fault(f"cannot {doing}:{where}: {exc.strerror or exc}", FILESYSTEM)


@main.command("compile")
@click.option("--src", default=".", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding dashboards/ and alerts/.")
@click.option("--out", default="build", show_default=True, type=click.Path(dir_okay=True),
              help="Output folder; replaced as a whole, so removed definitions disappear.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if --out differs from what the sources compile to (compares content).")
@click.option("--format", "fmt", default="text", show_default=True, type=FORMATS,
              help="How problems are printed.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks from definition files.")
@click.option("--no-cache", is_flag=True, help="Compile even when nothing changed since the last compile.")
@click.option("--require-checkers", is_flag=True,
              help="Fail (exit 3) when promtool, amtool or nginx is not installed to check the output.")
@click.option("--promtool", default=None, help="promtool to check the output with (default: the one on PATH).")
@click.option("--grafana", "grafana", default=None, type=click.Choice(["11", "12", "13"]),
              help="The Grafana to write dashboards for, over [tool.mac] grafana: 11 classic JSON, "
                   "12 dashboard.grafana.app/v1beta1 resources, 13 dashboard.grafana.app/v2 resources.")
@click.option("--target", "targets", multiple=True, type=click.Choice(["kubernetes"]),
              help="Also write build/kubernetes/ (PrometheusRule, grafana-operator resources, dashboard ConfigMaps), "
                   "as [tool.mac] targets = [\"kubernetes\"].")
@STRICT
def compile_cmd(src: str, out: str, check: bool, fmt: str, debug: bool, no_cache: bool, require_checkers: bool,
                promtool: str, grafana: str, strict: bool, targets=()) -> None:
    """Compile the definitions in SRC into OUT.

    Every problem is reported with the file and line where it was written; if any is an
    error, nothing is written and OUT is left exactly as it was. The output is then checked
    by the real consumers on this machine (promtool, amtool, nginx -t) before it replaces
    OUT. When neither the sources (and mac itself) nor OUT changed since the last compile,
    nothing is done (never with --check, which always compares content)."""

    from . import cache
    from .write import NotOurs, Staging, differences
    from .write import digest as file_digest

    from .consumers import find

    if promtool is not None and find("promtool", promtool) is None:
        _fault(f"--promtool {promtool}: no such program", TOOL)
    try:
        # --strict changes the verdict, so it is part of what a compile is made from.
        digest = (cache.input_digest(src) + (":strict" if strict else "") + (f":grafana={grafana}" if grafana else "")
                  + "".join(f":target={t}" for t in sorted(set(targets))))
    except OSError as exc:
        _os_error(exc, "read the sources")
    state = cache.State(src, out)
    if not no_cache and not check and state.fresh(digest):
        click.echo(f"mac: {out} is up to date (nothing changed since the last compile)")
        return
    real_out = os.path.realpath(out)  # a symlinked out is followed (write.Staging)
    if not check and os.path.lexists(real_out) and not os.path.isdir(real_out):
        _fault(f"{out} exists and is not a folder", USAGE)
    # The staging folder exists before compiling so parallel workers can write into it; it is
    # removed on any failure, leaving OUT exactly as it was. Files OUT already holds are linked.
    try:
        staging_context = contextlib.nullcontext() if check else Staging(out, state.outputs())
    except OSError as exc:
        _os_error(exc, f"prepare {out}")
    with staging_context as staging:
        if staging is not None:
            staging.previous_tests = state.tests()
        if state.broken:
            click.echo(f"mac: ignoring the unreadable cache file {state.broken}; compiling everything", err=True)
        try:
            result = compile_tree(src, debug=debug, parallel=True, staging=staging, strict=strict, grafana=grafana,
                                  targets=targets)
        except OSError as exc:
            _os_error(exc, f"write into {out}")
        _report(result.problems, fmt)
        if not result.ok:
            click.echo(f"mac: {sum(p.severity.value == 'error' for p in result.problems)} error(s); "
                       f"{out} left unchanged", err=True)
            sys.exit(PROBLEMS)
        try:
            if check:
                verdict = _consumers_on_copy(result, promtool)
            else:
                staging.write(result.files)
                verdict = _consumers(staging.path, {**result.files, **result.staged}, result, promtool)
        except OSError as exc:
            _os_error(exc, f"write into {out}")
        _report(verdict.problems, fmt)
        if verdict.missing:
            click.echo(f"mac: not checked by {', '.join(verdict.missing)}: not installed"
                       + ("" if require_checkers else " (--require-checkers makes this an error)"), err=True)
        if verdict.problems:
            click.echo(f"mac: {len(verdict.problems)} file(s) rejected by their consumer; {out} left unchanged", err=True)
            sys.exit(PROBLEMS)
        if verdict.missing and require_checkers:
            _fault(f"{out} left unchanged: the checkers above are required (--require-checkers)", TOOL)
        if check:
            try:
                diff = differences(result.files, out)
            except OSError as exc:
                _os_error(exc, f"read {out}")
            if diff:
                click.echo("\n".join(diff))
                click.echo(f"mac: {out} is out of date; run `make build` (or `mac compile --out {out}`) "
                           "and commit the result", err=True)
                sys.exit(PROBLEMS)
            _record(src, out, digest, {rel: file_digest(data) for rel, data in result.files.items()})
            click.echo(f"mac: {out} is up to date ({len(result.files)} files)")
            return
        try:
            staging.commit()
        except NotOurs as exc:
            _fault(str(exc), USAGE)
        except OSError as exc:
            _os_error(exc, f"replace {out}")
    _record(src, out, digest, {**staging.hashes, **result.staged}, result.definitions.cache.get("test_files"))
    click.echo(f"mac: wrote {len(result.files) + len(result.staged)} files to {out} "
               f"({result.dashboards} dashboards, {len(result.definitions.alerts)} alerts)")


def _record(*args) -> None:
    """The no-change cache is an optimisation: a cache that cannot be written is said, not fatal."""
    from . import cache

    try:
        cache.record(*args)
    except OSError as exc:
        click.echo(f"mac: cannot write the cache ({exc.filename or ''}: {exc.strerror or exc}); "
                   "the next compile does everything again", err=True)


def _consumers(folder, files, result, promtool):
    from .consumers import run_all

    return run_all(folder, files, result.definitions, promtool)


def _consumers_on_copy(result, promtool):
    """--check writes nothing to OUT: the files the checkers read go to a temporary folder."""
    import tempfile


    wanted = {rel: data for rel, data in result.files.items()
              if rel.startswith(("prometheus/", "alertmanager/", "nginx/")) and not rel.startswith("prometheus/tests/")}
    with tempfile.TemporaryDirectory(prefix="mac-check-") as folder:
        for rel, data in wanted.items():
            path = os.path.join(folder, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        return _consumers(folder, wanted, result, promtool)


@main.command("lint")
@click.option("--src", default=".", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding dashboards/ and alerts/ (and pyproject.toml with [tool.mac]).")
@click.option("--format", "fmt", default="text", show_default=True, type=FORMATS,
              help="text for terminals, json for tools, github for workflow annotations.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks from definition files.")
@STRICT
def lint_cmd(src: str, fmt: str, fail_on: str, debug: bool, strict: bool) -> None:
    """Check the definitions without writing anything.

    Every rule (mac lint --help lists where they are documented: README, "Lint rules") runs
    over every dashboard, panel, query and alert; all problems are printed at once, sorted
    by file and line, each with its rule id and a hint. Disable a rule for the tree with
    `disable = ["panel/unit"]` under [tool.mac] in pyproject.toml, or for one object with
    ignore=("panel/unit",)."""
    result = compile_tree(src, debug=debug, parallel=True, strict=strict)
    problems = result.problems
    if fmt == "json":
        click.echo(render(problems, "json"))
    elif problems:
        click.echo(render(problems, fmt))
    failing = [p for p in problems if p.severity.value == "error" or fail_on == "warning"]
    if fmt == "text":
        click.echo(f"mac: {len(problems)} problem(s), {sum(p.severity.value == 'error' for p in problems)} error(s)",
                   err=True)
    if failing:
        sys.exit(PROBLEMS)


@main.command("diff")
@click.option("--base", default=None, help="Revision to compare with (default: the merge-base with main).")
@click.option("--head", default=None, help="Revision to compare (default: the working tree).")
@click.option("--src", default=".", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding dashboards/ and alerts/, inside a git repository.")
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "markdown", "json"]),
              help="text for terminals, markdown for a pull-request comment, json for tools.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when something changed.")
@click.option("--preview", "preview_dir", default=None, metavar="DIR", type=click.Path(dir_okay=True),
              help="Also draw every changed panel before and after (DIR/<uid>/<panel>.png, side by side; "
                   "synthetic data unless --prometheus).")
@click.option("--prometheus", default=None, metavar="URL", help="With --preview: draw with this Prometheus' data.")
def diff_cmd(base: str, head: str, src: str, fmt: str, exit_code: bool, preview_dir: str, prometheus: str) -> None:
    """Say what changed in dashboards, alerts and the stack between two revisions.

    Both revisions are compiled and their objects compared (not their text): alerts added,
    removed or renamed; thresholds, comparisons, `for`, severity, labels and annotations;
    panels added, removed, moved, or with other queries, units or thresholds; variables;
    scrape targets and routes. Risky changes are flagged."""
    import os
    import shutil

    from .catalog import catalog
    from .diff.compare import compare, output_notes
    from .diff.render import RENDERERS
    from .diff.revisions import GitError, checkout, default_base, git
    from .diff.snapshot import snapshot_trees

    src = os.path.abspath(src)
    try:
        top = git(src, "rev-parse", "--show-toplevel")
        subdir = os.path.relpath(src, top)
        subdir = "" if subdir == "." else subdir
        base = base or default_base(top)
    except GitError as exc:
        click.echo(f"mac: {exc}", err=True)
        sys.exit(USAGE)
    folders = []
    try:
        trees = []
        for ref in (base, head):
            folder = src if ref is None else checkout(top, ref, subdir)
            if ref is not None:
                folders.append(folder)
            # Problems in a checked-out revision name its files as in the repository.
            trees.append((folder, os.getcwd() if ref is None else (folder[: -len(subdir) - 1] if subdir else folder)))
        snapshots = snapshot_trees(trees)
        for ref, (_, result) in zip((base, head), snapshots):
            if not result.ok:
                _report(result.problems, "text")
                click.echo(f"mac: {ref or 'the working tree'} does not compile", err=True)
                sys.exit(PROBLEMS)
        # The previews need both sides compiled (the demo reads their alert tests), and the
        # checked-out revisions are removed below.
        compiled_sides = [compile_tree(folder, grafana="11") for folder, _ in trees] if preview_dir else None
    except GitError as exc:
        click.echo(f"mac: {exc}", err=True)
        sys.exit(USAGE)
    finally:
        for folder in folders:
            shutil.rmtree(folder if not subdir else folder[: -len(subdir) - 1], ignore_errors=True)
    (before, _), (after, head) = snapshots
    changes = compare(before, after, catalog(head.definitions))
    pairs = None
    if preview_dir:
        pairs = _diff_preview(preview_dir, compiled_sides, changes, prometheus)
    text = RENDERERS[fmt](changes, output_notes(before, after)).rstrip("\n")
    if pairs is not None:
        from .diff.render import previews

        text = previews(text, fmt, pairs, preview_dir)
    click.echo(text)
    if exit_code and changes:
        sys.exit(PROBLEMS)


def _diff_preview(folder, sides, changes, prometheus):
    import time

    from .preview import diffimages
    from .preview.run import now_from_env

    for result in sides:
        if not result.ok:
            _report(result.problems, "text")
            _fault("a revision does not compile, so it cannot be drawn", PROBLEMS)
    with _preview_faults():
        return diffimages.write(folder, *sides, changes, {"prometheus": prometheus, "demo": not prometheus},
                                now_from_env() or time.time())


@contextlib.contextmanager
def _preview_faults():
    """A preview's failures as exit codes: what was asked (2), a missing program (3), the file
    system (4)."""
    from .preview.assets import AssetsMissing
    from .preview.run import PreviewError
    from .preview.screenshots import BrowserMissing
    from .preview.timerange import TimeError
    from .write import NotOurs

    try:
        yield
    except (PreviewError, TimeError) as exc:
        _fault(str(exc), USAGE)
    except (AssetsMissing, BrowserMissing) as exc:
        _fault(str(exc), TOOL)
    except NotOurs as exc:
        _fault(str(exc), FILESYSTEM)
    except OSError as exc:
        _os_error(exc, "write the preview")


@main.command("preview")
@click.option("--src", default=".", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding dashboards/ and alerts/.")
@click.option("--out", default="preview", show_default=True, type=click.Path(dir_okay=True),
              help="Folder for the pages (and images); replaced as a whole.")
@click.option("--prometheus", metavar="URL", default=None, help="Run every panel's queries against this Prometheus.")
@click.option("--demo", is_flag=True, help="Draw synthetic series instead (no server); the pages say so.")
@click.option("--from", "start", default=None, metavar="TIME",
              help="Start of the range: now-6h, an ISO 8601 time or epoch seconds (default: each dashboard's).")
@click.option("--to", "end", default=None, metavar="TIME", help="End of the range (default: each dashboard's, usually now).")
@click.option("--now", default=None, metavar="TIME",
              help="What `now` means (ISO 8601 or epoch seconds; default: the clock, or SOURCE_DATE_EPOCH).")
@click.option("--dashboard", "uids", multiple=True, metavar="UID", help="Only this dashboard (repeatable).")
@click.option("--png", is_flag=True, help="Also write png/<uid>.png and png/<uid>/<panel id>.png (headless Chromium).")
@click.option("--fail-on-empty", is_flag=True, help="Exit 1 if any panel with queries has no data.")
def preview_cmd(src, out, prometheus, demo, start, end, now, uids, png, fail_on_empty) -> None:
    """Draw every dashboard as a web page, offline, with real or synthetic data.

    Writes OUT/index.html and one page per dashboard: panels at their grid positions, time
    series drawn with uPlot, stat, gauge, bar gauge, table, heatmap and text panels, units as
    Grafana formats them, threshold lines where alerts fire. Panels without data are listed
    at the top of their page and on stderr."""
    from .preview.run import draw, write
    from .preview.timerange import TimeError, parse_time

    try:
        moment = parse_time(now, 0.0) if now else None
    except TimeError as exc:
        _fault(f"--now: {exc}", USAGE)
    result = compile_tree(src, grafana="11")
    _report(result.problems, "text")
    if not result.ok:
        sys.exit(PROBLEMS)
    with _preview_faults():
        rendered = draw(result, {"prometheus": prometheus, "demo": demo}, start, end, uids, moment)
        report = write(out, rendered, png)
    for item in rendered.empty:
        click.echo(f"mac preview: {item.uid} / {item.title}: No data ({item.reason})", err=True)
    for item in rendered.skipped:
        click.echo(f"mac preview: {item.uid} / {item.title}: not drawn ({item.reason})", err=True)
    for line in report.console_errors:
        click.echo(f"mac preview: browser console: {line}", err=True)
    pages = len(rendered.pages)
    click.echo(f"{os.path.join(out, 'index.html')}: {pages} dashboard{'s' if pages != 1 else ''}"
               + (f", {len(report.images)} images" if png else "")
               + (f"; {len(rendered.empty)} panels without data" if rendered.empty else ""))
    if report.console_errors or (fail_on_empty and rendered.empty):
        sys.exit(PROBLEMS)


@main.command("deploy")
@click.option("--src", default=".", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding dashboards/, alerts/ and stack.py.")
@click.option("--out", default="build", show_default=True, type=click.Path(dir_okay=True),
              help="Where mac compile writes first; what is deployed.")
@click.option("--plan", "mode", flag_value="plan", default=True, help="Say what would change (the default).")
@click.option("--apply", "mode", flag_value="apply", help="Check, put the files in place, reload, verify; roll back on failure.")
@click.option("--prune", is_flag=True, help="Also delete mac's files that build/ no longer has (never another file).")
@click.option("--root", default="", metavar="DIR", help="Put every path of the deployment under DIR.")
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "markdown", "json"]))
@click.option("--exit-code", is_flag=True, help="With --plan: exit 1 when there is something to do (drift).")
@click.pass_context
def deploy_cmd(ctx, src, out, mode, prune, root, fmt, exit_code) -> None:
    """Compile, then deploy build/ to this host as stack.py's Host() says.

    --plan (the default) lists the files to create, change and (with --prune) delete, and the
    reloads that would follow. --apply checks the new configuration with the programs that
    read it, swaps the files in per service (keeping the ones it replaces under the Host's
    state_dir), reloads each service and asks it whether the new configuration is live; if any
    step fails it puts the previous files back, reloads, verifies the old state and exits 1.
    mac only changes or deletes files that carry its header or that it deployed itself."""
    import types

    from .compiler import check_tree
    from .deploy import apply as apply_
    from .deploy import plan as plan_
    from .write import read_tree

    root = os.path.abspath(root) if root else ""
    with contextlib.redirect_stdout(sys.stderr):  # the compile's words, apart from the plan
        ctx.invoke(compile_cmd, src=src, out=out, check=False, fmt="text", debug=False, no_cache=False,
                   require_checkers=mode == "apply", promtool=None, grafana=None, strict=False)
    defs = check_tree(src).definitions
    if defs.stack is None:
        _fault("no stack.py: nothing says where to deploy", USAGE)
    host, grafana = defs.stack.deploy, defs.stack.grafana
    try:
        files = read_tree(out)
        plan = plan_.make(files, host, grafana, root, prune)
    except OSError as exc:
        _os_error(exc, "read the deployment")
    click.echo(plan_.render(plan, fmt))
    if mode == "plan":
        if plan.refused or (exit_code and plan.todo):
            sys.exit(PROBLEMS)
        return

    def check():
        verdict = _consumers_on_copy(types.SimpleNamespace(files=files, definitions=defs), None)
        return [p.message for p in verdict.problems] + [f"{m} is not installed" for m in verdict.missing]

    outcome = apply_.apply(plan, files, host, grafana, root, check, say=lambda line: click.echo(f"mac deploy: {line}", err=True))
    if outcome.ok:
        click.echo("mac deploy: nothing to do" if not plan.todo else
                   f"mac deploy: applied and verified ({', '.join(plan.services())})")
        return
    click.echo(f"mac deploy: failed: {outcome.failure}", err=True)
    if outcome.rolled_back:
        click.echo("mac deploy: rolled back: " + (f"but {outcome.rollback_failure}" if outcome.rollback_failure
                                                 else "every file is as it was before (the lines above say "
                                                      "what was reloaded and verified)"), err=True)
    sys.exit(PROBLEMS)


@main.command("test")
@click.option("--src", default=".", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="Folder holding dashboards/ and alerts/.")
@click.option("--promtool", default=None, help="promtool to run (default: the one on PATH).")
@click.option("--jobs", default=None, type=click.IntRange(min=1),
              help="promtool processes in parallel, a positive number (default: one per core, up to 4).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks from definition files.")
def test_cmd(src: str, promtool: str, jobs: int, debug: bool) -> None:
    """Run every alert test with promtool.

    Compiles the definitions (nothing is written to build/), runs `promtool test rules` on the
    alert tests (the AlertTests you wrote and the boundary tests mac derives from each
    threshold alert) and prints, per alert, each test with its result and where it was
    written. Exit 1 if any test fails."""
    from .testing.runner import PromtoolMissing, report, run

    result = compile_tree(src, debug=debug)
    _report(result.problems, "text")
    if not result.ok:
        sys.exit(PROBLEMS)
    try:
        results = run(result.files, result.definitions, promtool=promtool, jobs=jobs)
    except PromtoolMissing as exc:
        _fault(str(exc), TOOL)
    click.echo(report(results))
    if not all(r.passed for r in results):
        sys.exit(PROBLEMS)


@main.group("import")
def import_group() -> None:
    """Turn existing Grafana dashboards and Prometheus rule files into mac's Python.

    Every input is converted before anything is written: one bad file (with its path and the
    JSON path or line) and nothing is written, exit 1."""


def _import_report(result) -> None:
    for note in result.notes:
        click.echo(f"mac: note: {note}", err=True)
    for problem in result.problems:
        click.echo(f"{problem}", err=True)
    for path, where, before, after in result.differences:
        click.echo(f"{path}: {where}: input {before!r:.120} but compiles to {after!r:.120}", err=True)
    if result.problems or result.differences:
        count = len(result.problems) + len(result.differences)
        click.echo(f"mac: {count} problem(s); nothing written", err=True)
        sys.exit(PROBLEMS)


@import_group.command("grafana")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", default="dashboards", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write one module per dashboard into.")
@click.option("--check", is_flag=True,
              help="Also compile each module in memory and compare it with the input (normalized); "
                   "any difference is reported with its JSON path and nothing is written.")
@click.option("--add-metrics", "add_metrics", is_flag=True,
              help="Add the metrics the dashboards' Prometheus queries read to [tool.mac.metrics] in "
                   "pyproject.toml (as \"untyped\"), so promql/unknown-metric knows them.")
@click.option("--datasource-variable", "datasource_variable", is_flag=True,
              help="Rewrite every Prometheus datasource reference to mac's ${datasource} variable.")
@click.option("--no-baseline", is_flag=True,
              help="Do not write `ignore=` for the lint errors each dashboard already has.")
def import_grafana_cmd(paths, out: str, check: bool, add_metrics: bool, datasource_variable: bool,
                       no_baseline: bool) -> None:
    """Import Grafana dashboards (files or folders of JSON: classic, API export or Grafana 12
    resource) into dashboards/<name>.py."""
    from .importers import run

    pyproject = run.pyproject_beside(out)
    if add_metrics:  # declared first, so the baseline does not ignore what they would fix
        probe = run.grafana(paths, out, baseline=False, datasource_variable=datasource_variable)
        if not probe.problems:
            try:
                run.add_metrics(probe.metrics, pyproject)
            except OSError as exc:
                _os_error(exc, "writing pyproject.toml")
    result = run.grafana(paths, out, check=check, baseline=not no_baseline, datasource_variable=datasource_variable)
    _import_report(result)
    try:
        run.write(result, out)
    except OSError as exc:
        _os_error(exc, "writing the imported modules")
    share = 100.0 * result.panels_with_extra / result.panels if result.panels else 0.0
    click.echo(f"mac: imported {result.modules} dashboard(s) "
               f"into {out} ({result.panels} panels, {result.panels_with_extra} with extra: {share:.1f} %)"
               + ("; round trip: no difference" if check else ""))


@import_group.command("rules")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", default="alerts", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write one module per rule file into.")
@click.option("--check", is_flag=True,
              help="Also compile each module in memory and compare its rule groups with the input; "
                   "any difference is reported and nothing is written.")
@click.option("--add-metrics", "add_metrics", is_flag=True,
              help="Add the metrics the rules read to [tool.mac.metrics] in pyproject.toml (as \"untyped\"), "
                   "so promql/unknown-metric knows them.")
def import_rules_cmd(paths, out: str, check: bool, add_metrics: bool) -> None:
    """Import Prometheus rule files, Kubernetes PrometheusRule manifests and Mimir/Cortex
    namespace files into alerts/<file>.py."""
    from .importers import run

    result = run.rules(paths, out, check=check)
    _import_report(result)
    try:
        run.write(result, out)
        if add_metrics:
            added = run.add_metrics(result.metrics, run.pyproject_beside(out))
            click.echo(f"mac: added {added} metric(s) to [tool.mac.metrics]")
    except OSError as exc:
        _os_error(exc, "writing the imported modules")
    click.echo(f"mac: imported {result.rules} rule(s) from {result.modules} file(s) into {out}"
               + ("; round trip: no difference" if check else ""))


if __name__ == "__main__":
    main()
