"""Reporting: key figures for a period (``figures``) and their outputs, charts and CSV (``figures_output``).

Offers nothing to the other domains. Depends on ``programme`` (awarding, rules) and ``shared``.
"""
