"""Staff accounts: users and API tokens, sign-in, server-side sessions, account e-mails, the network.

Owns users and API tokens (``users``), sign-in, password policy, invitations and resets
(``staff_accounts``), sessions (``staff_sessions``), their e-mails (``account_mail``) and the network of
tiers-lieux and partner agencies as the coordination sees it (``network``).
Offers to the others: ``users`` and ``network`` (programme's pathways name counsellors and agencies).
Depends on ``credentials`` (a new tiers-lieu is an issuer) and ``shared``.
"""
