"""Public catalog pages. Each reads the cached catalog: one query when warm, three cold.
They are the same for every visitor, so they are HTTP-cacheable (programs/http.py)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from programs.catalog import Catalog
from programs.http import public_catalog_page, request_catalog
from programs.models import Program


def _get_published_program(catalog: Catalog, slug: str) -> Program:
    program = catalog.get(slug)
    if program is None:
        raise Http404("No published program has this address.")
    return program


@public_catalog_page
def home(request: HttpRequest) -> HttpResponse:
    catalog = request_catalog(request)
    featured = catalog.by_code(Program.Code.IOP)
    others = [p for p in catalog if p != featured]
    return render(
        request,
        "programs/home.html",
        {"catalog": catalog, "featured": featured, "others": others},
    )


@public_catalog_page
def program_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/program_list.html", {"catalog": request_catalog(request)})


@public_catalog_page
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalog = request_catalog(request)
    program = _get_published_program(catalog, slug)
    lower, higher = catalog.neighbours(program)
    return render(
        request,
        "programs/program_detail.html",
        {"catalog": catalog, "program": program, "lower": lower, "higher": higher},
    )


@public_catalog_page
def compare(request: HttpRequest) -> HttpResponse:
    catalog = request_catalog(request)
    return render(
        request,
        "programs/compare.html",
        {"catalog": catalog, "rows": catalog.comparison_rows()},
    )


@public_catalog_page
def what_to_expect(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/what_to_expect.html",
        {"iop": request_catalog(request).by_code(Program.Code.IOP)},
    )


@public_catalog_page
def faq(request: HttpRequest) -> HttpResponse:
    catalog = request_catalog(request)
    return render(
        request, "programs/faq.html", {"catalog": catalog, "iop": catalog.by_code(Program.Code.IOP)}
    )
