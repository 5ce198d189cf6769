"""The HTML report, rewritten after every scenario, so a killed run leaves a readable page.

behave-html-pretty-formatter renders the whole page once, when the run closes;
a runner killed before that leaves a 0-byte file. This subclass renders the
page after each scenario into a temporary file renamed over the report.

    behave -f qmtl_acceptance.run.html_stream:StreamingHTMLFormatter -o reports/html/index.html
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO

from behave_html_pretty_formatter import PrettyHTMLFormatter


class StreamingHTMLFormatter(PrettyHTMLFormatter):
    stream: IO[str]  # the base formatter's output stream
    name = "html-pretty"  # keeps the base formatter's -D behave.formatter.html-pretty.* options

    def __init__(self, stream_opener, config, *args, **kwargs):
        self._target = Path(stream_opener.name)
        self._finished = False
        super().__init__(stream_opener, config, *args, **kwargs)

    def feature(self, feature):
        super().feature(feature)
        for scenario in feature.walk_scenarios():
            if not getattr(scenario, "_qmtl_html_snapshot", False):
                scenario._qmtl_html_snapshot = True
                scenario.run = self._then_snapshot(scenario.run)

    def _then_snapshot(self, run):
        def run_then_snapshot(runner, *args, **kwargs):
            try:
                return run(runner, *args, **kwargs)
            finally:
                self._write()

        return run_then_snapshot

    def _render(self) -> str:
        page = io.StringIO()
        stream = self.stream
        self.stream = page
        self._closed = False
        try:
            PrettyHTMLFormatter.close(self)
        finally:
            self.stream = stream
        return page.getvalue()

    def _write(self) -> None:
        if self._finished or not self.features:
            return
        text = self._render()
        temporary = self._target.with_name(self._target.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self._target)

    def close(self):
        self._write()
        self._finished = True
        self._closed = True
        super().close_stream()
