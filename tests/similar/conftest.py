"""Policy and similar-code fixtures: see tests/policy_fixtures.py."""

from policy_fixtures import catalog, policy_catalog_path

__all__ = ["catalog", "policy_catalog_path"]
