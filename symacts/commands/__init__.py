"""Subcommands of the ``symacts`` CLI, one module each (discovered automatically)."""
