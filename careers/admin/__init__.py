"""
The admin: content staff edit a whole career path on one page (career), its
children in inlines, its history (history), and content files (imports,
exports, uploads), and a score's sources on the score's own page (scores).
The shared rows have small admins of their own (shared).
"""

from . import career, scores, shared

__all__ = ["career", "scores", "shared"]
