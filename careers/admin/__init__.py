"""
The admin: content staff edit a whole career path on one page (career), its
children in inlines, its history (history), and content files (imports,
exports, uploads). The shared rows have small admins of their own (shared).
"""

from . import career, shared

__all__ = ["career", "shared"]
