"""A strategy module whose own import fails: the runner must name the missing module."""
import a_dependency_nobody_installed  # noqa: F401
