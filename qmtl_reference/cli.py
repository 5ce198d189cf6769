"""The ``qmtl-reference`` command line (also ``python -m qmtl_reference``).

Today it carries the guide's ``tools sdk run``; the reference services start
through their own modules (``python -m qmtl_reference.<service>``).
"""
from __future__ import annotations

import argparse
import sys

from .runner.args import OneLineParser, add_run_arguments
from .runner.errors import RunnerError

PROG = "qmtl-reference"


def _run(namespace: argparse.Namespace) -> int:
    from .runner.run import run_command

    return run_command(namespace)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="QMTL reference stack tools.")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True, parser_class=OneLineParser)
    tools = groups.add_parser("tools", help="developer tools")
    tool = tools.add_subparsers(dest="tool", metavar="TOOL", required=True, parser_class=OneLineParser)
    sdk = tool.add_parser("sdk", help="the strategy SDK")
    sdk_commands = sdk.add_subparsers(dest="sdk_command", metavar="SDK_COMMAND", required=True, parser_class=OneLineParser)
    run = sdk_commands.add_parser(
        "run",
        help="submit a strategy, backfill its history for a window, then process live bars",
        description=(
            "Submit the strategy's DAG to the Gateway (bound to --world), load each stream's history for "
            "[start, end) into its cache, then process live bars. Exit 0 on success, 2 for a bad command "
            "(nothing submitted), 3 when the Gateway is unreachable or refuses the strategy, 1 when the run breaks."
        ),
    )
    add_run_arguments(run)
    run.set_defaults(handler=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        namespace = build_parser().parse_args(argv)
    except RunnerError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return namespace.handler(namespace)


if __name__ == "__main__":
    raise SystemExit(main())
