"""The suite's two kinds of trouble, kept apart so a verdict says whose fault it is.

- ``TargetFailure`` (an ``AssertionError``): the system under test misbehaved.
  behave records it as a *failed* step; the message states what was expected
  and what was observed.
- ``SuiteError``: the suite's own input or surroundings are wrong (a bad
  setting, a missing binary, a stack that will not start or stopped
  answering). behave records it as an *error*; it is stated for a person as
  one line.
"""
from __future__ import annotations


class TargetFailure(AssertionError):
    """The target did not do what the contract says."""

    def __init__(self, message: str = "", *, expected: str = "", observed: str = "") -> None:
        self.expected = expected
        self.observed = observed
        if expected:
            message = f"{message + ': ' if message else ''}expected {expected}; observed {observed or 'nothing'}"
        super().__init__(message)


class SuiteError(Exception):
    """A problem with the suite's input or surroundings, stated for a person."""


class ConfigError(SuiteError):
    pass


class StackError(SuiteError):
    pass
