from django.utils.functional import SimpleLazyObject

from .forms import DirectoryForm


def search_form(request):
    """A blank search form, for pages without a view of their own (404).

    Built only by a template that shows it: every other page would pay for
    its category choices' queryset on each render."""
    return {"search_form": SimpleLazyObject(DirectoryForm)}
