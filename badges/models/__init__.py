"""SQLAlchemy models, one module per domain; importing this package registers every table."""

from badges.models.badge import BadgeClass, BadgeRevision, badge_class_competency
from badges.models.base import Base
from badges.models.beneficiary import Beneficiary
from badges.models.credential import Credential, PendingAward, ReviewFlag
from badges.models.endorsement import Endorsement, Endorser, EndorserKey
from badges.models.evaluation import Evaluation, GridDraft, PersonalCriterion
from badges.models.framework import Competency, CompetencyAlignment, Framework
from badges.models.issuer import Issuer
from badges.models.job import ImportItem, Job
from badges.models.key import SigningKey
from badges.models.oid4vci import Oid4vciAccessToken, Oid4vciIssued, Oid4vciNonce, Oid4vciOffer
from badges.models.outcome import (
    PathwayClosure,
    PathwayOutcome,
    Questionnaire,
    ResourceActor,
    outcome_orientation,
    outcome_skill,
)
from badges.models.pathway import (
    Atelier,
    Attendance,
    Enrolment,
    Pathway,
    atelier_competency,
    pathway_badge_class,
)
from badges.models.pathway_badge import CredentialBasis, PathwayBadge, pathway_badge_component
from badges.models.ressenti import Ressenti, RessentiItem
from badges.models.security import LoginAttempt
from badges.models.sharing import BeneficiaryLink, CredentialSharing, ShareLink
from badges.models.status import STATUS_LIST_SIZE, StatusList
from badges.models.user import Agency, ApiToken, Role, StaffSession, User
from badges.models.wallet import BoundCredential, WalletOffer

__all__ = [
    "STATUS_LIST_SIZE",
    "Agency",
    "ApiToken",
    "Atelier",
    "Attendance",
    "BadgeClass",
    "BadgeRevision",
    "Base",
    "Beneficiary",
    "BeneficiaryLink",
    "BoundCredential",
    "Competency",
    "CompetencyAlignment",
    "Credential",
    "CredentialBasis",
    "CredentialSharing",
    "Endorsement",
    "Endorser",
    "EndorserKey",
    "Enrolment",
    "Evaluation",
    "ImportItem",
    "Job",
    "Framework",
    "GridDraft",
    "Issuer",
    "LoginAttempt",
    "PendingAward",
    "PersonalCriterion",
    "Pathway",
    "Ressenti",
    "RessentiItem",
    "PathwayClosure",
    "PathwayOutcome",
    "Questionnaire",
    "ResourceActor",
    "PathwayBadge",
    "ReviewFlag",
    "Role",
    "ShareLink",
    "SigningKey",
    "StaffSession",
    "StatusList",
    "User",
    "Oid4vciAccessToken",
    "Oid4vciIssued",
    "Oid4vciNonce",
    "Oid4vciOffer",
    "WalletOffer",
    "atelier_competency",
    "badge_class_competency",
    "outcome_orientation",
    "outcome_skill",
    "pathway_badge_class",
    "pathway_badge_component",
]
