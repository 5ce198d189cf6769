"""The campaign's table and score, as Markdown and JSON under reports/."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mutation.run import EQUIVALENT, KILLED, SURVIVED, TIMED_OUT, Outcome


@dataclass(frozen=True)
class Score:
    killed: int
    timed_out: int
    survived: int
    equivalent: int

    @property
    def non_equivalent(self) -> int:
        return self.killed + self.timed_out + self.survived

    @property
    def value(self) -> float:
        # A hang is a defect the suite noticed (its deadlines fired or the run never ended): it counts as killed.
        return (self.killed + self.timed_out) / self.non_equivalent if self.non_equivalent else 1.0


def score(outcomes: list[Outcome]) -> Score:
    count = lambda v: sum(1 for o in outcomes if o.verdict == v)  # noqa: E731
    return Score(count(KILLED), count(TIMED_OUT), count(SURVIVED), count(EQUIVALENT))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(outcomes: list[Outcome], result: Score, meta: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Mutation campaign" + ("" if meta.get("complete", True) else f" (under way: {len(outcomes)} judged)"),
        "",
        f"Tool: Cosmic Ray {meta['tool_version']}; sample {meta['sample']} of {meta['sites']} mutation sites, "
        f"seed {meta['seed']}; threshold {meta['threshold']:.0%}; wall time {meta['wall_seconds']:.0f} s; "
        f"jobs {meta['jobs']}; timeout {meta['timeout_seconds']:g} s per mutant; timeout_scale {meta['timeout_scale']:g}.",
        "",
        f"**Score: {result.value:.1%}** = (killed {result.killed} + timed out {result.timed_out}) / "
        f"non-equivalent {result.non_equivalent}; survived {result.survived}; equivalent {result.equivalent}.",
        "",
        *([f"Left out of every mutant's run, being red on the unmutated code: {'; '.join(meta['left_out'])}.", ""]
          if meta.get("left_out") else []),
        "| mutant | key | file:line | operator | mutation | verdict | killed by / reason | features | s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        m = o.mutant
        lines.append(
            f"| {m.short_id} | `{m.key.rsplit(':', 1)[1]}` | {m.path}:{m.line} | {m.operator.split('/')[-1]} | "
            f"`{_cell(m.change)}` | {o.verdict} | {_cell(o.detail)} | {', '.join(o.features)} | {o.seconds:.0f} |"
        )
    markdown = out_dir / "mutation.md"
    markdown.write_text("\n".join(lines) + "\n")
    (out_dir / "mutation.json").write_text(json.dumps({
        **meta,
        "score": result.value, "killed": result.killed, "timed_out": result.timed_out,
        "survived": result.survived, "equivalent": result.equivalent,
        "mutants": [{
            "id": o.mutant.short_id, "key": o.mutant.key, "file": o.mutant.path, "line": o.mutant.line,
            "operator": o.mutant.operator, "occurrence": o.mutant.occurrence, "original": o.mutant.original_line.strip(),
            "mutated": o.mutant.mutated_line.strip(), "verdict": o.verdict, "detail": o.detail,
            "features": list(o.features), "seconds": round(o.seconds, 1),
        } for o in outcomes],
    }, indent=2) + "\n")
    return markdown
