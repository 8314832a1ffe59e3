"""Show the package's version on every page of the site and in the PDF.

The version is read from the installed package, so the site, the PDF,
CITATION.cff and the code can only agree (tests/test_citation.py holds
CITATION.cff to the same number).
"""

from html import escape

import convstep


def show_version(app, config):
    """Set Sphinx's version and release, and write them in the footer."""
    version = convstep.__version__
    config.version = config.release = version

    footer = (
        f"convstep version {version}. Cite a figure or an equation by "
        f"its number and this version. Code: MIT licence; text and "
        f"figures: CC BY 4.0."
    )
    config.html_theme_options["extra_footer"] = (
        f'<p class="convstep-version">{escape(footer)}</p>'
    )


def setup(app):
    app.connect("config-inited", show_version)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
