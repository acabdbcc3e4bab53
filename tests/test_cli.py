"""The ``symacts`` command: list, show, errors and exit codes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from symacts.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symacts", *args],
                          capture_output=True, text=True, timeout=120)


def test_list_shows_every_activation_with_parameters(capsys):
    import symacts

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in symacts.names():
        assert f"\n{name} " in out
    assert "negative_slope=0.01" in out


def test_show_mish_prints_definition_and_compact_derivative(capsys):
    assert main(["show", "mish"]) == 0
    out = capsys.readouterr().out
    assert "tanh(softplus(x))" in out
    assert "sech" in out and "σ(x)" in out
    assert "f'(x)" in out


def test_show_properties(capsys):
    assert main(["show", "mish", "--properties"]) == 0
    out = capsys.readouterr().out
    assert "range: [-0.308843" in out and "monotonic: no" in out


def test_show_options(capsys):
    assert main(["show", "swish", "--wrt", "beta", "--latex"]) == 0
    out = capsys.readouterr().out
    assert r"\sigma" in out and r"\beta" in out
    assert main(["show", "leaky_relu", "--param", "negative_slope=0.2"]) == 0
    out = capsys.readouterr().out
    assert "f'(0) = 1/5" in out
    assert main(["show", "relu", "--order", "2"]) == 0
    assert "f''(x)" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "words"), [
    (["show", "relu7"], ["relu6", "relu"]),
    (["show", "mish", "--order", "0"], ["order must be an integer >= 1, got 0"]),
    (["show", "mish", "--order", "21"], ["at most 20"]),
    (["show", "mish", "--wrt", "beta"], ["mish has no parameter 'beta' (its parameters: none)"]),
    (["show", "mish", "--wrt", "beta", "--properties"], ["no parameter 'beta'"]),
    (["show", "swish", "--wrt", "beta", "--param", "beta=2"], ["beta is fixed by --param"]),
    (["show", "swish", "--order", "0", "--latex"], ["order"]),
    (["show", "elu", "--param", "alpha"], ["NAME=VALUE"]),
    (["show", "celu", "--param", "alpha=0"], ["alpha", "different from 0"]),
    (["show", "elu", "--wrt", "beta"], ["elu has no parameter 'beta' (its parameters: alpha)"]),
])
def test_errors_exit_2_with_a_clear_message(args, words, capsys):
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""  # everything is checked before anything is printed
    assert err.startswith("symacts: error:")
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_help_and_console_entry_point():
    out = run("--help")
    assert out.returncode == 0
    assert "show" in out.stdout and "list" in out.stdout
    out = run("show", "--help")
    assert out.returncode == 0 and "--order" in out.stdout
    out = run("show", "relu7")
    assert out.returncode == 2 and "relu6" in out.stderr
    out = run()
    assert out.returncode == 2


def test_version_comes_from_the_package_metadata(capsys, monkeypatch):
    import importlib.metadata

    import symacts
    from symacts import cli

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"symacts {importlib.metadata.version('symacts')}\n"

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    monkeypatch.setattr(symacts, "__version__", "9.8.7")
    assert cli.version() == "9.8.7"  # a source tree never installed: the package's own
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "symacts 9.8.7\n"
    out = run("--version")
    assert out.returncode == 0 and re.fullmatch(r"symacts \d+\.\d+\S*\n", out.stdout)


def run_into_closed_pipe(*args: str) -> tuple[int, str]:
    """Run ``python -m symacts ARGS`` with stdout a pipe whose reader has already gone."""
    proc = subprocess.Popen([sys.executable, "-m", "symacts", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # before the child has written anything: every write fails (EPIPE)
    try:
        err = proc.stderr.read().decode()
        return proc.wait(timeout=120), err
    finally:
        proc.stderr.close()


@pytest.mark.parametrize("args", [["show", "leaky_relu"], ["list"],
                                  ["verify", "softsign", "--derivative", "1 - f^2"]])
def test_a_closed_pipe_ends_quietly(args):
    code, err = run_into_closed_pipe(*args)
    assert err == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit
    assert code == 141


def test_head_of_show_is_its_first_line():
    done = subprocess.run(f"{sys.executable} -m symacts show leaky_relu | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout == "leaky_relu  (lrelu, leakyrelu)\n"
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
