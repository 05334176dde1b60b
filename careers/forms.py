from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category
from .shape import QUERY_MAX_LENGTH

COMPARE_MAX = 3


class SearchField(forms.CharField):
    """Free text from a visitor: NUL bytes dropped, overlong input cut short."""

    def to_python(self, value):
        value = super().to_python(value).replace("\x00", "")
        return value[:QUERY_MAX_LENGTH].strip()


class DirectoryForm(forms.Form):
    """The directory's query parameters; anything invalid falls back to a default."""

    SORTS = [
        ("relevance", _("Relevance")),
        ("title", _("Title (A–Z)")),
        ("score", _("Overall score")),
        ("salary", _("Highest salary")),
    ]

    q = SearchField(
        label=_("Search careers"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": QUERY_MAX_LENGTH}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),  # set per form: "live" depends on the time
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The category field is a ModelChoiceField.
        self.fields["category"].queryset = Category.objects.with_live_count().order_by(  # type: ignore[attr-defined]
            "name"
        )

    def filters(self) -> dict[str, Any]:
        """The filters to apply: the valid input, defaults for the rest."""
        self.is_valid()
        data = self.cleaned_data
        q = data.get("q") or ""
        sort = data.get("sort") or self.default_sort(q)
        if sort == "relevance" and not q:
            sort = "title"  # nothing to be relevant to
        return {"q": q, "category": data.get("category"), "sort": sort}

    @staticmethod
    def default_sort(q: str) -> str:
        """Searches list the best matches first; browsing lists A to Z."""
        return "relevance" if q else "title"


def parse_compare(values):
    """Split `careers=a,b&careers=c` into unique slugs, with notes on what was off.

    Returns (slugs, notes); slugs keep the visitor's order.
    """
    slugs, notes = [], []
    for value in values:
        for raw in value.replace("\x00", "").split(","):
            slug = raw.strip().lower()[:150]
            if not slug:
                continue
            if slug in slugs:
                notes.append(
                    _("“%(slug)s” was listed twice; it is shown once.") % {"slug": slug}
                )
            else:
                slugs.append(slug)
    if len(slugs) > COMPARE_MAX:
        notes.append(
            _("At most %(max)s careers can be compared; the first %(max)s are shown.")
            % {"max": COMPARE_MAX}
        )
        slugs = slugs[:COMPARE_MAX]
    return slugs, notes
