"""All tables. Import models from here."""

from fieldlog.database import Base, UTCDateTime
from fieldlog.models.account import Account, Membership
from fieldlog.models.audit import AuditEntry
from fieldlog.models.book import Photo, RecordBook
from fieldlog.models.duty import DutyType, Excusal, Log
from fieldlog.models.meeting import Attendance, Meeting
from fieldlog.models.organisation import Organisation, RoleGrant
from fieldlog.models.review import ReviewEntry, ReviewRating, ReviewRound

__all__ = [
    "Account",
    "Attendance",
    "AuditEntry",
    "Base",
    "DutyType",
    "Excusal",
    "Log",
    "Meeting",
    "Membership",
    "Organisation",
    "Photo",
    "RecordBook",
    "ReviewEntry",
    "ReviewRating",
    "ReviewRound",
    "RoleGrant",
    "UTCDateTime",
]
