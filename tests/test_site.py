"""The built website, as a reader's browser sees it.

Debian's Chromium, driven by Playwright, opens every page the build
produced: served over loopback HTTP, and straight from disk (file://),
with every request that would leave the machine blocked and counted.
Each page must load with no console error and no failed request, decode
every image, typeset every equation, show its code cells' outputs and
pass axe-core with no serious or critical violation, in light and in
dark mode. Search must find "padding" both ways.

The pages are discovered from the built HTML, so chapters added to the
table of contents are checked without touching this file.

Without /usr/bin/chromium or the playwright package these tests skip,
except under ``CI=true``, where they fail.
"""

import contextlib
import io
import json
import os
import re
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")

# Debian's Chromium as the machine notes prescribe: no sandbox (tests may
# run as root), and no background traffic of its own (updates, sync,
# QUIC probes) that would muddy the count of blocked requests.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Containers (CI) often give /dev/shm only 64 MB: use /tmp instead.
    "--disable-dev-shm-usage",
]

# Milliseconds. Generous, because the machine is shared; a page that
# needs longer than this is broken, not slow.
TIMEOUT = 30_000
SETTLE_TIMEOUT = 5_000

# Page weight, KiB: everything a first visit downloads, and the part
# that is the page's own (its HTML and images). About 3.5 MiB of the
# first is the theme and MathJax, shared by all pages; the second grows
# with figures and animations (keep each animation under 300 KiB).
PAGE_BUDGET_KIB = 5120
OWN_CONTENT_BUDGET_KIB = 2048

# Text that MathJax should have replaced by typeset math.
RAW_TEX_DELIMITERS = ("\\(", "\\[", "$$")

# Mime types myst-nb renders as a cell output. A glued value is stored
# under "application/papermill.record/..." and is not shown by its cell.
RENDERED_MIME_PREFIXES = ("text/", "image/", "application/javascript")

REFRESH = re.compile(
    r'<meta http-equiv="Refresh" content="\d+; url=([^"]+)"', re.IGNORECASE
)

# WCAG's minimum contrast for graphical objects.
NON_TEXT_CONTRAST = 3.0


@dataclass
class Visit:
    """What one page load did, and what the page showed."""

    page: str
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    blocked_requests: list = field(default_factory=list)
    loaded_urls: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    raw_tex: list = field(default_factory=list)
    math_count: int = 0
    untypeset_math: list = field(default_factory=list)
    cell_outputs: dict = field(default_factory=dict)
    axe_violations: list = field(default_factory=list)
    theme: str = ""
    background: str = ""
    figures: list = field(default_factory=list)
    figure_images: list = field(default_factory=list)


def require(what):
    """Skip the browser tests for lack of `what`, or fail under CI."""
    message = f"browser tests need {what}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: not skipping)", pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------
# Fixtures: a browser, the site on loopback, one visit per page.


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, for the whole module."""
    if not CHROMIUM.is_file():
        require(f"{CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("the playwright package (pip install -e '.[test]')")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that keeps the test output clean."""

    def log_message(self, format, *args):
        pass


@dataclass
class Site:
    """The built HTML folder and the loopback address serving it."""

    html: Path
    base_url: str

    def url(self, page, mode):
        """The address of `page` over HTTP or straight from disk."""
        if mode == "http":
            return self.base_url + page
        return (self.html / page).as_uri()

    def file_of(self, url):
        """The built file behind a loopback `url`, or None."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
        elif url.startswith(self.base_url):
            path = self.html / unquote(parts.path).lstrip("/")
        else:
            return None
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None


@pytest.fixture(scope="module")
def site(browser, built_book):
    """The built book served by a static HTTP server on 127.0.0.1."""
    handler = partial(QuietHandler, directory=str(built_book))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    port = server.server_address[1]
    yield Site(html=built_book, base_url=f"http://127.0.0.1:{port}/")

    server.shutdown()
    server.server_close()
    thread.join()


def discover_pages(html):
    """Every HTML page of the build, as paths relative to `html`.

    Folders starting with an underscore hold assets (the theme's
    template fragments in _static are .html files too), not pages.
    Redirect stubs (the root index.html) are tested on their own.
    """
    pages = [
        path.relative_to(html).as_posix()
        for path in html.rglob("*.html")
        if not any(
            part.startswith("_") for part in path.relative_to(html).parts
        )
        and redirect_target(path) is None
    ]
    return sorted(pages)


def redirect_target(path):
    """Where a ``<meta http-equiv="Refresh">`` page sends the reader."""
    found = REFRESH.search(path.read_text(encoding="utf-8"))
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def pages(site):
    return discover_pages(site.html)


def is_local(url, mode):
    """Whether a request stays on this machine (loopback or disk)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if parts.scheme == "file":
        return mode == "file"
    return parts.hostname in ("127.0.0.1", "localhost", "::1")


