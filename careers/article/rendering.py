"""
The article of a career's page, rendered once after each change.

Rendering a career (its Markdown texts, five lists of children, the salary
chart and the structured data) was most of the cost of its page. So the
result is stored on the career, with the version of the code and templates
that made it: a visitor's request reads one row and shows it.

Any save or delete of the career, of one of its children, or a change to a
shared row it shows (category, factor, skill, salary source) marks it stale
with a new marker (careers.changes). The next request renders it again and
stores the result only if the marker it read is still there, so a render that
raced an edit never overwrites the edit's page. Code that bypasses Django's
signals (QuerySet.update(), raw SQL) must call careers.changes.refresh().

A deploy that changes how careers render has a new VERSION, so every stored
article is rendered again on its next visit.
"""

import hashlib
import json
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from .. import shape
from ..models import CareerPath
from .chart import salary_chart
from .jsonld import occupation_jsonld

TEMPLATE = "careers/article/article.html"
PACKAGE = Path(__file__).parent
TEMPLATES = settings.BASE_DIR / "templates" / "careers" / "article"
TAG_MODULES = PACKAGE.parent / "templatetags"
LOAD_RE = re.compile(r"{%\s*load\s+(.+?)\s*%}")


def sources():
    """Every file that shapes a rendered article: this package, the article's
    templates, the app's template tag modules that those templates load, and
    careers.shape (the texts, and the score scale the tags show)."""
    templates = sorted(path for path in TEMPLATES.rglob("*") if path.is_file())
    loaded = {
        name
        for path in templates
        for names in LOAD_RE.findall(path.read_text())
        for name in names.split()
    }
    return [
        *sorted(PACKAGE.rglob("*.py")),
        *templates,
        *sorted(path for path in TAG_MODULES.glob("*.py") if path.stem in loaded),
        Path(shape.__file__),
    ]


def code_version():
    """A digest of everything that shapes a rendered article."""
    digest = hashlib.sha256()
    for path in sources():
        digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


VERSION = code_version()


def render(career):
    """The article's HTML and the page's structured data, with site-relative
    links, for a career loaded with for_detail()."""
    context = {"careerpath": career, "chart": salary_chart(career.stages.all())}
    html = render_to_string(TEMPLATE, context).strip()
    return html, occupation_jsonld(career)


def article(career, *, fresh=False):
    """The stored article and structured data of `career`, rendered and stored
    first if they are stale. `fresh` renders from the database, storing nothing
    (for staff, who also see drafts and changes that sent no signal)."""
    if career.rendered_version == VERSION and not fresh:
        return career.rendered_article, json.loads(career.rendered_data)
    loaded = CareerPath.objects.for_detail().get(pk=career.pk)
    html, data = render(loaded)
    if not fresh:
        CareerPath.objects.filter(
            pk=career.pk, rendered_version=career.rendered_version
        ).update(
            rendered_article=html,
            rendered_data=json.dumps(data),
            rendered_version=VERSION,
        )
    return html, data


def stale_marker():
    """A new marker for careers to render again: careers.changes sets it."""
    return f"stale-{uuid.uuid4().hex}"
