"""templates/includes/_redisclosure_notice.html: the 42 CFR 2.32 statement, word for word."""

from django.template import Context, Template


def _render(extra: str = "") -> str:
    return Template('{% include "includes/_redisclosure_notice.html" ' + extra + " %}").render(
        Context()
    )


def test_it_carries_the_2024_statement():
    html = " ".join(_render().split())
    assert (
        "This record which has been disclosed to you is protected by Federal confidentiality "
        "rules (42 CFR part 2)." in html
    )
    assert "in any civil, criminal, administrative, or legislative proceedings" in html
    assert "as authorized by a court in accordance with 42 CFR 2.64 or 2.65" in html
    assert "45 CFR part 164, subparts A and E" in html
    assert "A general authorization for the release of medical or other information is NOT" in html


def test_two_notices_on_one_page_have_distinct_ids():
    top, bottom = _render('with notice_id="top"'), _render('with notice_id="bottom"')
    assert 'id="redisclosure-notice-title-top"' in top
    assert 'aria-labelledby="redisclosure-notice-title-top"' in top
    assert 'id="redisclosure-notice-title-bottom"' in bottom
