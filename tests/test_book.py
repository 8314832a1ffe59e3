"""Check the built book for what a reader relies on (issue 3).

The book is built once per test session by the `built_book` fixture of
`conftest.py`: from the repository root with the real `_toc.yml`, into
a temporary folder, by the `jupyter-book` of the environment that runs
the tests, with ``-W --keep-going``. Any Sphinx warning makes the build
exit non-zero and `_config.yml` (``raise_on_error: true``) does the same
for a cell that raises; the fixture then fails every test here with the
build's log.

The built HTML is read with the standard library's parser and checked:
every chapter is there with its title, every image has alt text, every
chapter shows the package's own source, no cell output holds a
traceback, and every figure and display equation of a numbered chapter
has a label and a number that a teacher can cite (issue 7). The checks
are plain functions, tested first on small hand-written pages, so that
none of them can pass by finding nothing; the tests that need the
build are marked ``slow``.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import convstep

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "convstep"

# The six chapters of issue 3, in book order (files book/<name>.md).
CHAPTERS = (
    "padding",
    "single_step",
    "conv_forward",
    "pool_forward",
    "conv_backward",
    "pool_backward",
)

# Signs that a cell output holds a traceback: Python's own header; the
# header IPython prints for an error raised in a cell; a raw ANSI escape
# (IPython colours its tracebacks, and myst-nb turns escapes it
# understands into the `-Color` classes checked below). myst-nb renders
# an error output as an element of class `traceback`, checked as well.
TRACEBACK_TEXT = (
    "Traceback (most recent call last)",
    "Cell In[",
    "\x1b[",
)
TRACEBACK_CLASSES = ("traceback", "-Color")

# Elements that never have an end tag; they are not pushed on the stack.
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# What every chapter has besides its figures (issue 3): a box of
# learning goals, these sections, and exercises with hidden solutions.
CHAPTER_SECTIONS = ("Pitfalls", "Summary", "Exercises")

# Alt text that describes what a figure shows runs to a sentence; a
# name, a file name or "Fig. 3.1" is shorter.
MIN_ALT_WORDS = 10

# Cell tags that keep plotting code out of the reader's way.
HIDING_TAGS = {"hide-input", "remove-input", "remove-cell"}

# Works the issue asks the bibliography to hold, by an author's name.
CITED_AUTHORS = ("LeCun", "Dumoulin", "Goodfellow")

# The shortest run of source lines that counts as "showing the source";
# one or two lines (a bare `return A`) could match by accident.
MIN_SOURCE_LINES = 3


class PageParser(HTMLParser):
    """Collect what the checks need from one HTML page.

    Attributes
    ----------
    images : list of dict
        The attributes of every ``<img>``.
    headings : list of str
        The text of every ``<h1>``.
    sections : list of str
        The text of every ``<h2>``.
    code_blocks : list of str
        The text of every ``<pre>`` outside notebook cells: literal
        blocks and included listings, not cell inputs or outputs.
    outputs : list of str
        The text of every notebook cell output area.
    output_classes : set of str
        Every class used by an element inside a cell output area.
    figures : list of dict
        Every ``<figure>``: its ``id``, whether it shows a caption
        number ("Fig. 3.1") and how many images it holds.
    loose_images : list of str
        The ``src`` of every image that is in no ``<figure>``.
    equations : list of dict
        Every display equation (``div.math``): its ``id`` and whether
        it shows an equation number.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []
        self.headings = []
        self.sections = []
        self.code_blocks = []
        self.outputs = []
        self.output_classes = set()
        self.figures = []
        self.loose_images = []
        self.equations = []
        self._stack = []  # (tag, classes) of the open elements
        self._text = {}  # id of an open element we collect -> chunks
        self._numbered = {}  # depth of an open figure or equation -> dict

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "img":
            self.images.append(attributes)
            self._count_image(attributes)
        if self._inside("cell_output"):
            self.output_classes.update(classes)
        if tag in VOID_ELEMENTS:
            return

        self._stack.append((tag, classes))
        if self._collects(tag, classes):
            self._text[len(self._stack)] = []
        self._note_numbering(tag, classes, attributes)

    def handle_endtag(self, tag):
        # Pop up to the matching element; HTML allows end tags (</p>,
        # </li>) to be left out, and stray end tags are ignored.
        depths = [d for d, (t, _) in enumerate(self._stack, 1) if t == tag]
        if not depths:
            return
        while len(self._stack) >= depths[-1]:
            self._close(len(self._stack))

    def handle_data(self, data):
        for chunks in self._text.values():
            chunks.append(data)

    def close(self):
        super().close()
        while self._stack:
            self._close(len(self._stack))

    def _inside(self, css_class):
        return any(css_class in classes for _, classes in self._stack)

    def _innermost(self, kind):
        """The record of the innermost open figure or equation, if any."""
        for depth in sorted(self._numbered, reverse=True):
            if self._numbered[depth]["kind"] == kind:
                return self._numbered[depth]
        return None

    def _count_image(self, attributes):
        figure = self._innermost("figure")
        if figure is None:
            self.loose_images.append(attributes.get("src", "?"))
        else:
            figure["images"] += 1

    def _note_numbering(self, tag, classes, attributes):
        depth = len(self._stack)
        if tag == "figure":
            record = {"kind": "figure", "id": attributes.get("id")}
            record.update(numbered=False, images=0)
            self.figures.append(record)
            self._numbered[depth] = record
        elif tag == "div" and "math" in classes:
            record = {"kind": "equation", "id": attributes.get("id")}
            record.update(numbered=False)
            self.equations.append(record)
            self._numbered[depth] = record
        elif tag == "span" and "caption-number" in classes:
            figure = self._innermost("figure")
            if figure is not None:
                figure["numbered"] = True
        elif tag == "span" and "eqno" in classes:
            equation = self._innermost("equation")
            if equation is not None:
                equation["numbered"] = True

    def _collects(self, tag, classes):
        if tag in ("h1", "h2"):
            return True
        if "cell_output" in classes:
            return True
        return tag == "pre" and not (
            self._inside("cell_input") or self._inside("cell_output")
        )

    def _close(self, depth):
        tag, classes = self._stack.pop()
        self._numbered.pop(depth, None)
        chunks = self._text.pop(depth, None)
        if chunks is None:
            return
        text = "".join(chunks)
        if tag == "h1":
            self.headings.append(text)
        elif tag == "h2":
            self.sections.append(text.strip())
        elif "cell_output" in classes:
            self.outputs.append(text)
        else:
            self.code_blocks.append(text)


