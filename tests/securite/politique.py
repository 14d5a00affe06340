"""The one authorisation policy of the platform: every URL (pages and API operations) × every kind
of actor → the expected HTTP status. test_matrice.py requests each entry as each actor against the
world of monde.py, and fails on any difference, and on any URL without an entry.

Adding a URL is one line: ``"app:name": R("object key", {status: "actors"}, sinon=…)``.
- the object key names the URL kwargs in ``Monde.objets`` (``"aucun"`` for none);
- ``{200: "expert magistrat"}`` gives the status of those actors (``*`` = every logged-in actor,
  ``-name`` removes one); everyone else logged in gets ``sinon`` (404: they may not know the
  object exists; 403: the page exists, not for them);
- anonymous visitors get 302 to the login page (401 on the API) unless ``anonyme=`` says otherwise;
- ``methode="post"`` for views that accept POST only (an empty form; every request is rolled back);
- ``name@variant`` checks the same URL on another object (civil/penal).

The actors (kind × membership; see monde.py):
- expert: the expert of the civil and the penal case; autre_expert: expert of another case;
- magistrat / greffier: named on the civil case (TJ Paris, magistrat holds « contrôle »);
- magistrat_penal / greffier_penal: named on the penal case (TJ Paris, « matière pénale »);
- magistrat_lyon: contrôle + pénal at TJ Lyon (another court); greffier_lyon: CA Lyon instructeur;
- instructeur: greffier of CA Paris, instructeur des candidatures, manages the Paris list;
- avocat_a / partie_b: lawyer of party A / party B of the civil case; avocat_penal: lawyer in the
  penal case; avocat_autre: lawyer of another civil case;
- agent: owns the civil and the penal PLEX folders (pénal habilitation); agent_civil: member of the
  civil folder only, no pénal habilitation; agent_lyon: agent of another court;
- invite: invited to the civil folder; invite_penal: invited to the penal folder;
- candidat: holds the deposited candidature; autre_candidat: another candidate;
- administrateur: platform administrator (Ministry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTEURS = (
    "anonyme",
    "expert",
    "autre_expert",
    "magistrat",
    "magistrat_penal",
    "magistrat_lyon",
    "greffier",
    "greffier_penal",
    "instructeur",
    "greffier_lyon",
    "avocat_a",
    "partie_b",
    "avocat_penal",
    "avocat_autre",
    "agent",
    "agent_civil",
    "agent_lyon",
    "invite",
    "invite_penal",
    "candidat",
    "autre_candidat",
    "administrateur",
)


@dataclass(frozen=True)
class R:
    objet: str
    statuts: dict[int, str] = field(default_factory=dict)
    sinon: int = 404
    methode: str = "get"
    anonyme: int | None = None


Regle = R

POLITIQUE: dict[str, R] = {
    "portail:accueil": R("aucun", sinon=302, anonyme=200),
    "portail:tableau_de_bord": R("aucun", sinon=200),
    "portail:mentions_legales": R("aucun", sinon=200, anonyme=200),
    "portail:donnees_personnelles": R("aucun", sinon=200, anonyme=200),
    "portail:accessibilite": R("aucun", sinon=200, anonyme=200),
    "portail:sante": R("aucun", sinon=200, anonyme=200),
    "portail:aide_signature": R("aucun", sinon=200, anonyme=200),
    "portail:outil_signature": R("aucun", sinon=200, anonyme=200),
    "comptes:connexion": R("aucun", sinon=302, anonyme=200),
    "comptes:connexion_certificat": R("aucun", sinon=403, anonyme=403),
    "comptes:second_facteur": R("aucun", sinon=302),
    # Federated login: the world configures no provider (its URLs then do not exist); a logged-in
    # person starting a login goes back to their page. Behaviour with providers: test_connexion_federee.
    "comptes:federation_debut": R("fournisseur", sinon=302, anonyme=404),
    "comptes:federation_retour": R("fournisseur", sinon=404, anonyme=404),
    "comptes:federation_lier": R("fournisseur", sinon=404, methode="post"),
    "comptes:federation_confirmer": R("aucun", sinon=302),
    "comptes:deconnexion": R("aucun", sinon=302, methode="post"),
    "comptes:inscription": R("aucun", sinon=200, anonyme=200),
    "comptes:verifier_adresse": R("jeton_verification", sinon=400, anonyme=400),
    "comptes:reinitialisation": R("aucun", sinon=200, anonyme=200),
    "comptes:reinitialisation_envoyee": R("aucun", sinon=200, anonyme=200),
    "comptes:reinitialisation_confirmer": R("reinitialisation", sinon=200, anonyme=200),
    "comptes:reinitialisation_terminee": R("aucun", sinon=200, anonyme=200),
    "comptes:mon_compte": R("aucun", sinon=200),
    "comptes:second_facteur_activer": R("aucun", sinon=200),
    "comptes:jetons": R("aucun", sinon=200),
    "comptes:revoquer_jeton": R("jeton", {302: "expert"}, sinon=404, methode="post"),
    "comptes:admin_utilisateurs": R("aucun", {200: "administrateur"}, sinon=403),
    "comptes:admin_creer": R("aucun", {200: "administrateur"}, sinon=403),
    "comptes:admin_utilisateur": R("compte", {200: "administrateur"}, sinon=403),
    "comptes:admin_desactiver": R("compte", {302: "administrateur"}, sinon=403, methode="post"),
    "comptes:admin_reinitialiser_totp": R("compte", {302: "administrateur"}, sinon=403, methode="post"),
    "comptes:admin_retirer_appartenance": R("appartenance", {302: "administrateur"}, sinon=403, methode="post"),
    "comptes:admin_journal": R("aucun", {200: "administrateur"}, sinon=403),
    "comptes:invitation_ouverte": R("aucun", sinon=400, anonyme=400),
    "comptes:invitation_en_attente": R("invitation_en_attente", {200: "avocat_penal"}, sinon=404),
    "comptes:invitation": R("invitation", sinon=302),
    "comptes:boite_demo": R("aucun", sinon=200, anonyme=200),
    "preuves:verifier": R("aucun", sinon=200, anonyme=200),
    "preuves:horodatage": R("aucun", sinon=415, methode="post", anonyme=415),
    "preuves:ancres": R("aucun", sinon=200, anonyme=200),
    "preuves:ancres_json": R("aucun", sinon=200, anonyme=200),
    "preuves:crl_sceau": R("aucun", sinon=200, anonyme=200),
    "preuves:crl_horodatage": R("aucun", sinon=200, anonyme=200),
    "coffre:mes_documents": R("aucun", sinon=200),
    "coffre:deposer": R("aucun", sinon=400, methode="post"),
    "coffre:telecharger": R("document", {200: "expert"}),
    "annuaire:repertoire": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "annuaire:ma_fiche": R("aucun", {302: "expert autre_expert"}, sinon=403),
    "annuaire:ma_fiche_modifier": R("aucun", {200: "expert autre_expert"}, sinon=403),
    "annuaire:fiche_creer": R("aucun", {200: "instructeur greffier_lyon"}, sinon=403),
    "annuaire:fiche": R(
        "fiche",
        {
            404: "autre_expert avocat_a partie_b avocat_penal avocat_autre invite invite_penal candidat autre_candidat administrateur"
        },
        sinon=200,
    ),
    "annuaire:fiche_modifier": R("fiche", {200: "instructeur"}, sinon=403),
    "annuaire:fiche_inviter": R("fiche", {302: "instructeur"}, sinon=403, methode="post"),
    "annuaire:inscription_ajouter": R("fiche", {200: "instructeur greffier_lyon"}, sinon=403),
    "annuaire:inscription_decider": R("inscription", {200: "instructeur"}, sinon=403),
    "annuaire:listes_gestion": R("aucun", {200: "instructeur greffier_lyon"}, sinon=403),
    "annuaire:reglages_cour": R("cour_paris", {200: "instructeur", 404: "greffier_lyon"}, sinon=403),
    "listes:index": R("aucun", sinon=200, anonyme=200),
    "listes:liste": R("liste", sinon=200, anonyme=200),
    "listes:export": R("liste_csv", sinon=200, anonyme=200),
    "candidatures:mes_candidatures": R("aucun", {200: "expert autre_expert candidat autre_candidat"}, sinon=403),
    "candidatures:nouvelle": R("aucun", {302: "expert autre_expert candidat autre_candidat"}, sinon=403, methode="post"),
    "candidatures:instruction": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "candidatures:export": R(
        "candidatures_export",
        {
            200: "instructeur",
            404: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal greffier_lyon agent agent_civil agent_lyon",
        },
        sinon=403,
    ),
    "passerelles:index": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "passerelles:cour": R(
        "cour_paris",
        {
            200: "instructeur",
            404: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal greffier_lyon agent agent_civil agent_lyon",
        },
        sinon=403,
    ),
    "passerelles:lancer": R(
        "cour_paris",
        {
            302: "instructeur",
            404: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal greffier_lyon agent agent_civil agent_lyon",
        },
        sinon=403,
        methode="post",
    ),
    "passerelles:import": R(
        "import_ds",
        {
            200: "instructeur",
            404: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal greffier_lyon agent agent_civil agent_lyon",
        },
        sinon=403,
    ),
    "candidatures:compte_rendu": R("aucun", {200: "expert autre_expert"}, sinon=403),
    "candidatures:comptes_rendus_suivi": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "candidatures:releve": R("aucun", {200: "expert autre_expert"}, sinon=403),
    "candidatures:formations": R("aucun", {200: "expert autre_expert"}, sinon=403),
    "candidatures:formation_attestation": R("formation", {200: "expert", 404: "autre_expert"}, sinon=403),
    "candidatures:candidature_attestation": R("candidature_formation", {200: "expert"}),
    "candidatures:detail": R("candidature", {200: "instructeur candidat"}),
    "candidatures:modifier": R("candidature", {302: "candidat", 403: "instructeur"}),
    "candidatures:enregistrer": R("candidature", {403: "instructeur", 409: "candidat"}, methode="post"),
    "candidatures:piece_deposer": R("candidature", {302: "candidat", 403: "instructeur"}, methode="post"),
    "candidatures:piece_telecharger": R("candidature_piece", {200: "instructeur candidat"}),
    "candidatures:piece_accuse": R("candidature_piece", {200: "instructeur candidat"}),
    "candidatures:piece_retirer": R("candidature_piece", {302: "candidat", 403: "instructeur"}, methode="post"),
    "candidatures:message": R("candidature", {302: "instructeur candidat"}, methode="post"),
    "candidatures:action": R("candidature_action", {302: "instructeur", 403: "candidat"}, methode="post"),
    "recherche:recherche": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "recherche:solliciter": R(
        "aucun",
        {
            302: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "recherche:demandes": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "recherche:demande": R(
        "demande",
        {
            200: "magistrat magistrat_penal greffier greffier_penal agent agent_civil",
            404: "magistrat_lyon instructeur greffier_lyon agent_lyon",
        },
        sinon=403,
    ),
    "recherche:demande_etat": R(
        "demande",
        {
            200: "magistrat magistrat_penal greffier greffier_penal agent agent_civil",
            404: "magistrat_lyon instructeur greffier_lyon agent_lyon",
        },
        sinon=403,
    ),
    "recherche:sollicitations": R("aucun", {200: "expert autre_expert"}, sinon=403),
    "recherche:sollicitation": R("sollicitation", {200: "expert", 404: "autre_expert"}, sinon=403),
    "recherche:disponibilite": R("aucun", {200: "expert autre_expert"}, sinon=403),
    "echanges:liste": R("aucun", {200: "agent agent_civil agent_lyon invite invite_penal"}, sinon=302),
    "echanges:creer": R("aucun", {200: "agent agent_civil agent_lyon"}, sinon=403),
    "echanges:detail@civil": R("echange_civil", {200: "agent agent_civil invite", 404: "agent_lyon invite_penal"}, sinon=302),
    "echanges:detail@penal": R("echange_penal", {200: "agent invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302),
    "echanges:deposer@civil": R(
        "echange_civil", {400: "agent agent_civil invite", 404: "agent_lyon invite_penal"}, sinon=302, methode="post"
    ),
    "echanges:deposer@penal": R(
        "echange_penal", {400: "agent invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302, methode="post"
    ),
    "echanges:inviter@civil": R(
        "echange_civil", {200: "agent agent_civil", 403: "invite", 404: "agent_lyon invite_penal"}, sinon=302
    ),
    "echanges:inviter@penal": R(
        "echange_penal", {200: "agent", 403: "invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302
    ),
    "echanges:ajouter_agent@civil": R(
        "echange_civil", {400: "agent agent_civil", 403: "invite", 404: "agent_lyon invite_penal"}, sinon=302, methode="post"
    ),
    "echanges:ajouter_agent@penal": R(
        "echange_penal", {400: "agent", 403: "invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302, methode="post"
    ),
    "echanges:retirer@civil": R(
        "echange_civil_participant", {403: "invite", 404: "agent_lyon invite_penal"}, sinon=302, methode="post"
    ),
    "echanges:retirer@penal": R(
        "echange_penal_participant", {403: "invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302, methode="post"
    ),
    "echanges:trace@civil": R(
        "echange_civil", {200: "agent agent_civil", 403: "invite", 404: "agent_lyon invite_penal"}, sinon=302
    ),
    "echanges:trace@penal": R(
        "echange_penal", {200: "agent", 403: "invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302
    ),
    "echanges:trace_pdf@civil": R(
        "echange_civil", {200: "agent agent_civil", 403: "invite", 404: "agent_lyon invite_penal"}, sinon=302
    ),
    "echanges:trace_pdf@penal": R(
        "echange_penal", {200: "agent", 403: "invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302
    ),
    "echanges:telecharger@civil": R(
        "fichier_civil", {200: "agent agent_civil invite", 404: "agent_lyon invite_penal"}, sinon=302
    ),
    "echanges:telecharger@penal": R(
        "fichier_penal", {200: "agent invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302
    ),
    "echanges:supprimer@civil": R("fichier_civil", {403: "invite", 404: "agent_lyon invite_penal"}, sinon=302, methode="post"),
    "echanges:supprimer@penal": R(
        "fichier_penal", {403: "invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302, methode="post"
    ),
    "echanges:accuse@civil": R("accuse_civil", {200: "agent agent_civil invite", 404: "agent_lyon invite_penal"}, sinon=302),
    "echanges:accuse@penal": R("accuse_penal", {200: "agent invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302),
    "echanges:accuse_pdf@civil": R("accuse_civil", {200: "agent agent_civil invite", 404: "agent_lyon invite_penal"}, sinon=302),
    "echanges:accuse_pdf@penal": R("accuse_penal", {200: "agent invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=302),
    "expertises:liste": R("aucun", sinon=200),
    "expertises:greffes": R("aucun", {200: "administrateur"}, sinon=403),
    "expertises:greffe_modifier": R("juridiction_paris", {200: "administrateur"}, sinon=403),
    "expertises:nouvelle": R(
        "aucun", {200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon"}, sinon=403
    ),
    "expertises:detail@civil": R("expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "expertises:detail@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    # « notifier » on a case already « en cours »: the court may fire transitions (400: not from this
    # state), the others may not (403), the rest do not know the case (404).
    "expertises:action@civil": R(
        "expertise_civile_action", {400: "magistrat magistrat_penal greffier", 403: "expert avocat_a partie_b"}, methode="post"
    ),
    "expertises:action@penal": R(
        "expertise_penale_action", {400: "magistrat_penal greffier_penal", 403: "expert avocat_penal"}, methode="post"
    ),
    "expertises:inviter@civil": R(
        "expertise_civile", {200: "expert greffier", 403: "magistrat magistrat_penal avocat_a partie_b"}
    ),
    "expertises:inviter@penal": R("expertise_penale", {200: "expert greffier_penal", 403: "magistrat_penal avocat_penal"}),
    "expertises:ajouter_greffier@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal greffier", 403: "expert avocat_a partie_b"}
    ),
    "expertises:ajouter_greffier@penal": R(
        "expertise_penale", {200: "magistrat_penal greffier_penal", 403: "expert avocat_penal"}
    ),
    "expertises:portalis@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal greffier", 403: "expert avocat_a partie_b"}
    ),
    "expertises:portalis@penal": R("expertise_penale", {403: "expert magistrat_penal greffier_penal avocat_penal"}),
    "expertises:ajouter_partie@civil": R(
        "expertise_civile", {200: "expert magistrat magistrat_penal greffier", 403: "avocat_a partie_b"}
    ),
    "expertises:ajouter_partie@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal", 403: "avocat_penal"}),
    "expertises:ne_pas_inscrire@civil": R(
        "expertise_civile_partie", {302: "avocat_a", 403: "expert magistrat magistrat_penal greffier partie_b"}, methode="post"
    ),
    "expertises:ne_pas_inscrire@penal": R(
        "expertise_penale_partie", {302: "avocat_penal", 403: "expert magistrat_penal greffier_penal"}, methode="post"
    ),
    "expertises:retirer@civil": R(
        "expertise_civile_participant",
        {302: "expert magistrat magistrat_penal greffier", 403: "avocat_a partie_b"},
        methode="post",
    ),
    "expertises:retirer@penal": R(
        "expertise_penale_participant", {302: "expert magistrat_penal greffier_penal", 403: "avocat_penal"}, methode="post"
    ),
    "expertises:notifications": R("aucun", sinon=200),
    "expertises:deposer@civil": R(
        "expertise_civile", {400: "expert magistrat magistrat_penal avocat_a partie_b", 403: "greffier"}, methode="post"
    ),
    "expertises:deposer@penal": R(
        "expertise_penale", {400: "expert magistrat_penal avocat_penal", 403: "greffier_penal"}, methode="post"
    ),
    "expertises:signer_demo@civil": R(
        "expertise_civile", {302: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}, methode="post"
    ),
    "expertises:signer_demo@penal": R(
        "expertise_penale", {302: "expert", 403: "magistrat_penal greffier_penal avocat_penal"}, methode="post"
    ),
    "expertises:convoquer@civil": R(
        "expertise_civile", {400: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}, methode="post"
    ),
    "expertises:convoquer@penal": R(
        "expertise_penale", {400: "expert", 403: "magistrat_penal greffier_penal avocat_penal"}, methode="post"
    ),
    "expertises:telecharger@civil": R("document_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "expertises:telecharger@medical": R("document_medicale", {200: "expert magistrat avocat_a"}),
    "expertises:telecharger@penal": R("document_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "expertises:accuse@civil": R("accuse_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "expertises:accuse@medical": R("accuse_medicale", {200: "expert magistrat avocat_a"}),
    "expertises:accuse@penal": R("accuse_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "expertises:contradictoire@civil": R(
        "expertise_civile", {200: "expert magistrat magistrat_penal greffier", 403: "avocat_a partie_b"}
    ),
    "expertises:contradictoire@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal", 403: "avocat_penal"}),
    "expertises:dossier_zip@civil": R("expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "expertises:dossier_zip@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "expertises:accuser_relance": R(
        "relance_civile", {302: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}, methode="post"
    ),
    "controle:accueil": R("aucun", {200: "magistrat magistrat_penal magistrat_lyon administrateur"}, sinon=403),
    "controle:tableau": R("juridiction_paris", {200: "magistrat magistrat_penal", 404: "magistrat_lyon"}, sinon=403),
    "controle:experts": R("juridiction_paris", {200: "magistrat magistrat_penal", 404: "magistrat_lyon"}, sinon=403),
    "controle:relancer": R(
        "juridiction_paris", {400: "magistrat magistrat_penal", 404: "magistrat_lyon"}, sinon=403, methode="post"
    ),
    "controle:statistiques_accueil": R("aucun", {200: "magistrat magistrat_penal magistrat_lyon administrateur"}, sinon=403),
    "controle:statistiques_nationales": R("aucun", {200: "administrateur"}, sinon=403),
    "controle:statistiques_nationales_csv": R("aucun", {200: "administrateur"}, sinon=403),
    "controle:statistiques": R(
        "organisation_paris", {200: "magistrat magistrat_penal administrateur", 404: "magistrat_lyon"}, sinon=403
    ),
    "controle:statistiques_csv": R(
        "organisation_paris", {200: "magistrat magistrat_penal administrateur", 404: "magistrat_lyon"}, sinon=403
    ),
    "controle:donnees_ouvertes": R("aucun", {200: "administrateur"}, sinon=403),
    "frais:frais@civil": R("expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "frais:frais@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "frais:provision_nouvelle@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal greffier", 403: "expert avocat_a partie_b"}
    ),
    "frais:provision_nouvelle@penal": R("expertise_penale"),
    "frais:provision": R("provision_civile", {200: "magistrat magistrat_penal greffier", 403: "expert avocat_a partie_b"}),
    "frais:versement@civil": R("expertise_civile", {200: "greffier", 403: "expert magistrat magistrat_penal avocat_a partie_b"}),
    "frais:versement@penal": R("expertise_penale"),
    "frais:remuneration@civil": R("expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "frais:remuneration@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "frais:remuneration_temps@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_temps@penal": R("expertise_penale", {200: "expert", 403: "magistrat_penal greffier_penal avocat_penal"}),
    "frais:remuneration_demande@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_demande@penal": R("expertise_penale"),
    "frais:remuneration_demande_remuneration@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_demande_remuneration@penal": R("expertise_penale"),
    "frais:remuneration_reception@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_reception@penal": R("expertise_penale"),
    "frais:remuneration_observations_expert@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_observations_expert@penal": R("expertise_penale"),
    "frais:remuneration_notification@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_notification@penal": R("expertise_penale"),
    "frais:remuneration_titre_executoire@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "frais:remuneration_titre_executoire@penal": R("expertise_penale"),
    "frais:remuneration_decision@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal", 403: "expert greffier avocat_a partie_b"}
    ),
    "frais:remuneration_decision@penal": R("expertise_penale"),
    "frais:remuneration_invitation@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal", 403: "expert greffier avocat_a partie_b"}
    ),
    "frais:remuneration_invitation@penal": R("expertise_penale"),
    "frais:remuneration_taxe@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal", 403: "expert greffier avocat_a partie_b"}
    ),
    "frais:remuneration_taxe@penal": R("expertise_penale"),
    "frais:remuneration_cloture@civil": R(
        "expertise_civile", {200: "magistrat magistrat_penal", 403: "expert greffier avocat_a partie_b"}
    ),
    "frais:remuneration_cloture@penal": R("expertise_penale"),
    "frais:remuneration_observations@civil": R(
        "expertise_civile", {200: "avocat_a partie_b", 403: "expert magistrat magistrat_penal greffier"}
    ),
    "frais:remuneration_observations@penal": R("expertise_penale"),
    "frais:remuneration_sortie@civil": R(
        "expertise_civile", {200: "greffier", 403: "expert magistrat magistrat_penal avocat_a partie_b"}
    ),
    "frais:remuneration_sortie@penal": R("expertise_penale"),
    "frais:remuneration_memoire@penal": R(
        "expertise_penale", {200: "expert", 403: "magistrat_penal greffier_penal avocat_penal"}
    ),
    "frais:remuneration_memoire@civil": R("expertise_civile"),
    "frais:remuneration_certification@penal": R(
        "expertise_penale", {200: "magistrat_penal", 403: "expert greffier_penal avocat_penal"}
    ),
    "frais:remuneration_certification@civil": R("expertise_civile"),
    # No document drawn up yet in the world: 404 for everyone (the case's visibility is checked first).
    "frais:remuneration_document": R("frais_document_civil"),
    # Penal mémoire not certified yet: the court is sent back to the page with the reason.
    "frais:remuneration_export": R("frais_export_penal", {302: "expert magistrat_penal greffier_penal", 403: "avocat_penal"}),
    "operations:mon_calendrier": R("aucun", sinon=200),
    "operations:flux": R("flux", sinon=200, anonyme=200),
    "operations:operations@civil": R("expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "operations:operations@penal": R("expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "operations:reunion_nouvelle@civil": R(
        "expertise_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "operations:reunion_nouvelle@penal": R(
        "expertise_penale", {200: "expert", 403: "magistrat_penal greffier_penal avocat_penal"}
    ),
    "operations:reunion@civil": R("reunion_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "operations:reunion@penal": R("reunion_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}),
    "operations:deplacer": R("reunion_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}),
    "operations:annuler": R(
        "reunion_civile", {302: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}, methode="post"
    ),
    "operations:presence": R(
        "reunion_civile", {400: "expert avocat_a partie_b", 403: "magistrat magistrat_penal greffier"}, methode="post"
    ),
    "operations:sceller": R(
        "reunion_civile", {302: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}, methode="post"
    ),
    "operations:feuille": R("reunion_tenue", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}),
    "operations:compte_rendu": R(
        "reunion_civile", {302: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}, methode="post"
    ),
    "operations:consentement_visio": R(
        "reunion_civile", {302: "avocat_a partie_b", 403: "expert magistrat magistrat_penal greffier"}, methode="post"
    ),
    "operations:envoi": R("convocation_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}),
    "operations:avis": R("convocation_civile", {200: "expert", 403: "magistrat magistrat_penal greffier avocat_a partie_b"}),
    "operations:preuve": R("convocation_civile", {200: "expert magistrat magistrat_penal greffier", 403: "avocat_a partie_b"}),
    "operations:consentement": R(
        "expertise_civile", {302: "avocat_a partie_b", 403: "expert magistrat magistrat_penal greffier"}, methode="post"
    ),
    "operations:etape_nouvelle": R(
        "expertise_civile", {200: "expert magistrat magistrat_penal greffier", 403: "avocat_a partie_b"}
    ),
    "operations:etape": R("etape_civile", {200: "expert magistrat magistrat_penal greffier", 403: "avocat_a partie_b"}),
    "GET /api/v1/expertises/{reference}/documents@civil": R(
        "expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "GET /api/v1/expertises/{reference}/documents@penal": R(
        "expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}
    ),
    "api:openapi-json": R("aucun", sinon=200, anonyme=200),
    "api:openapi-view": R("aucun", sinon=200, anonyme=200),
    "api:api-root": R("aucun", anonyme=404),
    "GET /api/v1/comptes/moi": R("aucun", sinon=200),
    "GET /api/v1/preuves/cle": R("aucun", sinon=200, anonyme=200),
    "GET /api/v1/preuves/checkpoints": R("aucun", sinon=200, anonyme=200),
    "GET /api/v1/preuves/checkpoints/latest": R("aucun", sinon=200, anonyme=200),
    "GET /api/v1/preuves/checkpoints/{taille}": R("point", sinon=200, anonyme=200),
    "GET /api/v1/preuves/inclusion": R("aucun", sinon=422, anonyme=422),
    "GET /api/v1/preuves/consistency": R("aucun", sinon=422, anonyme=422),
    "GET /api/v1/annuaire/fiches": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "GET /api/v1/annuaire/fiches/{uuid}": R(
        "fiche",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
    "GET /api/v1/candidatures/": R("aucun", sinon=200),
    "GET /api/v1/candidatures/{uuid}": R("candidature", {200: "instructeur candidat"}),
    "GET /api/v1/echanges/": R("aucun", {200: "agent agent_civil agent_lyon invite invite_penal"}, sinon=403),
    "GET /api/v1/echanges/{reference}@civil": R(
        "echange_civil", {200: "agent agent_civil invite", 404: "agent_lyon invite_penal"}, sinon=403
    ),
    "GET /api/v1/echanges/{reference}@penal": R(
        "echange_penal", {200: "agent invite_penal", 404: "agent_civil agent_lyon invite"}, sinon=403
    ),
    "GET /api/v1/expertises/": R("aucun", sinon=200),
    "GET /api/v1/expertises/{reference}@civil": R(
        "expertise_civile", {200: "expert magistrat magistrat_penal greffier avocat_a partie_b"}
    ),
    "GET /api/v1/expertises/{reference}@penal": R(
        "expertise_penale", {200: "expert magistrat_penal greffier_penal avocat_penal"}
    ),
    "GET /api/v1/experts/recherche": R(
        "aucun",
        {
            200: "magistrat magistrat_penal magistrat_lyon greffier greffier_penal instructeur greffier_lyon agent agent_civil agent_lyon"
        },
        sinon=403,
    ),
}
