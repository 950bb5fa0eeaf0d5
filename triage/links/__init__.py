"""Links: find URLs in the evidence, undo their obfuscation, and match them against URL lists.

`find_links` (text) and `parse_url` (one URL) are the core; `extract`
picks the extractor for a file's content (scanning a case is a pipeline
step: `triage.pipeline.link_scan`);
`import_link_list` brings in a block list; `query_links` answers the
Links view. The normal form is defined in README.md beside this file.
"""

from triage.links.find import Found, find_links
from triage.links.lists import (
    LinkListError,
    import_link_list,
    list_link_lists,
    remove_link_list,
    verify_link_list,
)
from triage.links.matching import match_links
from triage.links.normal import NormalURL, NotALink, parse_url
from triage.links.queries import LinkFilter, LinkRow, iter_links, link_counts, query_links
from triage.links.sources import Limits, extract

__all__ = [
    "Found", "LinkFilter", "LinkListError", "LinkRow", "Limits", "NormalURL", "NotALink",
    "extract", "find_links", "import_link_list", "iter_links",
    "link_counts", "list_link_lists", "match_links", "parse_url", "query_links",
    "remove_link_list", "verify_link_list",
]