def parse_page(html):
    """Parse one page's HTML and return the filled `PageParser`."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def images_without_alt(page):
    """The ``src`` of every image whose alt text is missing or blank."""
    return [
        image.get("src", "?")
        for image in page.images
        if not (image.get("alt") or "").strip()
    ]


def unreferable_figures(page):
    """What is wrong with each figure that cannot be cited by number.

    A figure needs a label (its ``id``, from ``name:``) and a number,
    which Sphinx shows only for a figure that has a caption; an image
    outside any figure has neither.
    """
    problems = [f"image outside a figure: {src}" for src in page.loose_images]
    for figure in page.figures:
        if not figure["id"]:
            problems.append("figure without a name (label)")
        if not figure["numbered"]:
            problems.append(f"figure {figure['id']} has no caption number")
    return problems


def unreferable_equations(page):
    """The display equations that have no label or no number."""
    return [
        equation["id"] or "display equation without a label"
        for equation in page.equations
        if not (equation["id"] and equation["numbered"])
    ]


def section_titles(page):
    """The ``<h2>`` titles without their number ("1.6.") and anchor."""
    return [
        re.sub(r"^[\d.]+\s*", "", title).rstrip("#").strip()
        for title in page.sections
    ]


def thin_alt_texts(page):
    """The alt texts too short to say what their image shows."""
    return [
        image.get("alt") or ""
        for image in page.images
        if len((image.get("alt") or "").split()) < MIN_ALT_WORDS
    ]


def exercise_counts(html):
    """How many exercises, solutions and dropdown solutions a page has."""
    class_lists = [
        set(classes.split())
        for classes in re.findall(r'class="([^"]*)"', html)
    ]
    admonitions = [c for c in class_lists if "admonition" in c]
    solutions = [c for c in admonitions if "solution" in c]
    return (
        sum("exercise" in c for c in admonitions),
        len(solutions),
        sum("dropdown" in c for c in solutions),
    )


def code_cell_metadata(markdown):
    """The YAML metadata block of every code cell of a MyST notebook."""
    blocks = re.findall(
        r"^```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", markdown, re.S | re.M
    )
    return [yaml.safe_load(block) or {} for block in blocks]


def figure_cells_showing_their_code(markdown):
    """The names of the figure cells whose plotting code is not hidden."""
    return [
        metadata["mystnb"]["figure"].get("name", "?")
        for metadata in code_cell_metadata(markdown)
        if "figure" in (metadata.get("mystnb") or {})
        and not HIDING_TAGS & set(metadata.get("tags") or [])
    ]


def numbered_chapters(toc_path=ROOT / "_toc.yml"):
    """The chapters of the numbered parts of the table of contents.

    Their figures and equations are numbered by chapter; the front page
    and the unnumbered parts (self-check, citing, API) are not.
    """
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    return [
        chapter["file"]
        for part in toc["parts"]
        if part.get("numbered")
        for chapter in part["chapters"]
    ]


def traceback_signs(page):
    """Every sign of a traceback found in the page's cell outputs."""
    found = [
        marker
        for output in page.outputs
        for marker in TRACEBACK_TEXT
        if marker in output
    ]
    found += [
        css_class
        for css_class in sorted(page.output_classes)
        for sign in TRACEBACK_CLASSES
        if sign in css_class
    ]
    return found


