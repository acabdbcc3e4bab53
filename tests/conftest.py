"""Test ordering: the tests that import JAX run last.

JAX starts threads when imported, and the symbolic layer of ``symacts.verify`` time-boxes
proofs in forked processes; a fork after JAX's threads exist risks a deadlock (JAX warns on
every fork). Running the JAX tests after all others keeps every fork JAX-free.
"""

from __future__ import annotations


def _imports_jax(item) -> bool:
    name = item.path.name
    return name.startswith("test_jax") or name.startswith("test_torch_jax")


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_imports_jax)  # stable: the order within each group is kept
