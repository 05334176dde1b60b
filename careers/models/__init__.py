"""
The career models: one aggregate, a career path and its children, with the
rows careers share. careers.shape describes a career's texts and sections;
the models are built from it.
"""

from .career import CareerPath, ContentChange
from .children import (
    CareerSkill,
    EducationRequirement,
    FactorScore,
    Positioned,
    ScoreCitation,
    Step,
)
from .common import (
    CareerStatus,
    EducationKind,
    OnTheJobTraining,
    PayPeriod,
    ProseField,
    WorkExperience,
    live_filter,
    validate_country,
    validate_currency,
    validate_score,
)
from .queries import (
    CARD_FIELDS,
    DERIVED_FIELDS,
    LARGE_DERIVED_FIELDS,
    SHARE_FIELDS,
    CareerPathQuerySet,
)
from .share import ShareImage
from .shared import Category, Factor, SalarySource, Skill, Source
from .stages import Stage

__all__ = [
    "CARD_FIELDS",
    "DERIVED_FIELDS",
    "LARGE_DERIVED_FIELDS",
    "SHARE_FIELDS",
    "CareerPath",
    "CareerPathQuerySet",
    "CareerSkill",
    "CareerStatus",
    "Category",
    "ContentChange",
    "EducationKind",
    "EducationRequirement",
    "Factor",
    "FactorScore",
    "OnTheJobTraining",
    "PayPeriod",
    "Positioned",
    "ProseField",
    "SalarySource",
    "ScoreCitation",
    "ShareImage",
    "Skill",
    "Source",
    "Stage",
    "Step",
    "WorkExperience",
    "live_filter",
    "validate_country",
    "validate_currency",
    "validate_score",
]
