"""What a template name may be: an identifier ``group/name``, never a path.

Scenarios name the templates their steps send, and scenarios are imported from files anyone can
write; a name that could hold ``/`` or ``..`` anywhere would let such a file pick a file on the
computer as the text mailed to a debtor. So a name is exactly two short lower-case parts.
"""

from __future__ import annotations

import re

_TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}/[a-z0-9][a-z0-9_-]{0,59}")


def is_template_name(name: str) -> bool:
    """``"escalation/email_overdue"`` or ``"mine/sms_1"``; not ``"x//tmp/a"``, ``"a/../b"``, ``"A/b"``."""
    return _TEMPLATE_NAME.fullmatch(name) is not None
