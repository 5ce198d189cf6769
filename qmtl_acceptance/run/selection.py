"""What a run would run, decided before anything starts: paths, tags, names, settings.

behave's own Configuration parses the arguments, so the selection here is the
one behave will make. A path that does not exist, a tag no feature carries and
a selection of no scenario are refused here, with one line, before a stack is
started or a report touched.
"""
from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .outcome import ScenarioKey

# A file of `feature:line` locations: the run (a worker, a shard) is exactly these scenarios.
LIST_ENV = "QMTL_E2E_SCENARIO_LIST"

# Tags behave evaluates itself; they need not appear in a feature.
_BUILTIN_TAGS = ("skip", "wip", "fixture.*")


@dataclass(frozen=True)
class SelectedScenario:
    """A selected scenario as a worker or a shard is handed it: behave runs exactly `location`."""

    key: ScenarioKey
    location: str  # features/x.feature:LINE (an outline's example row has its own line)
    tags: tuple[str, ...] = ()


@dataclass
class Selection:
    scenarios: list[ScenarioKey] = field(default_factory=list)
    items: list[SelectedScenario] = field(default_factory=list)
    known_tags: set[str] = field(default_factory=set)
    userdata: dict[str, str] = field(default_factory=dict)


def behave_configuration(args: list[str]):
    from behave.configuration import Configuration

    try:
        return Configuration(command_args=list(args))
    except SystemExit as exc:  # argparse already printed its one line
        raise ConfigError(f"behave refused the arguments {' '.join(args)!r}") from exc
    except Exception as exc:
        raise ConfigError(f"behave refused the arguments: {exc}") from None


def _path_problem(path: str) -> str | None:
    if path.startswith("@"):  # a file listing feature locations
        listed = Path(path[1:])
        return None if listed.is_file() else f"no such feature list {listed}"
    plain = path.rsplit(":", 1)[0] if path.rsplit(":", 1)[-1].isdigit() else path
    if Path(plain).exists():
        return None
    return f"no such feature path {plain!r}"


def tag_names(expression) -> list[str]:
    """The tag names a parsed tag expression mentions (cucumber-tag-expressions model)."""
    found: list[str] = []

    def walk(node) -> None:
        if node is None:
            return
        name = getattr(node, "name", None)
        if isinstance(name, str):
            found.append(name.lstrip("@"))
        for attr in ("term", "left", "right"):
            walk(getattr(node, attr, None))
        for child in getattr(node, "terms", None) or ():
            walk(child)

    walk(expression)
    return found


def _tag_families(known: set[str]) -> list[str]:
    """Tags with a dotted family folded into one wildcard: @deviation.* rather than seventeen names."""
    shown: dict[str, int] = {}
    for tag in sorted(known):
        if tag.startswith(("use.", "not.")):
            continue
        family = tag.split(".", 1)[0] + ".*" if "." in tag else tag
        shown[family] = shown.get(family, 0) + 1
    return [f"@{name}" for name in shown]


def _tag_problem(tag: str, known: set[str]) -> str | None:
    if any(fnmatch.fnmatchcase(tag, pattern) for pattern in _BUILTIN_TAGS):
        return None
    if any(fnmatch.fnmatchcase(k, tag) for k in known):
        return None
    close = difflib.get_close_matches(tag, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean @{close[0]}?" if close else "; the features carry: " + ", ".join(_tag_families(known)) + " (--help lists them all)"
    return f"no feature or scenario carries the tag @{tag}{hint}"


def listed_locations() -> set[str] | None:
    import os

    path = os.environ.get(LIST_ENV, "").strip()
    if not path:
        return None
    return {line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()}


def keep_listed(features: list) -> None:
    """Drop every scenario the list does not name from the parsed model, before any formatter sees it.

    behave's own `file:line` selection marks the others skipped, and every
    report would then show them as skips; pruned, they are simply not part of the run.
    """
    from behave.model import Rule, ScenarioOutline

    listed = listed_locations()
    if listed is None:
        return

    def kept(container) -> bool:
        items = []
        for item in container.run_items:
            if isinstance(item, Rule):
                if kept(item):
                    items.append(item)
            elif isinstance(item, ScenarioOutline):
                rows = [s for s in item.scenarios if f"{s.filename}:{s.line}" in listed]
                if rows:
                    item._scenarios = rows  # the built rows; behave rebuilds only from modified tables
                    items.append(item)
            elif f"{item.filename}:{item.line}" in listed:
                items.append(item)
        container.run_items[:] = items
        if hasattr(container, "scenarios") and isinstance(container.scenarios, list):
            container.scenarios[:] = [s for s in container.scenarios if s in items]
        return bool(items)

    features[:] = [feature for feature in features if kept(feature)]


def userdata(config) -> dict[str, str]:
    return {k: str(v) for k, v in config.userdata.items()}


def all_tags(paths: list[str] | None = None) -> list[str]:
    """Every tag the features carry (for --help)."""
    from behave.runner_util import collect_feature_locations, parse_features

    tags: set[str] = set()
    for feature in parse_features(collect_feature_locations(paths or ["features"])):
        for scenario in feature.walk_scenarios():
            tags.update(str(t) for t in scenario.effective_tags)
    return sorted(tags)


def select(args: list[str], config=None) -> Selection:
    """The scenarios behave would run for these arguments; ConfigError when that is none or a name is wrong."""
    from behave.runner_util import collect_feature_locations, parse_features

    config = config if config is not None else behave_configuration(args)
    paths = list(config.paths or ["features"])
    for path in paths:
        problem = _path_problem(path)
        if problem:
            raise ConfigError(problem)
    locations = [loc for loc in collect_feature_locations(paths) if not config.exclude(loc)]
    features = parse_features(locations, language=config.lang)
    selection = Selection(userdata=userdata(config))
    for feature in features:
        for scenario in feature.walk_scenarios():
            selection.known_tags.update(str(t) for t in scenario.effective_tags)
    for tag in tag_names(config.tag_expression):
        problem = _tag_problem(tag, selection.known_tags)
        if problem:
            raise ConfigError(problem)
    listed = listed_locations()
    for feature in features:
        for scenario in feature.walk_scenarios():
            if listed is not None and f"{scenario.filename}:{scenario.line}" not in listed:
                continue
            if scenario.should_run(config):
                key = ScenarioKey(feature.name, scenario.name)
                selection.scenarios.append(key)
                selection.items.append(SelectedScenario(
                    key, f"{scenario.filename}:{scenario.line}", tuple(str(t) for t in scenario.effective_tags)))
    if not selection.scenarios:
        asked = " ".join(args) or "(no arguments)"
        raise ConfigError(f"the selection is empty: no scenario matches {asked}")
    return selection
