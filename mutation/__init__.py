"""The mutation campaign: Cosmic Ray's mutants of the reference stack, judged by the features.

Run it as `bash scripts/mutation.sh` (or `python -m mutation`). Each mutant is
applied to a scratch copy of the project, never to the working tree, and the
features that exercise the mutated file run against a reference stack started
from that copy. Settings: `mutation/settings.toml`; equivalent mutants:
`mutation/equivalent.yaml`.
"""
