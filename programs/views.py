"""Public catalog pages. Each reads the cached catalog: one query when warm, three cold."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from programs.catalog import Catalog, get_catalog
from programs.models import Program


def _get_published_program(catalog: Catalog, slug: str) -> Program:
    program = catalog.get(slug)
    if program is None:
        raise Http404("No published program has this address.")
    return program


def home(request: HttpRequest) -> HttpResponse:
    catalog = get_catalog()
    featured = catalog.by_code(Program.Code.IOP)
    others = [p for p in catalog if p != featured]
    return render(
        request,
        "programs/home.html",
        {"catalog": catalog, "featured": featured, "others": others},
    )


def program_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/program_list.html", {"catalog": get_catalog()})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalog = get_catalog()
    program = _get_published_program(catalog, slug)
    lower, higher = catalog.neighbours(program)
    return render(
        request,
        "programs/program_detail.html",
        {"catalog": catalog, "program": program, "lower": lower, "higher": higher},
    )


def compare(request: HttpRequest) -> HttpResponse:
    catalog = get_catalog()
    return render(
        request,
        "programs/compare.html",
        {"catalog": catalog, "rows": catalog.comparison_rows()},
    )


def what_to_expect(request: HttpRequest) -> HttpResponse:
    return render(
        request, "programs/what_to_expect.html", {"iop": get_catalog().by_code(Program.Code.IOP)}
    )


def faq(request: HttpRequest) -> HttpResponse:
    catalog = get_catalog()
    return render(
        request, "programs/faq.html", {"catalog": catalog, "iop": catalog.by_code(Program.Code.IOP)}
    )
