// Every deposit form of the platform (form[data-envoi]): checks the file's type and size before
// anything is sent, sends the whole form with a progress bar and the time left, keeps the button
// disabled meanwhile, and shows a refusal next to the fields without reloading the page, so the
// chosen file and its type stay. The server answers JSON to this script (lib/envoi.py).
// Without JavaScript the form posts as usual and the page answers.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData) { return; }

  function duree(secondes) {
    if (!isFinite(secondes) || secondes < 0) { return ""; }
    secondes = Math.round(secondes);
    if (secondes < 60) { return secondes + " s"; }
    var minutes = Math.floor(secondes / 60);
    if (minutes < 60) { return minutes + " min " + (secondes % 60) + " s"; }
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function groupe(champ) {
    return champ.closest(".fr-upload-group, .fr-input-group, .fr-select-group, .fr-fieldset, .fr-checkbox-group") || champ.parentNode;
  }

  function effacer(form) {
    form.querySelectorAll(".envoi-erreur").forEach(function (n) { n.remove(); });
    form.querySelectorAll(".fr-input-group--error, .fr-select-group--error, .fr-upload-group--error, .fr-fieldset--error").forEach(function (n) {
      n.classList.remove("fr-input-group--error", "fr-select-group--error", "fr-upload-group--error", "fr-fieldset--error");
    });
  }

  function erreur(form, nom, message) {
    var champ = nom && form.querySelector("[name='" + nom + "']");
    var p = document.createElement("p");
    p.className = "fr-error-text envoi-erreur";
    p.textContent = message;
    if (!champ) {
      var alerte = document.createElement("div");
      alerte.className = "fr-alert fr-alert--error fr-alert--sm fr-mb-2w envoi-erreur";
      alerte.setAttribute("role", "alert");
      var texte = document.createElement("p");
      texte.textContent = message;
      alerte.appendChild(texte);
      form.insertBefore(alerte, form.firstChild);
      return;
    }
    var g = groupe(champ);
    ["fr-input-group", "fr-select-group", "fr-upload-group", "fr-fieldset"].forEach(function (c) {
      if (g.classList.contains(c)) { g.classList.add(c + "--error"); }
    });
    p.id = "erreur-" + (champ.id || nom);
    g.appendChild(p);
    champ.setAttribute("aria-describedby", ((champ.getAttribute("aria-describedby") || "") + " " + p.id).trim());
    champ.focus();
  }

  document.querySelectorAll("form[data-envoi]").forEach(function (form) {
    var champ = form.querySelector("input[type=file]");
    var bouton = form.querySelector("button[type=submit]");
    var max = parseInt(form.dataset.tailleMax || "0", 10);
    var extensions = (form.dataset.extensions || "").split(" ").filter(Boolean);
    var barre = document.createElement("progress");
    barre.max = 100;
    barre.value = 0;
    barre.hidden = true;
    barre.setAttribute("aria-label", "Progression de l'envoi");
    var etat = document.createElement("p");
    etat.setAttribute("role", "status");
    etat.setAttribute("aria-live", "polite");
    etat.className = "fr-text--sm envoi-etat";
    bouton.parentNode.insertBefore(barre, bouton.nextSibling);
    barre.parentNode.insertBefore(etat, barre.nextSibling);

    form.addEventListener("submit", function (event) {
      var fichier = champ && champ.files && champ.files[0];
      effacer(form);
      if (!fichier) { return; }
      event.preventDefault();
      var extension = fichier.name.indexOf(".") >= 0 ? fichier.name.split(".").pop().toLowerCase() : "";
      if (extensions.length && extensions.indexOf(extension) < 0) {
        erreur(form, champ.name, "Ce type de fichier n'est pas accepté (formats : " + extensions.join(", ") + ") : il n'a pas été envoyé.");
        return;
      }
      if (max && fichier.size > max) {
        erreur(form, champ.name, "Le fichier dépasse la taille maximale autorisée (" + form.dataset.tailleLisible + ") : il n'a pas été envoyé.");
        return;
      }
      var xhr = new XMLHttpRequest();
      var debut = Date.now();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Envoi", "1");
      xhr.setRequestHeader("Accept", "application/json");
      bouton.disabled = true;
      barre.hidden = false;
      barre.value = 0;
      etat.textContent = "Envoi en cours…";
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        barre.value = Math.floor((e.loaded / e.total) * 100);
        var ecoule = (Date.now() - debut) / 1000;
        var reste = ecoule > 1 && e.loaded > 0 ? (e.total - e.loaded) * ecoule / e.loaded : NaN;
        etat.textContent = "Envoi en cours : " + barre.value + " %" + (duree(reste) ? ", encore environ " + duree(reste) : "") + ".";
        if (e.loaded === e.total) { etat.textContent = "Fichier reçu : vérification et enregistrement…"; }
      });
      xhr.addEventListener("load", function () {
        var reponse = null;
        try { reponse = JSON.parse(xhr.responseText); } catch (err) { reponse = null; }
        if (xhr.status === 200 && reponse && reponse.url) {
          etat.textContent = "Document enregistré.";
          var cible = new URL(reponse.url, window.location.href);
          if (cible.pathname + cible.search === window.location.pathname + window.location.search) {
            // Same page (only the anchor differs): assigning would just scroll, so reload it.
            window.location.hash = cible.hash;
            window.location.reload();
          } else {
            window.location.assign(cible.href);
          }
          return;
        }
        bouton.disabled = false;
        barre.hidden = true;
        etat.textContent = "";
        var erreurs = (reponse && reponse.erreurs) || { "__all__": ["L'envoi a échoué (erreur " + xhr.status + ") : le document n'a pas été enregistré. Réessayez."] };
        Object.keys(erreurs).forEach(function (nom) {
          erreurs[nom].forEach(function (message) { erreur(form, nom === "__all__" ? "" : nom, message); });
        });
      });
      xhr.addEventListener("error", function () {
        bouton.disabled = false;
        barre.hidden = true;
        etat.textContent = "";
        erreur(form, "", "La connexion a été interrompue : le document n'a pas été enregistré. Vous pouvez le renvoyer.");
      });
      xhr.send(new FormData(form));
    });
  });
})();
