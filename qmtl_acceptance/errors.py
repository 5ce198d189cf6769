"""Errors the suite reports as one clear line instead of a traceback."""


class SuiteError(Exception):
    """A problem with the suite's input or surroundings, stated for a person."""


class ConfigError(SuiteError):
    pass


class StackError(SuiteError):
    pass
