"""The career page shows every fact a guide has, each with its source, and
nothing for the facts it lacks: checked on the page as a visitor reads it,
against the database."""

import re

import lxml.html  # (installed with extruct, which reads the structured data)
import pytest
import yaml

from careers.models import Factor
from careers.templatetags.careers import money
from tests import factories

pytestmark = pytest.mark.django_db

OPTIONAL_FACTS = {
    "Also called",
    "Number of jobs",
    "Projected employment change",
    "Work experience in a related occupation",
    "Typical on-the-job training",
    "Occupation codes",
}
ALWAYS_SHOWN = {
    "Overall score",
    "Salary across stages",
    "Steps to become",
    "Typical education",
}


def find(element, cls, tag="*"):
    """The descendants of `element` with the class `cls`."""
    return element.xpath(f'.//{tag}[contains(concat(" ", @class, " "), " {cls} ")]')


def text(element):
    return " ".join(element.text_content().split())


def article(client, career):
    response = client.get(career.get_absolute_url())
    assert response.status_code == 200
    (found,) = find(lxml.html.fromstring(response.text), "career", "article")
    return found


def quick_facts(page):
    """{term: its element} of the quick facts, in page order."""
    (aside,) = find(page, "facts", "aside")
    return {text(row.find("dt")): row.find("dd") for row in aside.xpath("./dl/div")}


def day(date):
    return f"{date.day} {date:%B %Y}"


def citation(source):
    retrieved = (
        f"retrieved {source.retrieved_on:%B %Y}"
        if source.retrieved_on
        else "retrieval date not recorded"
    )
    return f"{source.name} ({retrieved})"


def links(element):
    return [(text(a), a.get("href")) for a in element.iter("a")]


def test_the_header_dates_are_the_guides_own(client):
    """Last updated is the guide's `updated` date, not the time it was
    imported; both dates are machine-readable days."""
    career = factories.every_field_career()
    (updated,) = find(article(client, career), "updated", "p")
    assert text(updated) == (
        f"Last updated {day(career.updated_on)} · "
        f"Last reviewed {day(career.last_reviewed)}"
    )
    assert [time.get("datetime") for time in updated.iter("time")] == [
        career.updated_on.isoformat(),
        career.last_reviewed.isoformat(),
    ]
    assert career.updated.date() != career.updated_on  # imported today

    career.updated_on = None
    career.save()
    (updated,) = find(article(client, career), "updated", "p")
    assert text(updated) == f"Last reviewed {day(career.last_reviewed)}"


def test_no_time_on_the_page_carries_a_time_of_day(client):
    career = factories.every_field_career()
    html = client.get(career.get_absolute_url()).text
    stamps = re.findall(r'<time datetime="([^"]*)"', html)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp) for stamp in stamps)


def test_quick_facts_show_every_fact_with_its_source(client):
    career = factories.every_field_career()
    facts = quick_facts(article(client, career))
    jobs, projection = career.employment_source, career.projection_source
    span = career.salary_span()

    assert list(facts) == [
        "Also called",
        "Overall score",
        "Salary across stages",
        "Number of jobs",
        "Projected employment change",
        "Steps to become",
        "Typical education",
        "Work experience in a related occupation",
        "Typical on-the-job training",
        "Occupation codes",
    ]
    assert text(facts["Also called"]) == ", ".join(career.alternative_title_list)
    assert career.alternative_title_list == [
        "Data Platform Engineer",
        "Big Data Engineer",
    ]
    assert text(facts["Salary across stages"]) == (
        f"{money(span['min'], span['currency'])} – "
        f"{money(span['max'], span['currency'])} (source: Example Pay Survey)"
    )
    assert text(facts["Number of jobs"]) == (
        f"{career.employment:,} jobs in {career.employment_year} — {citation(jobs)}"
    )
    assert links(facts["Number of jobs"]) == [(jobs.name, jobs.url)]
    assert text(facts["Projected employment change"]) == (
        f"+{career.projected_change}% from {career.projection_start} to "
        f"{career.projection_end} — {citation(projection)}"
    )
    assert "retrieval date not recorded" in citation(projection)
    assert links(facts["Projected employment change"]) == [
        (projection.name, projection.url)
    ]
    assert text(facts["Work experience in a related occupation"]) == (
        career.get_work_experience_display()
    )
    assert text(facts["Typical on-the-job training"]) == (
        career.get_on_the_job_training_display()
    )
    assert text(facts["Occupation codes"]) == (
        f"SOC 2018 {career.soc_code}, ISCO-08 {career.isco_code}"
    )
    assert text(facts["Typical education"]) == career.education.all()[0].title


