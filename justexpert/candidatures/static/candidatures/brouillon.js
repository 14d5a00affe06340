// Autosave of a candidature draft: every change is posted to the save endpoint after a short
// pause (same saving as the form's own POST). Without JavaScript, the buttons save as well.
(function () {
  "use strict";
  var form = document.getElementById("formulaire-candidature");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-enregistrement");
  var etat = document.getElementById("etat-brouillon");
  var minuterie = null;
  var envoi = null;

  function afficher(texte) { if (etat) { etat.textContent = texte; } }

  function enregistrer() {
    minuterie = null;
    var donnees = new FormData(form);
    donnees.delete("deposer");
    envoi = fetch(url, {
      method: "POST",
      body: donnees,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (reponse) {
      if (reponse.type === "opaqueredirect" || reponse.status === 401 || reponse.status === 403) {
        afficher("Votre session a expiré : reconnectez-vous, votre dernier brouillon enregistré vous attendra.");
        return;
      }
      if (!reponse.ok) { afficher("Brouillon non enregistré pour l'instant ; nouvel essai à la prochaine saisie."); return; }
      return reponse.json().then(function (r) { afficher("Brouillon enregistré à " + r.enregistre_le + "."); });
    }).catch(function () {
      afficher("Connexion perdue : brouillon non enregistré ; nouvel essai à la prochaine saisie.");
    });
  }

  function programmer() {
    if (minuterie) { clearTimeout(minuterie); }
    minuterie = setTimeout(enregistrer, 800);
  }

  form.addEventListener("input", programmer);
  form.addEventListener("change", programmer);
  window.addEventListener("beforeunload", function () {
    if (minuterie) { clearTimeout(minuterie); enregistrer(); }
  });
}());
