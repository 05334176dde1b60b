"""careers.contentfiles.safe_yaml: every YAML error a content file can hold is one line,
with its place in the file, as a person reads it."""

import pytest

from careers import contentfiles

TAG = "!" + "t" * 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "slug: x\ntitle: a\x07b\n",
            "unacceptable character #x0007: control characters are not allowed "
            "(line 2, column 9)",
        ),
        (
            "slug: x\ntitle: a\x07b\nsummary: \x07\n",
            "unacceptable character #x0007: control characters are not allowed "
            "(line 2, column 9)",
        ),
        (
            "title: Café\r\nsummary: \x1b\n",
            "unacceptable character #x001b: control characters are not allowed "
            "(line 2, column 10)",
        ),
        (
            "title: [unclosed\n",
            "while parsing a flow sequence: did not find expected ',' or ']' "
            "(line 2, column 1)",
        ),
        (
            "slug: a\n---\nslug: b\n",
            "expected a single document in the stream: but found another document "
            "(line 2, column 1)",
        ),
        (
            "title: a: b\n",
            "mapping values are not allowed in this context (line 1, column 9)",
        ),
        (
            f"title: {TAG} x\n",
            # 200 characters: 199 of the problem and an ellipsis.
            f"could not determine a constructor for the tag '{TAG[:152]}… "
            "(line 1, column 8)",
        ),
    ],
    ids=[
        "raw-control-character",
        "the-first-of-two",
        "its-place-after-wide-characters-and-crlf",
        "unclosed-list",
        "two-documents",
        "mapping-in-a-value",
        "long-problem-cut",
    ],
)
def test_yaml_errors_are_one_line_with_their_place(text, expected):
    """The error's own words (cut to 200 characters), then line and column,
    counted in characters from 1."""
    with pytest.raises(contentfiles.ContentError) as error:
        contentfiles.parse_text(text, "c.yaml")
    assert error.value.problems == [f"c.yaml: not valid YAML: {expected}"]