WAIT_FOR_MATHJAX = """
async () => {
  if (!document.querySelector('script[src*="mathjax"]')) return true;
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > 15000) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await MathJax.startup.promise;
  return true;
}
"""

BROKEN_IMAGES = """
async () => {
  const images = Array.from(document.images);
  for (const image of images) image.loading = "eager";
  await Promise.all(images.map((image) => image.decode().catch(() => null)));
  return images
    .filter((image) => !(image.complete && image.naturalWidth > 0))
    .map((image) => image.currentSrc || image.src || image.outerHTML);
}
"""

MATH_STATE = """
(delimiters) => {
  const verbatim = "pre, code, script, style, textarea, mjx-container";
  const walker = document.createTreeWalker(
    document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(verbatim)) continue;
    const text = node.textContent;
    if (delimiters.some((d) => text.includes(d)))
      raw.push(text.trim().slice(0, 100));
  }
  const math = Array.from(document.querySelectorAll(".math"));
  const untypeset = math
    .filter((element) => !element.querySelector("mjx-container"))
    .map((element) => element.textContent.trim().slice(0, 100));
  return {raw, count: math.length, untypeset};
}
"""

# For every figure image: the smallest alpha among its pixels (a canvas
# may read them: same origin) and the colour the page paints behind it.
FIGURE_IMAGES = """
() => Array.from(document.querySelectorAll("figure img")).map((image) => {
  const backdrop = getComputedStyle(image).backgroundColor;
  const src = image.currentSrc.slice(0, 120);
  if (!image.naturalWidth) return { src, minAlpha: null, backdrop };
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let minAlpha = 255;
  for (let i = 3; i < data.length; i += 4) {
    minAlpha = Math.min(minAlpha, data[i]);
  }
  return { src, minAlpha, backdrop };
})
"""

CELL_OUTPUTS = """
() => {
  const outputs = Array.from(document.querySelectorAll("div.cell_output"));
  const shows = (output) => output.textContent.trim() ||
    output.querySelector("img, svg, canvas, table, iframe, video");
  return {
    shown: outputs.length,
    empty: outputs.filter((output) => !shows(output)).length,
    errors: document.querySelectorAll(
      "div.cell_output .output.error, div.cell_output .output.traceback"
    ).length,
  };
}
"""


def visit(browser, site, page, mode, *, scheme="light", axe=None, shots=None):
    """Load `page` once and record everything the tests look at.

    `axe` is None, "all" (every axe rule) or "colour" (the rules that
    depend on colours, enough for the second colour scheme). With
    `shots`, a folder, the first figure is photographed there.
    """
    record = Visit(page=page)
    context = browser.new_context(
        color_scheme=scheme,
        service_workers="block",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT)

    def guard(route):
        url = route.request.url
        if is_local(url, mode):
            route.continue_()
        else:
            record.blocked_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    tab = context.new_page()
    listeners = {
        "console": partial(_note_console, record),
        "pageerror": lambda error: record.console_errors.append(str(error)),
        "requestfailed": partial(_note_failure, record),
        "response": partial(_note_response, record),
        "requestfinished": lambda r: record.loaded_urls.append(r.url),
        "websocket": lambda ws: record.blocked_requests.append(ws.url),
    }
    for event, listener in listeners.items():
        tab.on(event, listener)

    try:
        tab.goto(site.url(page, mode), wait_until="load")
        if not tab.evaluate(WAIT_FOR_MATHJAX):
            record.console_errors.append("MathJax never started")
        settle(tab)
        _inspect(tab, record)
        _look_at_figures(tab, record, shots, scheme)

        # axe fetches the stylesheets again on its own, resolving their
        # @import rules against the page instead of the stylesheet (a
        # 404 for /basic.css): its requests are not the site's.
        for event, listener in listeners.items():
            tab.remove_listener(event, listener)
        if axe:
            record.axe_violations = _serious_violations(tab, axe)
    finally:
        context.close()
    return record


