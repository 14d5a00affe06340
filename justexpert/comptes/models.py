"""Identity: users (login by e-mail), organisations, memberships with roles and habilitations,
second factor, lockout counters and the security log."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    MAGISTRAT = "magistrat", "Magistrat"
    GREFFIER = "greffier", "Greffier"
    AGENT = "agent", "Agent du ministère"
    EXPERT = "expert", "Expert de justice"
    CANDIDAT = "candidat", "Candidat à l'inscription"
    AVOCAT = "avocat", "Avocat"
    PARTIE = "partie", "Partie"
    INVITE = "invite", "Invité"
    ADMINISTRATEUR = "administrateur", "Administrateur"


# Roles for which the second factor is mandatory when MFA_OBLIGATOIRE is on.
ROLES_MFA = frozenset({Role.MAGISTRAT, Role.GREFFIER, Role.AGENT, Role.EXPERT, Role.ADMINISTRATEUR})
ROLES_JUSTICE = frozenset({Role.MAGISTRAT, Role.GREFFIER, Role.AGENT})


class Habilitation(models.TextChoices):
    INSTRUCTEUR_CANDIDATURES = "instructeur_candidatures", "Instructeur des candidatures"
    MATIERE_PENALE = "matiere_penale", "Matière pénale"
    CONTROLE_EXPERTISES = "controle_expertises", "Contrôle des expertises"


class TypeOrganisation(models.TextChoices):
    COUR_CASSATION = "cour_cassation", "Cour de cassation"
    COUR_APPEL = "cour_appel", "Cour d'appel"
    TRIBUNAL_JUDICIAIRE = "tribunal_judiciaire", "Tribunal judiciaire"
    MINISTERE = "ministere", "Ministère de la Justice"
    CABINET_AVOCATS = "cabinet_avocats", "Cabinet d'avocats"


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=32, choices=TypeOrganisation.choices)
    code = models.CharField(max_length=40, unique=True)
    nom = models.CharField(max_length=200)
    siege = models.CharField(max_length=100, blank=True)
    # A tribunal belongs to the ressort of a cour d'appel.
    cour_appel = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tribunaux",
        limit_choices_to={"type": TypeOrganisation.COUR_APPEL},
    )
    departements = models.JSONField(default=list, blank=True)
    fuseau = models.CharField("fuseau horaire", max_length=64, default="Europe/Paris")

    class Meta:
        ordering = ["type", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cour_appel__isnull=True) | Q(type="tribunal_judiciaire"),
                name="organisation_seul_tribunal_a_une_cour",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def ressort(self) -> Organisation | None:
        """The cour d'appel whose ressort this organisation is in (itself for a cour d'appel)."""
        if self.type == TypeOrganisation.COUR_APPEL:
            return self
        return self.cour_appel


class UtilisateurManager(BaseUserManager["Utilisateur"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> Utilisateur:
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> Utilisateur:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verifie", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> Utilisateur:
        return self.get(email__iexact=username)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("adresse électronique", unique=True)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    email_verifie = models.BooleanField("adresse vérifiée", default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Second factor (TOTP, RFC 6238). The secret stays server-side; recovery codes are hashed.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_actif = models.BooleanField(default=False)
    totp_dernier_pas = models.BigIntegerField(default=0)  # last accepted time step: no replay

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["nom", "prenom", "email"]

    def __str__(self) -> str:
        return self.nom_complet or self.email

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def get_full_name(self) -> str:
        return self.nom_complet

    def get_short_name(self) -> str:
        return self.prenom or self.email

    # Role helpers read the memberships once per request (cached on the instance).
    def _appartenances(self) -> list[Appartenance]:
        cache = getattr(self, "_cache_appartenances", None)
        if cache is None:
            cache = list(
                self.appartenances.select_related("organisation", "organisation__cour_appel").prefetch_related("habilitations")
            )
            self._cache_appartenances = cache
        return cache

    @property
    def roles(self) -> set[str]:
        return {a.role for a in self._appartenances()}

    def a_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def appartenances_role(self, role: str) -> list[Appartenance]:
        return [a for a in self._appartenances() if a.role == role]

    def a_habilitation(self, code: str, organisation: Organisation | None = None) -> bool:
        for a in self._appartenances():
            if organisation is not None and a.organisation_id != organisation.pk:
                continue
            if code in a.codes_habilitation:
                return True
        return False

    @property
    def mfa_requise(self) -> bool:
        return bool(self.roles.intersection(ROLES_MFA))


class Appartenance(models.Model):
    """A user's role within an organisation (or with no organisation, for candidates and parties)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="appartenances")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="appartenances")
    role = models.CharField(max_length=32, choices=Role.choices)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "organisation", "role"],
                name="appartenance_unique",
                condition=Q(organisation__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["utilisateur", "role"],
                name="appartenance_sans_organisation_unique",
                condition=Q(organisation__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        org = f" — {self.organisation}" if self.organisation_id else ""
        return f"{self.get_role_display()}{org}"

    @property
    def codes_habilitation(self) -> set[str]:
        return {h.code for h in self.habilitations.all()}


class HabilitationAppartenance(models.Model):
    appartenance = models.ForeignKey(Appartenance, on_delete=models.CASCADE, related_name="habilitations")
    code = models.CharField(max_length=40, choices=Habilitation.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appartenance", "code"], name="habilitation_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class CodeSecours(models.Model):
    """A single-use recovery code for the second factor, stored as a keyed hash."""

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="codes_secours")
    empreinte = models.CharField(max_length=64)
    utilise_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["utilisateur", "empreinte"], name="code_secours_unique")]


