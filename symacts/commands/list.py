"""``symacts list``: every activation with aliases, parameters and formula."""

from __future__ import annotations

from ..registry import all_activations


def register(sub) -> None:
    p = sub.add_parser("list", help="list activations", description="List every activation: "
                       "name, aliases, parameters with defaults, and a one-line formula.")
    p.set_defaults(func=run)


def run(args) -> int:
    rows = []
    for act in all_activations():
        params = ", ".join(f"{k}={v:g}" for k, v in act.params.items())
        rows.append((act.name, ", ".join(act.aliases), params, act.formula()))
    widths = [max(len(r[i]) for r in [*rows, ("name", "aliases", "parameters", "")])
              for i in range(3)]
    head = ("name", "aliases", "parameters", "f(x)")
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=False)) + "  " + r[3])
    return 0