def _source_lines(text):
    """The non-blank lines of `text`, stripped of their indentation."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def package_sources(package=PACKAGE):
    """The package's modules, each as one string of stripped lines.

    Each string starts and ends with a newline, so that a block is
    matched by whole lines only.
    """
    return [
        "\n"
        + "\n".join(_source_lines(path.read_text(encoding="utf-8")))
        + "\n"
        for path in sorted(package.rglob("*.py"))
    ]


def shows_package_source(page, sources):
    """True if a code block outside the cells is taken from the package.

    A block counts when it has at least `MIN_SOURCE_LINES` lines and
    they appear, consecutively, in one of the package's modules: what a
    ``literalinclude`` of ``src/convstep`` produces, with or without
    ``:pyobject:``, ``:start-at:`` or ``:dedent:``.
    """
    for block in page.code_blocks:
        lines = _source_lines(block)
        if len(lines) < MIN_SOURCE_LINES:
            continue
        wanted = "\n" + "\n".join(lines) + "\n"
        if any(wanted in source for source in sources):
            return True
    return False


def chapter_title(name):
    """The text of the one ``#`` heading of ``book/<name>.md``."""
    text = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise AssertionError(f"book/{name}.md has no '# ' title")


# --- The checks, on hand-written pages (fast) -------------------------

LISTING = """
<div class="literal-block-wrapper docutils container" id="code-x">
<div class="code-block-caption"><span class="caption-text">
<code>convstep.zero_pad</code></span></div>
<div class="highlight-python notranslate"><div class="highlight"><pre>
<span class="n">pad</span> = check_nonnegative_int(pad, &quot;pad&quot;)
X = as_float_array(X, &quot;X&quot;, ndim=4)

no_padding = (0, 0)
</pre></div></div></div>
"""

CELL = """
<div class="cell docutils container">
<div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>
pad = check_nonnegative_int(pad, &quot;pad&quot;)
X = as_float_array(X, &quot;X&quot;, ndim=4)
no_padding = (0, 0)
</pre></div></div></div>
<div class="cell_output docutils container">
<div class="output stream highlight-myst-ansi notranslate">
<div class="highlight"><pre><span></span>{output}</pre></div></div>
</div></div>
"""


