"""Plain text (summaries, paper titles, names) made safe for LaTeX and Markdown."""

from __future__ import annotations

import re
import unicodedata

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}

#: Unicode characters seen in summaries → LaTeX (math ones wrapped in \\( \\))
_UNICODE_TEX = {
    "−": r"\(-\)", "·": r"\(\cdot\)", "×": r"\(\times\)", "≥": r"\(\geq\)", "≤": r"\(\leq\)",
    "≠": r"\(\neq\)", "≈": r"\(\approx\)", "√": r"\(\surd\)", "∞": r"\(\infty\)", "±": r"\(\pm\)",
    "→": r"\(\to\)", "′": r"\('\)", "∂": r"\(\partial\)", "∈": r"\(\in\)", "…": r"\ldots{}",
    "–": "--", "—": "---", "“": "``", "”": "''", "‘": "`", "’": "'", "\u00a0": "~",
    "ˣ": r"\(^x\)", "ᵘ": r"\(^u\)", "ᵉ": r"\(^e\)",
    "⁰": r"\(^0\)", "¹": r"\(^1\)", "²": r"\(^2\)", "³": r"\(^3\)", "⁴": r"\(^4\)", "⁵": r"\(^5\)",
    "⁶": r"\(^6\)", "⁷": r"\(^7\)", "⁸": r"\(^8\)", "⁹": r"\(^9\)", "⁻": r"\(^-\)", "⁺": r"\(^+\)",
    "₀": r"\(_0\)", "₁": r"\(_1\)", "₂": r"\(_2\)", "₃": r"\(_3\)",
    "Φ": r"\(\Phi\)", "φ": r"\(\phi\)", "ε": r"\(\varepsilon\)",
}
_GREEK_NAMES = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lamda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega",
}
_GREEK_CAPITALS = {"gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi",
                   "psi", "omega"}


def _unicode_tex(ch: str) -> str:
    if ch in _UNICODE_TEX:
        return _UNICODE_TEX[ch]
    if ord(ch) < 0x250:  # Latin-1 and Latin Extended: utf8 inputenc + T1 handle these
        return ch
    name = unicodedata.name(ch, "")
    for case, prefix in (("small", "GREEK SMALL LETTER "), ("capital", "GREEK CAPITAL LETTER ")):
        if name.startswith(prefix):
            word = name[len(prefix):].lower()
            if word in _GREEK_NAMES:
                word = "lambda" if word == "lamda" else word
                if case == "capital":
                    if word not in _GREEK_CAPITALS:
                        break
                    word = word.capitalize()
                return "\\(\\" + word + "\\)"
    return f"[U+{ord(ch):04X}]"


_SUPER = re.compile(r"\^\{([^{}]*)\}")


def tex_text(text: str) -> str:
    """Escape LaTeX specials and map Unicode math characters; others become [U+XXXX].

    ``^{...}`` (as in a summary's ``e^{x/α}``) becomes a superscript.
    """
    parts = _SUPER.split(unicodedata.normalize("NFC", text))
    return "".join(_escape(p) if i % 2 == 0 else r"\textsuperscript{" + _escape(p) + "}"
                   for i, p in enumerate(parts))


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_unicode_tex(ch))
    return "".join(out)


def md_text(text: str) -> str:
    """Escape characters Markdown would interpret (emphasis, tables, math, HTML)."""
    out = []
    for ch in text:
        if ch in "\\`*_[]<>|$#":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)
