"""The catalog: every activation written once.

Each entry is a function of ``x`` and its parameters that returns the definition, with its
parameters (names and defaults as in PyTorch where PyTorch has the activation, else JAX),
aliases, the paper, and the value of f' at each kink (PyTorch's backward unless noted).
A parameter is declared once, under its name, with its default, domain and doc
(``params=dict(alpha=Param("1", doc=...))``); the definition, ``kinks`` and ``constraints``
take the parameter symbols by those names, which are checked when the entry is registered.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

import sympy as sp
from sympy import Abs, Ne, Piecewise, Rational, exp, sqrt, tanh

from .activation import Activation, Constraint, Paper
from .functions import SELU_ALPHA, SELU_SCALE, Phi, sigmoid, softplus
from .params import Param

x = Activation.x
ENTRIES: list[Activation] = []


def _taken_names(fn: Callable, what: str, declared: Mapping, *, definition: bool = False):
    """The parameter names ``fn`` takes, each checked against the ``declared`` ones; the
    definition takes ``x`` first, then every declared parameter (in any order)."""
    known = ", ".join(declared) or "none"
    taken = list(inspect.signature(fn).parameters.values())
    if definition:
        if not taken or taken[0].name != "x":
            raise TypeError(f"{what} must take x as its first argument")
        taken = taken[1:]
    for p in taken:
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            raise TypeError(f"{what} must name each parameter it takes, not {p}")
    names = [p.name for p in taken]
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise TypeError(f"{what} takes {', '.join(map(repr, unknown))}, which "
                        f"{'is' if len(unknown) == 1 else 'are'} not a declared parameter "
                        f"(declared: {known})")
    missing = [n for n in declared if n not in names]
    if definition and missing:
        raise TypeError(f"{what} does not take the declared parameter(s) "
                        f"{', '.join(map(repr, missing))}")
    return names


def _constraint(test: Callable, what: str, symbols: Mapping[str, sp.Symbol]) -> Constraint:
    """A constraint ``lambda lower, upper: lower <= upper``: the test on numbers, and on the
    symbols the relation whose text is the rule (``"lower <= upper"``)."""
    if not callable(test):
        raise TypeError(f"{what} must be a function of parameters returning a comparison, "
                        f"got {test!r}")
    names = _taken_names(test, what, symbols)
    rel = test(**{n: symbols[n] for n in names})
    if not isinstance(rel, sp.core.relational.Relational):
        raise TypeError(f"{what} must return a comparison of its parameters, got {rel!r}")
    return Constraint(tuple(names), test, str(rel))


def build(
    fn: Callable,
    name: str,
    *,
    params: Mapping[str, Param] | None = None,
    aliases: tuple[str, ...] = (),
    kinks: Callable[..., Mapping] | None = None,
    removable: tuple = (),
    constraints: tuple[Callable[..., sp.Basic], ...] = (),
    paper: tuple | None = None,
    summary: str = "",
    plot_range: tuple[float, float] = (-10.0, 10.0),
    families: tuple[str, ...] = (),
) -> Activation:
    """The :class:`Activation` of the definition ``fn(x, <parameter names>)``."""
    params = {} if params is None else params
    if not isinstance(params, Mapping) or not all(isinstance(p, Param) for p in params.values()):
        raise TypeError(f"catalog entry {name!r}: params must map each parameter name to a "
                        "Param, e.g. params=dict(alpha=Param(\"1\", doc=\"scale\"))")
    specs = tuple(p.spec(n) for n, p in params.items())
    symbols = {s.name: s.symbol for s in specs}
    _taken_names(fn, f"the definition of {name!r}", symbols, definition=True)
    if kinks is not None:
        taken = _taken_names(kinks, f"the kinks of {name!r}", symbols)
        kinks = kinks(**{n: symbols[n] for n in taken})
    return Activation(
        name=name,
        expr=fn(x, **symbols),
        param_specs=specs,
        aliases=aliases,
        kinks=kinks or {},
        removable=removable,
        constraints=tuple(_constraint(c, f"a constraint of {name!r}", symbols)
                          for c in constraints),
        paper=Paper(*paper) if paper else None,
        summary=summary or (fn.__doc__ or "").strip().splitlines()[0],
        plot_range=plot_range,
        families=families,
        catalog=True,
    )


def entry(name: str, **declaration) -> Callable[[Callable], Callable]:
    """Register the decorated definition ``def f(x, <parameter names>) -> expr`` in the catalog.

    ``params`` maps each parameter name, in order, to its :class:`~symacts.params.Param`;
    ``kinks`` (kink point → f' there) and each of ``constraints`` (a comparison) are functions
    of the parameters they use, by name. The other keywords are those of :func:`build`.
    """

    def register(fn: Callable) -> Callable:
        ENTRIES.append(build(fn, name, **declaration))
        return fn

    return register


# ---- the tutorial's activations ---------------------------------------------------------------
@entry("binary_step", aliases=("step", "heaviside_step"), kinks=lambda: {0: 0},
       families=("step",))
def _binary_step(x):
    """Unit step: 1 for x ≥ 0, else 0 (derivative 0 wherever it exists)."""
    return Piecewise((1, x >= 0), (0, True))


@entry("sigmoid", aliases=("logistic", "sigmoid_function"), families=("sigmoid",))
def _sigmoid(x):
    """Logistic sigmoid σ(x) = 1/(1 + e^{−x})."""
    return sigmoid(x)


@entry("tanh", aliases=("hyperbolic_tangent",), families=("sigmoid",))
def _tanh(x):
    """Hyperbolic tangent."""
    return tanh(x)


@entry("relu", aliases=("rectifier", "rectified_linear_unit"), kinks=lambda: {0: 0},
       paper=("Nair & Hinton", 2010,
              "Rectified Linear Units Improve Restricted Boltzmann Machines"),
       families=("relu",))
def _relu(x):
    """Rectified linear unit max(0, x)."""
    return Piecewise((x, x > 0), (0, True))


@entry("leaky_relu", params=dict(negative_slope=Param("0.01", doc="slope for x < 0")),
       aliases=("lrelu", "leakyrelu"), kinks=lambda negative_slope: {0: negative_slope},
       paper=("Maas, Hannun & Ng", 2013,
              "Rectifier Nonlinearities Improve Neural Network Acoustic Models"),
       families=("relu",))
def _leaky_relu(x, negative_slope):
    """Leaky ReLU: x for x > 0, negative_slope·x otherwise."""
    return Piecewise((x, x > 0), (negative_slope * x, True))


@entry("prelu", params=dict(a=Param("0.25", doc="learnable slope for x < 0")),
       aliases=("parametric_relu",), kinks=lambda a: {0: a},
       paper=("He, Zhang, Ren & Sun", 2015, "Delving Deep into Rectifiers"),
       families=("relu",))
def _prelu(x, a):
    """Parametric ReLU: x for x > 0, a·x otherwise (a learned)."""
    return Piecewise((x, x > 0), (a * x, True))


@entry("rrelu", params=dict(lower=Param("1/8", doc="lower bound of the random slope"),
                            upper=Param("1/3", doc="upper bound of the random slope")),
       aliases=("randomized_relu", "randomized_leaky_relu"),
       kinks=lambda lower, upper: {0: (lower + upper) / 2},
       constraints=(lambda lower, upper: lower <= upper,),
       paper=("Xu, Wang, Chen & Li", 2015,
              "Empirical Evaluation of Rectified Activations in Convolutional Network"),
       families=("relu",))
def _rrelu(x, lower, upper):
    """Randomized leaky ReLU, deterministic form: slope (lower + upper)/2 for x < 0."""
    return Piecewise((x, x > 0), ((lower + upper) / 2 * x, True))


@entry("elu", params=dict(alpha=Param("1", doc="scale of the negative branch")),
       kinks=lambda alpha: {0: alpha},
       paper=("Clevert, Unterthiner & Hochreiter", 2015,
              "Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)"),
       families=("relu", "exponential"))
def _elu(x, alpha):
    """Exponential linear unit: x for x > 0, α(eˣ − 1) otherwise."""
    return Piecewise((x, x > 0), (alpha * (exp(x) - 1), True))


@entry("mish", paper=("Misra", 2019, "Mish: A Self Regularized Non-Monotonic Activation Function"),
       families=("gated",))
def _mish(x):
    """Mish: x·tanh(softplus(x))."""
    return x * tanh(softplus(x))


@entry("swish", params=dict(beta=Param("1", doc="gate sharpness")),
       aliases=("swish_beta",),
       paper=("Ramachandran, Zoph & Le", 2017, "Searching for Activation Functions"),
       families=("gated",))
def _swish(x, beta):
    """Swish: x·σ(βx)."""
    return x * sigmoid(beta * x)


@entry("silu", aliases=("sil", "swish_1", "swish1"),
       paper=("Elfwing, Uchibe & Doya", 2017,
              "Sigmoid-Weighted Linear Units for Neural Network Function Approximation"),
       families=("gated",))
def _silu(x):
    """Sigmoid linear unit x·σ(x)."""
    return x * sigmoid(x)


@entry("softplus", params=dict(beta=Param("1", domain="positive", doc="sharpness")),
       aliases=("smooth_relu", "soft_plus"),
       paper=("Dugas, Bengio, Bélisle, Nadeau & Garcia", 2000,
              "Incorporating Second-Order Functional Knowledge for Better Option Pricing"),
       families=("relu",))
def _softplus(x, beta):
    """Softplus: ln(1 + e^{βx})/β."""
    return softplus(beta * x) / beta


# ---- PyTorch's elementwise activations -------------------------------------------------------
@entry("relu6", kinks=lambda: {0: 0, 6: 0}, plot_range=(-4.0, 10.0),
       paper=("Krizhevsky", 2010, "Convolutional Deep Belief Networks on CIFAR-10"),
       families=("relu",))
def _relu6(x):
    """ReLU capped at 6: min(max(0, x), 6)."""
    return Piecewise((0, x <= 0), (6, x >= 6), (x, True))


@entry("selu", aliases=("scaled_elu",), kinks=lambda: {0: SELU_SCALE * SELU_ALPHA},
       paper=("Klambauer, Unterthiner, Mayr & Hochreiter", 2017,
              "Self-Normalizing Neural Networks"),
       families=("relu", "exponential"))
def _selu(x):
    """Scaled ELU: λ·(x for x > 0, α(eˣ − 1) otherwise), fixed α₀₁ and λ₀₁."""
    return SELU_SCALE * Piecewise((x, x > 0), (SELU_ALPHA * (exp(x) - 1), True))


@entry("celu", params=dict(alpha=Param("1", domain="nonzero",
                                        doc="scale of the negative branch")),
       kinks=lambda: {0: 1},
       paper=("Barron", 2017, "Continuously Differentiable Exponential Linear Units"),
       families=("relu", "exponential"))
def _celu(x, alpha):
    """Continuously differentiable ELU: max(0, x) + min(0, α(e^{x/α} − 1))."""
    return Piecewise((x, x > 0), (alpha * (exp(x / alpha) - 1), True))


@entry("gelu", aliases=("gelu_exact", "gelu_erf"),
       paper=("Hendrycks & Gimpel", 2016, "Gaussian Error Linear Units (GELUs)"),
       families=("gated",))
def _gelu(x):
    """Gaussian error linear unit x·Φ(x) (exact, with erf)."""
    return x * Phi(x)


@entry("gelu_tanh", aliases=("gelu_new", "gelu_approximate", "approximate_gelu"),
       paper=("Hendrycks & Gimpel", 2016, "Gaussian Error Linear Units (GELUs)"),
       families=("gated",))
def _gelu_tanh(x):
    """GELU, tanh approximation: x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    kappa = sp.Float("0.044715", 30)
    return x / 2 * (1 + tanh(sqrt(2 / sp.pi) * (x + kappa * x**3)))


@entry("softsign", aliases=("soft_sign", "elliotsig"), kinks=lambda: {0: 1},
       paper=("Turian, Bergstra & Bengio", 2009,
              "Quadratic Features and Deep Architectures for Chunking"),
       families=("sigmoid",))
def _softsign(x):
    """Softsign x/(1 + |x|)."""
    return x / (1 + Abs(x))


@entry("hardtanh", params=dict(min_val=Param("-1", doc="lower clamp"),
                               max_val=Param("1", doc="upper clamp")),
       aliases=("hard_tanh",), kinks=lambda min_val, max_val: {min_val: 0, max_val: 0},
       constraints=(lambda min_val, max_val: min_val < max_val,),
       plot_range=(-3.0, 3.0), families=("hard",))
def _hardtanh(x, min_val, max_val):
    """Clamp to [min_val, max_val]."""
    return Piecewise((min_val, x <= min_val), (max_val, x >= max_val), (x, True))


@entry("hardsigmoid", aliases=("hard_sigmoid",), kinks=lambda: {-3: 0, 3: 0},
       paper=("Howard et al.", 2019, "Searching for MobileNetV3"),
       plot_range=(-6.0, 6.0), families=("hard", "sigmoid"))
def _hardsigmoid(x):
    """Hard sigmoid relu6(x + 3)/6."""
    return Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + Rational(1, 2), True))


