from .forms import DirectoryForm


def search_form(request):
    """A blank search form, for pages without a view of their own (404)."""
    return {"search_form": DirectoryForm()}
