"""Formula sheets: every registered activation in every output, the PDF compiles (and twice
gives the same bytes), the content comes from the engine, nothing is overwritten unasked."""

from __future__ import annotations

import hashlib
import math
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

import symacts
from symacts.cli import main
from symacts.sheets import SheetError, content, markdown, select, tex, write
from symacts.sheets import property_table as props
from symacts.sheets.pdf import compile_pdf
from symacts.sheets.texttools import md_text, tex_text

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "generated"
needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex not installed (Debian: texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-fonts-recommended)",
)


def catalog_names() -> list[str]:
    return [a.name for a in symacts.all_activations() if not a.user_defined]


def _generated(name: str) -> Path:
    path = GEN / name
    if not path.exists():
        pytest.skip(f"generated/{name} is absent; run python scripts/regenerate.py")
    return path


# ---- every registered activation appears in every output -------------------------------------
def test_every_activation_in_generated_markdown():
    text = _generated("FORMULAS.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (\S+)$", text, flags=re.M)
    assert headings == catalog_names()
    table_rows = re.findall(r"^\| \[`([a-z0-9_]+)`\]\(#", text, flags=re.M)
    assert table_rows == catalog_names()
    for name in catalog_names():
        assert f"](plots/{name}.png)" in text


def test_every_activation_in_generated_tex():
    text = _generated("formula_sheet.tex").read_text(encoding="utf-8")
    sections = re.findall(r"\\label\{act:([a-z0-9_]+)\}", text)
    assert sections == catalog_names()
    for name in catalog_names():
        assert "{plots/" + name + ".png}" in text


def test_every_activation_in_generated_pdf():
    pdf = _generated("formula_sheet.pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (Debian: poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, text=True).stdout
    for name in catalog_names():
        assert re.search(rf"\d+\s+{re.escape(name)}\b", text), name


def test_sections_show_the_engine_output():
    for name in ("relu", "swish", "selu", "mish"):
        act = symacts.get(name)
        e = content.entry(act)
        assert e.definition == act.latex()
        assert e.derivative == act.derivative_latex()
        assert [g for _, g in e.gradients] == [act.derivative_latex(1, p.name)
                                              for p in act.param_specs]
    relu = content.entry(symacts.get("relu"))
    assert relu.kinks == (("0", "0", "0"),)
    selu = content.entry(symacts.get("selu"))
    assert {s for s, _ in selu.constants} == {r"\alpha", r"\lambda"}
    assert any(d.startswith("1.6732632423543772848") for _, d in selu.constants)


def test_user_defined_activation_in_sheets(tmp_path):
    symacts.define("sheet_test_act", "x*sigmoid(k*x)", params={"k": 2}, replace=True)
    src = markdown.render(content.entries(select(["sheet_test_act", "relu"])))
    assert "### sheet_test_act" in src and "### relu" in src
    assert r"\frac{\partial f}{\partial k}" in src
    assert "sheet_test_act" in [a.name for a in select(None)]


# ---- the PDF ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compiled_sheet(tmp_path_factory) -> SimpleNamespace:
    """generated/formula_sheet.tex compiled twice by compile_pdf (PDFs and the last log)."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (Debian: texlive-latex-base "
                    "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended)")
    source = _generated("formula_sheet.tex").read_text(encoding="utf-8")
    figures = [GEN / "plots" / f"{n}.png" for n in catalog_names()]
    if not all(f.exists() for f in figures):
        pytest.skip("generated/plots is incomplete; run python scripts/regenerate.py")
    tmp = tmp_path_factory.mktemp("sheet")
    a = compile_pdf(source, figures, tmp / "a.pdf", log=tmp / "a.log")
    b = compile_pdf(source, figures, tmp / "b.pdf")
    return SimpleNamespace(pdf=a, again=b, log=(tmp / "a.log").read_text(encoding="latin-1"))


def pdf_pages(pdf: Path) -> list[str]:
    """The text of every page (pdftotext -layout), page 1 first."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (Debian: poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def contents_entries(pages: list[str]) -> list[tuple[int, str, int]]:
    """(number, name, page) of every line of the printed table of contents."""
    text = "\n".join(pages)
    start = text.index("Contents")
    text = text[start:text.index("Properties at a glance", start)]
    found = re.findall(r"(?<!\S)(\d+) ([a-z][a-z0-9_]*) +(\d+)(?!\S)", text)
    return sorted((int(n), name, int(page)) for n, name, page in found)


def test_generated_sheet_compiles_byte_stably(compiled_sheet):
    a, b = compiled_sheet.pdf, compiled_sheet.again
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)]
    assert digest[0] == digest[1]
    data = a.read_bytes()
    assert data.startswith(b"%PDF") and b"/CreationDate" not in data and b"/ID [" not in data


def test_contents_entries_name_the_page_that_holds_them(compiled_sheet):
    pages = pdf_pages(compiled_sheet.pdf)
    entries = contents_entries(pages)
    assert [name for _, name, _ in entries] == catalog_names()
    assert [n for n, _, _ in entries] == list(range(1, len(entries) + 1))
    for number, name, page in entries:
        heading = re.compile(rf"^\s*{number}\s+{re.escape(name)}\s*$", re.M)
        holding = [i for i, text in enumerate(pages, 1) if heading.search(text)]
        assert holding == [page], f"contents: {number} {name} on page {page}, is on {holding}"
    unsettled = re.findall(r"Rerun to get|may have changed|Rerun LaTeX", compiled_sheet.log)
    assert not unsettled  # no reference left unsettled in the pass that wrote the PDF


