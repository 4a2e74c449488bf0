"""The group page's forms without crispy (notes.plain_form): what was typed stays, errors
sit next to their field and are announced, text is escaped, ticked objectives stay ticked."""

from datetime import date
from types import SimpleNamespace

from django import forms

from notes import plain_form
from notes.forms import ProgressNoteForm, SharedPartForm, SignAllForm

OBJECTIVES = [
    SimpleNamespace(pk=1, text="Visit <two> homes", target_date=date(2026, 2, 1)),
    SimpleNamespace(pk=2, text="Tell my roommate", target_date=date(2026, 2, 3)),
]


def _form(data=None, **kwargs):
    return ProgressNoteForm(
        data, prefix="p5", note_format="DAP", patient_name="A B", objectives=OBJECTIVES, **kwargs
    )


def test_an_error_stays_next_to_the_field_with_what_was_typed():
    form = _form({"p5-data": "x" * 5001, "p5-assessment": "Calm & <b>steady</b>"})
    assert not form.is_valid()
    html = plain_form.render(form)
    assert 'aria-invalid="true" aria-describedby="id_p5-data_helptext id_p5-data_error"' in html
    assert '<div id="id_p5-data_error" class="invalid-feedback"><p><strong>Ensure' in html
    assert "x" * 5001 in html
    assert "Calm &amp; &lt;b&gt;steady&lt;/b&gt;" in html
    assert 'maxlength="5000"' in html


def test_objectives_are_a_labelled_group_and_keep_their_ticks():
    html = plain_form.render(_form(initial={"objectives": [2]}))
    assert '<legend class="form-label fs-6">Plan objectives addressed</legend>' in html
    assert "Visit &lt;two&gt; homes (by Feb 1)" in html
    assert 'value="2" id="id_p5-objectives_1" checked>' in html
    assert 'value="1" id="id_p5-objectives_0">' in html


def test_form_errors_come_first_and_the_confirmation_can_be_hidden():
    form = _form({"p5-data": "ok"})
    form.is_valid()
    form.add_error(None, "Choose at least one objective.")
    form.fields["confirm_similar"].widget = forms.HiddenInput()
    html = plain_form.render(form)
    assert html.startswith('<div class="alert alert-block alert-danger">')
    assert '<input type="hidden" name="p5-confirm_similar" id="id_p5-confirm_similar">' in html


def test_the_shared_part_and_sign_all_forms():
    shared = plain_form.render(SharedPartForm(initial={"topic": "Urges"}))
    assert '<input type="text" value="Urges" name="shared-topic"' in shared
    sign_all = plain_form.render(SignAllForm({"confirm_similar": "on"}))
    assert 'id="id_confirm_similar" checked>' in sign_all
