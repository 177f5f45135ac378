"""Small pieces every domain uses; depends on no other domain.

Offers: ``errors`` (the exception hierarchy the web layer maps to HTTP), ``validation`` (field validators
collecting French messages), ``json_input`` (bounded JSON reader), ``spreadsheet`` (the one CSV reader and
formula-safe writer), ``paging`` (the one paginator), ``lookup`` (find a record of these tiers-lieux or 404),
``mail`` (SMTP or console transport), ``throttling`` (attempt counters for sign-in and claim codes),
``profiles`` (internal beneficiary profiles and the guard keeping them out of public text).
"""
