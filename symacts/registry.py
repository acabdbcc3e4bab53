"""Lookup of activations by name or alias; registration of user-defined ones."""

from __future__ import annotations

import difflib
import re
import threading

from .activation import Activation
from .errors import UnknownActivationError

_lock = threading.Lock()
_by_name: dict[str, Activation] = {}
_alias: dict[str, str] = {}  # normalised spelling -> canonical name

_catalog_loaded = False


def _ensure_catalog() -> None:
    """Register the built-in catalog on first use."""
    global _catalog_loaded
    if _catalog_loaded:
        return
    from . import catalog

    with _lock:
        if _catalog_loaded:
            return
        _catalog_loaded = True
    for act in catalog.ENTRIES:
        register(act)


NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def normalise(name: str) -> str:
    """Case- and separator-insensitive key: 'Leaky-ReLU' → 'leaky_relu'."""
    return re.sub(r"[\s\-]+", "_", name.strip()).lower()


def _keys(act: Activation) -> list[str]:
    keys = [normalise(act.name)]
    for a in act.aliases:
        keys += [normalise(a), normalise(a).replace("_", "")]
    keys.append(normalise(act.name).replace("_", ""))
    return list(dict.fromkeys(keys))


def register(act: Activation, *, replace: bool = False) -> Activation:
    """Add ``act``; an existing name or alias is replaced only with ``replace=True``."""
    _ensure_catalog()
    with _lock:
        for key in _keys(act):
            owner = _alias.get(key)
            if owner is None or owner == act.name:
                continue
            if not replace or not _by_name[owner].user_defined:
                what = "a catalog activation" if not _by_name[owner].user_defined else "defined"
                raise ValueError(
                    f"the name {key!r} is already used by {owner!r} ({what}); "
                    + ("choose another name" if not _by_name[owner].user_defined
                       else "pass replace=True to redefine it")
                )
        if act.name in _by_name and not replace:
            raise ValueError(
                f"an activation named {act.name!r} already exists; "
                + ("choose another name" if not _by_name[act.name].user_defined
                   else "pass replace=True to redefine it")
            )
        if act.name in _by_name and not _by_name[act.name].user_defined:
            raise ValueError(f"{act.name!r} is a catalog activation and cannot be replaced")
        old = _by_name.get(act.name)
        if old is not None:
            for key in _keys(old):
                _alias.pop(key, None)
        _by_name[act.name] = act
        for key in _keys(act):
            _alias[key] = act.name
    return act


def get(name: str) -> Activation:
    """The activation called ``name`` (aliases and spellings like 'Leaky-ReLU' resolve)."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    _ensure_catalog()
    key = normalise(name)
    canonical = _alias.get(key) or _alias.get(key.replace("_", ""))
    if canonical is None:
        raise UnknownActivationError(unknown_message(name))
    return _by_name[canonical]


def close_matches(name: str, n: int = 3) -> list[str]:
    """Up to ``n`` canonical names close to ``name``."""
    _ensure_catalog()
    key = normalise(name)
    spellings = list(_alias)
    found = difflib.get_close_matches(key, spellings, n=3 * n, cutoff=0.6)
    out: list[str] = []
    for s in found:
        c = _alias[s]
        if c not in out:
            out.append(c)
    return out[:n]


def unknown_message(name: str) -> str:
    shown = name if len(name) <= 60 else name[:57] + "..."
    matches = close_matches(name) if len(name) <= 100 else []
    hint = f"; did you mean {', '.join(matches)}?" if matches else ""
    return f"unknown activation {shown!r}{hint} (`symacts list` shows them all)"


def names() -> list[str]:
    """Sorted canonical names of all registered activations."""
    _ensure_catalog()
    return sorted(_by_name)


def all_activations() -> list[Activation]:
    return [_by_name[n] for n in names()]
