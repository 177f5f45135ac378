"""SQLAlchemy models, one module per domain; importing this package registers every table."""

from badges.models.badge import BadgeClass, badge_class_competency
from badges.models.base import Base
from badges.models.beneficiary import Beneficiary
from badges.models.credential import Credential
from badges.models.framework import Competency, Framework
from badges.models.issuer import Issuer
from badges.models.key import SigningKey
from badges.models.status import STATUS_LIST_SIZE, StatusList
from badges.models.user import ApiToken, Role, User

__all__ = [
    "STATUS_LIST_SIZE",
    "ApiToken",
    "BadgeClass",
    "Base",
    "Beneficiary",
    "Competency",
    "Credential",
    "Framework",
    "Issuer",
    "Role",
    "SigningKey",
    "StatusList",
    "User",
    "badge_class_competency",
]
