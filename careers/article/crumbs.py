"""
The trail of links above a page, as (name, url) pairs: shown by
templates/includes/breadcrumbs.html and, for a career, stored in its article's
BreadcrumbList (jsonld), so the two never disagree. It lives in the article
package because a change here must render every stored article again.
"""

from django.urls import reverse
from django.utils.translation import gettext as _


def trail(*crumbs):
    """The crumbs of a page, from the home page down to `crumbs`."""
    return [(_("Home"), reverse("careers:home")), *crumbs]


def career_crumbs(career):
    return trail(
        (_("Careers"), reverse("careers:list")),
        (career.title, career.get_absolute_url()),
    )
