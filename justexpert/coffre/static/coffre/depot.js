// Upload with a progress bar: sends the file as the raw request body (the server streams it into
// the encrypted store), with a client upload id so a retried upload gives one document.
// Without JavaScript the form posts as multipart and works the same, without progress.
(function () {
  "use strict";
  var form = document.getElementById("coffre-depot");
  if (!form || !window.XMLHttpRequest) { return; }
  var champ = document.getElementById("coffre-fichier");
  var barre = document.getElementById("coffre-progression");
  var etat = document.getElementById("coffre-etat");
  var max = parseInt(form.getAttribute("data-taille-max"), 10);

  function identifiant() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  form.addEventListener("submit", function (event) {
    var fichier = champ.files && champ.files[0];
    if (!fichier) { return; }
    event.preventDefault();
    if (max && fichier.size > max) {
      etat.textContent = "Ce fichier dépasse la taille maximale autorisée : il n'a pas été envoyé.";
      return;
    }
    var jeton = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", jeton);
    xhr.setRequestHeader("X-Nom-Fichier", encodeURIComponent(fichier.name));
    xhr.setRequestHeader("X-Identifiant-Envoi", form.dataset.identifiant || (form.dataset.identifiant = identifiant()));
    barre.hidden = false;
    barre.value = 0;
    etat.textContent = "Envoi en cours…";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        barre.value = Math.floor((e.loaded / e.total) * 100);
        etat.textContent = "Envoi en cours : " + barre.value + " %";
      }
    });
    xhr.addEventListener("load", function () {
      var reponse = {};
      try { reponse = JSON.parse(xhr.responseText); } catch (e) { reponse = {}; }
      if (xhr.status === 201) {
        delete form.dataset.identifiant;
        etat.textContent = "Document enregistré. Empreinte SHA-256 : " + reponse.sha256;
        window.location.reload();
      } else {
        etat.textContent = reponse.erreur || "L'envoi a échoué : le document n'a pas été enregistré.";
      }
    });
    xhr.addEventListener("error", function () {
      etat.textContent = "La connexion a été interrompue : le document n'a pas été enregistré. Vous pouvez le renvoyer.";
    });
    xhr.send(fichier);
  });
})();
