"""The worlds feature passes on the reference stack, and a Gateway that names WorldService's address fails it."""
from __future__ import annotations

WORLDS = "features/worldservice/worlds.feature"
SLASHED = "Reading {} with a trailing slash through the Gateway never points at WorldService itself"

# Every scenario that checks what the Gateway relayed for naming WorldService's own address.
NAMING_CHECKED = [
    "A world created through the Gateway is answered and read back active and not allowed to go live",
    "Reading a world nobody created is answered not found",
    "The decision for each of two worlds names that world, with its mode, domain, time to live and etag",
    "While WorldService is down the Gateway answers 503, and afterwards its worlds and activations are back",
    "While WorldService's store is down the Gateway answers 503, and afterwards its worlds and activations are back",
    *(SLASHED.format(what) for what in ("the list of worlds", 'world "alpha"', 'the decision for world "alpha"')),
]


def _base(name: str) -> str:
    return name.split(" -- @", 1)[0].strip()


def test_the_worlds_feature_passes_on_the_reference_stack(behave_run):
    # The outage scenarios restart WorldService and Redis: a stack of its own.
    run = behave_run(WORLDS, own_stack=True)
    assert run.returncode == 0 and not run.statuses("failed"), run.explain()
    assert len(run.statuses("passed")) == 30, run.explain()


def test_answers_naming_worldservice_fail_every_scenario_that_checks_them(behave_run):
    run = behave_run(WORLDS, faults=["worlds_answers_name_worldservice"], own_stack=True)
    assert run.returncode != 0, run.explain()
    assert sorted(_base(n) for n in run.statuses("failed")) == sorted(NAMING_CHECKED), run.explain()
    for name, message in run.failures.items():
        assert "names WorldService's own address" in message, f"{name}: {message[-1500:]}"


REPOST_KEEPS_NAME = "Creating a world again without a name keeps its name, and a later name still replaces it"
# The scenarios that create worlds but never re-POST one without a name, run beside it to show they stay green.
CREATING = [
    REPOST_KEEPS_NAME,
    "A world created with its id alone is answered and read back active and not allowed to go live",
    "Creating a world again under a new name updates it in place",
    "Two worlds keep their own names",
]


def test_a_repost_that_forgets_the_name_fails_only_the_scenario_that_reposts_without_one(behave_run):
    names = [f"^{name}$" for name in CREATING]
    run = behave_run(WORLDS, faults=["world_repost_forgets_name"], names=names)
    assert run.returncode != 0, run.explain()
    assert sorted(_base(n) for n in run.statuses("failed")) == [REPOST_KEEPS_NAME], run.explain()
    assert sorted(_base(n) for n in run.statuses("passed")) == sorted(CREATING[1:]), run.explain()
    message = run.failures[next(iter(run.failures))]
    assert "'name': 'Alpha desk'" in message, message[-1500:]
