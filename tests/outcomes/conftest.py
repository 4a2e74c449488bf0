import pytest

from tests.factories import AdmissionFactory, PatientFactory, program


@pytest.fixture
def patient(counselor):
    """An IOP patient on `counselor`'s caseload, named by hand."""
    admission = AdmissionFactory(
        patient=PatientFactory(legal_first_name="Rowan", legal_last_name="Quill", active=True),
        primary_counselor=counselor,
        program=program("IOP"),
    )
    return admission.patient