def test_properties_table_fits_the_text_width(compiled_sheet):
    source = _generated("formula_sheet.tex").read_text(encoding="utf-8").splitlines()
    first = next(i for i, t in enumerate(source, 1) if r"\begin{longtable}" in t)
    last = next(i for i, t in enumerate(source, 1) if r"\end{longtable}" in t)
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\) in alignment at lines "
                          r"(\d+)--(\d+)", compiled_sheet.log)
    in_table = [w for w, a, b in overfull if int(a) <= last and int(b) >= first]
    assert not in_table, f"the properties table is {max(map(float, in_table))}pt too wide"
    assert "Overfull \\hbox" not in compiled_sheet.log  # nor does anything else overflow


@needs_pdflatex
def test_write_pdf_for_a_selection(tmp_path):
    symacts.define("pdf_test_act", "x*tanh(softplus(b*x))", params={"b": 1}, replace=True)
    out = write(tmp_path, formats="pdf", only=["hard_silu", "softshrink", "pdf_test_act"])
    assert [p.name for p in out] == ["formula_sheet.pdf"]
    assert not (tmp_path / "plots").exists()  # pdf writes only the pdf


def test_latex_errors_are_reported(tmp_path):
    if shutil.which("pdflatex") is None:
        with pytest.raises(SheetError, match="texlive-latex-base"):
            compile_pdf("", [], tmp_path / "x.pdf")
        return
    bad = tex.PREAMBLE + "\\begin{document}\\undefinedmacro\\end{document}\n"
    with pytest.raises(SheetError, match="Undefined control sequence"):
        compile_pdf(bad, [], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# ---- writing files ----------------------------------------------------------------------------
def test_write_never_overwrites_without_force(tmp_path):
    files = write(tmp_path, formats=("md", "tex"), only=["relu", "rectifier"])
    names = sorted(p.relative_to(tmp_path).as_posix() for p in files)
    assert names == ["FORMULAS.md", "formula_sheet.tex", "plots/relu.png"]
    (tmp_path / "FORMULAS.md").write_text("my notes")
    with pytest.raises(SheetError, match="refusing to overwrite"):
        write(tmp_path, formats="md", only=["relu"])
    assert (tmp_path / "FORMULAS.md").read_text() == "my notes"
    write(tmp_path, formats="md", only=["relu"], force=True)
    assert "### relu" in (tmp_path / "FORMULAS.md").read_text()


def test_cli_sheet(tmp_path, capsys):
    args = ["sheet", "--format", "md", "--only", "gelu,leaky-relu", "--out", str(tmp_path)]
    assert main(args) == 0
    text = (tmp_path / "FORMULAS.md").read_text()
    assert "### gelu" in text and "### leaky_relu" in text and "### relu\n" not in text
    assert main(args) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    assert main(["sheet", "--format", "md", "--only", "nosuch", "--out", str(tmp_path)]) == 2
    assert "unknown activation" in capsys.readouterr().err
    rc = main(["sheet", "--format", "md", "--only", "cli_sheet_act", "--out",
               str(tmp_path / "d"), "--define", "cli_sheet_act(a=1)=x*exp(-a*x^2)"])
    assert rc == 0 and "### cli_sheet_act" in (tmp_path / "d" / "FORMULAS.md").read_text()


# ---- properties rendering -----------------------------------------------------------------------
def test_unknown_properties_are_shown_as_unknown():
    blank = SimpleNamespace(range_min=None, range_max=None, smoothness=None, monotonic=None,
                            f0=None, df0=None, limits={})
    assert props.range_tex(blank) == props.UNKNOWN
    assert props.smoothness_tex(blank) == props.UNKNOWN
    assert props.monotonic_tex(blank) == props.UNKNOWN
    assert props.rows(symacts.get("relu"), props=None)  # never raises
    rows = props.rows(symacts.get("relu"), props=blank)
    assert {r.tex for r in rows if r.key in ("f0", "df0", "range")} == {props.UNKNOWN}


def test_property_values_render_faithfully():
    p = SimpleNamespace(range_min=-0.30884303, range_max=math.inf, min_attained=True,
                        max_attained=False, range_min_exact=None, range_max_exact=None,
                        smoothness=math.inf)
    assert props.range_tex(p) == r"\left[-0.30884303, \infty\right)"
    assert props.smoothness_tex(SimpleNamespace(smoothness=-1)) == r"\text{discontinuous}"
    assert props.smoothness_tex(SimpleNamespace(smoothness=1)) == "C^{1}"
    import sympy as sp

    assert props.value_tex(-math.pi / 2, -sp.pi / 2) == r"- \frac{\pi}{2}"
    assert props.value_tex(0.5, None) == "0.5"


def test_real_properties_reach_the_sheet():
    rows = {r.key: r.tex for r in content.entry(symacts.get("relu")).properties}
    assert rows["smoothness"] == "C^{0}"
    assert rows["range"].startswith(r"\left[0, \infty")
    mish = {r.key: r.tex for r in content.entry(symacts.get("mish")).properties}
    assert mish["range"].startswith(r"\left[-0.3088434")


# ---- text escaping ------------------------------------------------------------------------------
def test_text_escaping():
    assert tex_text("Nair & Hinton_2010 50%") == r"Nair \& Hinton\_2010 50\%"
    assert tex_text("x·σ(βx) ≥ 0") == r"x\(\cdot\)\(\sigma\)(\(\beta\)x) \(\geq\) 0"
    assert tex_text("Bélisle") == "Bélisle"
    assert tex_text("函") == "[U+51FD]"
    assert md_text("a_b*c|d") == r"a\_b\*c\|d"
