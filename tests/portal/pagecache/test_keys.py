"""The keys the page cache writes: all under one prefix, which changes
whenever the class of a stored page moves."""

import pickle

from django.test import RequestFactory

from portal.pagecache import KEY_PREFIX, VERSION_KEY, Page, page_key


def test_every_key_carries_the_prefix_of_this_layout():
    """Pages and the version are stored under "pages:v2:", not the
    "careers:" of the deploys before: a stored page is a pickle that names
    its class's module, and those pages name careers.caching, which no
    longer exists, so they must never be read."""
    assert KEY_PREFIX == "pages:v2:"
    assert VERSION_KEY == "pages:v2:content-version"
    request = RequestFactory().get("/careers/", {"q": "data"})
    key = page_key(request, "7-1.5-0", ("q",))
    assert key.startswith("pages:v2:page:7-1.5-0:GET:")


def test_a_stored_page_names_the_module_its_prefix_belongs_to():
    """If Page moves again, this fails: change KEY_PREFIX with it."""
    assert b"portal.pagecache.store" in pickle.dumps(Page((), b""))
    assert KEY_PREFIX == "pages:v2:"
