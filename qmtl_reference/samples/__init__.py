"""Strategies written with the reference SDK: the end-to-end guide's sample, and shapes the backfill features need."""