@entry("hardswish", aliases=("hard_swish", "hard_silu", "hardsilu"),
       kinks=lambda: {-3: 0, 3: 1},
       paper=("Howard et al.", 2019, "Searching for MobileNetV3"),
       plot_range=(-6.0, 6.0), families=("hard", "gated"))
def _hardswish(x):
    """Hard swish x·relu6(x + 3)/6."""
    return Piecewise((0, x <= -3), (x, x >= 3), (x * (x + 3) / 6, True))


@entry("hardshrink", params=dict(lambd=Param("0.5", domain="nonnegative",
                                              doc="half-width of the zero band")),
       aliases=("hard_shrink",), kinks=lambda lambd: {-lambd: 0, lambd: 0},
       plot_range=(-3.0, 3.0), families=("shrink",))
def _hardshrink(x, lambd):
    """Hard shrinkage: x where |x| > λ, else 0."""
    return Piecewise((x, x > lambd), (x, x < -lambd), (0, True))


@entry("softshrink", params=dict(lambd=Param("0.5", domain="nonnegative",
                                              doc="shrinkage amount")),
       aliases=("soft_shrink", "soft_threshold"), kinks=lambda lambd: {-lambd: 0, lambd: 0},
       paper=("Donoho & Johnstone", 1994, "Ideal Spatial Adaptation by Wavelet Shrinkage"),
       plot_range=(-3.0, 3.0), families=("shrink",))
