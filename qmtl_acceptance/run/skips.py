"""Skips come only from what the stack offers at start (active tags), each with a reason a person can act on.

A scenario that finds mid-way that it cannot verify its property must fail
with the reason, not turn into a silent skip: `refuse_late_skips` makes a
step's `scenario.skip(reason)` an assertion failure carrying that reason.
"""
from __future__ import annotations

import sys
from typing import Iterable, Mapping

from behave.tag_matcher import ActiveTagMatcher

PREFIX_USE, PREFIX_NOT = "use.with_", "not.with_"


def _explain(category: str, wanted: str, actual: str, negated: bool, target: str) -> str:
    if category == "stores":
        return (f"reads Redis and Postgres directly, and the {target} target gives the suite no address for them "
                "(set redis_url and postgres_dsn)")
    if category == "restarts":
        return f"stops or restarts services, which the {target} target cannot do"
    if category == "contract":
        return f"describes QMTL contract {wanted}; this run holds the target to {actual} (-D contract_version=...)"
    if category == "signing":
        return (f"presents tokens signed as the Gateway signs, and the {target} target gives the suite no key the Gateway "
                "trusts (neither a published shared secret nor the operator's signing key)")
    if category == "runner_clock":
        return "stands at an exact \"now\" by setting the reference runner's clock, and runner_command names another runner"
    if category == "installation":
        return f"runs the guide's command with the target's own installation, and the {target} target has none the suite can run"
    if category == "target":
        return f"runs on the {wanted} target only; this run is on {actual}" if not negated else f"does not run on the {actual} target"
    return f"needs {category}={wanted}; this run has {category}={actual}"


def skip_reason(capabilities: Mapping[str, str], tags: Iterable[str], target: str) -> str | None:
    """None when the tags allow the scenario on this stack, else why not."""
    tags = [str(t) for t in tags]
    if not ActiveTagMatcher(dict(capabilities)).should_skip_with_tags(tags):
        return None
    reasons = []
    for tag in tags:
        for prefix, negated in ((PREFIX_USE, False), (PREFIX_NOT, True)):
            if tag.startswith(prefix) and "=" in tag:
                category, wanted = tag[len(prefix):].split("=", 1)
                actual = capabilities.get(category)
                if actual is None:
                    continue
                if (actual != wanted) != negated:
                    reasons.append(_explain(category, wanted, actual, negated, target))
    # A category with several allowed values is skipped only when none matches: name each once.
    return "; ".join(dict.fromkeys(reasons)) or "its active tags exclude it on this stack"


def signing_capability(operator_keys: Mapping[str, bytes], jwks: object) -> str:
    """"available" when the suite can sign tokens the Gateway's key check accepts: the operator's
    key, or a shared secret the JWKS publishes (real QMTL's `oct` key); else "unavailable"."""
    if operator_keys:
        return "available"
    keys = jwks.get("keys", []) if isinstance(jwks, dict) else []
    published_secret = any(isinstance(k, dict) and k.get("kty") == "oct" and k.get("k") for k in keys)
    return "available" if published_secret else "unavailable"


def announce(kind: str, name: str, reason: str) -> None:
    print(f"qmtl-acceptance: skipping {kind} {name!r}: {reason}", file=sys.__stderr__, flush=True)


class CannotVerify(AssertionError):
    pass


def refuse_late_skips(scenario) -> None:
    """From here on, a step asking to skip the scenario fails it with its reason instead."""
    original = scenario.skip

    def skip(reason=None, require_not_executed=False):
        if require_not_executed:  # behave itself, marking a scenario that never ran
            return original(reason, require_not_executed)
        raise CannotVerify(f"the scenario cannot verify its property on this stack: {reason or 'no reason given'}")

    scenario.skip = skip
