"""Translated labels for the closed vocabularies in ``vocab.py``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from fieldlog.obligations import Status
from fieldlog.vocab import (
    AttendanceStatus,
    Grade,
    HelpTarget,
    JoinKind,
    LeaveKind,
    MeetingKind,
    Method,
    OrgKind,
    ProposalStatus,
    RaterGroup,
    RatingMode,
    ReviewStatus,
    Role,
)

METHOD = {
    Method.VISIT: _l("Home visit"),
    Method.FACE_TO_FACE: _l("Face to face"),
    Method.PHONE: _l("Phone"),
    Method.ONLINE: _l("WeChat / online"),
    Method.MEETING: _l("Meeting"),
    Method.OTHER: _l("Other"),
}
PROPOSAL_STATUS = {
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.HANDLING: _l("Being handled"),
    ProposalStatus.ANSWERED: _l("Answered"),
    ProposalStatus.FED_BACK: _l("Fed back to the women"),
}
HELP_TARGET = {
    HelpTarget.CHILD_IN_DIFFICULTY: _l("Child in difficulty"),
    HelpTarget.LEFT_BEHIND: _l("Left-behind woman or child"),
    HelpTarget.DISABLED: _l("Disabled woman or child"),
    HelpTarget.ILL: _l("Ill woman or child"),
    HelpTarget.SINGLE_MOTHER: _l("Single mother"),
    HelpTarget.POOR_FAMILY: _l("Family in hardship"),
    HelpTarget.OTHER: _l("Other"),
}
ORG_KIND = {
    OrgKind.DISTRICT: _l("District"),
    OrgKind.TOWNSHIP: _l("Township"),
    OrgKind.STREET: _l("Street"),
    OrgKind.VILLAGE: _l("Village"),
    OrgKind.COMMUNITY: _l("Community"),
}
ROLE = {
    Role.CHAIR: _l("Chair"),
    Role.VICE_CHAIR: _l("Vice chair"),
    Role.ADMIN: _l("Administrator"),
}
JOIN_KIND = {
    JoinKind.ELECTED: _l("Elected"),
    JoinKind.ADDED: _l("Added mid-term"),
    JoinKind.REPLACING: _l("Replacing a member"),
    JoinKind.TRANSFERRED: _l("Moved here from another committee"),
}
LEAVE_KIND = {
    LeaveKind.RESIGNED: _l("Left by herself"),
    LeaveKind.ADVISED_TO_RESIGN: _l("Advised to resign"),
    LeaveKind.TERMINATED: _l("Mandate ended"),
    LeaveKind.TERM_ENDED: _l("End of term"),
    LeaveKind.TRANSFERRED: _l("Moved to another committee"),
}
MEETING_KIND = {
    MeetingKind.COMMITTEE: _l("Committee meeting"),
    MeetingKind.REVIEW: _l("Duty review meeting"),
    MeetingKind.DISCUSSION: _l("Deliberation"),
}
ATTENDANCE = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.EXCUSED: _l("On leave"),
    AttendanceStatus.ABSENT: _l("Absent"),
}
GRADE = {
    Grade.EXCELLENT: _l("Excellent"),
    Grade.QUALIFIED: _l("Qualified"),
    Grade.BASIC: _l("Basically qualified"),
    Grade.UNQUALIFIED: _l("Unqualified"),
}
RATER_GROUP = {
    RaterGroup.REPRESENTATIVE: _l("Women representatives"),
    RaterGroup.MEMBER: _l("Committee members"),
}
RATING_MODE = {
    RatingMode.COUNTS: _l("Votes per grade"),
    RatingMode.PER_RATER: _l("One line per rater"),
}
REVIEW_STATUS = {
    ReviewStatus.OPEN: _l("Open"),
    ReviewStatus.CLOSED: _l("Closed"),
}
# One word per state, everywhere (home, grid, review, book, README).
STATUS = {
    Status.DONE: _l("Done"),
    Status.OPEN: _l("Not yet"),
    Status.DUE_SOON: _l("Due soon"),
    Status.OVERDUE: _l("Overdue"),
    Status.EXCUSED: _l("Excused"),
    Status.NOT_OWED: _l("Not owed"),
    Status.LEFT: _l("Left the committee"),
    Status.UPCOMING: _l("Not started"),
}
STATUS_ICON = {
    Status.DONE: "✓",
    Status.OPEN: "○",
    Status.DUE_SOON: "!",
    Status.OVERDUE: "✗",
    Status.EXCUSED: "–",
    Status.NOT_OWED: "·",
    Status.LEFT: "·",
    Status.UPCOMING: "·",
}
FIELD = {
    "happened_on": _l("Date"),
    "method": _l("How"),
    "place": _l("Place"),
    "women_count": _l("Women reached"),
    "topic": _l("Topic"),
    "needs": _l("Needs collected"),
    "proposal_text": _l("Proposal"),
    "proposal_status": _l("Proposal status"),
    "proposal_answer": _l("Answer from the federation"),
    "help_target": _l("Whom you helped"),
    "help_kind": _l("What help you gave"),
    "volunteer_activity": _l("Activity"),
    "volunteer_hours": _l("Hours"),
    "women_names": _l("Names of the women (optional, private)"),
    "notes": _l("Notes"),
}


def choices(mapping: dict) -> list[SelectChoice]:
    """Options for a select or radio field, in the mapping's order."""
    return [SelectChoice(key.value, label) for key, label in mapping.items()]


# The one word for a period done only thanks to an entry made after it ended.
COMPLETED_LATE = _l("Recorded late")