class EchecConnexion(models.Model):
    """One failed login attempt, counted for temporary lockout (per account and per address)."""

    email = models.CharField(max_length=254, db_index=True)
    adresse_ip = models.GenericIPAddressField(null=True, db_index=True)
    le = models.DateTimeField(default=timezone.now, db_index=True)


class EvenementSecurite(models.TextChoices):
    CONNEXION = "connexion", "Connexion réussie"
    ECHEC_CONNEXION = "echec_connexion", "Échec de connexion"
    VERROUILLAGE = "verrouillage", "Connexion refusée : compte ou adresse verrouillé"
    DECONNEXION = "deconnexion", "Déconnexion"
    ECHEC_SECOND_FACTEUR = "echec_second_facteur", "Code de second facteur refusé"
    SECOND_FACTEUR_ACTIVE = "second_facteur_active", "Second facteur activé"
    SECOND_FACTEUR_REINITIALISE = "second_facteur_reinitialise", "Second facteur réinitialisé par un administrateur"
    CODE_SECOURS_UTILISE = "code_secours_utilise", "Code de secours utilisé"
    DEMANDE_REINITIALISATION = "demande_reinitialisation", "Demande de réinitialisation du mot de passe"
    MOT_DE_PASSE_CHANGE = "mot_de_passe_change", "Mot de passe changé"
    ADRESSE_VERIFIEE = "adresse_verifiee", "Adresse électronique vérifiée"
    REFUS_PERMISSION = "refus_permission", "Accès refusé"
    COMPTE_CREE = "compte_cree", "Compte créé"
    COMPTE_DESACTIVE = "compte_desactive", "Compte désactivé"
    APPARTENANCE_MODIFIEE = "appartenance_modifiee", "Rôle ou habilitation modifié"
    CERTIFICAT_ENREGISTRE = "certificat_enregistre", "Certificat de carte enregistré"
    JETON_CREE = "jeton_cree", "Jeton d'accès à l'API créé"
    JETON_REVOQUE = "jeton_revoque", "Jeton d'accès à l'API révoqué"
    INSCRIPTION_ADRESSE_CONNUE = "inscription_adresse_connue", "Création de compte demandée pour une adresse déjà inscrite"
    IDENTITE_FEDEREE_LIEE = "identite_federee_liee", "Identité ProConnect ou FranceConnect liée au compte"


