"""The programme: frameworks, badge classes and their rules, beneficiaries, pathways, evaluations, awarding.

Owns competency frameworks and their import/export (``frameworks``, ``framework_io``), badge classes
(``badge_classes``; those a tiers-lieu may name or award, its own or shared: ``class_scope``), issuance rules
(``rules``), automatic awarding (``awarding``, which calls credentials' issuance), review flags (``reviews``),
pathways, ateliers and attendance (``pathways``), evaluations (``evaluation``) and unsaved grid drafts
(``grid_drafts``), beneficiaries and their CSV import (``beneficiaries``, ``beneficiary_import``), the
programme file (``programme_io``), the staging of import jobs (``import_staging``), the staff read-sides
(``*_listing``) and the demo data (``demo``).
Offers to the others: ``frameworks`` (badge views), ``awarding`` and ``rules`` (reporting).
Depends on ``accounts``, ``credentials`` and ``shared``.
"""
