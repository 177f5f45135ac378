"""Credentials: issuing an award in every form, publishing it, keeping its status, revoking it.

Owns the public URL scheme (``links``), issuers and their signing keys (``issuers``, ``signing_keys``),
issuance (``issuance``), badge-class revisions as published (``revisions``), the public documents
(``documents``, ``published``), the signed forms and downloads (``formats``, ``downloads``, ``baking``,
``images``, ``qr``), status lists and revocation (``status_lists``, ``revocation``), who sees a badge
(``sharing``) and the integrity check of stored data (``integrity``).
Offers to the others: ``issuance.issue`` (programme's awarding), ``links.Links``, ``published`` and
``baking`` (verification reads this service's own documents locally), ``revocation``, ``sharing``.
Depends on ``shared``, ``crypto``, ``openbadges`` and the models only; never on verification.
"""
