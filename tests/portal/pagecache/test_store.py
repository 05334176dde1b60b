"""What the page cache stores: each process's own copy of the pages it
served lately, bounded in time and in size."""

from portal.pagecache import LocalPages, Page


def test_process_memory_never_keeps_a_page_past_its_timeout():
    """A page held by one process expires as the shared cache's copy does,
    and is then dropped."""
    pages = LocalPages()
    pages.set("kept", Page((), b"kept"), timeout=60)
    pages.set("expired", Page((), b"old"), timeout=0)
    assert pages.get("expired") is None
    assert pages.get("kept") == Page((), b"kept")
    assert list(pages.pages) == ["kept"]


def test_process_memory_keeps_the_pages_used_last():
    """Over its size, a process forgets the page it used longest ago; reading
    or storing a page again counts as using it."""
    pages = LocalPages(size=3)
    page = {name: Page((), name.encode()) for name in "abcde"}
    for name in "abc":
        pages.set(name, page[name], timeout=60)
    assert pages.get("a") == page["a"]
    pages.set("b", page["b"], timeout=60)
    pages.set("d", page["d"], timeout=60)  # c was used longest ago
    assert [pages.get(name) for name in "abcd"] == [
        page["a"],
        page["b"],
        None,
        page["d"],
    ]
    pages.set("e", page["e"], timeout=60)
    assert list(pages.pages) == ["b", "d", "e"]


def test_each_process_keeps_at_most_256_pages():
    """The memory a process gives pages is bounded."""
    pages = LocalPages()
    for number in range(300):
        pages.set(str(number), Page((), b"."), timeout=60)
    assert list(pages.pages) == [str(number) for number in range(44, 300)]
