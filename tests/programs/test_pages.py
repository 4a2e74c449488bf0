"""The public catalog pages, as an anonymous visitor sees them."""

import pytest
from django.urls import reverse

from tests.factories import program

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    reverse("programs:home"),
    reverse("programs:program-list"),
    reverse("programs:compare"),
    reverse("programs:program-detail", args=["intensive-outpatient"]),
    reverse("programs:what-to-expect"),
    reverse("programs:faq"),
    reverse("public_intake:request-call"),
    reverse("public_intake:request-call-thanks"),
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_shows_the_crisis_lines_and_one_h1(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
    assert 'href="tel:+18006624357"' in html
    assert html.count("<h1") == 1
    assert 'href="/request-a-call/"' in html


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_inline_script_style_or_handlers(anon_client, url):
    html = anon_client.get(url).content.decode()
    assert "<script>" not in html and "<script type" not in html
    assert " style=" not in html
    assert " onclick=" not in html and " onload=" not in html and " onsubmit=" not in html


def test_home_puts_iop_in_front_and_says_how_to_start(anon_client):
    response = anon_client.get(reverse("programs:home"))
    assert response.context["featured"].code == "IOP"
    html = response.content.decode()
    assert "Where most people start" in html
    featured_at = html.index("featured-card")
    assert html.index("Intensive Outpatient", featured_at) < html.index("Outpatient</a>")
    assert "How to get started" in html
    for level in ("Outpatient", "Partial Hospitalization", "Inpatient / Residential"):
        assert level in html


def test_list_is_ordered_by_intensity(anon_client):
    response = anon_client.get(reverse("programs:program-list"))
    html = response.content.decode()
    positions = [html.index(f'id="program-{slug}"') for slug in _slugs()]
    assert positions == sorted(positions)


def _slugs():
    return [program(code).slug for code in ("OP", "IOP", "PHP", "INP")]


def test_detail_shows_every_fact_services_and_neighbours(anon_client):
    iop = program("IOP")
    response = anon_client.get(iop.get_absolute_url())
    html = response.content.decode()
    for fact in (
        iop.name,
        "ASAM level 2.1 (3rd edition)",
        "9 to 19 hours a week (6 to 19 for teens)",
        "3–5 days",
        "6–12 weeks",
        iop.setting,
        iop.who_it_is_for,
        iop.step_down_note,
        iop.step_up_note,
    ):
        assert fact in html, fact
    for line in iop.signs() + iop.week_items():
        assert line in html
    for service in iop.services.all():
        assert service.name in html
    assert "Withdrawal management" not in html  # IOP does not offer it
    assert response.context["lower"].code == "OP"
    assert response.context["higher"].code == "PHP"
    assert "Less intensive:" in html and "More intensive:" in html
    assert f'href="{program("OP").get_absolute_url()}"' in html


def test_detail_embeds_the_call_form_with_the_program_chosen(anon_client):
    html = anon_client.get(program("PHP").get_absolute_url()).content.decode()
    assert 'action="/request-a-call/"' in html
    assert "csrfmiddlewaretoken" not in html  # the POST is checked by origin
    assert '<option value="partial-hospitalization" selected>' in html


def test_the_ends_of_the_scale_have_one_neighbour(anon_client):
    op = anon_client.get(program("OP").get_absolute_url())
    assert op.context["lower"] is None and op.context["higher"].code == "IOP"
    assert "Less intensive:" not in op.content.decode()
    inp = anon_client.get(program("INP").get_absolute_url())
    assert inp.context["higher"] is None and inp.context["lower"].code == "PHP"


def test_compare_has_one_labelled_scrollable_table_of_all_levels(anon_client):
    html = anon_client.get(reverse("programs:compare")).content.decode()
    assert html.count("<table") == 1
    assert 'role="region" aria-labelledby="compare-title"' in html and 'tabindex="0"' in html
    assert '<caption class="visually-hidden">Levels of care at' in html
    for row in ("Hours of care a week", "Days a week", "Usual length", "Where you live"):
        assert f'<th scope="row">{row}</th>' in html
    assert html.count('<th scope="col">') == 4
    assert "Withdrawal management (detox)" in html
    assert html.count("Not offered") == 4 + 2  # OP lacks 4 services, IOP 2


def test_faq_and_what_to_expect_use_the_catalog(anon_client):
    faq = anon_client.get(reverse("programs:faq")).content.decode()
    assert "<details" in faq and "6–12 weeks" in faq
    assert "court" in faq and "42 CFR Part 2" in faq
    expect = anon_client.get(reverse("programs:what-to-expect")).content.decode()
    assert program("IOP").get_absolute_url() in expect


def test_thank_you_says_what_happens_next_and_how_soon(anon_client):
    html = anon_client.get(reverse("public_intake:request-call-thanks")).content.decode()
    assert "within one business day" in html
    assert "text 988" in html and "1-800-662-4357" in html


def _unpublish(code):
    level = program(code)
    level.is_published = False
    level.save()
    return level


def test_an_unpublished_program_is_404_and_absent_from_list_and_compare(anon_client):
    anon_client.get(reverse("programs:compare"))  # warm the cache first
    php = _unpublish("PHP")
    assert anon_client.get(php.get_absolute_url()).status_code == 404
    for url in (reverse("programs:program-list"), reverse("programs:compare")):
        html = anon_client.get(url).content.decode()
        assert "Partial Hospitalization" not in html
        assert php.get_absolute_url() not in html
    compare = anon_client.get(reverse("programs:compare")).content.decode()
    assert compare.count('<th scope="col">') == 3
    iop = anon_client.get(program("IOP").get_absolute_url())
    assert iop.context["higher"].code == "INP"
    form_html = anon_client.get(reverse("public_intake:request-call")).content.decode()
    assert "partial-hospitalization" not in form_html


def test_an_unknown_slug_is_404(anon_client):
    assert anon_client.get("/programs/no-such-level/").status_code == 404


def test_an_empty_catalog_still_renders(anon_client):
    for code in ("OP", "IOP", "PHP", "INP"):
        _unpublish(code)
    for url in PUBLIC_PAGES[:3] + PUBLIC_PAGES[4:]:
        assert anon_client.get(url).status_code == 200, url


def test_an_admin_edit_shows_on_the_next_request(anon_client, site_admin_client):
    client = site_admin_client
    iop = program("IOP")
    kept = list(iop.services.all())
    dropped = kept.pop()  # "Co-occurring mental-health care"
    assert dropped.name in anon_client.get(iop.get_absolute_url()).content.decode()

    change_url = reverse("admin:programs_program_change", args=[iop.pk])
    form = client.get(change_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(tagline="Freshly edited in the admin.", services=[s.pk for s in kept])
    response = client.post(change_url, data)
    assert response.status_code == 302

    html = anon_client.get(iop.get_absolute_url()).content.decode()
    assert "Freshly edited in the admin." in html
    services_section = html.split('id="services-title"')[1].split('id="moving-title"')[0]
    assert dropped.name not in services_section
    assert kept[0].name in services_section
