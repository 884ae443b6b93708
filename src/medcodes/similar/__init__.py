"""Similar codes: hierarchy, same drug, history, shared policies and similar meaning."""

from medcodes.similar.rank import SimilarCode, similar_codes

__all__ = ["SimilarCode", "similar_codes"]
