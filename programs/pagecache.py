"""The fast path for the public catalog pages: the same bytes for every visitor, so an
anonymous GET or HEAD of one is answered from a copy of the page this process rendered
at the current catalog version, before sessions, CSRF, authentication, two-factor,
messages and the rest of the middleware run (docs/scaling.md "Public pages").

- Fresh at once, in every process: the key is the catalog version, read on every
  request (programs.catalog.catalog_state: from the database, one query, the same one
  the page itself would make; or from the shared cache, where an edit writes it once
  committed), so an admin edit made on any server misses every copy.
  Only the rendered bytes are kept in process memory, and only as a copy of what the
  full stack answered: a release that changes a template starts with none.
- The same headers: the copy is what the full stack below this middleware answered
  (X-Frame-Options, Vary, caching headers included), and the middleware above it
  (SecurityMiddleware's HSTS, nosniff, Referrer-Policy, COOP; Permissions-Policy; CSP;
  NoStoreMiddleware) runs on the copy as it does on the full path.
- Not for a visitor who may see something of their own: a request with a session or
  messages cookie (a signed-in staff member, a message waiting) takes the full path,
  and so does anything but GET and HEAD (the call form's POST) and any page the view
  does not mark `public`.
- A database outage: the version query raises as the page would have, and the 503 page
  answers (accounts/outage.py); with the version in the shared cache, a copy is
  answered until that version expires (nobody can edit the catalog meanwhile).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from accounts.middleware import cache_directives
from programs.http import PUBLIC_CATALOG_PAGE, request_catalog_state

# a bound on the copies one process keeps (hosts x pages x query strings at one version)
MAX_PAGES = 200
# what a 304 keeps of the page's own headers (a 304 has no body to describe)
BODY_HEADERS = frozenset({"content-type", "content-length"})


@dataclass(frozen=True)
class Copy:
    """A public page as the full stack answered it: body and headers, no cookies."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int | None

    @classmethod
    def of(cls, response: HttpResponse) -> Copy:
        return cls(
            content=response.content,
            headers=tuple(response.headers.items()),
            etag=response.headers["ETag"],
            last_modified=parse_http_date_safe(response.headers.get("Last-Modified", "")),
        )

    def response(self, request: HttpRequest) -> HttpResponse:
        """The page, or the 304 the view's condition() would answer to this request."""
        if get_conditional_response(request, self.etag, self.last_modified) is None:
            response = HttpResponse(self.content)
            for name, value in self.headers:
                response.headers[name] = value
            return response
        not_modified = HttpResponseNotModified()
        for name, value in self.headers:
            if name.lower() not in BODY_HEADERS:
                not_modified.headers[name] = value
        # as CommonMiddleware sets on the full path's 304
        not_modified.headers["Content-Length"] = "0"
        return not_modified


_copies: dict[tuple[str, str, str], Copy] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every copy (tests, and any change of settings the pages are rendered from)."""
    with _lock:
        _copies.clear()


def _on_setting_changed(**kwargs: object) -> None:
    clear()


setting_changed.connect(_on_setting_changed, dispatch_uid="programs.pagecache.clear")


def _keep(key: tuple[str, str, str], copy: Copy) -> None:
    with _lock:
        if len(_copies) >= MAX_PAGES:
            _copies.clear()  # mostly copies of older versions, which nothing asks for
        _copies[key] = copy


def public_page_match(request: HttpRequest) -> ResolverMatch | None:
    """The URL match of a public catalog page an anonymous visitor asks for, or None."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    if "HTTP_IF_MATCH" in request.META or "HTTP_IF_UNMODIFIED_SINCE" in request.META:
        return None  # a 412 is the view's business
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match if getattr(match.func, PUBLIC_CATALOG_PAGE, False) else None


def is_copyable(request: HttpRequest, response: HttpResponse) -> bool:
    """A full-path answer every anonymous visitor may be given as it is."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "ETag" in response.headers
        and "public" in cache_directives(response)
    )


class PublicPageCacheMiddleware:
    """Answers an anonymous GET/HEAD of a public catalog page from this process's copy
    at the current catalog version (or a 304), skipping the middleware below it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = public_page_match(request)
        if match is None:
            return self.get_response(request)
        # NoStoreMiddleware (above) tells a public page by its URL namespace
        request.resolver_match = match
        # the view reuses this state on a miss: still one version query per request
        version = request_catalog_state(request).version
        key = (version, request.get_host(), request.get_full_path())
        copy = _copies.get(key)
        if copy is not None:
            return copy.response(request)
        response = self.get_response(request)
        if is_copyable(request, response):
            _keep(key, Copy.of(response))
        return response