def _softshrink(x, lambd):
    """Soft shrinkage: x − λ for x > λ, x + λ for x < −λ, else 0."""
    return Piecewise((x - lambd, x > lambd), (x + lambd, x < -lambd), (0, True))


@entry("tanhshrink", aliases=("tanh_shrink",), families=("shrink",))
def _tanhshrink(x):
    """x − tanh(x)."""
    return x - tanh(x)


@entry("threshold", params=dict(threshold=Param("0", doc="switch point"),
                                value=Param("0", doc="output at or below the threshold")),
       kinks=lambda threshold: {threshold: 0}, families=("relu",))
def _threshold(x, threshold, value):
    """x where x > threshold, else value (PyTorch requires both; defaults give ReLU)."""
    return Piecewise((x, x > threshold), (value, True))


@entry("logsigmoid", aliases=("log_sigmoid",), families=("sigmoid",))
def _logsigmoid(x):
    """ln σ(x) = −softplus(−x)."""
    return sp.log(sigmoid(x))


# ---- other widely used activations --------------------------------------------------------------
@entry("identity", aliases=("linear",))
def _identity(x):
    """The identity x."""
    return x


@entry("arctan", aliases=("atan",), families=("sigmoid",))
def _arctan(x):
    """Inverse tangent."""
    return sp.atan(x)


