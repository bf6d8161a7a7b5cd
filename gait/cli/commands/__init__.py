"""One module per ``gait`` sub-command; each defines ``register(subparsers)``."""
