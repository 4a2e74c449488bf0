"""HTTP caching of the public catalog pages.

These pages show nothing per visitor (no CSRF token, no session), so a browser, proxy or
CDN may keep them: `Cache-Control: public` with a short shared-cache lifetime, and an
`ETag` / `Last-Modified` taken from the catalog version so a revalidation costs one
query and answers 304 while the catalog is unchanged. An admin edit changes the version,
so the next revalidation (or a visitor without a copy) gets the new page at once.
"""

import datetime
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from programs.catalog import Catalog, CatalogState, catalog_state, get_catalog

# browsers keep a copy a minute, shared caches five; both revalidate with the ETag after
MAX_AGE = 60
S_MAXAGE = 300

View = Callable[..., HttpResponse]

# set on the views public_catalog_page wraps: programs.pagecache answers them from a copy
PUBLIC_CATALOG_PAGE = "iop_public_catalog_page"


def request_catalog_state(request: HttpRequest) -> CatalogState:
    """The catalog's state, read once per request however many times it is asked for."""
    state = getattr(request, "_catalog_state", None)
    if state is None:
        state = catalog_state()
        setattr(request, "_catalog_state", state)  # noqa: B010 (a per-request memo)
    return state


def request_catalog(request: HttpRequest) -> Catalog:
    """The published catalog at the version this request has already read."""
    return get_catalog(request_catalog_state(request))


def _etag(request: HttpRequest, *args: object, **kwargs: object) -> str:
    return request_catalog_state(request).version


def _last_modified(
    request: HttpRequest, *args: object, **kwargs: object
) -> datetime.datetime | None:
    return request_catalog_state(request).last_modified


def public_catalog_page(view: View) -> View:
    """A public page whose content depends only on the catalog: cacheable, with an
    ETag and Last-Modified, and 304 to a matching conditional request."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # a signed-in user's pages are no-store (NoStoreMiddleware): no 304 to an old copy
            return view(request, *args, **kwargs)
        response = conditional(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE, s_maxage=S_MAXAGE)
        return response

    setattr(wrapped, PUBLIC_CATALOG_PAGE, True)
    return wrapped
