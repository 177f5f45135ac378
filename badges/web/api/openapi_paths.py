"""Every operation of /api/v1, one line each: its route, what it reads and what it answers.

tests/web/test_openapi.py checks this table against the application: every route is described, nothing
described is missing, and each operation's query parameters and body fields are those `inputs.accepts`
declares next to the view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from badges.services.programme.framework_io import META_FIELDS

PAGE = ("page", "per_page")
FRAMEWORK_VERSION = ("version",)
REPORT_FILTERS = ("from", "to", "tiers_lieu", "department", "pathway_type", "profile", "category")

JSON = "application/json"
PDF = "application/pdf"
CSV = "text/csv"
DOWNLOAD_TYPES = ("application/vc+ld+json", "application/ld+json", "text/plain", "image/png", "image/svg+xml")


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    endpoint: str
    summary: Any
    tag: str
    # The success: its status and what it answers (a schema name, a media type, or nothing for 204).
    ok: int = 200
    answer: str | None = None
    media: tuple[str, ...] = (JSON,)
    body: str | None = None
    query: tuple[str, ...] = ()
    public: bool = False
    # Statuses besides the ones every operation may give (see openapi.responses).
    errors: tuple[int, ...] = ()
    # Another body than JSON (the CSV import, the verifier's file upload).
    body_media: tuple[str, ...] = (JSON,)
    # A 202 besides the success: the work goes on in a job (its answer's schema).
    accepted: str | None = None


AWARDS, DELIVERY, PROGRAMME, PATHWAYS = _l("Badges délivrés"), _l("Remise"), _l("Programme"), _l("Parcours")
EVALUATIONS, FRAMEWORKS, REPORTS = _l("Évaluations"), _l("Référentiels"), _l("Chiffres clés")
VERIFY, DESCRIPTION = _l("Vérification"), _l("Description")
ENDORSEMENTS = _l("Recommandations")
NOT_FOUND, CONFLICT = (404,), (404, 409)

OPERATIONS: tuple[Op, ...] = (
    Op("get", "/awards", "api.list_awards", _l("Lister les badges délivrés"), AWARDS,
       answer="AwardPage", query=PAGE),
    Op("post", "/awards", "api.create_award", _l("Délivrer un badge à un bénéficiaire"), AWARDS,
       ok=201, answer="Award", body="AwardInput", errors=(404, 409)),
    Op("get", "/awards/{public_id}", "api.get_award", _l("Lire un badge délivré"), AWARDS,
       answer="Award", errors=NOT_FOUND),
    Op("post", "/awards/{public_id}/revoke", "api.revoke_award", _l("Révoquer un badge"), AWARDS,
       answer="Award", body="RevokeInput", errors=CONFLICT),
    Op("post", "/awards/{public_id}/erase", "api.erase_award", _l("Effacer un badge (droit à l'effacement)"),
       AWARDS, ok=204, errors=CONFLICT),
    Op("get", "/awards/{public_id}/download/{fmt}", "api.download_award",
       _l("Télécharger un badge dans un format"), AWARDS, media=DOWNLOAD_TYPES, errors=NOT_FOUND),
    Op("get", "/awards/{public_id}/delivery", "api.award_delivery",
       _l("Ce qu'il faut pour remettre un badge"), DELIVERY, answer="Delivery", errors=NOT_FOUND),
    Op("get", "/awards/{public_id}/certificate.pdf", "api.award_certificate",
       _l("Le certificat à imprimer (PDF)"), DELIVERY, media=(PDF,), errors=NOT_FOUND),
    Op("post", "/awards/{public_id}/send", "api.send_award", _l("Envoyer le badge par e-mail"), DELIVERY,
       answer="Sent", errors=(404, 409, 503)),
    Op("get", "/beneficiaries/{public_id}/private-link", "api.private_link",
       _l("Le lien de la page privée d'un bénéficiaire"), DELIVERY, answer="PrivateLink", errors=NOT_FOUND),
    Op("post", "/beneficiaries/{public_id}/private-link", "api.renew_private_link",
       _l("Renouveler le lien de la page privée"), DELIVERY, answer="PrivateLink", errors=NOT_FOUND),
    Op("get", "/beneficiaries/{public_id}/access-card.pdf", "api.access_card_pdf",
       _l("La carte d'accès à imprimer (PDF)"), DELIVERY, media=(PDF,), errors=NOT_FOUND),
    Op("get", "/badge-classes", "api.list_badge_classes", _l("Lister les badges du tiers-lieu"), PROGRAMME,
       answer="BadgeClassPage", query=PAGE),
    Op("post", "/badge-classes", "api.create_badge_class", _l("Créer un badge"), PROGRAMME,
       ok=201, answer="BadgeClass", body="BadgeClassInput"),
    Op("get", "/badge-classes/{public_id}", "api.get_badge_class", _l("Lire un badge"), PROGRAMME,
       answer="BadgeClass", errors=NOT_FOUND),
    Op("patch", "/badge-classes/{public_id}", "api.update_badge_class", _l("Modifier un badge"), PROGRAMME,
       answer="BadgeClass", body="BadgeClassInput", errors=CONFLICT),
    Op("delete", "/badge-classes/{public_id}", "api.delete_badge_class",
       _l("Supprimer un badge jamais délivré"), PROGRAMME, ok=204, errors=CONFLICT),
    Op("get", "/shared-badge-classes", "api.list_shared_badge_classes",
       _l("Lister les badges que d'autres tiers-lieux partagent (à délivrer avec POST /awards)"), PROGRAMME,
       answer="SharedBadgeClassPage", query=PAGE),
    Op("get", "/beneficiaries", "api.list_beneficiaries", _l("Lister les bénéficiaires"), PROGRAMME,
       answer="BeneficiaryPage", query=(*PAGE, "pathway")),
    Op("post", "/beneficiaries", "api.create_beneficiary", _l("Inscrire un bénéficiaire"), PROGRAMME,
       ok=201, answer="Beneficiary", body="BeneficiaryInput"),
    Op("get", "/beneficiaries/{public_id}", "api.get_beneficiary", _l("Lire un bénéficiaire"), PROGRAMME,
       answer="Beneficiary", errors=NOT_FOUND),
    Op("patch", "/beneficiaries/{public_id}", "api.update_beneficiary", _l("Modifier un bénéficiaire"),
       PROGRAMME, answer="Beneficiary", body="BeneficiaryInput", errors=CONFLICT),
    Op("delete", "/beneficiaries/{public_id}", "api.delete_beneficiary", _l("Supprimer un bénéficiaire"),
       PROGRAMME, ok=204, errors=CONFLICT),
    Op("post", "/beneficiaries/{public_id}/consent", "api.record_consent",
       _l("Enregistrer le consentement (délivre les badges en attente)"), PROGRAMME,
       answer="ConsentOutcome", errors=CONFLICT),
    Op("get", "/agencies", "api.list_agencies", _l("Lister les agences partenaires"), PATHWAYS,
       answer="AgencyPage", query=PAGE),
    Op("post", "/agencies", "api.create_agency", _l("Créer une agence partenaire (coordination)"), PATHWAYS,
       ok=201, answer="Agency", body="AgencyInput", errors=(409,)),
    Op("post", "/agencies/{public_id}/counsellors", "api.create_counsellor",
       _l("Créer un compte de conseiller (coordination)"), PATHWAYS, ok=201, answer="Counsellor",
       body="CounsellorInput", errors=CONFLICT),
    Op("get", "/pathways", "api.list_pathways", _l("Lister les parcours"), PATHWAYS,
       answer="PathwayPage", query=PAGE),
    Op("post", "/pathways", "api.create_pathway", _l("Créer un parcours"), PATHWAYS,
       ok=201, answer="Pathway", body="PathwayInput"),
    Op("get", "/pathways/{public_id}", "api.get_pathway", _l("Lire un parcours"), PATHWAYS,
       answer="Pathway", errors=NOT_FOUND),
    Op("patch", "/pathways/{public_id}", "api.update_pathway", _l("Modifier un parcours"), PATHWAYS,
       answer="Pathway", body="PathwayInput", errors=CONFLICT),
    Op("delete", "/pathways/{public_id}", "api.delete_pathway", _l("Supprimer un parcours"), PATHWAYS,
       ok=204, errors=CONFLICT),
    Op("get", "/pathways/{public_id}/enrolments", "api.list_enrolments",
       _l("Lister les inscrits d'un parcours"),
       PATHWAYS, answer="BeneficiaryPage", query=PAGE, errors=NOT_FOUND),
    Op("post", "/pathways/{public_id}/enrolments", "api.enrol", _l("Inscrire un bénéficiaire à un parcours"),
       PATHWAYS, ok=201, answer="Beneficiary", body="EnrolmentInput", errors=CONFLICT),
    Op("delete", "/pathways/{public_id}/enrolments/{beneficiary_id}", "api.unenrol",
       _l("Désinscrire un bénéficiaire d'un parcours"), PATHWAYS, ok=204, errors=CONFLICT),
    Op("get", "/pathways/{public_id}/ateliers", "api.list_ateliers", _l("Lister les ateliers d'un parcours"),
       PATHWAYS, answer="AtelierPage", query=PAGE, errors=NOT_FOUND),
    Op("post", "/pathways/{public_id}/ateliers", "api.create_atelier", _l("Créer un atelier"), PATHWAYS,
       ok=201, answer="Atelier", body="AtelierInput", errors=CONFLICT),
    Op("get", "/ateliers/{public_id}", "api.get_atelier", _l("Lire un atelier"), PATHWAYS,
       answer="Atelier", errors=NOT_FOUND),
    Op("patch", "/ateliers/{public_id}", "api.update_atelier", _l("Modifier un atelier"), PATHWAYS,
       answer="Atelier", body="AtelierInput", errors=CONFLICT),
    Op("delete", "/ateliers/{public_id}", "api.delete_atelier", _l("Supprimer un atelier"), PATHWAYS,
       ok=204, errors=CONFLICT),
    Op("put", "/ateliers/{public_id}/attendance", "api.record_attendance",
       _l("Enregistrer les présences (délivre les badges dus)"), PATHWAYS, answer="AttendanceOutcome",
       body="AttendanceInput", errors=CONFLICT),
    Op("get", "/pathways/{public_id}/beneficiaries/{beneficiary_id}/criteria", "api.get_criteria",
       _l("Lire les objectifs personnels"), PATHWAYS, answer="Criteria", errors=NOT_FOUND),
    Op("put", "/pathways/{public_id}/beneficiaries/{beneficiary_id}/criteria", "api.set_criteria",
       _l("Fixer les objectifs personnels (3 ou 4)"), PATHWAYS, answer="Criteria", body="CriteriaInput",
       errors=CONFLICT),
    Op("post", "/pathways/{public_id}/beneficiaries/{beneficiary_id}/criteria/ratings", "api.rate_criteria",
       _l("Noter les objectifs personnels"), PATHWAYS, answer="Criteria", body="RatingsInput",
       errors=CONFLICT),
    Op("get", "/evaluations", "api.list_evaluations", _l("Lister les évaluations"), EVALUATIONS,
       answer="EvaluationPage", query=(*PAGE, "beneficiary", "atelier", "pathway")),
    Op("post", "/evaluations", "api.create_evaluation", _l("Enregistrer une évaluation"), EVALUATIONS,
       ok=201, answer="EvaluationOutcome", body="EvaluationInput", errors=CONFLICT),
    Op("post", "/ateliers/{public_id}/grid", "api.record_grid", _l("Enregistrer la grille d'un atelier"),
       EVALUATIONS, ok=201, answer="GridOutcome", body="GridInput", errors=CONFLICT, accepted="GridDeferred"),
    Op("get", "/jobs/{job_id}", "api.get_bulk_job", _l("Suivre la délivrance en nombre d'une grille"),
       EVALUATIONS, answer="BulkJob", errors=NOT_FOUND),
    Op("get", "/endorsements", "api.list_endorsements",
       _l("Lister les recommandations données (coordination ou agence)"), ENDORSEMENTS,
       answer="EndorsementPage", query=PAGE),
    Op("post", "/endorsements", "api.create_endorsement",
       _l("Recommander un tiers-lieu ou un badge (coordination, conseiller)"), ENDORSEMENTS,
       ok=201, answer="Endorsement", body="EndorsementInput"),
    Op("post", "/endorsements/{public_id}/withdraw", "api.withdraw_endorsement",
       _l("Retirer une recommandation"), ENDORSEMENTS, answer="Endorsement", errors=NOT_FOUND),
    Op("get", "/pending-awards", "api.list_pending_awards",
       _l("Lister les badges en attente de consentement"),
       EVALUATIONS, answer="PendingAwardPage", query=PAGE),
    Op("get", "/flags", "api.list_flags", _l("Lister les badges à revoir"), EVALUATIONS,
       answer="FlagPage", query=(*PAGE, "open")),
    Op("post", "/flags/{public_id}/resolve", "api.resolve_flag", _l("Clore un badge à revoir"), EVALUATIONS,
       answer="Flag", body="ResolveInput", errors=CONFLICT),
    Op("get", "/frameworks", "api.list_frameworks", _l("Lister les référentiels"), FRAMEWORKS,
       answer="FrameworkPage", query=PAGE),
    Op("post", "/frameworks", "api.import_framework", _l("Importer un référentiel (JSON)"), FRAMEWORKS,
       ok=201, answer="Framework", body="FrameworkInput", errors=(409,)),
    Op("post", "/frameworks/import.csv", "api.import_framework_csv", _l("Importer un référentiel (CSV)"),
       FRAMEWORKS, ok=201, answer="Framework", body="CSV", body_media=(CSV,), query=META_FIELDS,
       errors=(409,)),
    Op("get", "/frameworks/{slug}", "api.get_framework", _l("Lire un référentiel et ses versions"),
       FRAMEWORKS, answer="FrameworkWithVersions", query=FRAMEWORK_VERSION, errors=NOT_FOUND),
    Op("get", "/frameworks/{slug}/export.json", "api.export_framework_json",
       _l("Exporter un référentiel (JSON)"), FRAMEWORKS, query=FRAMEWORK_VERSION, errors=NOT_FOUND),
    Op("get", "/frameworks/{slug}/export.csv", "api.export_framework_csv",
       _l("Exporter un référentiel (CSV)"),
       FRAMEWORKS, media=(CSV,), query=FRAMEWORK_VERSION, errors=NOT_FOUND),
    Op("get", "/reports", "api.key_figures", _l("Les chiffres clés d'une période"), REPORTS,
       answer="KeyFigures", query=REPORT_FILTERS),
    Op("get", "/verify", "api.verify", _l("Vérifier un badge par son adresse"), VERIFY, answer="Report",
       query=("url", "email"), public=True, errors=(413,)),
    Op("post", "/verify", "api.verify", _l("Vérifier un badge envoyé (JSON ou fichier)"), VERIFY,
       answer="Report", body="VerifyInput", body_media=(JSON, "multipart/form-data"),
       query=("url", "email"), public=True),
    Op("get", "/openapi.json", "api.openapi_json", _l("Cette description (OpenAPI 3.1)"), DESCRIPTION,
       answer="OpenAPI", public=True),
    Op("get", "/reference", "api.reference", _l("La référence de l'API, à lire"), DESCRIPTION,
       media=("text/html",), public=True),
)  # fmt: skip