def test_steps_show_their_time_and_cost_and_their_sum(client):
    """Each step with an estimate shows it; the summary above the list and in
    the quick facts adds them up, and says which steps it leaves out."""
    career = factories.every_field_career()
    page = article(client, career)
    steps = list(career.steps.all())

    shown = [
        (text(item.find("h3")), [text(p) for p in find(item, "step-estimate")])
        for item in find(page, "steps", "ol")[0].findall("li")
    ]
    assert shown == [
        (steps[0].title, [f"Time: 3–4 years · Cost: £0–{money(27750, 'GBP')}"]),
        (steps[1].title, [f"Time: 3–6 months · Cost: $0–{money(500, 'USD')}"]),
        (steps[2].title, []),
    ]
    assert [(s.duration_min_months, s.duration_max_months) for s in steps] == [
        (36, 48),
        (3, 6),
        (None, None),
    ]
    assert [(s.cost_min, s.cost_max, s.cost_currency) for s in steps[:2]] == [
        (0, 27750, "GBP"),
        (0, 500, "USD"),
    ]
    summary = (
        "About 3 years 3 months – 4 years 6 months if you take every step in "
        f"turn; £0–{money(27750, 'GBP')} and $0–$500 in fees and materials; "
        "1 of 3 steps has no estimate"
    )
    (above,) = find(page, "steps-estimate")
    assert text(above) == f"{summary}."
    assert text(quick_facts(page)["Steps to become"]) == f"3 ({summary})"


def test_scores_show_their_evidence_sources_and_method(client):
    career = factories.every_field_career()
    page = article(client, career)
    items = find(page, "scores", "ol")[0].findall("li")
    scores = list(career.scores.all())
    assert len(items) == len(scores) == 6

    for item, score in zip(items, scores, strict=True):
        assert text(find(item, "factor-name")[0]) == score.factor.name
        evidence = find(item, "evidence")
        citations = [c.source for c in score.citations.all()]
        if score.evidence:
            (note,) = find(evidence[0], "prose")
            assert text(note) == score.evidence
        if citations:
            (sources,) = find(evidence[0], "source")
            label = "Source" if len(citations) == 1 else "Sources"
            assert text(sources) == (
                f"{label}: {'; '.join(citation(s) for s in citations)}."
            )
            assert links(sources) == [(s.name, s.url) for s in citations if s.url]
        if not (score.evidence or citations):
            assert evidence == []
        (method,) = find(item, "score-method")[0].iter("a")
        assert method.get("href") == f"/how-we-score/#factor-{score.factor.slug}"

    with_evidence = [s.factor.name for s in scores if s.evidence]
    assert with_evidence == ["Salary Potential", "Remote Work Availability"]
    (note,) = find(page, "scale-note")
    assert links(note) == [("How we score", "/how-we-score/")]


def test_scores_follow_the_guides_order_not_the_factors(client, mlops):
    """The MLOps guide, imported first, made some of the same factors in its
    own order: the every-field guide still lists its scores in its file's."""
    career = factories.every_field_career()
    in_file = [
        item["factor"]
        for item in yaml.safe_load(factories.EVERY_FIELD_FILE.read_text())[
            "good_career"
        ]["scores"]
    ]
    by_position = list(
        Factor.objects.filter(name__in=in_file).values_list("name", flat=True)
    )
    assert by_position != in_file

    page = article(client, career)
    shown = [text(name) for name in find(page, "factor-name")]
    assert shown == in_file
    assert shown[4] == "Remote Work Availability"


def test_the_mlops_guide_shows_no_empty_fact(client, mlops):
    """A guide without the optional facts shows none of their blocks, and all
    of its own facts still."""
    page = article(client, mlops)
    facts = quick_facts(page)
    assert set(facts) == ALWAYS_SHOWN
    assert not OPTIONAL_FACTS & set(facts)
    assert text(facts["Steps to become"]) == str(mlops.steps.count()) == "8"
    assert text(facts["Overall score"]).startswith("8.1/10")
    for absent in ("evidence", "step-estimate", "steps-estimate", "updated"):
        assert find(page, absent) == [], absent
    assert len(find(page, "steps", "ol")[0].findall("li")) == 8
    assert len(find(page, "scores", "ol")[0].findall("li")) == 8
    assert len(find(page, "score-method")) == 8


def test_the_every_field_page_takes_one_query_once_stored(
    client, django_assert_num_queries
):
    """Every new fact is read by for_detail() and stored with the article: the
    first visit takes as many queries as any career's, and then one."""
    career = factories.every_field_career()
    url = career.get_absolute_url()
    with django_assert_num_queries(9):
        first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.content == first.content
