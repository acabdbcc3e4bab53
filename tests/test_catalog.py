"""Catalog entries: each parameter declared once (name, default, domain, doc) and bound by name."""

import pytest
import sympy as sp
from sympy import Piecewise

import symacts
from symacts import catalog
from symacts.catalog import build
from symacts.params import Param

x = symacts.Activation.x

#: every declared parameter: (name, exact default, domain, doc), in order
PARAMS = {
    "leaky_relu": (("negative_slope", "1/100", "real", "slope for x < 0"),),
    "prelu": (("a", "1/4", "real", "learnable slope for x < 0"),),
    "rrelu": (("lower", "1/8", "real", "lower bound of the random slope"),
              ("upper", "1/3", "real", "upper bound of the random slope")),
    "elu": (("alpha", "1", "real", "scale of the negative branch"),),
    "swish": (("beta", "1", "real", "gate sharpness"),),
    "softplus": (("beta", "1", "positive", "sharpness"),),
    "celu": (("alpha", "1", "nonzero", "scale of the negative branch"),),
    "hardtanh": (("min_val", "-1", "real", "lower clamp"), ("max_val", "1", "real", "upper clamp")),
    "hardshrink": (("lambd", "1/2", "nonnegative", "half-width of the zero band"),),
    "softshrink": (("lambd", "1/2", "nonnegative", "shrinkage amount"),),
    "threshold": (("threshold", "0", "real", "switch point"),
                  ("value", "0", "real", "output at or below the threshold")),
    "isru": (("alpha", "1", "positive", "saturation control"),),
    "isrlu": (("alpha", "1", "positive", "saturation control"),),
    "squareplus": (("b", "4", "nonnegative", "curvature near 0"),),
}

#: every definition as SymPy prints it, in catalog order
DEFINITIONS = {
    "binary_step": "Piecewise((1, x >= 0), (0, True))",
    "sigmoid": "sigmoid(x)",
    "tanh": "tanh(x)",
    "relu": "Piecewise((x, x > 0), (0, True))",
    "leaky_relu": "Piecewise((x, x > 0), (negative_slope*x, True))",
    "prelu": "Piecewise((x, x > 0), (a*x, True))",
    "rrelu": "Piecewise((x, x > 0), (x*(lower/2 + upper/2), True))",
    "elu": "Piecewise((x, x > 0), (alpha*(exp(x) - 1), True))",
    "mish": "x*tanh(softplus(x))",
    "swish": "x*sigmoid(beta*x)",
    "silu": "x*sigmoid(x)",
    "softplus": "softplus(beta*x)/beta",
    "relu6": "Piecewise((0, x <= 0), (6, x >= 6), (x, True))",
    "selu": "Piecewise((λ*x, x > 0), (α*λ*(exp(x) - 1), True))",
    "celu": "Piecewise((x, x > 0), (alpha*(exp(x/alpha) - 1), True))",
    "gelu": "x*Phi(x)",
    "gelu_tanh": "x*(tanh(sqrt(2)*(0.044715*x**3 + x)/sqrt(pi)) + 1)/2",
    "softsign": "x/(Abs(x) + 1)",
    "hardtanh": "Piecewise((min_val, min_val >= x), (max_val, max_val <= x), (x, True))",
    "hardsigmoid": "Piecewise((0, x <= -3), (1, x >= 3), (x/6 + 1/2, True))",
    "hardswish": "Piecewise((0, x <= -3), (x, x >= 3), (x*(x + 3)/6, True))",
    "hardshrink": "Piecewise((x, (lambd < x) | (lambd < -x)), (0, True))",
    "softshrink": "Piecewise((-lambd + x, lambd < x), (lambd + x, lambd < -x), (0, True))",
    "tanhshrink": "x - tanh(x)",
    "threshold": "Piecewise((x, threshold < x), (value, True))",
    "logsigmoid": "log(sigmoid(x))",
    "identity": "x",
    "arctan": "atan(x)",
    "gaussian": "exp(-x**2)",
    "isru": "x/sqrt(alpha*x**2 + 1)",
    "isrlu": "Piecewise((x, x >= 0), (x/sqrt(alpha*x**2 + 1), True))",
    "bent_identity": "x + sqrt(x**2 + 1)/2 - 1/2",
    "sinusoid": "sin(x)",
    "sinc": "Piecewise((sin(x)/x, Ne(x, 0)), (1, True))",
    "squareplus": "x/2 + sqrt(b + x**2)/2",
    "sparse_plus": "Piecewise((0, x <= -1), (x, x >= 1), ((x + 1)**2/4, True))",
    "sparse_sigmoid": "Piecewise((0, x <= -1), (1, x >= 1), (x/2 + 1/2, True))",
    "exponential": "exp(x)",
    "gelu_sigmoid": "x*sigmoid(1.702*x)",
    "hard_sigmoid_keras2": "Piecewise((0, x <= -5/2), (1, x >= 5/2), (x/5 + 1/2, True))",
}