def test_parser_finds_images_without_alt_text():
    page = parse_page(
        '<p><img alt="A 3 by 3 grid" src="a.png"><img src="b.png"/>'
        '<img alt="  " src="c.png"></p>'
    )

    assert len(page.images) == 3
    assert images_without_alt(page) == ["b.png", "c.png"]


def test_parser_finds_tracebacks_in_cell_outputs_only():
    clean = parse_page(CELL.format(output="ValueError: `f` must be ..."))
    printed = parse_page(
        CELL.format(output="Traceback (most recent call last):\n  ...")
    )
    rendered = parse_page(
        '<div class="cell_output docutils container"><div class="output '
        'traceback highlight-ipythontb notranslate"><pre>ValueError'
        "</pre></div></div>"
    )
    in_prose = parse_page("<p>Traceback (most recent call last)</p>")

    assert len(clean.outputs) == 1
    assert traceback_signs(clean) == []
    assert traceback_signs(printed) == ["Traceback (most recent call last)"]
    assert traceback_signs(rendered) == ["traceback"]
    assert traceback_signs(in_prose) == []


def test_parser_tells_a_listing_from_a_cell_that_copies_the_source():
    sources = package_sources()

    assert shows_package_source(parse_page(LISTING), sources)
    assert not shows_package_source(
        parse_page(CELL.format(output="")), sources
    )


def test_parser_does_not_take_unrelated_code_for_the_package():
    unrelated = parse_page("<pre>def f(x):\n    y = x + 1\n    return y</pre>")
    # Two real lines of zero_pad: too short to count.
    too_short = parse_page(
        '<pre>pad = check_nonnegative_int(pad, "pad")\n'
        'X = as_float_array(X, "X", ndim=4)</pre>'
    )

    assert len(unrelated.code_blocks) == 1
    assert not shows_package_source(unrelated, package_sources())
    assert not shows_package_source(too_short, package_sources())


def test_parser_reads_headings_through_unclosed_elements():
    page = parse_page("<section><h1>4. Pooling<a>#</a></h1><p>text</section>")

    assert page.headings == ["4. Pooling#"]


FIGURES = """
<figure class="align-default" id="fig-ok">
<img alt="a grid" src="a.png"/>
<figcaption><p><span class="caption-number">Fig. 1.1 </span>A.</p>
</figcaption></figure>
<figure class="align-default"><img alt="b" src="b.png"/>
<figcaption><p><span class="caption-number">Fig. 1.2 </span>B.</p>
</figcaption></figure>
<figure class="align-default" id="fig-uncaptioned">
<img alt="c" src="c.png"/></figure>
<p><img alt="d" src="d.png"/></p>
"""

EQUATIONS = """
<div class="math notranslate nohighlight" id="equation-eq-ok">
<span class="eqno">(1.1)<a class="headerlink" href="#eq">#</a></span>
\\[z = 1\\]</div>
<div class="math notranslate nohighlight">\\[p = 1\\]</div>
<p>Inline <span class="math notranslate nohighlight">\\(x\\)</span>.</p>
"""


def test_parser_finds_figures_that_cannot_be_cited():
    page = parse_page(FIGURES)

    assert unreferable_figures(page) == [
        "image outside a figure: d.png",
        "figure without a name (label)",
        "figure fig-uncaptioned has no caption number",
    ]
    assert page.figures[0] == {
        "kind": "figure",
        "id": "fig-ok",
        "numbered": True,
        "images": 1,
    }


def test_parser_finds_display_equations_without_a_label():
    page = parse_page(EQUATIONS)

    # The inline math is no display equation; the second one is.
    assert len(page.equations) == 2
    assert unreferable_equations(page) == ["display equation without a label"]


def test_section_titles_lose_their_number_and_anchor():
    page = parse_page("<h2>1.6. Pitfalls<a>#</a></h2><h2>Contents</h2>")

    assert section_titles(page) == ["Pitfalls", "Contents"]


