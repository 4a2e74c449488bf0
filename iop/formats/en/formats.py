"""The clinic's date and time style (US English): "Tue, Dec 1, 2026, 4:45 PM".

Django localizes every date it renders, so these override its own English formats
(settings.FORMAT_MODULE_PATH). Twelve-hour times everywhere; ISO dates only in exports
and in form inputs (the *_INPUT_FORMATS stay Django's).
"""

DATE_FORMAT = "D, M j, Y"  # Tue, Dec 1, 2026
DATETIME_FORMAT = "D, M j, Y, g:i A"  # Tue, Dec 1, 2026, 4:45 PM
TIME_FORMAT = "g:i A"  # 4:45 PM
SHORT_DATE_FORMAT = "M j, Y"  # Dec 1, 2026 (birth dates, where a weekday means nothing)
SHORT_DATETIME_FORMAT = "D, M j, g:i A"  # Tue, Dec 1, 4:45 PM (lists of this week and next)
MONTH_DAY_FORMAT = "D, M j"  # Tue, Dec 1 (inside a week)
YEAR_MONTH_FORMAT = "F Y"  # December 2026