@entry("gaussian", aliases=("gauss",), plot_range=(-4.0, 4.0))
def _gaussian(x):
    """Gaussian bump e^{−x²}."""
    return exp(-(x**2))


@entry("isru", params=dict(alpha=Param("1", domain="positive", doc="saturation control")),
       aliases=("inverse_square_root_unit",),
       paper=("Carlile, Delamarter, Kinney, Marti & Whitney", 2017,
              "Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)"),
       families=("sigmoid",))
def _isru(x, alpha):
    """Inverse square root unit x/√(1 + αx²)."""
    return x / sqrt(1 + alpha * x**2)


@entry("isrlu", params=dict(alpha=Param("1", domain="positive", doc="saturation control")),
       aliases=("inverse_square_root_linear_unit",), kinks=lambda: {0: 1},
       paper=("Carlile, Delamarter, Kinney, Marti & Whitney", 2017,
              "Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)"),
       families=("relu",))
def _isrlu(x, alpha):
    """Inverse square root linear unit: x for x ≥ 0, x/√(1 + αx²) otherwise."""
    return Piecewise((x, x >= 0), (x / sqrt(1 + alpha * x**2), True))


@entry("bent_identity", aliases=("bent_id",))
def _bent_identity(x):
    """Bent identity (√(x² + 1) − 1)/2 + x."""
    return (sqrt(x**2 + 1) - 1) / 2 + x