def settle(tab):
    """Wait until the network has been quiet for half a second.

    Capped: a page whose player keeps swapping frames may never be
    quiet, and everything a page requests on its own starts within
    this time anyway.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        tab.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT)


def _note_console(record, message):
    if message.type == "error":
        record.console_errors.append(f"{message.text} @ {message.location}")


def _note_failure(record, request):
    if request.url not in record.blocked_requests:
        record.failed_requests.append(f"{request.url}: {request.failure}")


def _note_response(record, response):
    if response.status >= 400:
        record.failed_requests.append(f"{response.url}: {response.status}")


def _inspect(tab, record):
    record.broken_images = tab.evaluate(BROKEN_IMAGES)
    math = tab.evaluate(MATH_STATE, list(RAW_TEX_DELIMITERS))
    record.raw_tex = math["raw"]
    record.math_count = math["count"]
    record.untypeset_math = math["untypeset"]
    record.cell_outputs = tab.evaluate(CELL_OUTPUTS)
    record.theme = tab.evaluate("document.documentElement.dataset.theme")
    record.background = tab.evaluate(
        "getComputedStyle(document.body).backgroundColor"
    )


def _look_at_figures(tab, record, shots, scheme):
    """Photograph every visible figure image, as the reader sees it."""
    if tab.url.startswith("http"):
        record.figure_images = tab.evaluate(FIGURE_IMAGES)
    figures = tab.locator("figure img >> visible=true")
    record.figures = [
        figures.nth(i).screenshot(animations="disabled")
        for i in range(figures.count())
    ]
    if shots and record.figures:
        figures.first.scroll_into_view_if_needed()
        name = record.page.replace("/", "-").removesuffix(".html")
        tab.screenshot(path=shots / f"{name}-{scheme}.png")


def _serious_violations(tab, rules):
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"]}
    if rules == "colour":
        options["runOnly"] = ["color-contrast", "link-in-text-block"]
    results = Axe().run(tab, options=options)
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory):
    """Where the light and dark screenshots go, to be looked at.

    ``CONVSTEP_SCREENSHOTS`` names a folder to keep them in; otherwise
    they land in pytest's temporary folder for this run.
    """
    chosen = os.environ.get("CONVSTEP_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def http_visits(browser, site, pages, screenshot_dir):
    """Every page over HTTP in light mode, with every axe rule."""
    return {
        page: visit(
            browser, site, page, "http", axe="all", shots=screenshot_dir
        )
        for page in pages
    }


@pytest.fixture(scope="module")
def dark_visits(browser, site, pages, screenshot_dir):
    """Every page over HTTP in dark mode, with axe's colour rules."""
    return {
        page: visit(
            browser,
            site,
            page,
            "http",
            scheme="dark",
            axe="colour",
            shots=screenshot_dir,
        )
        for page in pages
    }


@pytest.fixture(scope="module")
def file_visits(browser, site, pages):
    """Every page opened straight from disk, as from a USB stick."""
    return {page: visit(browser, site, page, "file") for page in pages}


@pytest.fixture(params=["http", "dark", "file"])
def visits(request):
    return request.getfixturevalue(f"{request.param}_visits")


def problems(visits, attribute):
    """`{page: findings}` for the pages where `attribute` is not empty."""
    found = {
        page: getattr(record, attribute)
        for page, record in visits.items()
        if getattr(record, attribute)
    }
    return json.dumps(found, indent=1, default=str) if found else ""


# --------------------------------------------------------------------
# What every page must do.


