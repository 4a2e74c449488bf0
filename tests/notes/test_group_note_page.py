"""The group note page: the shared part once, a part per patient who came, drafts per
patient, signing one or all, the near-duplicate warning, and what each person sees."""

from django.urls import reverse

from accounts.models import AuditEvent
from notes.models import ProgressNote, SessionNote
from tests.notes.conftest import DAP, OTHER_DAP, attendee_of


def _url(session, name="notes:session-note", **extra):
    return reverse(name, kwargs={"pk": session.pk, **extra})


def _part(session, patient, parts, action="save", **extra):
    attendee = attendee_of(session, patient)
    data = {f"p{attendee.pk}-{k}": v for k, v in parts.items()} | {"action": action}
    data |= {f"p{attendee.pk}-{k}": v for k, v in extra.items()}
    return _url(session, "notes:save-part", attendee_pk=attendee.pk), data


def _shared(client, session):
    return client.post(
        _url(session, "notes:save-shared-part"),
        {"shared-topic": "Relapse triggers", "shared-group_work": "Mapped triggers in pairs."},
    )


def test_the_session_page_links_to_the_note(counselor_client, session):
    page = counselor_client.get(session.get_absolute_url()).content.decode()
    assert "Write the note" in page and _url(session) in page


def test_the_page_lists_who_came_and_who_did_not(counselor_client, session, patients):
    response = counselor_client.get(_url(session))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Henrietta Quarrington" in page and "Bartholomew Ellingsworth" in page
    assert "Late, 150 of 180 minutes attended" in page
    assert "Philippa Duxbury" in page and "Absent" in page
    assert page.count('name="action" value="sign"') == 2  # no form for the absent patient
    assert SessionNote.objects.count() == 0  # looking changes nothing
    assert AuditEvent.objects.filter(detail="session note").count() == 3


def test_a_draft_saves_per_patient(counselor_client, session, patients):
    assert _shared(counselor_client, session).status_code == 302
    url, data = _part(session, patients[0], DAP)
    response = counselor_client.post(url, data)
    assert response.status_code == 302
    first = ProgressNote.objects.get(patient=patients[0])
    assert first.data == DAP["data"] and not first.is_signed
    assert ProgressNote.objects.get(patient=patients[1]).data == ""
    page = counselor_client.get(_url(session)).content.decode()
    assert DAP["assessment"] in page


def test_signing_an_incomplete_part_keeps_what_was_typed(counselor_client, session, patients):
    url, data = _part(session, patients[0], {"data": "Only the data so far."}, action="sign")
    response = counselor_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "write the plan" in page and "Only the data so far." in page
    assert not ProgressNote.objects.filter(data="Only the data so far.").exists()


def test_signing_one_part(counselor_client, session, patients):
    _shared(counselor_client, session)
    url, data = _part(session, patients[0], DAP, action="sign")
    assert counselor_client.post(url, data).status_code == 302
    note = ProgressNote.objects.get(patient=patients[0])
    assert note.is_signed
    page = counselor_client.get(_url(session)).content.decode()
    assert "Signed" in page and page.count('name="action" value="sign"') == 1


def test_a_copy_is_refused_until_confirmed(counselor_client, session, patients):
    _shared(counselor_client, session)
    counselor_client.post(*_part(session, patients[1], DAP))
    url, data = _part(session, patients[0], DAP, action="sign")
    response = counselor_client.post(url, data)
    assert response.status_code == 400
    assert "Nearly identical" in response.content.decode()
    assert not ProgressNote.objects.get(patient=patients[0]).is_signed
    url, data = _part(session, patients[0], DAP, action="sign", confirm_similar="on")
    assert counselor_client.post(url, data).status_code == 302
    assert ProgressNote.objects.get(patient=patients[0]).similarity == 1.0


def test_the_page_warns_about_drafts_alike(counselor_client, session, patients):
    _shared(counselor_client, session)
    counselor_client.post(*_part(session, patients[0], DAP))
    counselor_client.post(*_part(session, patients[1], DAP))
    page = counselor_client.get(_url(session)).content.decode()
    assert page.count("Nearly identical") == 2


def test_sign_all(counselor_client, session, patients):
    _shared(counselor_client, session)
    counselor_client.post(*_part(session, patients[0], DAP))
    counselor_client.post(*_part(session, patients[1], OTHER_DAP))
    response = counselor_client.post(_url(session, "notes:sign-all"))
    assert response.status_code == 302
    assert ProgressNote.objects.signed().count() == 2
    page = counselor_client.get(_url(session)).content.decode()
    assert "Save shared part" not in page  # all signed: the shared part is locked too


def test_sign_all_refuses_incomplete_drafts(counselor_client, session, patients):
    _shared(counselor_client, session)
    counselor_client.post(*_part(session, patients[0], DAP))
    response = counselor_client.post(_url(session, "notes:sign-all"))
    assert response.status_code == 400
    assert "Bartholomew Ellingsworth: write the data" in response.content.decode()
    assert ProgressNote.objects.signed().count() == 0


def test_other_counselors_and_intake_get_404(
    other_counselor_client, intake_client, session, patients
):
    for client in (other_counselor_client, intake_client):
        assert client.get(_url(session)).status_code in (403, 404)
        url, data = _part(session, patients[0], DAP)
        assert client.post(url, data).status_code in (403, 404)
    assert ProgressNote.objects.count() == 0


def test_the_director_may_write_the_note(director_client, session):
    assert director_client.get(_url(session)).status_code == 200


def _group_of(size, counselor, name, hour):
    from datetime import date, time

    from scheduling.services import mark_all_present
    from tests.factories import AdmissionFactory, RoomFactory, TrackFactory
    from tests.notes.conftest import SESSION_DAY, group_session

    people = [
        AdmissionFactory(primary_counselor=counselor, start_date=date(2026, 1, 5)).patient
        for _ in range(size)
    ]
    track = TrackFactory(
        name=name,
        lead_counselor=counselor,
        room=RoomFactory(name=name),
        start_time=time(hour, 0),
        length_minutes=120,
    )
    session = group_session(track, SESSION_DAY, people)
    mark_all_present(session=session, by=counselor)
    return session


def test_query_count_does_not_grow_with_the_group(
    now, counselor, counselor_client, django_assert_num_queries
):
    from notes import services

    for size, hour in ((2, 6), (12, 9)):
        session = _group_of(size, counselor, f"Group of {size}", hour)
        services.open_session_note(session=session, by=counselor)
        note = ProgressNote.objects.filter(session_note__session=session).first()
        services.save_draft(note=note, parts=DAP, by=counselor)
        counselor_client.get(_url(session))  # the first request also refreshes the sign-in
        with django_assert_num_queries(QUERIES):
            response = counselor_client.get(_url(session))
        assert response.content.decode().count('value="sign"') == size


QUERIES = 15


def test_signed_notes_are_on_each_patients_chart(counselor_client, session, patients):
    _shared(counselor_client, session)
    counselor_client.post(*_part(session, patients[0], DAP, action="sign"))
    chart = reverse("treatment:chart", args=[patients[0].uuid])
    page = counselor_client.get(chart + "?kind=note").content.decode()
    assert "Session note: IOP Morning: Group therapy" in page and "Signed" in page
    other = counselor_client.get(reverse("treatment:chart", args=[patients[2].uuid]) + "?kind=note")
    assert "Session note:" not in other.content.decode()  # absent: no note
