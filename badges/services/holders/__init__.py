"""The beneficiary's side: the private link, their pages, the badge as people see it, handing it over.

Owns the private page link (``private_link``), the holder's pages (``holder_pages``), the plain values of
every page showing one badge (``badge_view``, ``public_pages``, ``award_listing``), the printable
certificate (``certificate``) and the delivery e-mail (``delivery``).
Offers nothing to the other domains: only the web layer calls it.
Depends on ``programme`` (framework lookups), ``credentials`` and ``shared``.
"""
