"""The guide's sample strategies, written in QMTL's own SDK (they import the installed QMTL)."""
