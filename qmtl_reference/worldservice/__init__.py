"""Reference WorldService: worlds, activations and bindings kept in Redis.

Every activation change is also appended to the event broker (see
``broker.py``) so the Gateway can push it to subscribed WebSockets.
"""