class JournalSecurite(models.Model):
    """Security log (kept JOURNAL_SECURITE_JOURS days, then purged by a periodic task)."""

    le = models.DateTimeField(default=timezone.now, db_index=True)
    evenement = models.CharField(max_length=40, choices=EvenementSecurite.choices)
    utilisateur = models.ForeignKey(Utilisateur, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acteur = models.ForeignKey(Utilisateur, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.CharField(max_length=254, blank=True)
    adresse_ip = models.GenericIPAddressField(null=True, blank=True)
    chemin = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-le"]
        verbose_name = "entrée du journal de sécurité"

    def __str__(self) -> str:
        return f"{self.le:%Y-%m-%d %H:%M:%S} {self.get_evenement_display()}"


class CourrielDemo(models.Model):
    """An e-mail kept by the development backend for the demo mailbox page (never in production)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    envoye_le = models.DateTimeField(default=timezone.now)
    destinataires = models.JSONField(default=list)
    sujet = models.CharField(max_length=500)
    corps = models.TextField()

    class Meta:
        ordering = ["-envoye_le", "-id"]


class JetonAcces(models.Model):
    """Personal access token for the JSON API. Only a SHA-256 of the secret is stored; the secret is
    shown once at creation. Tokens carry the rights of their owner, no more."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="jetons")
    nom = models.CharField(max_length=100)
    empreinte = models.CharField(max_length=64, unique=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    expire_le = models.DateTimeField()
    revoque_le = models.DateTimeField(null=True, blank=True)
    utilise_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return self.nom


class Invitation(models.Model):
    """A single-use, expiring invitation bound to one e-mail address.

    Only a SHA-256 of the link's secret is stored. Accepting it gives the membership it names and
    calls the handler registered for ``objet`` by the inviting module (a case, a folder, a fiche),
    which says where the person lands.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField()
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    objet = models.CharField(max_length=60, blank=True, help_text="Module.objet, ex. « annuaire.fiche ».")
    objet_ref = models.CharField(max_length=64, blank=True)
    empreinte = models.CharField(max_length=64, unique=True)
    cree_par = models.ForeignKey(Utilisateur, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    expire_le = models.DateTimeField()
    acceptee_le = models.DateTimeField(null=True, blank=True)
    acceptee_par = models.ForeignKey(Utilisateur, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoquee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["objet", "objet_ref"])]

    def __str__(self) -> str:
        return f"Invitation {self.get_role_display()} ({self.objet or 'compte'})"

    @property
    def est_valide(self) -> bool:
        return self.acceptee_le is None and self.revoquee_le is None and self.expire_le > timezone.now()

    @property
    def en_tant_que(self) -> str:
        """« en tant qu'avocat », « en tant que greffier »."""
        from justexpert.lib.format import elision

        role = self.get_role_display().lower()
        return f"en tant {elision(role, 'que')}{role}"


class Certificat(models.Model):
    """A signing/authentication certificate registered to a user (the expert's card).

    The current one has ``remplace_le`` empty; replaced ones stay as history.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="certificats")
    der = models.BinaryField()
    empreinte_sha256 = models.CharField(max_length=64, db_index=True)
    sujet = models.CharField(max_length=500)
    emetteur = models.CharField(max_length=500)
    numero_serie = models.CharField(max_length=80)
    valide_du = models.DateTimeField()
    valide_au = models.DateTimeField()
    enregistre_le = models.DateTimeField(auto_now_add=True)
    remplace_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enregistre_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur"], condition=Q(remplace_le__isnull=True), name="un_certificat_courant_par_utilisateur"
            ),
            models.UniqueConstraint(
                fields=["empreinte_sha256"], condition=Q(remplace_le__isnull=True), name="certificat_courant_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.sujet


class Fournisseur(models.TextChoices):
    PROCONNECT = "proconnect", "ProConnect"
    FRANCECONNECT = "franceconnect", "FranceConnect"


class IdentiteFederee(models.Model):
    """An account's identity at an OpenID Connect provider, bound by issuer and ``sub`` (never by
    e-mail once bound: a later change of address at the provider does not move it)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="identites_federees")
    fournisseur = models.CharField(max_length=20, choices=Fournisseur.choices)
    emetteur = models.CharField("émetteur (issuer)", max_length=500)
    sujet = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    email_au_lien = models.CharField(max_length=254, blank=True)
    niveau_eidas = models.CharField("niveau eIDAS", max_length=40, blank=True)
    attributs = models.JSONField(default=dict, blank=True)
    lie_le = models.DateTimeField(default=timezone.now)
    derniere_connexion_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fournisseur"]
        constraints = [
            models.UniqueConstraint(fields=["emetteur", "sujet"], name="identite_federee_unique"),
            models.UniqueConstraint(fields=["utilisateur", "fournisseur"], name="une_identite_par_fournisseur"),
        ]

    def __str__(self) -> str:
        return f"{self.get_fournisseur_display()} — {self.utilisateur}"
