"""Regeneration reports how far a long step has come."""

import io

from steps import Progress, steps


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_a_log_gets_a_line_every_few_seconds_not_one_per_item():
    out = io.StringIO()
    p = Progress("[2/5] kernels ...", out, every=0.0)
    p(3, 40, "mish")
    assert out.getvalue() == "[2/5] kernels ... 3/40 mish\n"
    quiet = io.StringIO()
    q = Progress("[2/5] kernels ...", quiet, every=3600.0)
    for i in range(40):
        q(i, 40, "x")
    assert quiet.getvalue() == ""


def test_a_terminal_sees_the_count_in_place():
    out = _Tty()
    p = Progress("[3/5] plots ...", out)
    p(1, 40, "relu")
    p(2, 40, "mish")
    p.clear()
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("[3/5] plots ...")
    assert "2/40 mish" in text


def test_every_step_takes_a_progress_callback():
    import inspect

    for step in steps():
        assert "progress" in inspect.signature(step.build).parameters, step.__name__
