"""Closed vocabularies stored as strings in the database. Pure: standard library only."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """Level of a women's federation organisation."""

    DISTRICT = "district"
    TOWNSHIP = "township"
    STREET = "street"
    VILLAGE = "village"
    COMMUNITY = "community"

    @property
    def level(self) -> int:
        """0 for a district, 1 for a township/street, 2 for a village/community."""
        return {"district": 0, "township": 1, "street": 1}.get(self.value, 2)


class Role(StrEnum):
    """A role held in one organisation, beyond being a member."""

    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    ADMIN = "admin"


class JoinKind(StrEnum):
    """How a member came onto the committee."""

    ELECTED = "elected"
    ADDED = "added"  # 增补
    REPLACING = "replacing"  # 替补
    TRANSFERRED = "transferred"  # 调入: moved here from another committee


class LeaveKind(StrEnum):
    """How a membership ended."""

    RESIGNED = "resigned"  # 自行卸免 (moved away for over a year, or resigned)
    ADVISED_TO_RESIGN = "advised_to_resign"  # 组织劝退
    TERMINATED = "terminated"  # 资格终止
    TERM_ENDED = "term_ended"  # 换届
    TRANSFERRED = "transferred"  # 调动: moved to another committee


class MeetingKind(StrEnum):
    """What a committee meeting was for."""

    COMMITTEE = "committee"  # 执委会
    REVIEW = "review"  # 述职评议会 (an executive committee meeting with the review on it)
    DISCUSSION = "discussion"  # 议事 (ad hoc; never counts towards the exit flag)

    @property
    def counts_for_exit(self) -> bool:
        """Whether missing it counts towards 无故连续3次不出席执委会 (第十二条): the
        executive committee meeting and the review meeting; not 议事."""
        return self is not MeetingKind.DISCUSSION


class AttendanceStatus(StrEnum):
    """Whether a member came to a meeting."""

    PRESENT = "present"
    EXCUSED = "excused"  # absent with an excuse
    ABSENT = "absent"  # absent without an excuse


class ReviewStatus(StrEnum):
    """A duty-report review round: open (figures refresh, reports and ratings change) or closed."""

    OPEN = "open"
    CLOSED = "closed"


class Grade(StrEnum):
    """A rating in the duty-report review, best first."""

    EXCELLENT = "excellent"  # 优秀
    QUALIFIED = "qualified"  # 合格
    BASIC = "basic"  # 基本合格
    UNQUALIFIED = "unqualified"  # 不合格

    @property
    def rank(self) -> int:
        """0 for the best grade, 3 for the worst."""
        return list(Grade).index(self)


class RaterGroup(StrEnum):
    """Who rated: the women representatives (妇女代表) or the other committee members."""

    REPRESENTATIVE = "representative"
    MEMBER = "member"


class RatingMode(StrEnum):
    """How the chair enters ratings: counts per grade, or one line per rater."""

    COUNTS = "counts"
    PER_RATER = "per_rater"


class Method(StrEnum):
    """How a piece of work was done."""

    VISIT = "visit"
    FACE_TO_FACE = "face_to_face"
    PHONE = "phone"
    ONLINE = "online"
    MEETING = "meeting"
    OTHER = "other"


class ProposalStatus(StrEnum):
    """The life of a proposal after it is made."""

    SUBMITTED = "submitted"
    HANDLING = "handling"
    ANSWERED = "answered"
    FED_BACK = "fed_back"


class HelpTarget(StrEnum):
    """Whom a piece of help went to (difficulty category)."""

    CHILD_IN_DIFFICULTY = "child_in_difficulty"
    LEFT_BEHIND = "left_behind"
    DISABLED = "disabled"
    ILL = "ill"
    SINGLE_MOTHER = "single_mother"
    POOR_FAMILY = "poor_family"
    OTHER = "other"


class AuditAction(StrEnum):
    """What an audit entry records."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGOUT = "logout"
    PASSWORD = "password"  # noqa: S105 - an audit action name, not a secret
    DEACTIVATE = "deactivate"
    ACTIVATE = "activate"
    END_MEMBERSHIP = "end_membership"
    GRANT = "grant"
    REVOKE = "revoke"
    OPEN = "open"
    REFRESH = "refresh"
    SUBMIT = "submit"
    RATE = "rate"
    OVERRIDE = "override"
    CLOSE = "close"