def test_every_parameter_keeps_its_name_exact_default_domain_and_doc():
    declared = {a.name: a.param_specs for a in catalog.ENTRIES if a.param_specs}
    assert list(declared) == list(PARAMS)
    for name, specs in declared.items():
        got = [(p.name, p.default, p.domain, p.doc) for p in specs]
        want = [(n, sp.Rational(d), dom, doc) for n, d, dom, doc in PARAMS[name]]
        assert got == want, name
        assert all(p.default.is_Rational for p in specs), name  # exact, never a float
        for p in specs:
            assert p.symbol == sp.Symbol(p.name, real=True, **(
                {} if p.domain == "real" else {p.domain: True}))


def test_every_definition_keeps_its_expression():
    assert {a.name: str(a.expr) for a in catalog.ENTRIES} == DEFINITIONS
    assert list(DEFINITIONS) == [a.name for a in catalog.ENTRIES]
    by_name = {a.name: a for a in catalog.ENTRIES}
    for name in ("gelu_tanh", "gelu_sigmoid"):  # constants kept at 30 digits
        assert {f._prec for f in by_name[name].expr.atoms(sp.Float)} == {103}


def test_kinks_and_constraints_take_the_parameters_by_name():
    rrelu, hardtanh, threshold = (symacts.get(n) for n in ("rrelu", "hardtanh", "threshold"))
    lo, hi = rrelu.symbol("lower"), rrelu.symbol("upper")
    assert rrelu.kinks == {0: (lo + hi) / 2}
    assert threshold.kinks == {threshold.symbol("threshold"): 0}
    assert [(c.names, c.rule) for c in rrelu.constraints] == [(("lower", "upper"),
                                                                "lower <= upper")]
    assert [(c.names, c.rule) for c in hardtanh.constraints] == [(("min_val", "max_val"),
                                                                  "min_val < max_val")]
    with pytest.raises(symacts.ParameterError, match="lower <= upper is required"):
        rrelu.bind(lower=0.5, upper=0.25)
    with pytest.raises(symacts.ParameterError, match="min_val < max_val is required"):
        hardtanh.bind(min_val=1, max_val=1)
    assert hardtanh.bind(min_val=-2).params == {"max_val": 1.0}


def test_the_definition_receives_each_symbol_by_name_whatever_the_order():
    def clamp(x, hi, lo):
        """Clamp to [lo, hi]."""
        return Piecewise((lo, x <= lo), (hi, x >= hi), (x, True))

    act = build(clamp, "clamp", params=dict(lo=Param("-2", doc="low"), hi=Param("3")),
                kinks=lambda hi, lo: {lo: 0, hi: 0}, constraints=(lambda lo, hi: lo < hi,))
    assert [p.name for p in act.param_specs] == ["lo", "hi"]  # the order declared
    lo, hi = act.symbol("lo"), act.symbol("hi")
    assert act.expr == Piecewise((lo, x <= lo), (hi, x >= hi), (x, True))
    assert act(-5) == -2 and act(5) == 3 and act(1, hi=0.5) == sp.Rational(1, 2)
    assert act.kinks == {lo: 0, hi: 0}
    assert act.constraints[0].rule == "lo < hi" and act.constraints[0].names == ("lo", "hi")
    assert act.summary == "Clamp to [lo, hi]."
    with pytest.raises(symacts.ParameterError, match="lo < hi is required, got lo=4, hi=3"):
        act.bind(lo=4)


def _scaled(x, alpha):
    """alpha·x."""
    return alpha * x


ALPHA = {"params": dict(alpha=Param("1"))}


@pytest.mark.parametrize(("fn", "declaration", "words"), [
    (lambda x, a: a * x, ALPHA, "definition of 'e' takes 'a', which is not a declared parameter "
                                "(declared: alpha)"),
    (lambda x: x, ALPHA, "definition of 'e' does not take the declared parameter(s) 'alpha'"),
    (lambda u, alpha: alpha * u, ALPHA, "must take x as its first argument"),
    (lambda x, *alpha: x, ALPHA, "must name each parameter it takes, not *alpha"),
    (_scaled, {**ALPHA, "kinks": lambda a: {0: a}},
     "kinks of 'e' takes 'a', which is not a declared parameter (declared: alpha)"),
    (_scaled, {**ALPHA, "constraints": (lambda beta, alpha: beta < alpha,)},
     "constraint of 'e' takes 'beta', which is not a declared parameter"),
    (_scaled, {**ALPHA, "constraints": (lambda alpha: alpha != 0,)},
     "must return a comparison of its parameters, got True"),
    (_scaled, {**ALPHA, "constraints": ("alpha > 0",)},
     "must be a function of parameters returning a comparison"),
    (_scaled, {"params": (("alpha", "1", "real", "scale"),)},
     "params must map each parameter name to a Param"),
])
def test_mismatched_declarations_are_clear_errors_at_registration(fn, declaration, words):
    with pytest.raises(TypeError) as err:
        build(fn, "e", **declaration)
    assert words in str(err.value)


def test_a_parameter_declaration_checks_its_domain():
    with pytest.raises(ValueError, match=r"unknown domain 'postive'.*real, positive"):
        Param("1", domain="postive")
    with pytest.raises(TypeError):
        Param("1", "positive")  # domain and doc are keywords
    with pytest.raises(symacts.ParameterError, match=r"number like 0\.25"):
        build(_scaled, "e", params=dict(alpha=Param("one")))
