"""What the test rooms share: running behave, starting real servers, a stack shared between runs.

Not a test module: the rooms reach it through their conftest fixtures or by import.
"""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
