"""careers.fields: plain-text fields refuse control characters, and say so in
a way forms can tell apart from other errors."""

import pytest
from django.core.exceptions import ValidationError

from careers.fields import validate_no_control_characters


def test_refusal_carries_the_control_character_code():
    """Forms and callers tell this refusal apart by its code, as Django's own
    validators' codes: form.has_error(field, "control_character")."""
    with pytest.raises(ValidationError) as refused:
        validate_no_control_characters("tab\tis fine, bell\x07 is not")
    assert refused.value.code == "control_character"
    assert refused.value.messages == [
        "contains a control character (U+0007) at position 18"
    ]