def test_short_alt_texts_are_found():
    page = parse_page(
        '<img alt="fig-padding-counts" src="a.png"/>'
        '<img alt="Two 5 by 5 grids of counts, the corners holding 1 and'
        ' the centre 9." src="b.png"/><img src="c.png"/>'
    )

    assert thin_alt_texts(page) == ["fig-padding-counts", ""]


def test_exercise_counts_tell_hidden_solutions_from_shown_ones():
    html = (
        '<div class="exercise admonition" id="e1"></div>'
        '<div class="solution dropdown admonition" id="s1"></div>'
        '<div class="exercise admonition" id="e2"></div>'
        '<div class="solution admonition" id="s2"></div>'
        '<div class="note admonition"></div>'
    )

    assert exercise_counts(html) == (2, 2, 1)


def test_figure_cells_with_visible_plotting_code_are_found():
    markdown = (
        "```{code-cell} ipython3\n---\ntags: [hide-input]\nmystnb:\n"
        "  figure:\n    name: fig-hidden\n---\nfig = draw()\n```\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n"
        "    name: fig-shown\n---\nfig = draw()\n```\n\n"
        "```{code-cell} ipython3\nprint(1)\n```\n"
    )

    assert figure_cells_showing_their_code(markdown) == ["fig-shown"]


def test_numbered_chapters_are_read_from_the_table_of_contents():
    chapters = numbered_chapters()

    assert [f"book/{name}" for name in CHAPTERS] == chapters[: len(CHAPTERS)]
    assert "book/intro" not in chapters
    assert "book/api" not in chapters


# --- The built book (slow) --------------------------------------------


@pytest.fixture(scope="module")
def pages(built_book):
    """Every built HTML page, parsed, keyed by its path in the site."""
    html = built_book
    parsed = {
        path.relative_to(html).as_posix(): parse_page(
            path.read_text(encoding="utf-8")
        )
        for path in sorted(html.rglob("*.html"))
        if "_static" not in path.relative_to(html).parts
    }
    assert parsed, f"no HTML page was built in {html}"
    return parsed


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_is_rendered_with_its_title(built_book, name):
    path = built_book / "book" / f"{name}.html"

    assert path.is_file(), f"{path.name} was not built (is it in the toc?)"
    page = parse_page(path.read_text(encoding="utf-8"))
    title = chapter_title(name)
    assert any(title in heading for heading in page.headings), (
        f"no <h1> of {path.name} holds {title!r}: {page.headings}"
    )


