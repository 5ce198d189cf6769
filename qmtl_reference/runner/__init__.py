"""The reference strategy runner: ``qmtl-reference tools sdk run MODULE:CLASS --start-time S --end-time E``."""
