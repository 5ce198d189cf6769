"""The campaign's settings file and its equivalent-mutant list, read into plain values."""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent
SETTINGS_FILE = HERE / "settings.toml"
EQUIVALENT_FILE = HERE / "equivalent.yaml"


@dataclass(frozen=True)
class Settings:
    sample: int
    seed: int
    threshold: float
    jobs: int
    timeout_seconds: float
    timeout_scale: float
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    skip_lines_matching: tuple[str, ...]
    operators: tuple[str, ...]
    feature_map: tuple[tuple[str, tuple[str, ...]], ...]

    def source_files(self, root: Path = PROJECT_ROOT) -> list[str]:
        found = set()
        for pattern in self.include:
            for path in root.glob(pattern):
                rel = path.relative_to(root).as_posix()
                if not any(fnmatch.fnmatch(rel, ex) for ex in self.exclude):
                    found.add(rel)
        return sorted(found)

    def features_for(self, rel_path: str) -> tuple[str, ...]:
        for pattern, folders in self.feature_map:
            if fnmatch.fnmatch(rel_path, pattern):
                return folders
        raise ValueError(f"no feature folders are mapped for {rel_path} in {SETTINGS_FILE.name}")


def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    raw = tomllib.loads(path.read_text())
    campaign, files = raw["campaign"], raw["files"]
    return Settings(
        sample=int(campaign["sample"]),
        seed=int(campaign["seed"]),
        threshold=float(campaign["threshold"]),
        jobs=int(campaign["jobs"]),
        timeout_seconds=float(campaign["timeout_seconds"]),
        timeout_scale=float(campaign["timeout_scale"]),
        include=tuple(files["include"]),
        exclude=tuple(files.get("exclude", ())),
        skip_lines_matching=tuple(files.get("skip_lines_matching", ())),
        operators=tuple(raw["operators"]["use"]),
        feature_map=tuple((entry["files"], tuple(entry["run"])) for entry in raw["features"]),
    )


def load_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """Key → reason for every mutant judged equivalent."""
    raw = yaml.safe_load(path.read_text()) or {}
    judged = {}
    for entry in raw.get("equivalent") or []:
        key, reason = entry.get("key"), (entry.get("reason") or "").strip()
        if not key or not reason:
            raise ValueError(f"{path.name}: every equivalent mutant needs a key and a reason, got {entry!r}")
        judged[key] = reason
    return judged