@pytest.mark.slow
def test_every_image_has_alt_text(pages):
    # No image is exempt. The theme draws its icons as font glyphs or
    # inline SVG, not <img>, and the book sets no logo; a theme image
    # that is not content would be marked with alt="" and still be
    # caught here, on purpose, so that someone decides about it.
    missing = {
        name: images_without_alt(page)
        for name, page in pages.items()
        if images_without_alt(page)
    }
    n_images = sum(len(page.images) for page in pages.values())

    assert n_images > 0
    assert missing == {}


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_a_figure(pages, name):
    page = pages[f"book/{name}.html"]

    assert page.images, f"{name} shows no image"


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_shows_the_packages_source(pages, name):
    page = pages[f"book/{name}.html"]

    assert shows_package_source(page, package_sources()), (
        f"{name} shows no listing taken from src/convstep"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_outputs_hold_no_traceback(pages, name):
    page = pages[f"book/{name}.html"]

    assert page.outputs, f"{name} has no cell output: was it executed?"
    assert traceback_signs(page) == []


@pytest.mark.slow
def test_no_page_output_holds_a_traceback(pages):
    signs = {
        name: traceback_signs(page)
        for name, page in pages.items()
        if traceback_signs(page)
    }

    assert sum(len(page.outputs) for page in pages.values()) > 0
    assert signs == {}


@pytest.mark.slow
def test_the_anchors_that_how_to_cite_quotes_exist(built_book):
    # cite.md tells teachers how to link to one figure or equation; the
    # addresses it gives as examples must lead somewhere.
    text = (ROOT / "book" / "cite.md").read_text(encoding="utf-8")
    quoted = re.findall(r"`(\w+\.html)#([\w-]+)`", text)
    assert len(quoted) >= 2

    for page, anchor in quoted:
        html = (built_book / "book" / page).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, f"{page}#{anchor}"


@pytest.mark.slow
@pytest.mark.parametrize("name", numbered_chapters())
def test_every_figure_of_a_chapter_has_a_label_and_a_number(pages, name):
    page = pages[f"{name}.html"]

    assert page.figures, f"{name} has no figure"
    assert not unreferable_figures(page)


@pytest.mark.slow
@pytest.mark.parametrize("name", numbered_chapters())
def test_every_equation_of_a_chapter_has_a_label_and_a_number(pages, name):
    page = pages[f"{name}.html"]

    assert page.equations, f"{name} has no display equation"
    assert not unreferable_equations(page)


@pytest.mark.slow
@pytest.mark.parametrize("name", numbered_chapters())
def test_chapter_has_goals_pitfalls_summary_and_exercises(
    built_book, pages, name
):
    html = (built_book / f"{name}.html").read_text(encoding="utf-8")
    page = pages[f"{name}.html"]

    assert ">Learning goals<" in html
    titles = section_titles(page)
    for section in CHAPTER_SECTIONS:
        assert section in titles, f"{name} has no section {section!r}"
    exercises, solutions, hidden = exercise_counts(html)
    assert exercises >= 1
    assert solutions == exercises
    assert hidden == solutions, f"{name} shows a solution openly"


@pytest.mark.parametrize("name", numbered_chapters())
def test_plotting_code_of_every_figure_is_behind_a_toggle(name):
    markdown = (ROOT / f"{name}.md").read_text(encoding="utf-8")

    assert not figure_cells_showing_their_code(markdown)


@pytest.mark.slow
def test_every_alt_text_describes_its_image(pages):
    thin = {
        path: texts
        for path, page in pages.items()
        if (texts := thin_alt_texts(page))
    }

    assert not thin


@pytest.mark.slow
def test_every_page_shows_the_package_version(built_book):
    # book/_ext/version.py writes it into the footer.
    stamp = f"convstep version {convstep.__version__}"
    chapters = sorted((built_book / "book").glob("*.html"))

    assert len(chapters) > len(CHAPTERS)
    for path in chapters:
        assert stamp in path.read_text(encoding="utf-8"), path.name


@pytest.mark.slow
@pytest.mark.parametrize("name", numbered_chapters())
def test_chapter_downloads_as_executed_notebook_and_markdown(built_book, name):
    html = (built_book / f"{name}.html").read_text(encoding="utf-8")
    sources = built_book / "_sources" / name

    for suffix in (".ipynb", ".md"):
        assert f'href="../_sources/{name}{suffix}"' in html
        assert sources.with_suffix(suffix).is_file()
    notebook = json.loads(sources.with_suffix(".ipynb").read_text("utf-8"))
    outputs = [
        cell["outputs"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]
    assert any(outputs), f"{name}.ipynb holds no executed output"


@pytest.mark.slow
def test_the_forward_pass_chapter_plays_its_animation(built_book):
    html = (built_book / "book" / "conv_forward.html").read_text("utf-8")

    start = html.index('id="fig-conv-forward-slide"')
    figure = html[start : html.index("</figure>", start)]

    assert "<img" in figure
    assert 'type="range"' in figure  # the player's frame slider
    assert "Fig. 3.1" in figure


@pytest.mark.slow
def test_the_api_page_shows_the_docstring_examples(built_book):
    html = (built_book / "book" / "api.html").read_text(encoding="utf-8")

    for name in ("zero_pad", "conv_forward", "pool_backward"):
        start = html.index(f'id="convstep.{name}"')
        end = html.find('id="convstep.', start + 1)
        entry = html[start:end]
        assert '<span class="gp">&gt;&gt;&gt; </span>' in entry, name


@pytest.mark.slow
def test_the_bibliography_lists_the_works_the_book_builds_on(built_book):
    html = (built_book / "book" / "references.html").read_text("utf-8")

    for author in CITED_AUTHORS:
        assert author in html, author
