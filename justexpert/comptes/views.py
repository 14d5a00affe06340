"""Views of comptes: thin, each calls one service (ARCHITECTURE.md)."""

from __future__ import annotations

import datetime as dt
from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from justexpert.lib.confirmation import confirmation
from justexpert.lib.formulaires import FormulaireDsfr
from justexpert.lib.limitation.decorateurs import champ, limiter
from justexpert.lib.temps import PARIS, debut_de_journee

from . import certificats, federation, invitations, services
from .forms import (
    ActivationTotpForm,
    AppartenanceForm,
    CertificatForm,
    CodeForm,
    CompteForm,
    CompteInviteForm,
    ConnexionForm,
    InscriptionForm,
    JetonForm,
    JournalFiltreForm,
    RechercheUtilisateurForm,
)
from .models import Appartenance, CourrielDemo, EvenementSecurite, JetonAcces, JournalSecurite, Utilisateur
from .permissions import administrateur, connecte, public
from .services import RefusService, Resultat

SESSION_SECRET_EN_COURS = "comptes_totp_secret_en_cours"  # noqa: S105 (a session key name)
MESSAGES_CONNEXION = {
    Resultat.INVALIDE: "Adresse électronique ou mot de passe incorrect.",
    Resultat.VERROUILLE: "Trop de tentatives : la connexion est suspendue pour quelques minutes. "
    "Réessayez plus tard ou réinitialisez votre mot de passe.",
    Resultat.ADRESSE_NON_VERIFIEE: "Votre adresse électronique n'est pas encore confirmée : "
    "un nouveau lien vient de vous être envoyé.",
}


