"""Settings and fixtures shared by every test module."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from support import build_book

# The loop reference is slow by design, so examples are few but varied;
# deadlines would only measure the shared machine's noise.
settings.register_profile(
    "convstep",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("convstep")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The HTML folder of the whole book, built once per test session.

    The build runs the venv's own jupyter-book with ``-W --keep-going``
    into a fresh temporary folder (so no execution cache can hide a
    stale output), and a single warning fails every test that uses it.
    Set ``CONVSTEP_BUILT_HTML`` to the ``html`` folder of a build made
    the same way (``make book``) to test that build instead.
    """
    prebuilt = os.environ.get("CONVSTEP_BUILT_HTML")
    if prebuilt:
        html = Path(prebuilt).resolve()
        if not (html / "index.html").is_file():
            pytest.fail(f"CONVSTEP_BUILT_HTML={prebuilt} has no index.html")
        return html

    output = tmp_path_factory.mktemp("book")
    build_book(output)
    return output / "_build" / "html"