@entry("sinusoid", aliases=("sin", "sine"), families=("periodic",))
def _sinusoid(x):
    """sin(x)."""
    return sp.sin(x)


@entry("sinc", removable=(0,), families=("periodic",))
def _sinc(x):
    """sin(x)/x, with the removable singularity filled: sinc(0) = 1."""
    return Piecewise((sp.sin(x) / x, Ne(x, 0)), (1, True))


@entry("squareplus", params=dict(b=Param("4", domain="nonnegative", doc="curvature near 0")),
       paper=("Barron", 2021, "Squareplus: A Softplus-Like Algebraic Rectifier"),
       families=("relu",))
def _squareplus(x, b):
    """Squareplus (x + √(x² + b))/2."""
    return (x + sqrt(x**2 + b)) / 2


@entry("sparse_plus", aliases=("sparseplus",), kinks=lambda: {-1: 0, 1: 1},
       paper=("Blondel, Martins & Niculae", 2020, "Learning with Fenchel-Young Losses"),
       plot_range=(-3.0, 3.0), families=("relu",))
def _sparse_plus(x):
    """Sparse plus: 0 for x ≤ −1, (x + 1)²/4 for −1 < x < 1, x for x ≥ 1."""
    return Piecewise((0, x <= -1), (x, x >= 1), ((x + 1) ** 2 / 4, True))


@entry("sparse_sigmoid", aliases=("sparsesigmoid",),
       kinks=lambda: {-1: Rational(1, 4), 1: Rational(1, 4)},
       paper=("Blondel, Martins & Niculae", 2020, "Learning with Fenchel-Young Losses"),
       plot_range=(-3.0, 3.0), families=("hard", "sigmoid"))
def _sparse_sigmoid(x):
    """Sparse sigmoid: 0 for x ≤ −1, (x + 1)/2 between, 1 for x ≥ 1 (JAX: f'(±1) = 1/4)."""
    return Piecewise((0, x <= -1), (1, x >= 1), ((x + 1) / 2, True))


@entry("exponential", aliases=("exp",), plot_range=(-4.0, 3.0))
def _exponential(x):
    """eˣ (Keras' exponential activation)."""
    return exp(x)


@entry("gelu_sigmoid", aliases=("quick_gelu", "gelu_quick"),
       paper=("Hendrycks & Gimpel", 2016, "Gaussian Error Linear Units (GELUs)"),
       families=("gated",))
def _gelu_sigmoid(x):
    """GELU, sigmoid approximation x·σ(1.702x)."""
    return x * sigmoid(sp.Float("1.702", 30) * x)


@entry("hard_sigmoid_keras2", aliases=("keras2_hard_sigmoid",),
       kinks=lambda: {Rational(-5, 2): 0, Rational(5, 2): 0},
       plot_range=(-5.0, 5.0), families=("hard", "sigmoid"))
def _hard_sigmoid_keras2(x):
    """Keras 2's hard sigmoid: clip(0.2x + 0.5, 0, 1), corners at ±2.5."""
    return Piecewise((0, x <= Rational(-5, 2)), (1, x >= Rational(5, 2)),
                     (x / 5 + Rational(1, 2), True))

