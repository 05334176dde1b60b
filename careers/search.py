"""
Directory search: ranked full-text search on PostgreSQL, containment elsewhere.

`CareerPathQuerySet.search(q)` calls `search()` here. Both backends search the
same texts, listed once in WEIGHTS, and annotate the same names:

- `search_rank`: higher is better; `search()` orders by it, then by title.
- `headline`: the summary as safe HTML with the matched words in <mark>, or
  None where the database cannot tell which words matched (SQLite).

On PostgreSQL the texts of a career and its children are stored, weighted, in
`CareerPath.search_document` (a tsvector with a GIN index), because a document
spanning five tables cannot be indexed any other way. `document()` computes it;
careers.changes keeps it current. Elsewhere the column stays empty: the
fallback reads the live tables.
"""

import functools
import operator
import re

from django.apps import apps
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramWordSimilarity,
)
from django.db import connections, models
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import shape
from .fields import without_control_characters

CONFIG = "english"

# What is searched, as lookups from CareerPath, by weight (A counts most).
WEIGHTS = {
    "A": ["title", "alternative_titles"],
    "B": ["summary", "skills__skill__name", "skills__title"],
    "C": [
        *(text.field for text in shape.TEXTS),
        "steps__title",
        "steps__text",
        "stages__title",
        "stages__description",
        "skills__description",
        "education__title",
        "education__text",
    ],
}

# A search is a few words: longer input is cut, which also bounds the SQL.
MAX_LENGTH = shape.QUERY_MAX_LENGTH
MAX_WORDS = 10

# ts_headline marks matches with these; the summary is stripped of them first,
# so after escaping, they are the only thing that becomes markup.
MARK_START, MARK_STOP = "\ue000", "\ue001"

WORD_RE = re.compile(r"[^\W_]+")
# websearch syntax that a prefix query would contradict: "phrases" and -exclusions.
OPERATOR_RE = re.compile(r'"|(?:^|\s)-')


def every_lookup():
    return [lookup for lookups in WEIGHTS.values() for lookup in lookups]


def split(lookups):
    """Career fields, and {relation: child lookups}, of a list of lookups."""
    own, children = [], {}
    for lookup in lookups:
        head, _, rest = lookup.partition("__")
        if rest:
            children.setdefault(head, []).append(rest)
        else:
            own.append(lookup)
    return own, children


def child_rows(relation):
    """The rows of a child relation (`steps`…) belonging to the outer career."""
    career = apps.get_model("careers", "CareerPath")  # (models import this module)
    model = career._meta.get_field(relation).related_model
    return model.objects.filter(career=OuterRef("pk")).order_by()


def search(careers, query):
    """Careers matching `query`, best first, annotated with `search_rank` and
    `headline`."""
    query = query.replace("\x00", "")[:MAX_LENGTH].strip()
    if not query:
        return careers.annotate(
            search_rank=Value(0.0), headline=Value(None, models.TextField())
        )
    if connections[careers.db].vendor == "postgresql":
        careers = full_text(careers, query)
    else:
        careers = containment(careers, query)
    return careers.order_by(F("search_rank").desc(), "title", "pk")


# PostgreSQL


class HighlightField(models.TextField):
    """ts_headline output as safe HTML: all of it escaped, then the marks made
    into <mark> elements."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        html = escape(without_control_characters(value)).replace(MARK_START, "<mark>")
        return mark_safe(html.replace(MARK_STOP, "</mark>"))


class Headline(SearchHeadline):
    output_field = HighlightField()


def prefix_query(query):
    """The words of `query` for to_tsquery, the last as a prefix (`engin` finds
    Engineer), or None when the query uses websearch operators or has no words.

    Only letters and digits reach the tsquery, so its syntax cannot be injected.
    """
    if OPERATOR_RE.search(query):
        return None
    words = WORD_RE.findall(query)[:MAX_WORDS]
    if not words:
        return None
    return " & ".join(f"'{word}'" for word in words) + ":*"


def full_text(careers, query):
    """Full-text matches first, by weighted rank; then titles similar to the
    query, for typos, by trigram similarity. A query with "phrases" or
    -exclusions asks for exact words: no title matches only by looking like
    it (`-florist` must not list the Florist)."""
    text_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    if prefix := prefix_query(query):
        text_query |= SearchQuery(prefix, search_type="raw", config=CONFIG)
    # Operators rather than functions, so both use their GIN index; the title
    # operator (%>) takes pg_trgm.word_similarity_threshold, 0.6 by default.
    text_match = SearchVectorExact(F("search_document"), text_query)
    matches = Q(text_match)
    if not OPERATOR_RE.search(query):
        matches |= Q(TrigramWordSimilar(F("title"), Value(query)))
    return careers.filter(matches).annotate(
        search_rank=Case(
            When(text_match, then=1 + SearchRank(F("search_document"), text_query)),
            default=TrigramWordSimilarity(Value(query), "title"),
            output_field=FloatField(),
        ),
        headline=Headline(
            Replace(Replace("summary", Value(MARK_START)), Value(MARK_STOP)),
            text_query,
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            highlight_all=True,
        ),
    )


def document():
    """A career's weighted tsvector, computed from its row and its children."""
    vectors = []
    for weight, lookups in WEIGHTS.items():
        own, children = split(lookups)
        texts = [child_text(relation, fields) for relation, fields in children.items()]
        vectors.append(SearchVector(*own, *texts, weight=weight, config=CONFIG))
    return functools.reduce(operator.add, vectors)


def child_text(relation, fields):
    """One text of `fields` of every row of a child relation."""
    parts = [part for field in fields for part in (F(field), Value(" "))][:-1]
    text = Concat(*parts, output_field=models.TextField()) if parts[1:] else parts[0]
    joined = StringAgg(text, " ", order_by="position")
    return Subquery(
        child_rows(relation).values("career").annotate(text=joined).values("text"),
        output_field=models.TextField(),
    )


# Elsewhere (SQLite): containment


def containment(careers, query):
    """Careers containing every word somewhere, any case; those whose title or
    other names hold them all first."""
    words = query.split()[:MAX_WORDS]
    for word in words:
        careers = careers.filter(contains(word))
    # Every word in the title, or in the other names (the A weight).
    in_title = functools.reduce(
        operator.or_,
        (
            functools.reduce(
                operator.and_, (Q(**{f"{field}__icontains": w}) for w in words)
            )
            for field in WEIGHTS["A"]
        ),
    )
    return careers.annotate(
        search_rank=Case(When(in_title, then=Value(1.0)), default=Value(0.0)),
        headline=Value(None, models.TextField()),
    )


def contains(word):
    """A career or one of its children contains `word`, any case."""
    own, children = split(every_lookup())
    conditions = [Q(**{f"{field}__icontains": word}) for field in own]
    for relation, fields in children.items():
        match = functools.reduce(
            operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields)
        )
        conditions.append(Q(Exists(child_rows(relation).filter(match))))
    return functools.reduce(operator.or_, conditions)