def _suite(request: HttpRequest) -> str:
    cible = request.POST.get("next") or request.GET.get("next") or ""
    if cible and url_has_allowed_host_and_scheme(cible, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return cible
    return str(reverse_lazy("portail:tableau_de_bord"))


@public
@limiter("connexion", cible=champ("email"))
def connexion(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_suite(request))
    form = ConnexionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resultat = services.connecter(request, email=form.cleaned_data["email"], mot_de_passe=form.cleaned_data["mot_de_passe"])
        if resultat is Resultat.CONNECTE:
            return redirect(_suite(request))
        if resultat is Resultat.SECOND_FACTEUR:
            request.session["comptes_suite"] = _suite(request)
            return redirect("comptes:second_facteur")
        if resultat is Resultat.ADRESSE_NON_VERIFIEE:
            user = Utilisateur.objects.get(email__iexact=form.cleaned_data["email"])
            services.envoyer_verification(user)
        form.add_error(None, MESSAGES_CONNEXION[resultat])
    return render(
        request,
        "comptes/connexion.html",
        {"form": form, "titre": "Se connecter", "next": request.GET.get("next", ""), "federation": federation.boutons(request)},
    )


@public
def second_facteur(request: HttpRequest) -> HttpResponse:
    if services.utilisateur_en_attente(request) is None:
        messages.warning(request, "Votre session de connexion a expiré : saisissez de nouveau vos identifiants.")
        return redirect("comptes:connexion")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suite = request.session.get("comptes_suite") or _suite(request)
        resultat = services.second_facteur(request, code=form.cleaned_data["code"])
        if resultat is Resultat.CONNECTE:
            return redirect(suite)
        form.add_error("code", "Ce code n'est pas valide." if resultat is Resultat.INVALIDE else MESSAGES_CONNEXION[resultat])
    return render(request, "comptes/second_facteur.html", {"form": form, "titre": "Second facteur"})


@public
@require_POST
def deconnexion(request: HttpRequest) -> HttpResponse:
    # A session opened through ProConnect or FranceConnect ends there too (RP-initiated logout).
    fin = federation.url_fin_de_session(request)
    if request.user.is_authenticated:
        fournisseur = (request.session.get(federation.SESSION_FIN) or {}).get("fournisseur")
        services.journaliser(
            EvenementSecurite.DECONNEXION,
            request=request,
            utilisateur=request.user,  # type: ignore[arg-type]
            details={"fournisseur": fournisseur} if fournisseur else None,
        )
    logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect(fin or "portail:accueil")


@public
@limiter("inscription", cible=champ("email"))
def inscription(request: HttpRequest) -> HttpResponse:
    form = InscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.inscrire_candidat(
            request, email=data["email"], mot_de_passe=data["mot_de_passe"], prenom=data["prenom"], nom=data["nom"]
        )
        return render(request, "comptes/inscription_envoyee.html", {"titre": "Vérifiez votre messagerie", "email": data["email"]})
    return render(request, "comptes/inscription.html", {"form": form, "titre": "Créer un compte candidat"})


@public
def verifier_adresse(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        services.verifier_adresse(request, jeton=jeton)
    except RefusService as exc:
        return render(
            request, "comptes/message.html", {"titre": "Lien non valide", "message": str(exc), "niveau": "error"}, status=400
        )
    messages.success(request, "Votre adresse est confirmée : vous pouvez vous connecter.")
    response = redirect("comptes:connexion")
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Password reset (Django's single-use tokens; the same answer for unknown addresses) ----------


class FormulaireReinitialisation(FormulaireDsfr, PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):  # type: ignore[no-untyped-def]
        from django.template import loader

        # The link starts with SITE_URL, as every other absolute link: never with the Host header
        # of the request (a forged Host would send the reset token to another site).
        context["lien"] = services.lien_absolu(
            reverse("comptes:reinitialisation_confirmer", kwargs={"uidb64": context["uid"], "token": context["token"]})
        )
        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        corps = loader.render_to_string(email_template_name, context)
        services.envoyer_courriel(sujet=sujet, corps=corps, destinataires=[to_email])


class FormulaireNouveauMotDePasse(FormulaireDsfr, SetPasswordForm):
    pass


@method_decorator(public, name="dispatch")
@method_decorator(limiter("reinitialisation", cible=champ("email")), name="dispatch")
class Reinitialisation(auth_views.PasswordResetView):
    form_class = FormulaireReinitialisation
    template_name = "comptes/reinitialisation.html"
    email_template_name = "comptes/courriel_reinitialisation.txt"
    subject_template_name = "comptes/courriel_reinitialisation_sujet.txt"
    success_url = reverse_lazy("comptes:reinitialisation_envoyee")
    extra_context = {"titre": "Mot de passe oublié"}

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        services.journaliser(EvenementSecurite.DEMANDE_REINITIALISATION, request=self.request, email=form.cleaned_data["email"])
        return super().form_valid(form)


@method_decorator(public, name="dispatch")
class ReinitialisationEnvoyee(auth_views.PasswordResetDoneView):
    template_name = "comptes/reinitialisation_envoyee.html"
    extra_context = {"titre": "Vérifiez votre messagerie"}


@method_decorator(public, name="dispatch")
class ReinitialisationConfirmer(auth_views.PasswordResetConfirmView):
    form_class = FormulaireNouveauMotDePasse
    template_name = "comptes/reinitialisation_confirmer.html"
    success_url = reverse_lazy("comptes:reinitialisation_terminee")
    extra_context = {"titre": "Choisir un mot de passe"}

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.journaliser(EvenementSecurite.MOT_DE_PASSE_CHANGE, request=self.request, utilisateur=form.user)
        services.terminer_sessions(form.user)
        return response

    def dispatch(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().dispatch(*args, **kwargs)
        if kwargs.get("token") != self.reset_url_token:
            # The URL still holds the token (Django then moves it to the session and redirects):
            # never send it as a referrer. The form page itself keeps the site policy, so that
            # browsers send an Origin header and the CSRF check passes.
            response["Referrer-Policy"] = "no-referrer"
        return response


@method_decorator(public, name="dispatch")
class ReinitialisationTerminee(auth_views.PasswordResetCompleteView):
    template_name = "comptes/reinitialisation_terminee.html"
    extra_context = {"titre": "Mot de passe enregistré"}


# --- My account and second factor -------------------------------------------------------------


@connecte
def mon_compte(request: HttpRequest) -> HttpResponse:
    user = cast(Utilisateur, request.user)
    form = CertificatForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificats.enregistrer_certificat(request, acteur=user, donnees=form.cleaned_data["fichier"])
        except RefusService as exc:
            form.add_error("fichier", str(exc))
        else:
            messages.success(request, "Le certificat de votre carte est enregistré.")
            return redirect("comptes:mon_compte")
    return render(
        request,
        "comptes/mon_compte.html",
        {
            "titre": "Mon compte",
            "appartenances": user.appartenances.select_related("organisation").prefetch_related("habilitations"),
            "codes_restants": user.codes_secours.filter(utilise_le__isnull=True).count(),
            "jetons_actifs": user.jetons.filter(revoque_le__isnull=True, expire_le__gt=timezone.now()).count(),
            "certificat": certificats.certificat_courant(user),
            "anciens_certificats": user.certificats.filter(remplace_le__isnull=False),
            "form_certificat": form,
            "identites": user.identites_federees.all(),
            "federation": federation.boutons(request, pour=user),
        },
    )


@connecte
def second_facteur_activer(request: HttpRequest) -> HttpResponse:
    user = request.user
    secret = request.session.get(SESSION_SECRET_EN_COURS)
    if not secret:
        secret = services.nouveau_secret_totp()
        request.session[SESSION_SECRET_EN_COURS] = secret
    form = ActivationTotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.activer_totp(request, acteur=user, secret=secret, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except RefusService as exc:
            form.add_error("code", str(exc))
        else:
            request.session.pop(SESSION_SECRET_EN_COURS, None)
            return render(
                request, "comptes/codes_secours.html", {"titre": "Vos codes de secours", "codes": codes, "suite": _suite(request)}
            )
    uri = services.uri_totp(user, secret)  # type: ignore[arg-type]
    qr = segno.make(uri, error="m").svg_inline(scale=4, title="QR code à scanner avec votre application d'authentification")
    return render(
        request,
        "comptes/second_facteur_activer.html",
        {
            "titre": "Activer la double authentification",
            "form": form,
            "secret": secret,
            "qr": qr,
            "deja_actif": user.totp_actif,  # type: ignore[union-attr]
            "next": request.GET.get("next", ""),
        },
    )


# --- My personal API tokens ---------------------------------------------------------------------


@connecte
def jetons(request: HttpRequest) -> HttpResponse:
    """List, create (the secret is shown once, in this very answer) and revoke one's own tokens."""
    user = cast(Utilisateur, request.user)
    form = JetonForm(request.POST or None)
    nouveau = None
    if request.method == "POST" and form.is_valid():
        try:
            jeton, secret = services.creer_jeton(
                acteur=user, nom=form.cleaned_data["nom"], jours=form.cleaned_data["jours"], request=request
            )
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            nouveau = {"jeton": jeton, "secret": secret}
            form = JetonForm()
    return render(
        request,
        "comptes/jetons.html",
        {
            "titre": "Mes jetons d'accès à l'API",
            "form": form,
            "nouveau": nouveau,
            "jetons": user.jetons.all(),
            "maintenant": timezone.now(),
        },
    )


@connecte
@require_POST
def revoquer_jeton(request: HttpRequest, uuid: str) -> HttpResponse:
    user = cast(Utilisateur, request.user)
    jeton = get_object_or_404(JetonAcces, uuid=uuid, utilisateur=user)  # another person's token: 404
    services.revoquer_jeton(acteur=user, jeton=jeton, request=request)
    messages.success(request, f"Le jeton « {jeton.nom} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("comptes:jetons")


# --- Administration (role administrateur) ------------------------------------------------------


@administrateur
def admin_utilisateurs(request: HttpRequest) -> HttpResponse:
    form = RechercheUtilisateurForm(request.GET or None)
    qs = Utilisateur.objects.prefetch_related("appartenances__organisation").order_by("nom", "prenom", "email")
    if form.is_valid() and form.cleaned_data.get("q"):
        q = form.cleaned_data["q"]
        qs = qs.filter(Q(nom__icontains=q) | Q(prenom__icontains=q) | Q(email__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "comptes/admin_utilisateurs.html", {"titre": "Administration des comptes", "form": form, "page": page})


@administrateur
def admin_creer(request: HttpRequest) -> HttpResponse:
    form = CompteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.creer_compte(
                request,
                acteur=cast(Utilisateur, request.user),
                email=data["email"],
                prenom=data["prenom"],
                nom=data["nom"],  # type: ignore[arg-type]
                role=data["role"],
                organisation=data["organisation"],
                habilitations=data["habilitations"],
            )
        except RefusService as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Compte créé : un lien pour choisir le mot de passe a été envoyé à {user.email}.")
            return redirect("comptes:admin_utilisateur", uuid=user.uuid)
    return render(request, "comptes/admin_form.html", {"titre": "Créer un compte", "form": form})


@administrateur
def admin_utilisateur(request: HttpRequest, uuid: str) -> HttpResponse:
    cible = get_object_or_404(Utilisateur, uuid=uuid)
    form = AppartenanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.ajouter_appartenance(
            request,
            acteur=cast(Utilisateur, request.user),
            utilisateur=cible,
            role=data["role"],  # type: ignore[arg-type]
            organisation=data["organisation"],
            habilitations=data["habilitations"],
        )
        messages.success(request, "Rôle enregistré.")
        return redirect("comptes:admin_utilisateur", uuid=cible.uuid)
    return render(
        request,
        "comptes/admin_utilisateur.html",
        {
            "titre": f"Compte de {cible}",
            "cible": cible,
            "form": form,
            "appartenances": cible.appartenances.select_related("organisation").prefetch_related("habilitations"),
            "journal": JournalSecurite.objects.filter(utilisateur=cible)[:20],
        },
    )


@administrateur
@require_POST
def admin_retirer_appartenance(request: HttpRequest, uuid: str) -> HttpResponse:
    appartenance = get_object_or_404(Appartenance.objects.select_related("utilisateur"), uuid=uuid)
    services.retirer_appartenance(request, acteur=cast(Utilisateur, request.user), appartenance=appartenance)  # type: ignore[arg-type]
    messages.success(request, "Rôle retiré.")
    return redirect("comptes:admin_utilisateur", uuid=appartenance.utilisateur.uuid)


@administrateur
@require_POST
def admin_reinitialiser_totp(request: HttpRequest, uuid: str) -> HttpResponse:
    cible = get_object_or_404(Utilisateur, uuid=uuid)
    services.reinitialiser_totp(request, acteur=cast(Utilisateur, request.user), utilisateur=cible)  # type: ignore[arg-type]
    messages.success(request, "Second facteur réinitialisé : la personne en enregistrera un nouveau à sa prochaine connexion.")
    return redirect("comptes:admin_utilisateur", uuid=cible.uuid)


@administrateur
@require_POST
def admin_desactiver(request: HttpRequest, uuid: str) -> HttpResponse:
    cible = get_object_or_404(Utilisateur, uuid=uuid)
    if cible.is_active:
        demande = confirmation(
            request,
            titre=f"Désactiver le compte de {cible}",
            consequence=(
                f"{cible} ne pourra plus se connecter : ses sessions sont fermées et ses jetons d'accès révoqués. "
                "Seul un administrateur technique pourra réactiver le compte."
            ),
            bouton="Désactiver le compte",
            retour=reverse("comptes:admin_utilisateur", kwargs={"uuid": cible.uuid}),
        )
        if demande is not None:
            return demande
    try:
        services.desactiver_compte(request, acteur=cast(Utilisateur, request.user), utilisateur=cible)  # type: ignore[arg-type]
    except RefusService as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Compte désactivé ; ses sessions sont fermées.")
    return redirect("comptes:admin_utilisateur", uuid=cible.uuid)


@administrateur
def admin_journal(request: HttpRequest) -> HttpResponse:
    """The security log with filters (person, kind, period in Paris time); links' secrets were never
    stored (``services.chemin_sans_secret``)."""
    filtre = JournalFiltreForm(request.GET or None)
    qs = JournalSecurite.objects.select_related("utilisateur", "acteur")
    if filtre.is_valid():
        d = filtre.cleaned_data
        if d.get("personne"):
            qs = qs.filter(Q(email__icontains=d["personne"]) | Q(utilisateur__email__icontains=d["personne"]))
        if d.get("evenement"):
            qs = qs.filter(evenement=d["evenement"])
        if d.get("du"):
            qs = qs.filter(le__gte=debut_de_journee(d["du"], PARIS))
        if d.get("au"):
            qs = qs.filter(le__lt=debut_de_journee(d["au"] + dt.timedelta(days=1), PARIS))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "comptes/admin_journal.html",
        {"titre": "Journal de sécurité", "page": page, "filtre": filtre, "parametres": parametres.urlencode()},
        status=400 if filtre.errors else 200,
    )


# --- Demo mailbox (development only) -----------------------------------------------------------


@connecte
def invitation_en_attente(request: HttpRequest, uuid: str) -> HttpResponse:
    """An invitation sent to the logged-in person's address, accepted from the tableau de bord."""
    user = cast(Utilisateur, request.user)
    inv = next((i for i in invitations.en_attente_pour(user) if str(i.uuid) == str(uuid)), None)
    if inv is None:
        raise Http404
    contexte: dict[str, object] = {
        "titre": "Invitation",
        "invitation": inv,
        "description": invitations.decrire(inv),
        "adresse": invitations.adresse_masquee(inv.email),
    }
    if request.method == "POST":
        try:
            destination = invitations.accepter_en_attente(request, invitation=inv, utilisateur=user)
        except RefusService as exc:
            contexte["erreur"] = str(exc)
        else:
            messages.success(request, "Invitation acceptée.")
            return redirect(destination)
    return render(request, "comptes/invitation.html", contexte, status=400 if "erreur" in contexte else 200)


@public
def boite_demo(request: HttpRequest) -> HttpResponse:
    from django.conf import settings
    from django.http import Http404

    if not settings.DEMO:
        raise Http404
    page = Paginator(CourrielDemo.objects.all(), 20).get_page(request.GET.get("page"))
    return render(request, "comptes/boite_demo.html", {"titre": "Boîte de réception de démonstration", "page": page})


# --- Invitations ----------------------------------------------------------------------------------


def _sans_referent(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


SESSION_INVITATION = "comptes_invitation"


@public
def invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """The link from the mail: keep the secret in the session and continue on a URL without it, so
    the secret never leaves as a referrer and the form page can keep the site's referrer policy."""
    request.session[SESSION_INVITATION] = secret[:200]
    return _sans_referent(redirect("comptes:invitation_ouverte"))


@public
@limiter("invitation", cible=lambda request: request.session.get(SESSION_INVITATION))
def invitation_ouverte(request: HttpRequest) -> HttpResponse:
    secret = request.session.get(SESSION_INVITATION, "")
    try:
        inv = invitations.trouver(secret)
    except RefusService as exc:
        return render(
            request, "comptes/message.html", {"titre": "Invitation", "message": str(exc), "niveau": "error"}, status=400
        )
    contexte: dict[str, object] = {"titre": "Invitation", "invitation": inv, "adresse": invitations.adresse_masquee(inv.email)}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                destination = invitations.accepter(request, secret=secret, utilisateur=cast(Utilisateur, request.user))
            except RefusService as exc:
                contexte["erreur"] = str(exc)
            else:
                request.session.pop(SESSION_INVITATION, None)
                messages.success(request, "Invitation acceptée.")
                return redirect(destination)
        return render(request, "comptes/invitation.html", contexte)
    if Utilisateur.objects.filter(email__iexact=inv.email).exists():
        contexte["compte_existant"] = True
        return render(request, "comptes/invitation.html", contexte)
    form = CompteInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, destination = invitations.creer_compte_invite(
                request, secret=secret, prenom=data["prenom"], nom=data["nom"], mot_de_passe=data["mot_de_passe"]
            )
        except RefusService as exc:
            form.add_error(None, str(exc))
        else:
            services.ouvrir_session(request, user, mfa=False, methode="invitation")
            request.session.pop(SESSION_INVITATION, None)
            messages.success(request, "Votre compte est créé et l'invitation acceptée.")
            return redirect(destination)
    contexte["form"] = form
    return render(request, "comptes/invitation.html", contexte)


@public
def connexion_certificat(request: HttpRequest) -> HttpResponse:
    """Reached through the mutual-TLS virtual host of the proxy (see docs/connexion-par-carte.md)."""
    from django.conf import settings

    try:
        certificats.connecter_par_certificat(request)
    except RefusService as exc:
        # Not a bare refusal: what a card login needs, and the way to log in meanwhile.
        return render(
            request,
            "comptes/connexion_carte.html",
            {"titre": "Connexion avec la carte d'expert", "message": str(exc), "demo": settings.DEMO},
            status=403,
        )
    return redirect(_suite(request))


# --- Federated login: ProConnect, FranceConnect (docs/connexion-federee.md) ----------------------


def _refus_federation(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "comptes/message.html",
        {"titre": "Connexion refusée", "message": message, "niveau": "error", "retour": reverse("comptes:connexion")},
        status=status,
    )


@public
def federation_debut(request: HttpRequest, fournisseur: str) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_suite(request))
    if federation.configuration(fournisseur) is None:
        raise Http404
    try:
        url = federation.debut(request, fournisseur)
    except RefusService as exc:
        return _refus_federation(request, str(exc), status=503)
    return redirect(url)


@public
def federation_retour(request: HttpRequest, fournisseur: str) -> HttpResponse:
    if federation.configuration(fournisseur) is None:
        raise Http404
    try:
        issue = federation.retour(request, fournisseur)
    except RefusService as exc:
        return _refus_federation(request, str(exc))
    if issue == federation.Retour.LIEN:
        return redirect("comptes:federation_confirmer")
    if issue == federation.Retour.SECOND_FACTEUR:
        return redirect("comptes:second_facteur")
    return redirect(_suite(request))


@connecte
@require_POST
def federation_lier(request: HttpRequest, fournisseur: str) -> HttpResponse:
    user = cast(Utilisateur, request.user)
    if federation.configuration(fournisseur) is None or fournisseur not in {
        b.nom for b in federation.boutons(request, pour=user)
    }:
        raise Http404
    try:
        url = federation.debut(request, fournisseur, intention="lien")
    except RefusService as exc:
        messages.error(request, str(exc))
        return redirect("comptes:mon_compte")
    return redirect(url)


@connecte
def federation_confirmer(request: HttpRequest) -> HttpResponse:
    """The attributes received from the provider, shown before the person links them to the account."""
    data = federation.lien_en_attente(request)
    if data is None:
        messages.warning(request, "Aucune liaison en attente : recommencez depuis « Mon compte ».")
        return redirect("comptes:mon_compte")
    if request.method == "POST":
        if request.POST.get("decision") != "lier":
            request.session.pop(federation.SESSION_LIEN, None)
            messages.info(request, "Rien n'a été lié à votre compte.")
            return redirect("comptes:mon_compte")
        try:
            federation.lier(request, acteur=cast(Utilisateur, request.user))
        except RefusService as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{federation.libelle(data['fournisseur'])} est lié à votre compte.")
        return redirect("comptes:mon_compte")
    return render(
        request,
        "comptes/federation_confirmer.html",
        {
            "titre": f"Lier {federation.libelle(data['fournisseur'])} à votre compte",
            "fournisseur": federation.libelle(data["fournisseur"]),
            "attributs": federation.attributs_lisibles(data),
            "niveau": data["acr"],
        },
    )
