"""
The career models: one aggregate, a career path and its children, with the
rows careers share. careers.shape describes a career's texts and sections;
the models are built from it.
"""

from .career import (
    CARD_FIELDS,
    DERIVED_FIELDS,
    LARGE_DERIVED_FIELDS,
    CareerPath,
    CareerPathQuerySet,
    ContentChange,
)
from .children import (
    CareerSkill,
    EducationRequirement,
    FactorScore,
    Positioned,
    Stage,
    Step,
)
from .common import (
    CareerStatus,
    EducationKind,
    ProseField,
    live_filter,
    validate_currency,
    validate_score,
)
from .shared import Category, Factor, SalarySource, Skill

__all__ = [
    "CARD_FIELDS",
    "DERIVED_FIELDS",
    "LARGE_DERIVED_FIELDS",
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
    "Positioned",
    "ProseField",
    "SalarySource",
    "Skill",
    "Stage",
    "Step",
    "live_filter",
    "validate_currency",
    "validate_score",
]