def test_the_build_has_the_expected_kinds_of_page(pages):
    assert "search.html" in pages
    assert "book/intro.html" in pages
    assert "book/api.html" in pages
    assert len(pages) >= 4, pages


@pytest.mark.parametrize("mode", ["http", "file"])
def test_the_front_door_opens_the_introduction(browser, site, mode):
    assert redirect_target(site.html / "index.html") == "book/intro.html"
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    try:
        tab.goto(site.url("index.html", mode))
        tab.wait_for_url("**/book/intro.html")
        title = tab.locator("main h1").first.inner_text()
    finally:
        context.close()
    assert "convstep" in title


def test_no_request_leaves_the_machine(visits):
    assert not problems(visits, "blocked_requests")


def test_no_console_errors(visits):
    assert not problems(visits, "console_errors")


def test_no_failed_requests(visits):
    assert not problems(visits, "failed_requests")


def test_every_image_is_decoded(visits):
    assert not problems(visits, "broken_images")


def test_no_raw_tex_is_left_in_the_text(visits):
    assert not problems(visits, "raw_tex")


def test_every_equation_is_typeset_by_mathjax(visits):
    assert not problems(visits, "untypeset_math")
    assert any(record.math_count for record in visits.values()), (
        "no page has any math: the check above tested nothing"
    )


def test_math_is_typeset_by_the_sites_own_mathjax(site, http_visits):
    mathjax = [
        url
        for record in http_visits.values()
        for url in record.loaded_urls
        if "mathjax" in url.lower()
    ]
    assert mathjax, "no page loaded MathJax"
    assert all(url.startswith(site.base_url) for url in mathjax)


def expected_outputs(notebook_path):
    """How many code cells of an executed notebook show an output."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    count = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if {"remove-cell", "remove-output"} & set(tags):
            continue
        if any(_is_rendered(output, cell, tags) for output in cell["outputs"]):
            count += 1
    return count


def _is_rendered(output, cell, tags):
    kind = output["output_type"]
    if kind == "stream":
        if output["name"] == "stdout":
            return True
        shown = cell["metadata"].get("mystnb", {}).get("output_stderr")
        return shown == "show" and "remove-stderr" not in tags
    if kind == "error":
        return True
    return any(
        mime.startswith(RENDERED_MIME_PREFIXES) for mime in output["data"]
    )


def test_code_cells_show_their_outputs(site, http_visits):
    notebooks = 0
    for page, record in http_visits.items():
        notebook = site.html / "_sources" / page.replace(".html", ".ipynb")
        if not notebook.is_file():
            continue
        notebooks += 1
        outputs = record.cell_outputs
        assert outputs["shown"] == expected_outputs(notebook), page
        assert outputs["empty"] == 0, page
        assert outputs["errors"] == 0, page
    if notebooks == 0:
        pytest.skip("no executed chapter in the table of contents yet")


def test_no_serious_accessibility_violation_in_light_mode(http_visits):
    assert not problems(http_visits, "axe_violations")


def test_no_serious_accessibility_violation_in_dark_mode(dark_visits):
    assert not problems(dark_visits, "axe_violations")


def page_weight_kib(site, record, *, own=False):
    """KiB of every distinct file the page loaded, HTML included.

    With `own`, only what is the page's alone: not the theme, fonts,
    scripts and MathJax under _static, which every page shares and a
    browser fetches once.
    """
    files = {site.file_of(url) for url in record.loaded_urls} - {None}
    if own:
        shared = site.html / "_static"
        files = {path for path in files if shared not in path.parents}
    return sum(path.stat().st_size for path in files) / 1024


def test_every_page_fits_the_weight_budget(site, http_visits):
    total = {
        page: round(page_weight_kib(site, record))
        for page, record in http_visits.items()
    }
    own = {
        page: round(page_weight_kib(site, record, own=True))
        for page, record in http_visits.items()
    }
    assert min(own.values()) > 0
    assert max(total.values()) <= PAGE_BUDGET_KIB, total
    assert max(own.values()) <= OWN_CONTENT_BUDGET_KIB, own


# --------------------------------------------------------------------
# Search, served and from disk.


@pytest.mark.parametrize("mode", ["http", "file"])
def test_search_for_padding_finds_pages(browser, site, mode):
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT)
    blocked = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if is_local(route.request.url, mode)
            else (blocked.append(route.request.url), route.abort())[1]
        ),
    )
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda message: (
            message.type == "error" and errors.append(message.text)
        ),
    )
    try:
        tab.goto(site.url("search.html", mode) + "?q=padding")
        results = tab.locator("#search-results ul.search li")
        results.first.wait_for()
        settle(tab)
        status = tab.locator("#search-results p.search-summary").inner_text()
        found = results.count()
    finally:
        context.close()
    assert found > 0
    assert "found" in status
    assert not errors
    assert not blocked


def test_search_box_on_a_page_leads_to_results(browser, site):
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    try:
        tab.goto(site.url("book/intro.html", "http"))
        tab.keyboard.press("Control+k")
        box = tab.locator("#pst-search-dialog input[name='q']")
        box.fill("padding")
        box.press("Enter")
        tab.wait_for_url("**/search.html?q=padding*")
        found = tab.locator("#search-results ul.search li")
        found.first.wait_for()
        count = found.count()
    finally:
        context.close()
    assert count > 0


# --------------------------------------------------------------------
# Light and dark mode: the theme follows the reader's system setting.


def luminance(rgb):
    """WCAG relative luminance of an (r, g, b) triple in 0..255."""

    def linear(channel):
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(l1, l2):
    high, low = max(l1, l2), min(l1, l2)
    return (high + 0.05) / (low + 0.05)


def pixels(png):
    """An RGB image as floats in 0..1, shape (height, width, 3)."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")) / 255


