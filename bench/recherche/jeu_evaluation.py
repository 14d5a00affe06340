"""Evaluation set of the search's relevance (issue 21): a nomenclature of 45 specialites, 150 experts
(several per specialite, fine competences written as experts write them, with the traps quoted in
the issue), and 48 missions phrased like court orders with graded judgements.

Grades, per specialite of the experts: 3 the ideal specialite, 2 a good one, 1 acceptable; any
other is 0, and « clearly wrong » when it is also in another branche than every graded specialite
(a roofer for an autopsy, an accountant for a testator's capacity).

Missions flagged ``reserve`` were written before any tuning and never looked at while tuning
(thresholds, weights, thesaurus): their figures are reported apart. Labels of the specialites
follow the thesaurus's (``justexpert/recherche/data/thesaurus.txt``); codes other than those of the
public fragment of the 2022 nomenclature are invented and their labels say « (éval) ».
"""

from __future__ import annotations

import random
from dataclasses import dataclass

BRANCHES = {
    "A": "Agriculture, agro-alimentaire, animaux, forêts",
    "C": "Bâtiment, travaux publics, gestion immobilière",
    "D": "Économie et finances",
    "E": "Industries",
    "F": "Santé",
    "G": "Criminalistique, sciences criminelles et sciences médicolégales",
    "H": "Interprétariat–Traduction",
    "I": "Environnement",
}
RUBRIQUES = {
    "A.1": "Agriculture",
    "A.2": "Animaux (éval)",
    "C.2": "Constructions générales tous corps d'état",
    "C.3": "Équipements techniques du bâtiment (éval)",
    "C.4": "Génie-civil ; travaux publics",
    "C.5": "Géotechnique et hydrogéologie (éval)",
    "C.6": "Gestion immobilière et économie de la construction (éval)",
    "C.10": "Plomberie ; sanitaire",
    "D.1": "Comptabilité (éval)",
    "D.2": "Finance (éval)",
    "E.1": "Transports (éval)",
    "E.2": "Numérique (éval)",
    "E.3": "Mécanique et sécurité industrielle (éval)",
    "F.1": "Médecine (éval)",
    "F.2": "Pharmacie (éval)",
    "G.1": "Documents et écritures (éval)",
    "G.2": "Médecine légale (éval)",
    "G.3": "Criminalistique (éval)",
    "H.1": "Traduction (éval)",
    "I.1": "Pollutions (éval)",
}
# code -> (label, fine competences an expert of it writes; each expert takes three or four)
SPECIALITES: dict[str, tuple[str, list[str]]] = {
    "A.1.6": (
        "Hydraulique agricole et rurale",
        [
            "irrigation des parcelles",
            "drainage agricole",
            "curage des fossés",
            "retenues collinaires",
            "servitudes d'écoulement des eaux",
        ],
    ),
    "A.2.1": (
        "Médecine vétérinaire (éval)",
        [
            "pathologie des équidés",
            "vices rédhibitoires",
            "élevage bovin",
            "morsures et comportement canin",
            "mortalité en élevage",
        ],
    ),
    "C.2.1": (
        "Gros œuvre et structure (éval)",
        [
            "calcul de structures béton armé",
            "fondations superficielles et profondes",
            "reprise en sous-œuvre",
            "effondrement de planchers",
            "murs porteurs",
            "fissures structurelles",
        ],
    ),
    "C.2.2": (
        "Fissures et désordres des bâtiments (éval)",
        [
            "pathologie du bâtiment",
            "fissures des maisons individuelles",
            "garantie décennale",
            "malfaçons et réception des travaux",
            "sinistres sécheresse",
            "humidité et moisissures",
        ],
    ),
    "C.2.8": (
        "Piscines : gros-œuvre, étanchéité, bassins préfabriqués, traitement de l'eau, de l'air, équipements",
        ["bassins enterrés", "liners et coques", "traitement de l'eau des piscines", "margelles et plages", "filtration"],
    ),
    "C.2.3": (
        "Couverture et charpente (éval)",
        [
            "charpente bois traditionnelle",
            "couverture tuiles et ardoises",
            "zinguerie et gouttières",
            "infiltrations en toiture",
            "corps d'état de la couverture",
        ],
    ),
    "C.2.4": (
        "Étanchéité et infiltrations (éval)",
        [
            "étanchéité des toitures-terrasses",
            "cuvelage des sous-sols",
            "recherche de fuite",
            "infiltrations par les façades",
            "dégâts des eaux",
        ],
    ),
    "C.2.7": (
        "Bâtiment tous corps d'état (éval)",
        [
            "expertise tous corps d'état",
            "pénalités de retard",
            "état des lieux avant travaux",
            "suivi de chantier",
            "réception des ouvrages",
            "évaluation des travaux de reprise",
        ],
    ),
    "C.3.1": (
        "Électricité du bâtiment (éval)",
        ["installations électriques basse tension", "tableaux électriques", "conformité NF C 15-100", "courts-circuits"],
    ),
    "C.3.2": (
        "Thermique et isolation (éval)",
        [
            "isolation thermique par l'extérieur",
            "pompes à chaleur",
            "diagnostic de performance énergétique",
            "ventilation mécanique contrôlée",
            "panneaux photovoltaïques",
        ],
    ),
    "C.10.1": (
        "Plomberie et chauffage (éval)",
        ["chaudières gaz", "réseaux de chauffage", "canalisations encastrées", "fuites d'eau", "plancher chauffant"],
    ),
    "C.10.2": (
        "Assainissement autonome",
        ["fosses septiques", "micro-stations d'épuration", "épandage des eaux usées", "contrôle SPANC"],
    ),
    "C.4.6": (
        "Réseaux de drainage et évacuation des eaux, hydraulique de surface, canaux, retenues",
        ["eaux pluviales", "ruissellement et inondations", "réseaux d'évacuation", "bassins de rétention"],
    ),
    "C.5.1": (
        "Géotechnique (éval)",
        [
            "études de sol G2",
            "retrait-gonflement des argiles",
            "mouvements de terrain",
            "tassements différentiels",
            "cavités souterraines",
        ],
    ),
    "C.5.3": (
        "Hydrogéologie",
        ["nappes phréatiques", "forages et captages", "pompages d'essai", "pollution des eaux souterraines"],
    ),
    "C.6.1": (
        "Économie de la construction (éval)",
        [
            "métrés et décomptes",
            "chiffrage des travaux",
            "révision des prix des marchés",
            "comptes entre entreprises",
            "évaluation du coût de reprise",
        ],
    ),
    "C.6.3": (
        "Estimations immobilières (éval)",
        [
            "valeur vénale des immeubles",
            "valeur locative commerciale",
            "indemnités d'éviction",
            "expropriation",
            "évaluation de biens immobiliers",
        ],
    ),
    "D.1.1": (
        "Comptabilité et audit d'entreprise (éval)",
        [
            "comptes annuels",
            "audit légal",
            "compte de résultat",
            "évaluation des stocks",
            "détournements de fonds",
            "abus de biens sociaux",
        ],
    ),
    "D.1.2": (
        "Évaluation d'entreprises (éval)",
        [
            "valorisation de sociétés",
            "cession de parts sociales",
            "évaluation de fonds de commerce",
            "valeur des actions",
            "compte courant d'associé",
        ],
    ),
    "D.1.3": (
        "Procédures collectives et entreprises en difficulté (éval)",
        [
            "redressement judiciaire",
            "liquidation judiciaire",
            "date de cessation des paiements",
            "insuffisance d'actif",
            "plans de sauvegarde",
        ],
    ),
    "D.2.1": (
        "Banque et finance (éval)",
        [
            "taux effectif global",
            "prêts immobiliers",
            "produits structurés",
            "devoir de mise en garde du banquier",
            "calcul des intérêts",
        ],
    ),
    "D.2.3": (
        "Préjudice économique et perte d'exploitation (éval)",
        [
            "perte d'exploitation",
            "manque à gagner",
            "rupture brutale de relations commerciales",
            "concurrence déloyale",
            "perte de marge",
        ],
    ),
    "E.1.1": (
        "Automobile et véhicules (éval)",
        [
            "moteurs et boîtes de vitesses",
            "vices cachés de véhicules d'occasion",
            "kilométrage falsifié",
            "réparations de garage",
            "camping-cars",
        ],
    ),
    "E.2.1": (
        "Informatique et systèmes d'information (éval)",
        [
            "intégration de progiciels ERP",
            "sites internet",
            "cybersécurité et piratage",
            "analyse de code source",
            "bases de données",
        ],
    ),
    "E.3.1": (
        "Mécanique et machines industrielles (éval)",
        ["machines-outils", "ascenseurs", "usure des engrenages", "compresseurs", "accidents du travail sur machine"],
    ),
    "E.3.2": (
        "Incendie et explosions (éval)",
        ["recherche des causes d'incendie", "explosions de gaz", "propagation du feu", "sinistres industriels"],
    ),
    "F.1.1": (
        "Médecine légale du vivant (éval)",
        [
            "dommage corporel",
            "évaluation des séquelles",
            "accidents de la circulation",
            "victimes de violences",
            "nomenclature Dintilhac",
            "incapacité totale de travail",
        ],
    ),
    "F.1.2": (
        "Psychiatrie (éval)",
        [
            "expertise psychiatrique pénale",
            "discernement et responsabilité",
            "dangerosité",
            "capacité de tester",
            "troubles psychotiques",
            "mesures de protection des majeurs",
        ],
    ),
    "F.1.3": (
        "Psychologie (éval)",
        [
            "examen psychologique de victimes mineures",
            "enquête de personnalité",
            "crédibilité du discours",
            "résidence des enfants",
            "emprise",
        ],
    ),
    "F.1.4": (
        "Chirurgie orthopédique et traumatologie (éval)",
        ["chirurgie du genou", "ligament croisé", "prothèses de hanche", "fractures complexes", "rachis"],
    ),
    "F.1.5": (
        "Neurologie (éval)",
        ["traumatismes crâniens", "encéphalopathies", "accidents vasculaires cérébraux", "épilepsie", "maladie de Parkinson"],
    ),
    "F.1.6": (
        "Pédiatrie et néonatologie (éval)",
        ["réanimation néonatale", "nourrissons", "syndrome du bébé secoué", "infirmité motrice cérébrale"],
    ),
    "F.1.7": (
        "Gynécologie-obstétrique (éval)",
        ["accouchements difficiles", "césariennes", "souffrance fœtale", "suivi de grossesse"],
    ),
    "F.1.8": (
        "Infectiologie et hygiène hospitalière (éval)",
        ["infections nosocomiales", "infections du site opératoire", "hygiène des établissements de santé", "antibiothérapie"],
    ),
    "F.1.9": (
        "Pneumologie et maladies professionnelles (éval)",
        [
            "mésothéliome et amiante",
            "maladies professionnelles respiratoires",
            "insuffisance respiratoire",
            "silicose",
            "asthme professionnel",
        ],
    ),
    "F.1.13": ("Cancérologie (éval)", ["retards de diagnostic de cancer", "chimiothérapie", "radiothérapie", "tumeurs du sein"]),
    "F.2.1": (
        "Pharmacologie et médicaments (éval)",
        ["effets indésirables des médicaments", "pharmacovigilance", "erreurs de prescription", "surdosages"],
    ),
    "G.1.1": (
        "Examen d'écritures et de documents (éval)",
        ["comparaison d'écritures", "authenticité des signatures", "testaments olographes", "documents falsifiés"],
    ),
    "G.2.1": (
        "Médecine légale thanatologique (éval)",
        ["autopsies médico-légales", "levées de corps", "datation du décès", "causes de la mort", "exhumations"],
    ),
    "G.2.2": (
        "Toxicologie (éval)",
        ["dosages de stupéfiants", "alcoolémie", "intoxications au monoxyde de carbone", "empoisonnements"],
    ),
    "G.3.2": (
        "Empreintes génétiques (éval)",
        ["analyses ADN", "recherche de paternité", "traces biologiques", "fichier des empreintes génétiques"],
    ),
    "G.3.3": (
        "Accidentologie et reconstitution (éval)",
        ["reconstitution d'accidents de la route", "vitesse des véhicules", "chronotachygraphes", "dynamique des collisions"],
    ),
    "H.1.1": (
        "Anglais (éval)",
        ["traduction juridique anglais-français", "interprétariat en audience", "contrats internationaux"],
    ),
    "H.1.2": ("Arabe (éval)", ["traduction arabe-français", "interprétariat en garde à vue", "actes d'état civil étrangers"]),
    "I.1.1": (
        "Pollution des sols et des eaux (éval)",
        ["sites et sols pollués", "hydrocarbures", "dépollution", "déchets industriels"],
    ),
}
# The specialites that have a fourth expert (150 = 45 × 3 + 15).
QUATRIEMES = [
    "C.2.1",
    "C.2.2",
    "C.2.3",
    "C.2.4",
    "C.5.1",
    "C.10.1",
    "D.1.1",
    "D.1.3",
    "F.1.1",
    "F.1.2",
    "F.1.3",
    "F.1.4",
    "F.1.5",
    "G.2.1",
    "E.2.1",
]
NOMS = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux David Bertrand "
    "Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin "
    "Boyer Garnier Chevalier Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour Meunier Brun Blanchard Giraud Joly Riviere"
).split()
COURS = ["PARIS", "PARIS", "VERSAILLES", "LYON", "BORDEAUX", "RENNES"]


