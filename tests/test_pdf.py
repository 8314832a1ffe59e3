"""The book as one PDF (`make pdf`), and the site's link to it.

The PDF needs Debian's TeX Live (`make tex` installs it). Without it
these tests skip, except under CI=true, where `.ci/run` installs it and
a missing TeX is a failure. The build reuses the execution cache of the
session's HTML build, so no chapter runs twice.
"""

import os
import shutil
import subprocess

import pypdf
import pytest

import convstep

from support import build_book

pytestmark = pytest.mark.slow

CHAPTER_TITLES = [
    "Zero padding",
    "A single convolution step",
    "The convolution forward pass",
    "Pooling forward",
    "The convolution backward pass",
    "Pooling backward",
]


def tex_is_missing():
    """What of the TeX tool chain is missing, or an empty string."""
    missing = [
        tool
        for tool in ("xelatex", "latexmk", "xindy", "kpsewhich")
        if shutil.which(tool) is None
    ]
    if not missing:
        found = subprocess.run(
            ["kpsewhich", "bbm.sty"], capture_output=True, check=False
        )
        if found.returncode != 0:
            missing.append("bbm.sty (texlive-fonts-extra)")
    return ", ".join(missing)


@pytest.fixture(scope="module")
def book_with_pdf(built_book, tmp_path_factory):
    """A copy of the session's build, plus the PDF and the linking site."""
    missing = tex_is_missing()
    if missing:
        message = f"TeX for the PDF is missing ({missing}); run make tex"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    output = tmp_path_factory.mktemp("pdf") / "book"
    shutil.copytree(built_book.parent.parent, output)
    build_book(output, "--builder", "pdflatex")
    build_book(output)
    return output / "_build"


@pytest.fixture(scope="module")
def pdf_text(book_with_pdf):
    reader = pypdf.PdfReader(book_with_pdf / "latex" / "convstep.pdf")
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_holds_the_whole_book(pdf_text):
    reader, text = pdf_text

    assert len(reader.pages) > 50
    assert reader.metadata.title.startswith("convstep")
    for title in CHAPTER_TITLES:
        assert title in text, title


def test_pdf_names_the_package_version(pdf_text):
    reader, _ = pdf_text

    first_page = reader.pages[0].extract_text()

    assert f"Release {convstep.__version__}" in first_page


def test_pdf_holds_the_figures_as_images(pdf_text):
    reader, _ = pdf_text

    images = sum(len(page.images) for page in reader.pages)

    # Every chapter figure is a raster image (the animation prints as
    # its last frame); the site has 22 of them today.
    assert images >= 20


def test_pdf_has_a_table_of_contents_by_part(pdf_text):
    reader, _ = pdf_text

    top_level = [
        item.title for item in reader.outline if not isinstance(item, list)
    ]

    assert "I Forward pass" in top_level
    assert "II Backward pass" in top_level


def test_pdf_numbers_figures_equations_and_listings(pdf_text):
    _, text = pdf_text

    for number in (
        "Fig. 1.1",
        "Fig. 3.1",
        "Fig. 6.1",
        "(3.1)",
        "(5.1)",
        "Listing 3.1",
    ):
        assert number in text, number


def test_pdf_shows_no_html_only_output(pdf_text):
    # An output with only an HTML form (the animation's player) would
    # print as its Python repr.
    _, text = pdf_text

    assert "IPython.core.display" not in text
    assert "<Figure size" not in text


def test_site_links_the_pdf(book_with_pdf):
    html = book_with_pdf / "html"
    intro = (html / "book" / "intro.html").read_text(encoding="utf-8")

    assert (html / "convstep.pdf").is_file()
    assert 'href="../convstep.pdf"' in intro
