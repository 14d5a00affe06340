// Request page: refresh the experts' answers from the JSON endpoint while some are awaited.
(function () {
  "use strict";
  var table = document.getElementById("reponses");
  if (!table || table.dataset.enAttente !== "1") { return; }
  var url = table.dataset.url;
  var delai = 3000;
  function maj(donnees) {
    donnees.sollicitations.forEach(function (s) {
      var ligne = table.querySelector('tr[data-uuid="' + s.uuid + '"]');
      if (!ligne) { return; }
      ligne.querySelector('[data-champ="etat_libelle"]').textContent = s.etat_libelle;
      ligne.querySelector('[data-champ="repondu_le"]').textContent = s.repondu_le;
      ligne.querySelector('[data-champ="motif"]').textContent = s.motif;
      ligne.querySelector('[data-champ="conflit"]').textContent = s.conflit_interets ? "Oui : " + s.conflit_details : "—";
      var designer = ligne.querySelector('[data-champ="designer"]');
      if (designer && table.dataset.designer && s.etat === "acceptee" && !designer.querySelector("a")) {
        var lien = document.createElement("a");
        lien.className = "fr-btn fr-btn--sm";
        lien.href = table.dataset.designer + encodeURIComponent(s.uuid);
        lien.textContent = "Désigner cet expert";
        designer.textContent = "";
        designer.appendChild(lien);
      }
    });
    if (!donnees.en_attente) {
      var info = document.getElementById("actualisation");
      if (info) { info.textContent = "Tous les experts ont répondu ou le délai est passé."; }
    }
    return donnees.en_attente;
  }
  function interroger() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d === null || maj(d)) { window.setTimeout(interroger, delai); } })
      .catch(function () { window.setTimeout(interroger, delai * 2); });
  }
  window.setTimeout(interroger, delai);
})();
