"""The README's training examples (section "PyTorch and JAX") run as written and train."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## PyTorch and JAX", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_examples_train_in_pytorch_and_jax(capsys):
    pytest.importorskip("torch", reason="needs PyTorch: pip install symacts[torch]")
    pytest.importorskip("jax", reason="needs JAX: pip install symacts[jax]")
    blocks = _blocks()
    assert len(blocks) == 4
    ns: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), ns)
    assert ns["losses"][-1] < ns["losses"][0] / 4
    assert abs(ns["net"][1].beta.item() - 1.0) > 1e-3
    assert ns["jax_losses"][-1] < ns["jax_losses"][0] / 4
    assert abs(float(ns["params"]["beta"]) - 1.0) > 1e-3
    assert "beta =" in capsys.readouterr().out
