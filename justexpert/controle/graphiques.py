"""Accessible bar charts drawn as SVG on the server (no JavaScript): the template gives the SVG a
title and a description (role="img"), and always prints the same figures as a table beside it.
Colours are the DSFR's: blue France for the bars, grey for the axis and the labels."""

from __future__ import annotations

from dataclasses import dataclass

BLEU_FRANCE = "#000091"
GRIS = "#3a3a3a"
LARGEUR = 640
HAUTEUR_BARRE = 22
ECART = 8
MARGE_GAUCHE = 170


@dataclass
class Barre:
    libelle: str
    valeur: float
    y: int
    largeur: float
    y_texte: int
    x_valeur: float
    texte_valeur: str


@dataclass
class Graphique:
    ident: str
    titre: str
    description: str
    barres: list[Barre]
    hauteur: int
    largeur: int = LARGEUR
    couleur: str = BLEU_FRANCE
    gris: str = GRIS
    marge: int = MARGE_GAUCHE


def barres(ident: str, titre: str, valeurs: list[tuple[str, float | None]], unite: str = "") -> Graphique:
    utiles = [(lib, v or 0) for lib, v in valeurs]
    maximum = max((v for _, v in utiles), default=0) or 1
    place = LARGEUR - MARGE_GAUCHE - 60
    liste = []
    for i, (lib, v) in enumerate(utiles):
        y = ECART + i * (HAUTEUR_BARRE + ECART)
        largeur = round(place * v / maximum, 1)
        texte = f"{v:g}{(' ' + unite) if unite else ''}".replace(".", ",")
        liste.append(Barre(lib[:28], v, y, largeur, y + HAUTEUR_BARRE - 6, MARGE_GAUCHE + largeur + 4, texte))
    description = " ; ".join(f"{b.libelle} : {b.texte_valeur}" for b in liste) or "aucune donnée"
    return Graphique(ident, titre, description, liste, ECART + len(liste) * (HAUTEUR_BARRE + ECART))
