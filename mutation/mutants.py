"""Cosmic Ray's mutants of the contract code: enumerate, key stably, draw a seeded sample.

A mutant is (file, operator, occurrence) as Cosmic Ray numbers them; its key
is the file plus a hash of the original and the mutated line and the lines
beside it, so a judgement about it (equivalent.yaml) survives edits elsewhere
in the file.
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

import cosmic_ray.plugins
from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.mutating import mutate_code

from mutation.settings import PROJECT_ROOT, Settings


@dataclass(frozen=True)
class Mutant:
    path: str            # relative to the project root
    line: int
    operator: str
    occurrence: int
    original_line: str
    mutated_line: str
    mutated_source: str
    neighbours: str = ""  # the lines just before and after, so two identical lines in one file get two keys

    @property
    def key(self) -> str:
        text = f"{self.original_line.strip()}\n{self.mutated_line.strip()}\n{self.neighbours}"
        digest = hashlib.sha1(text.encode()).hexdigest()
        return f"{self.path}:{digest[:12]}"

    @property
    def short_id(self) -> str:
        return hashlib.sha1(f"{self.path}:{self.operator}:{self.occurrence}".encode()).hexdigest()[:8]

    @property
    def change(self) -> str:
        return f"{self.original_line.strip()}  →  {self.mutated_line.strip()}"


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    operator: str
    occurrence: int


def _operator(name: str):
    return cosmic_ray.plugins.get_operator(name)()


def sites(settings: Settings, root: Path = PROJECT_ROOT) -> list[Site]:
    """Every place an operator applies, in a stable order, minus skipped lines."""
    skips = [re.compile(p) for p in settings.skip_lines_matching]
    found: list[Site] = []
    for rel in settings.source_files(root):
        code = (root / rel).read_text()
        lines = code.splitlines()
        module_ast = get_ast(code)
        for name in settings.operators:
            operator = _operator(name)
            positions = [start for node in ast_nodes(module_ast) for start, _ in operator.mutation_positions(node)]
            for occurrence, (line, _col) in enumerate(positions):
                if any(s.search(text) for s in skips for text in _governing_lines(lines, line)):
                    continue
                found.append(Site(rel, line, name, occurrence))
    return found


def _governing_lines(lines: list[str], line: int) -> list[str]:
    """The line itself and each less-indented line it sits under: a skipped `if` skips its body too."""
    if not 0 < line <= len(lines):
        return []
    found = [lines[line - 1]]
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for text in reversed(lines[: line - 1]):
        stripped = text.lstrip()
        if stripped and not stripped.startswith("#") and len(text) - len(stripped) < indent:
            found.append(text)
            indent = len(text) - len(stripped)
            if indent == 0:
                break
    return found


def realise(site: Site, root: Path = PROJECT_ROOT) -> Mutant | None:
    """The mutant at a site, or None when Cosmic Ray makes no change there."""
    code = (root / site.path).read_text()
    mutated = mutate_code(code, _operator(site.operator), site.occurrence)
    if mutated is None or mutated == code:
        return None
    before, after = code.splitlines(), mutated.splitlines()
    line = site.line
    for index, (old, new) in enumerate(zip(before, after, strict=False)):
        if old != new:
            line = index + 1
            break
    original = before[line - 1] if line - 1 < len(before) else ""
    changed = after[line - 1] if line - 1 < len(after) else ""
    neighbours = "\n".join(before[i].strip() for i in (line - 2, line) if 0 <= i < len(before))
    return Mutant(site.path, line, site.operator, site.occurrence, original, changed, mutated, neighbours)


def draw(settings: Settings, size: int, seed: int, root: Path = PROJECT_ROOT) -> tuple[list[Mutant], int]:
    """A seeded random sample of `size` mutants, and how many sites there were."""
    every = sites(settings, root)
    order = random.Random(seed).sample(every, len(every))
    chosen: list[Mutant] = []
    for site in order:
        if len(chosen) == size:
            break
        mutant = realise(site, root)
        if mutant is not None:
            chosen.append(mutant)
    return chosen, len(every)


def find(settings: Settings, keys: list[str], root: Path = PROJECT_ROOT) -> list[Mutant]:
    """The mutants with these keys (a fixed sample), in the order given."""
    wanted = set(keys)
    paths = {k.rsplit(":", 1)[0] for k in keys}
    by_key: dict[str, Mutant] = {}
    for site in sites(settings, root):
        if site.path not in paths:
            continue
        mutant = realise(site, root)
        if mutant is not None and mutant.key in wanted:
            by_key.setdefault(mutant.key, mutant)
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise LookupError(f"no mutant has the key(s): {', '.join(missing)}")
    return [by_key[k] for k in keys]
