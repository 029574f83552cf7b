"""Default settings. No secrets live here: see ``load_config`` in the app factory."""

from __future__ import annotations


class DefaultConfig:
    """Settings every deployment starts from; instance/config.py and the environment override."""

    # The SQLite file in instance/ is filled in by the factory when DATABASE_URL is unset.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # SQLite only: FULL syncs every commit to disk, so an acknowledged entry survives a
    # power cut; NORMAL is faster but may lose the last commits (benchmarks/README.md).
    SQLITE_SYNCHRONOUS = "FULL"

    # Forms left open for hours on a weak signal must still submit.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "fieldlog_session"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    TIMEZONE = "Asia/Shanghai"

    # Failed logins allowed before the login is refused for a while.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    # A one-time password (new account, reset, roster import) logs in once within this many
    # days; after that an admin or chair makes a new one.
    ONE_TIME_PASSWORD_DAYS = 7

    # memory:// is per process; use redis://127.0.0.1:6379/0 with several workers.
    RATELIMIT_STORAGE_URI = "memory://"

    # A member owes a period's duties once on the committee for this many days of it.
    OBLIGATION_MIN_ACTIVE_DAYS = 30
    # A duty shows "due soon" when its period ends within this many days.
    DUE_SOON_DAYS = 14

    # Active committee members per kind: (minimum, maximum, usual low, usual high).
    COMMITTEE_SIZE = {
        "village": (5, 29, 10, 15),
        "community": (5, 29, 10, 15),
        "township": (25, None, None, None),
        "street": (25, None, None, None),
    }

    # How a review result is computed from the ratings (see fieldlog.grading). Copied into
    # each review round when it opens, so changing it does not change past results.
    REVIEW_RULE = {
        "method": "most_votes",
        "ties": "lower",
        "weights": {"representative": 1, "member": 1},
    }
    # Most women representatives who can rate one member, one line each (the members who
    # can are the other members of the review).
    REVIEW_MAX_REPRESENTATIVES = 200
    # Exit flags: this many committee meetings missed in a row without excuse, or the annual
    # result "unqualified" this many years running.
    EXIT_MISSED_MEETINGS = 3
    EXIT_UNQUALIFIED_YEARS = 2

    # (month, day) of the book's year from which a member submits her record book. After
    # 31 December it is handed in late, accepted until the end of the following year.
    RECORD_BOOK_OPENS = (12, 1)
    # Processes drawing a batch of PDFs (a committee's record books as one ZIP): 0 = one per
    # CPU, at most 4 (15 books in 6 s instead of 10 s on 2 CPUs, see benchmarks/README.md);
    # 1 = only the process serving the request, leaving other CPUs to other users.
    PDF_PROCESSES = 0

    LOGS_PER_PAGE = 30
    # Largest number of women one entry may report reaching.
    MAX_WOMEN_PER_LOG = 5000

    # Photos (issue 6): at most this many per log, each upload at most this many bytes
    # (the phone scales to 1600 px JPEG first, usually well under 1 MB).
    PHOTOS_PER_LOG = 6
    PHOTO_MAX_BYTES = 8 * 1024 * 1024
    # Decoding bounds: pixels one photo may decode to (read from its header first; a JPEG
    # decodes at a reduced scale, so a 48-megapixel photo counts as 3), photos decoded at
    # once per process (each up to about 100 MB while it lasts), and seconds an upload
    # waits for its turn before the answer is "busy, send it again later" (503).
    PHOTO_MAX_PIXELS = 24_000_000
    PHOTO_DECODES = 2
    PHOTO_DECODE_WAIT = 30
    # Entries one POST /api/v1/sync may carry; a longer queue is sent in several batches.
    SYNC_MAX_ENTRIES = 100

    # Roster import (issue 5): largest file accepted (the upload request is limited to this
    # plus a little for the form, so Flask answers 413 early and the page says why), and
    # most rows of members in one file.
    ROSTER_MAX_BYTES = 5 * 1024 * 1024
    ROSTER_MAX_ROWS = 2000
    # What an XLSX may hold, checked by streaming its zip entries before it is opened (a
    # small file can unpack to millions of texts), and the time its reading may take. A
    # roster of 2,000 members needs about a tenth of each.
    ROSTER_MAX_SHARED_STRINGS = 100_000  # distinct texts of the workbook
    ROSTER_MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024  # those texts, unpacked
    ROSTER_MAX_PART_BYTES = 16 * 1024 * 1024  # any other part (a sheet), unpacked
    ROSTER_MAX_CELLS = 200_000  # cells of all sheets, empty formatted ones included
    ROSTER_MAX_SHEET_ROWS = 20_000  # rows of all sheets, empty formatted ones included
    ROSTER_READ_SECONDS = 15
