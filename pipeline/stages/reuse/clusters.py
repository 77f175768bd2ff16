"""Stories: documents linked by reuse, directly or through others, form one cluster.

A cluster is named after its earliest member, by the time its file was first seen (then by
doc_id): a document that joins later was seen later, so the name stays as the corpus grows;
when a new document links two clusters, the merged one keeps the older name.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime


def clusters(
    links: Iterable[tuple[str, str]], first_seen: Mapping[str, datetime]
) -> dict[str, str]:
    """doc_id -> cluster_id for every document named in `links` (pairs of doc_ids);
    `first_seen` must know each of them."""
    parent: dict[str, str] = {}

    def root(doc: str) -> str:
        parent.setdefault(doc, doc)
        while parent[doc] != doc:
            parent[doc] = parent[parent[doc]]  # path halving: the trees stay shallow
            doc = parent[doc]
        return doc

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for doc in parent:
        members.setdefault(root(doc), []).append(doc)
    named = {}
    for group in members.values():
        earliest = min(group, key=lambda doc: (first_seen[doc], doc))
        named.update(dict.fromkeys(group, earliest))
    return dict(sorted(named.items()))
