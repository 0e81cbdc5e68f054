"""Canadian French date and time formats, over Django's own fr_CA (issue 17).

Django 5.2's fr_CA writes times as "H\xa0h\xa0i", where the second h is the 12-hour hour, not a
letter: 13 h 40 came out as "13 01 40". The letter is escaped here; every other format is Django's.
"""

TIME_FORMAT = "H\xa0\\h\xa0i"  # 13 h 40
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"  # 31 janvier 2024, 13 h 40
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"  # 2024-01-31 13 h 40
