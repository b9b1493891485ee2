"""labbook's Python client."""

from ._canonical import canonical_json, run_hash
from ._identity import IdentityError, identity, qualified_name

__all__ = ["canonical_json", "run_hash", "identity", "qualified_name", "IdentityError"]
