"""Offer each executed page as a notebook download, without launchers.

sphinx-book-theme adds the ``.ipynb`` entry to a page's download menu
only while a launch service (Binder, Colab, thebe, ...) is configured,
because the same code builds the launch links. This book switches those
services off (they need the network), so this extension does the one
step we want: put the executed notebook of each MyST Markdown page next
to the page's sources and tell the theme about it.

The notebook has to be rebuilt here rather than copied. In
``execute_notebooks: cache`` mode myst-nb writes
``jupyter_execute/<page>.ipynb`` from the notebook it read, and when the
outputs come from the cache they are merged into a copy, so the written
file has no outputs. We merge them again from the same cache.
"""

from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from myst_nb.sphinx_ext import OUTPUT_FOLDER
from sphinx.util import logging

logger = logging.getLogger(__name__)


def executed_notebook(app, pagename):
    """The notebook myst-nb ran for `pagename`, with its outputs."""
    written = Path(app.outdir).parent / OUTPUT_FOLDER / f"{pagename}.ipynb"
    if not written.is_file():
        return None
    notebook = nbformat.read(written, as_version=4)

    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return notebook

    cache = get_cache(config.execution_cache_path)
    try:
        _, notebook = cache.merge_match_into_notebook(notebook)
    except KeyError:
        logger.warning(
            f"no cached outputs match {pagename}; its .ipynb download "
            "would have no outputs"
        )
        return None
    return notebook


def offer_executed_notebook(app, pagename, templatename, context, doctree):
    """Write ``_sources/<page>.ipynb`` and add it to the download menu."""
    is_notebook = "kernelspec" in app.env.metadata.get(pagename, {})
    if not is_notebook or not context.get("sourcename", "").endswith(".md"):
        return

    notebook = executed_notebook(app, pagename)
    if notebook is None:
        return

    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    # The theme builds its download menu at priority 501; run just before.
    app.connect("html-page-context", offer_executed_notebook, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
