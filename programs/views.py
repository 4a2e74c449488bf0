from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from programs.models import Program


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/home.html", {"programs": Program.objects.published()})


def program_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/program_list.html", {"programs": Program.objects.published()})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.published(), slug=slug)
    return render(request, "programs/program_detail.html", {"program": program})


def compare(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/compare.html", {"programs": Program.objects.published()})


def what_to_expect(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/what_to_expect.html")


def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/faq.html")


def request_call(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/request_call.html")


def request_call_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/request_call_thanks.html")
