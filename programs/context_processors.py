from django.conf import settings


def clinic(request) -> dict:
    phone_digits = "".join(ch for ch in settings.CLINIC_PHONE if ch.isdigit())
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "phone": settings.CLINIC_PHONE,
            "phone_tel": f"+1{phone_digits[-10:]}",
            "address": settings.CLINIC_ADDRESS,
        }
    }
