"""How a run fails: one line for a person, and the reference runner's exit codes for a script."""
from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the run started and broke
EXIT_BAD_INPUT = 2  # the command was wrong: nothing was submitted
EXIT_GATEWAY = 3  # the Gateway could not be reached or refused the strategy


class AdapterError(Exception):
    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def __str__(self) -> str:
        return " ".join(str(self.args[0]).split())
