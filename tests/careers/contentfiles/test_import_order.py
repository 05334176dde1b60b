"""A career keeps the guide's own order of its scores, whatever order the
files are imported in and whichever factors other guides created first."""

import itertools

import pytest
import yaml

from careers import contentfiles
from careers.contentfiles.export import dump
from careers.models import CareerPath, Factor
from tests import factories

pytestmark = pytest.mark.django_db


def guides(tmp_path):
    """Three guides whose factors overlap in different orders: the MLOps
    guide, the every-field test guide, and that guide with its scores reversed."""
    mlops = factories.EVERY_FIELD_FILE.parents[2] / "content" / "mlops-engineer.yaml"
    every = factories.EVERY_FIELD_FILE
    data = yaml.safe_load(every.read_text())
    data |= {"slug": "data-engineer-reversed", "title": "Data Engineer (reversed)"}
    data["good_career"]["scores"].reverse()
    reversed_ = tmp_path / "data-engineer-reversed.yaml"
    reversed_.write_text(dump(data), encoding="utf-8")
    return [mlops, every, reversed_]


def expected(path):
    """The file as an export writes it: without the comments a person wrote."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], [line for line in lines[1:] if not line.startswith("#")]
    return header + "".join(body)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_round_trip_is_byte_identical_in_every_import_order(tmp_path, order):
    """Imported one file at a time in any of the six orders (so the shared
    factors are created in six orders), every export equals its file."""
    files = guides(tmp_path)
    for index in order:
        contentfiles.import_files([files[index]])
    out = tmp_path / "out"
    written = contentfiles.export_careers(out)
    assert len(written) == 3
    for path in files:
        slug = yaml.safe_load(path.read_text())["slug"]
        assert (out / f"{slug}.yaml").read_text(encoding="utf-8") == expected(path)


def test_a_guide_keeps_its_own_order_where_the_factors_differ(tmp_path):
    """The MLOps guide creates "Opportunities for Advancement" first and
    "Work-Life Balance" eighth; the other guide scores them sixth and third,
    and "Remote Work Availability" fifth, which is where it stays."""
    mlops, every, _ = guides(tmp_path)
    contentfiles.import_files([mlops])
    contentfiles.import_files([every])
    global_order = list(Factor.objects.values_list("name", flat=True))
    career = CareerPath.objects.for_detail().get(slug="data-engineer-uk")
    shown = [score.factor.name for score in career.scores.all()]
    in_file = [
        score["factor"]
        for score in yaml.safe_load(every.read_text())["good_career"]["scores"]
    ]
    assert shown == in_file
    assert shown[4] == "Remote Work Availability"
    assert sorted(shown, key=global_order.index) != shown  # the test can tell
