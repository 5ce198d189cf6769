"""A small self-contained page: one style sheet, no scripts, nothing fetched."""
from __future__ import annotations

from html import escape

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}h3{margin-bottom:.2em}
.narrative{white-space:pre-line;color:#555;margin:.2em 0 .6em}
.passed{color:#1a7f37}.failed{color:#cf222e}.skipped{color:#777}.deviation{color:#9a6700}.notrun{color:#777}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3em .6em;vertical-align:top;text-align:left}
.badge{font-weight:600}.steps{margin:.2em 0 .2em 1.2em;color:#333}.msg{font-size:.85em;color:#555}
code{background:#f4f4f4;padding:0 .2em}pre{background:#f6f8fa;padding:.5em;overflow:auto;max-height:30em;font-size:.85em}
summary{cursor:pointer}details{margin:.3em 0}"""


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>\n")


def badge(status: str) -> str:
    css = status.replace(" ", "")
    return f"<span class='badge {escape(css)}'>{escape(status)}</span>"
