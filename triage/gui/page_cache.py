"""Pages of rows read from the store: the newest few kept, and which are on their way.

The gallery and the file table both show listings far longer than memory
should hold. Each keeps one `PageCache`: a row answers from its page when
the page is held, otherwise the page is asked for once (the model paints a
placeholder meanwhile) and the model repaints the rows when it arrives.
No Qt here: the models own the signals.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Generic, Iterator, Sequence, TypeVar

Page = TypeVar("Page")


class PageCache(Generic[Page]):
    """Up to `max_pages` pages of `page_size` rows, least recently used dropped first."""

    def __init__(self, page_size: int, max_pages: int, rows: Callable[[Page], Sequence]):
        self.page_size, self.max_pages = page_size, max_pages
        self._rows = rows  # a page's rows, in order
        self._pages: OrderedDict[int, Page] = OrderedDict()
        self._pending: set[int] = set()

    def __len__(self) -> int:
        return len(self._pages)

    def clear(self) -> None:
        self._pages.clear()
        self._pending.clear()

    def row(self, row: int, request: Callable[[int], None]):
        """The row if its page is held; else None, calling `request(page)` unless asked already."""
        number, offset = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            if number not in self._pending:
                self._pending.add(number)
                request(number)
            return None
        self._pages.move_to_end(number)
        rows = self._rows(page)
        return rows[offset] if offset < len(rows) else None

    def get(self, number: int) -> Page | None:
        """A held page, without asking for it."""
        return self._pages.get(number)

    def put(self, number: int, page: Page) -> range:
        """Hold an arrived page; the rows it covers."""
        self._pending.discard(number)
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = number * self.page_size
        return range(first, first + len(self._rows(page)))

    def replace(self, number: int, page: Page) -> None:
        """Put a re-read page in place of a held one, keeping its age."""
        self._pages[number] = page

    def forget_request(self, number: int) -> None:
        """A page asked for will not come (dropped or failed): ask again when next needed."""
        self._pending.discard(number)

    def pages(self) -> Iterator[tuple[int, Page]]:
        return iter(list(self._pages.items()))
