"""Reporting: key figures for a period (``figures``) and their outputs, charts and CSV (``figures_output``).

What every figure covers, the period and the filters, is ``scope``'s.
Offers nothing to the other domains. Depends on ``programme`` (awarding, rules) and ``shared``.
"""