@dataclass
class ExpertEval:
    reference: str
    nom: str
    code: str
    specialites_fines: str
    cour: str


def experts() -> list[ExpertEval]:
    rng = random.Random(21)  # noqa: S311 (test data)
    resultat = []
    n = 0
    for code, (_libelle, fines) in SPECIALITES.items():
        for _ in range(4 if code in QUATRIEMES else 3):
            choisies = rng.sample(fines, min(len(fines), rng.choice([2, 3, 4])))
            resultat.append(
                ExpertEval(
                    f"EV{n:03d}",
                    NOMS[n % len(NOMS)] + ("" if n < len(NOMS) else str(n)),
                    code,
                    " ; ".join(choisies).capitalize(),
                    rng.choice(COURS),
                )
            )
            n += 1
    return resultat


@dataclass
class Mission:
    texte: str
    notes: dict[str, int]  # specialite code -> grade (3 ideal, 2 good, 1 acceptable)
    reserve: bool = False
    piege: str = ""  # the trap of the issue it reproduces


MISSIONS = [
    # --- the traps quoted at the top of issue 21
    Mission(
        "Désignons un expert avec mission de se rendre sur les lieux, décrire les fissures affectant la maison individuelle des demandeurs apparues après la sécheresse de l'été 2022, en rechercher les causes et chiffrer les travaux de reprise.",
        {"C.5.1": 3, "C.2.1": 3, "C.2.2": 3, "C.6.1": 1},
        piege="fissures sécheresse",
    ),
    Mission(
        "Expertise psychiatrique pénale : examiner le mis en examen, dire s'il était atteint au moment des faits d'un trouble psychique ayant aboli ou altéré son discernement, et s'il présente un état dangereux.",
        {"F.1.2": 3, "F.1.3": 1},
        piege="état dangereux",
    ),
    Mission(
        "Procéder à l'autopsie du corps de la victime, déterminer les causes et la date de la mort.",
        {"G.2.1": 3, "G.2.2": 1},
        piege="autopsie du corps",
    ),
    Mission(
        "Dire si, compte tenu de sa démence, la testatrice était saine d'esprit lors de la rédaction du testament du 3 mars 2021.",
        {"F.1.2": 3, "F.1.5": 2, "G.1.1": 1},
        piege="compte tenu de sa démence",
    ),
    Mission(
        "Examiner la victime de l'accident de la circulation, décrire ses blessures et évaluer ses préjudices selon la nomenclature habituelle.",
        {"F.1.1": 3, "F.1.4": 2, "F.1.5": 1},
        piege="évaluer",
    ),
    # --- construction
    Mission(
        "Se rendre sur les lieux, constater les infiltrations par la toiture de l'immeuble, en déterminer l'origine et décrire les travaux de réfection de la couverture.",
        {"C.2.3": 3, "C.2.4": 3, "C.2.2": 1},
    ),
    Mission(
        "Décrire le dégât des eaux survenu dans l'appartement du troisième étage, rechercher la fuite et l'origine des infiltrations.",
        {"C.2.4": 3, "C.10.1": 3, "C.2.2": 1},
    ),
    Mission(
        "Examiner la piscine enterrée, dire si le liner et le système de filtration sont affectés de désordres, en préciser l'origine.",
        {"C.2.8": 3, "C.2.4": 1},
    ),
    Mission(
        "Dire si la fosse septique et l'installation d'assainissement non collectif sont conformes et en état de fonctionnement.",
        {"C.10.2": 3, "C.10.1": 1},
    ),
    Mission(
        "Décrire les désordres affectant le plancher chauffant et la chaudière de la maison, dire si l'installation de chauffage est conforme.",
        {"C.10.1": 3, "C.3.2": 2},
    ),
    Mission(
        "Dire si l'installation électrique du local commercial est à l'origine du court-circuit et de l'incendie survenu le 12 janvier.",
        {"C.3.1": 3, "E.3.2": 3},
    ),
    Mission(
        "Rechercher les causes de l'incendie qui a détruit l'entrepôt et dire comment le feu s'est propagé.",
        {"E.3.2": 3, "C.3.1": 1},
    ),
    Mission(
        "Dire si la pompe à chaleur et l'isolation thermique réalisées permettent la performance énergétique annoncée.",
        {"C.3.2": 3, "C.10.1": 1},
    ),
    Mission(
        "Dire si le mur de soutènement et les fondations de la villa présentent un risque d'effondrement, en rechercher les causes.",
        {"C.2.1": 3, "C.5.1": 3, "C.2.2": 1},
    ),
    Mission(
        "Faire les comptes entre les parties au titre du marché de travaux : vérifier le décompte général, les situations de travaux et les pénalités de retard.",
        {"C.6.1": 3, "C.2.7": 2},
    ),
    Mission(
        "Donner son avis sur la valeur vénale de l'immeuble et sur l'indemnité d'éviction due au preneur commercial.",
        {"C.6.3": 3, "D.1.2": 1},
    ),
    Mission(
        "Décrire les inondations répétées du lotissement, dire si le réseau d'eaux pluviales est suffisant.",
        {"C.4.6": 3, "A.1.6": 1, "C.5.3": 1},
    ),
    Mission("Dire si le forage a affecté le niveau de la nappe phréatique alimentant le puits voisin.", {"C.5.3": 3, "A.1.6": 1}),
    # --- economy and finance
    Mission(
        "Examiner la comptabilité de la société, dire si les comptes annuels donnent une image fidèle et rechercher d'éventuels détournements de fonds.",
        {"D.1.1": 3, "D.1.3": 1},
    ),
    Mission(
        "Fournir tous éléments permettant de fixer la date de cessation des paiements de la société placée en redressement judiciaire.",
        {"D.1.3": 3, "D.1.1": 2},
    ),
    Mission(
        "Évaluer la valeur des parts sociales de la SARL à la date de la cession, compte tenu des comptes de l'exercice.",
        {"D.1.2": 3, "D.1.1": 1},
    ),
    Mission("Dire si le taux effectif global du prêt immobilier est erroné et calculer les intérêts dus.", {"D.2.1": 3}),
    Mission(
        "Chiffrer la perte d'exploitation et le manque à gagner subis par le distributeur du fait de la rupture brutale des relations commerciales.",
        {"D.2.3": 3, "D.1.1": 1, "D.1.2": 1},
    ),
    # --- industry
    Mission(
        "Examiner le véhicule d'occasion, dire si la boîte de vitesses présentait un vice caché lors de la vente.", {"E.1.1": 3}
    ),
    Mission(
        "Dire si le progiciel livré est conforme au cahier des charges et si l'échec de l'intégration incombe au prestataire informatique.",
        {"E.2.1": 3},
    ),
    Mission("Dire si l'accident du travail survenu sur la machine-outil est dû à un défaut de la machine.", {"E.3.1": 3}),
    # --- health
    Mission(
        "Dire si la patiente a contracté une infection nosocomiale lors de l'intervention et si les règles d'hygiène ont été respectées.",
        {"F.1.8": 3, "F.1.1": 1},
    ),
    Mission(
        "Dire si le mésothéliome dont souffre l'ancien salarié est en lien avec une exposition à l'amiante.",
        {"F.1.9": 3, "F.1.13": 2},
    ),
    Mission(
        "Examiner le requérant, décrire les séquelles de la rupture du ligament croisé du genou et dire si l'intervention chirurgicale a été conforme.",
        {"F.1.4": 3, "F.1.1": 2},
    ),
    Mission(
        "Dire si l'encéphalopathie dont souffre l'enfant est imputable aux conditions de l'accouchement.",
        {"F.1.5": 3, "F.1.6": 3, "F.1.7": 3},
    ),
    Mission(
        "Dire si le retard de diagnostic du cancer du sein a fait perdre une chance de guérison à la patiente.",
        {"F.1.13": 3, "F.1.7": 1},
    ),
    Mission(
        "Dire si le traitement médicamenteux prescrit est à l'origine des effets indésirables et s'il y a eu surdosage.",
        {"F.2.1": 3, "G.2.2": 1},
    ),
    Mission(
        "Procéder à l'examen psychologique de la victime mineure et apprécier la crédibilité de ses déclarations.",
        {"F.1.3": 3, "F.1.2": 2},
    ),
    # --- criminalistics, languages, environment, animals
    Mission(
        "Comparer l'écriture et la signature figurant sur la reconnaissance de dette avec les documents de comparaison.",
        {"G.1.1": 3},
    ),
    Mission("Rechercher la présence de stupéfiants et d'alcool dans les prélèvements sanguins du conducteur.", {"G.2.2": 3}),
    Mission("Procéder à l'analyse des traces biologiques relevées et comparer les empreintes génétiques.", {"G.3.2": 3}),
    Mission("Traduire en français les contrats rédigés en anglais produits aux débats.", {"H.1.1": 3}),
    Mission(
        "Dire si le terrain est pollué aux hydrocarbures et décrire les travaux de dépollution nécessaires.",
        {"I.1.1": 3, "C.5.3": 1},
    ),
    # --- held out: written with the others, never used for tuning
    Mission(
        "Commettons un expert avec mission de décrire le traumatisme crânien subi par la victime de l'agression et d'évaluer le déficit fonctionnel permanent.",
        {"F.1.5": 3, "F.1.1": 3},
        reserve=True,
    ),
    Mission(
        "Se rendre au domicile, décrire les lézardes des murs porteurs et dire si le retrait-gonflement des argiles en est la cause.",
        {"C.5.1": 3, "C.2.1": 3, "C.2.2": 3},
        reserve=True,
    ),
    Mission(
        "Dire si les moisissures et l'humidité du logement donné à bail résultent d'un défaut de ventilation ou d'un usage anormal.",
        {"C.2.2": 3, "C.3.2": 2, "C.2.4": 2},
        reserve=True,
    ),
    Mission(
        "Déterminer la vitesse des véhicules au moment de la collision et reconstituer l'accident.",
        {"G.3.3": 3, "E.1.1": 1},
        reserve=True,
    ),
    Mission("Entendre le demandeur d'asile et assurer l'interprétariat en arabe lors de l'audition.", {"H.1.2": 3}, reserve=True),
    Mission("Dire si le cheval vendu était atteint d'un vice rédhibitoire au jour de la vente.", {"A.2.1": 3}, reserve=True),
    Mission(
        "Examiner la majeure protégée et dire si l'altération de ses facultés mentales justifie une curatelle renforcée.",
        {"F.1.2": 3, "F.1.5": 1},
        reserve=True,
    ),
    Mission(
        "Reconstituer les comptes de la liquidation judiciaire et chiffrer l'insuffisance d'actif imputable au dirigeant.",
        {"D.1.3": 3, "D.1.1": 2},
        reserve=True,
    ),
    Mission(
        "Dire si le site internet de commerce électronique a fait l'objet d'un piratage et si la base de données clients a été dérobée.",
        {"E.2.1": 3},
        reserve=True,
    ),
    Mission(
        "Dire si l'intoxication au monoxyde de carbone des occupants est due à la chaudière et en déterminer les causes.",
        {"G.2.2": 3, "C.10.1": 3},
        reserve=True,
    ),
]


def note(mission: Mission, codes: list[str]) -> int:
    """The grade of an expert inscribed in ``codes``."""
    return max((mission.notes.get(c, 0) for c in codes), default=0)


def clairement_faux(mission: Mission, codes: list[str]) -> bool:
    """Grade 0 and in another branche than every graded specialite."""
    branches = {c.split(".")[0] for c in mission.notes}
    return note(mission, codes) == 0 and all(c.split(".")[0] not in branches for c in codes)
