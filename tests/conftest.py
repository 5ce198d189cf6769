import sys
from pathlib import Path

# behave_runs is a helper module beside the tests, not an installed package.
sys.path.insert(0, str(Path(__file__).parent))