def luminances(rgb):
    """WCAG relative luminance of every pixel of `pixels` output."""
    linear = np.where(
        rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4
    )
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def css_rgba(colour):
    """(r, g, b, alpha) of a computed CSS colour: 'rgb(18, 18, 18)'."""
    parts = [float(part) for part in re.findall(r"[\d.]+", colour)]
    return [*parts[:3], parts[3] if len(parts) > 3 else 1.0]


def test_the_theme_follows_the_readers_colour_scheme(http_visits, dark_visits):
    for scheme, visits in (("light", http_visits), ("dark", dark_visits)):
        for page, record in visits.items():
            assert record.theme == scheme, page
            background = luminance(css_rgba(record.background))
            assert (background > 0.5) == (scheme == "light"), page


def figure_shots(visits):
    """`(page, number, png)` for every figure photographed in `visits`."""
    shots = [
        (page, number, png)
        for page, record in visits.items()
        for number, png in enumerate(record.figures, start=1)
    ]
    if not shots:
        pytest.skip("no page has a figure yet")
    return shots


@pytest.mark.parametrize("scheme", ["http", "dark"])
def test_every_figure_shows_contrasting_content(request, scheme):
    """Lines and labels stand out from the figure's own background."""
    visits = request.getfixturevalue(f"{scheme}_visits")
    for page, number, png in figure_shots(visits):
        values = luminances(pixels(png))
        darkest, lightest = np.percentile(values, [1, 99])
        ratio = contrast(darkest, lightest)
        assert ratio >= NON_TEXT_CONTRAST, (page, number, ratio)


def test_no_figure_can_melt_into_the_dark_page(dark_visits):
    """Every figure image is opaque, or painted on a light backdrop.

    A transparent figure shows the page through it, so its dark lines
    would vanish on the dark theme's background. The book's figures are
    opaque, and the theme paints content images on white in dark mode;
    either one is enough.
    """
    seen = 0
    for page, record in dark_visits.items():
        for image in record.figure_images:
            seen += 1
            opaque = image["minAlpha"] == 255
            backdrop = css_rgba(image["backdrop"])
            light_backdrop = backdrop[3] == 1 and luminance(backdrop) > 0.5
            assert opaque or light_backdrop, (page, image)
    if not seen:
        pytest.skip("no page has a figure yet")


def test_the_same_figures_are_seen_in_both_modes(http_visits, dark_visits):
    for page, record in http_visits.items():
        assert len(record.figures) == len(dark_visits[page].figures), page
