"""careers.shape: the one description of a career that the rest reads."""

import yaml

from careers import shape
from careers.api.openapi import openapi_document
from careers.models import CareerPath
from tests.conftest import MLOPS_FILE


def test_every_text_has_its_place_in_a_section_or_at_the_top():
    names = {section.name: section for section in shape.SECTIONS}
    for text in shape.TEXTS:
        if text.section:
            assert text.key in names[text.section].keys, text.field
            assert text.path == f"{text.section}.{text.key}"
        else:
            assert text.path == text.field


def test_the_model_has_one_prose_field_per_text_required_as_the_shape_says():
    for text in shape.TEXTS:
        field = CareerPath._meta.get_field(text.field)
        assert field.blank is not text.required, text.field
        assert str(field.verbose_name) == str(text.label)


def test_the_shipped_guide_has_the_shapes_keys_in_the_shapes_order():
    """The file format's top-level order is the shape's: the shipped guide
    follows it key for key."""
    data = yaml.safe_load(MLOPS_FILE.read_text())
    assert list(data) == [key for key in shape.FILE_KEYS if key in data]
    assert list(data)[-1] == "outlook"


def test_the_api_documents_every_text_and_section_of_the_shape():
    detail = openapi_document()["components"]["schemas"]["CareerDetail"]
    for item in shape.BODY:
        assert item.file_key in detail["properties"]
    for section in shape.SECTIONS:
        properties = detail["properties"][section.name]["properties"]
        assert list(properties) == list(section.keys)
