"""Wire-level facts of the QMTL contract shared by the suite and the reference stack.

Only pure, dependency-light code lives here: the node-id canonical form, the
node-id checksum and the DAG Manager's gRPC messages. Both sides import it; it
imports neither.
"""
