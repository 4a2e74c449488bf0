"""A program's week shows one site at a time ("Site" in the week's form): the user's own
site by default, else the first; drawn from one query for the sessions."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.services import cancel_session
from tests.factories import AdmissionFactory, RoomFactory, SiteFactory, TrackFactory, program
from tests.scheduling.conftest import book, group_session

WEEK = reverse("scheduling:week")
DAY = date(2026, 3, 4)  # a Wednesday: the IOP morning groups meet


@pytest.fixture
def harbor(db):
    return SiteFactory(name="Harbor")


@pytest.fixture
def valley(db):
    return SiteFactory(name="Valley")


@pytest.fixture
def groups(harbor, valley, counselor, other_counselor):
    """An IOP group at each site, each with a patient."""
    made = {}
    for site, lead, name in (
        (harbor, counselor, "Harbor IOP"),
        (valley, other_counselor, "Valley IOP"),
    ):
        track = TrackFactory(
            name=name,
            room=RoomFactory(name=f"{site.name} group room", site=site),
            lead_counselor=lead,
            first_date=date(2026, 1, 5),
        )
        made[site.name] = group_session(
            track, DAY, [AdmissionFactory(start_date=date(2026, 1, 5)).patient]
        )
    return made


def _page(client, **params):
    response = client.get(WEEK, {"date": DAY.isoformat(), "show": "program-IOP", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_first_site_by_default(intake_client, groups):
    html = _page(intake_client)
    assert groups["Harbor"].get_absolute_url() in html
    assert groups["Valley"].get_absolute_url() not in html
    assert '<label class="form-label small mb-0" for="id_site">Site</label>' in html
    assert "at Harbor" in html


def test_the_users_own_site_by_default(intake_client, intake_user, groups, valley):
    valley.staff.add(intake_user)
    html = _page(intake_client)
    assert groups["Valley"].get_absolute_url() in html
    assert groups["Harbor"].get_absolute_url() not in html
    # the select says which site is drawn, and the week links keep it
    assert f'<option value="{valley.pk}" selected>Valley</option>' in html
    assert f"site={valley.pk}" in html


def test_choosing_a_site(director_client, groups, valley):
    html = _page(director_client, site=valley.pk)
    assert groups["Valley"].get_absolute_url() in html
    assert groups["Harbor"].get_absolute_url() not in html
    assert f"date=2026-03-09&amp;show=program-IOP&amp;site={valley.pk}" in html  # next week


def test_an_unknown_site_is_refused_next_to_the_field(director_client, groups):
    html = _page(director_client, site="999999")
    assert 'id="id_site-error"' in html
    assert "Select a valid choice" in html


def test_without_sites_there_is_nothing_to_choose(intake_client, track, patient):
    group = group_session(track, DAY, [patient])
    html = _page(intake_client)
    assert group.get_absolute_url() in html
    assert 'name="site"' not in html


def test_counselors_own_week_spans_every_site(counselor_client, counselor, groups, harbor, valley):
    elsewhere = book(
        AdmissionFactory().patient,
        counselor,
        RoomFactory(name="Valley office", site=valley),
        DAY,
        "15:00",
    )
    html = counselor_client.get(WEEK, {"date": DAY.isoformat()}).content.decode()
    assert groups["Harbor"].get_absolute_url() in html
    assert elsewhere.get_absolute_url() in html
    assert 'name="site"' not in html


def test_a_block_says_what_the_template_did_with_every_text_escaped(
    director_client, counselor, harbor
):
    track = TrackFactory(
        name="IOP <b>bold</b> & co",
        room=RoomFactory(name="Harbor <room>", site=harbor),
        lead_counselor=counselor,
        first_date=date(2026, 1, 5),
    )
    session = group_session(
        track, DAY, [AdmissionFactory(start_date=date(2026, 1, 5)).patient for _ in range(2)]
    )
    cancel_session(session=session, reason="The building's heating failed", by=counselor)
    html = _page(director_client)
    assert "IOP &lt;b&gt;bold&lt;/b&gt; &amp; co" in html and "<b>bold</b>" not in html
    assert "Harbor &lt;room&gt;" in html
    assert '<span class="wk-flag">Cancelled:</span>' in html
    assert "9:00 AM – 12:00 PM" in html
    assert f"2 patients · {counselor.get_full_name()}" in html
    assert "wk-block st-group-therapy wk-r5 wk-s12 wk-c1 wk-cs1 is-cancelled is-long" in html


def _fill(site, counselors, groups_per_day: int, monday: date) -> None:
    for n in range(groups_per_day):
        track = TrackFactory(
            room=RoomFactory(site=site),
            lead_counselor=counselors[n % len(counselors)],
            co_facilitator=counselors[(n + 1) % len(counselors)],
            first_date=date(2026, 1, 5),
            start_time=time(8 + n, 0),
            length_minutes=50,
        )
        patients = [AdmissionFactory(start_date=date(2026, 1, 5)).patient for _ in range(n + 1)]
        for offset in (0, 2, 4):
            day = monday + timedelta(days=offset)
            group_session(track, day, patients if offset == 0 else ())


def test_program_week_query_count_does_not_grow_with_sessions(
    director_client, counselor, other_counselor, harbor
):
    quiet, busy = date(2026, 3, 2), date(2026, 3, 9)
    _fill(harbor, [counselor, other_counselor], 1, quiet)
    _fill(harbor, [counselor, other_counselor], 5, busy)
    director_client.get(WEEK, {"date": "2026-01-05"})  # the session's first request
    counts = []
    for monday in (quiet, busy):
        with CaptureQueriesContext(connection) as ctx:
            html = _page(director_client, date=monday.isoformat())
        counts.append(len(ctx.captured_queries))
        assert html.count('class="wk-block') >= 3
    assert counts[0] == counts[1], counts
    # the sites and which are the user's own come in one query (with or without sites)
    assert counts[1] == 10, counts


def test_individual_sessions_of_the_programs_patients_in_care_only(
    intake_client, counselor, harbor, track
):
    """(`track`: an IOP group, so that the program is among the choices.)"""
    room = RoomFactory(name="Harbor office", site=harbor)
    in_care = AdmissionFactory(start_date=date(2026, 1, 5)).patient
    leaving = AdmissionFactory(start_date=date(2026, 1, 5)).patient
    elsewhere = AdmissionFactory(start_date=date(2026, 1, 5), program=program("PHP")).patient
    theirs = book(in_care, counselor, room, DAY, "13:00")
    gone = book(leaving, counselor, room, DAY, "14:00")
    other_program = book(elsewhere, counselor, room, DAY, "15:00")
    leaving.admissions.update(end_date=DAY)  # discharged after the booking
    html = _page(intake_client)
    assert theirs.get_absolute_url() in html
    assert gone.get_absolute_url() not in html
    assert other_program.get_absolute_url() not in html


def test_the_query_count_is_the_same_with_or_without_sites(intake_client, track, patient, settings):
    settings.SCHEDULE_CACHE = False  # both grids built afresh
    group_session(track, DAY, [patient])
    _page(intake_client)  # the session's first request
    counts = []
    for add_site in (False, True):
        if add_site:
            track.room.site = SiteFactory(name="Harbor")
            track.room.save()
        with CaptureQueriesContext(connection) as ctx:
            html = _page(intake_client)
        counts.append(len(ctx.captured_queries))
        assert ('name="site"' in html) is add_site
    assert counts[0] == counts[1], counts
