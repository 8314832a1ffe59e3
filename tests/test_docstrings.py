"""The docstrings the API page is made of follow the book's conventions.

numpydoc sections in their order (Parameters, Returns, Raises, Notes,
Examples), an Examples section with a doctest (`--doctest-modules` runs
it), array shapes in the type lines of the layer functions, and the
output-size formula where a function computes an output size.
"""

import inspect
import re

import pytest

import convstep
from convstep import fast

SECTIONS = ("Parameters", "Returns", "Raises", "Notes", "Examples")

PUBLIC = [getattr(convstep, name) for name in convstep.__all__] + [
    getattr(fast, name) for name in fast.__all__
]

# The layers take and return arrays of a fixed layout, so their type
# lines must give it.
LAYERS = [
    convstep.zero_pad,
    convstep.conv_single_step,
    convstep.conv_forward,
    convstep.conv_backward,
    convstep.pool_forward,
    convstep.pool_backward,
    convstep.create_mask_from_window,
    convstep.distribute_value,
    *(getattr(fast, name) for name in fast.__all__),
]

# Functions whose output size follows the formula of the padding chapter.
SIZED = [
    convstep.output_size,
    convstep.conv_forward,
    convstep.pool_forward,
    fast.conv_forward,
    fast.pool_forward,
]


def qualified_name(function):
    return f"{function.__module__}.{function.__qualname__}"


def sections_of(function):
    """The numpydoc section titles of a docstring, in their order."""
    doc = inspect.getdoc(function) or ""
    return re.findall(r"^(\w[\w ]*)\n-{3,}$", doc, re.MULTILINE)


def test_sections_of_reads_numpydoc_titles():
    def documented():
        """One line.

        Parameters
        ----------
        x : int

        Examples
        --------
        >>> 1
        1
        """

    assert sections_of(documented) == ["Parameters", "Examples"]


@pytest.mark.parametrize("function", PUBLIC, ids=qualified_name)
def test_public_function_has_every_section_in_order(function):
    assert sections_of(function) == list(SECTIONS)


@pytest.mark.parametrize("function", PUBLIC, ids=qualified_name)
def test_public_function_has_a_doctest(function):
    doc = inspect.getdoc(function)
    examples = doc.split("Examples\n--------", 1)[1]

    assert ">>> " in examples


@pytest.mark.parametrize("function", LAYERS, ids=qualified_name)
def test_layer_gives_array_shapes_in_its_type_lines(function):
    doc = inspect.getdoc(function)

    assert re.search(r"^\w+ : ndarray of shape [(`]", doc, re.MULTILINE)


@pytest.mark.parametrize("function", SIZED, ids=qualified_name)
def test_sized_function_states_the_output_size_formula(function):
    doc = inspect.getdoc(function)

    assert "floor(" in doc or r"\left\lfloor" in doc
