"""The word lists of the demo town: first names, surnames, streets, towns, the commune itself."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """The comma-separated items of a text block, in order (line breaks count as spaces)."""
    return tuple(" ".join(item.split()) for item in text.split(",") if item.strip())


GIRLS = _words("""
Éloïse, Chloé, Zoé, Anaïs, Léa, Inès, Maëlys, Clémence, Océane, Héloïse, Noémie, Mélissa,
Léonie, Gaëlle, Maïwenn, Célia, Aurélie, Élise, Jade, Louise, Emma, Alice, Lina, Rose, Anna,
Mila, Ambre, Julia, Camille, Manon, Lou, Romane, Juliette, Margaux, Capucine, Victoire, Agathe,
Iris, Nina, Charlotte, Sarah, Lucie, Mathilde, Apolline, Éléna, Thaïs, Bérénice, Adèle,
Clémentine, Jeanne, Salomé, Énora, Maëlle, Naïa, Lise, Ophélie
""")
BOYS = _words("""
Noé, Gaël, Théo, Mathéo, Raphaël, Jérémy, Noah, Timothée, Anaël, Loïc, Gabriel, Léo, Louis,
Jules, Arthur, Hugo, Lucas, Adam, Nathan, Tom, Paul, Sacha, Maël, Ethan, Aaron, Nolan, Martin,
Victor, Axel, Robin, Clément, Valentin, Baptiste, Maxime, Antoine, Évan, Côme, Benjamin,
Léandre, Elouan, Titouan, Émile, Célestin, Joachim, Octave, Simon, Mathis, Rémi
""")
WOMEN = _words("""
Hélène, Stéphanie, Céline, Aurélie, Sévérine, Émilie, Amélie, Mélanie, Sophie, Nathalie, Julie,
Sandrine, Virginie, Caroline, Élodie, Audrey, Marion, Laure, Claire, Anne, Isabelle, Valérie,
Karine, Laëtitia, Gaëlle, Annabelle, Cécile, Delphine, Pauline, Charlotte, Camille, Estelle,
Géraldine, Noémie, Maud, Marie, Jessica, Vanessa, Fanny, Angélique, Solène, Bénédicte, Chloé,
Agnès
""")
MEN = _words("""
Jérôme, Benoît, François, Gaël, Frédéric, Sébastien, Stéphane, Jérémie, Cédric, Grégory,
Thierry, Nicolas, Julien, Guillaume, David, Olivier, Laurent, Romain, Vincent, Mathieu, Pierre,
Christophe, Fabien, Yannick, Arnaud, Damien, Éric, Emmanuel, Xavier, Ludovic, Alexandre,
Thomas, Anthony, Kévin, Loïc, Hervé, Mickaël, Raphaël, Aurélien, Bruno, Joël, Régis, Noël,
Rémi
""")
GRANDMOTHERS = _words("""
Monique, Françoise, Michèle, Danièle, Chantal, Josiane, Geneviève, Hélène, Colette, Martine,
Brigitte, Jocelyne, Odile, Gisèle
""")
GRANDFATHERS = _words("""
Gérard, Bernard, René, André, Jean-Pierre, Jean-Claude, Michel, Roger, Gilbert, Marcel,
Raymond, Daniel, Jacques, Noël
""")

# Weighted towards the most common French surnames, with plenty of accents and Savoyard ones.
SURNAMES = _words("""
Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent,
Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André,
Mercier, Dupont, Lambert, Bonnet, François, Martinez, Legrand, Garnier, Faure, Rousseau, Blanc,
Guérin, Muller, Henry, Roussel, Nicolas, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont,
Lopez, Fontaine, Chevalier, Robin, Masson, Sanchez, Gérard, Nguyen, Boyer, Denis, Lemaire,
Duval, Joly, Gautier, Roger, Roche, Roy, Noël, Meyer, Lucas, Meunier, Jean, Perez, Marchand,
Dufour, Blanchard, Marie, Barbier, Brun, Dumas, Brunet, Schmitt, Leroux, Colin, Fernandez,
Pierre, Renard, Arnaud, Rolland, Caron, Aubert, Giraud, Leclerc, Vidal, Bourgeois, Renaud,
Lemoine, Picard, Gaillard, Philippe, Leclercq, Lacroix, Fabre, Dupuis, Olivier, Rodriguez,
Da Silva, Hubert, Louis, Charles, Guillot, Rivière, Le Gall, Guillaume, Adam, Rey, Moulin,
Gonzalez, Berger, Lecomte, Ménard, Fleury, Deschamps, Carpentier, Julien, Benoît, Paris,
Maillard, Marchal, Aubry, Vasseur, Le Roux, Renault, Jacquet, Collet, Prévost, Poirier,
Charpentier, Royer, Huet, Baron, Dupuy, Pons, Paul, Laine, Carré, Bréhier, Mélançon, Bérard,
Duprè, Lefèbvre, Bégin, Pélissier, Chérel, Hébert, Thévenin, Bénard, Lévêque, Géraud, Désiré,
Sénéchal, Frémont, Mégevand, Duret, Buttay, Favre, Pellarin, Baud, Bouvier, Rossat, Dunand,
Mugnier, Gavard, Jacquemoud, Bétemps, Mérendet, Chappaz, Ducrettet, Gaillet, Périllat, Cusin,
Déchosal, Excoffier, Rémond, Vullierme, Revillod, Dénarié
""")

STREETS = _words("""
chemin des Vignes, impasse du Lavoir, rue de la Mairie, route d'Annemasse, allée des Érables,
avenue du Léman, place de l'Église, chemin de la Chênaie, rue du Mont-Blanc, route des Voirons,
chemin des Écureuils, impasse des Mésanges, rue des Fontaines, chemin du Moulin,
route de Genève, rue des Écoles, allée des Tilleuls, chemin des Crêts, rue du Salève,
impasse des Prés-Fleuris, route de la Vallée, chemin de la Fruitière, rue Jean-Jaurès,
avenue de la Gare, chemin des Pâquerettes, rue du Four-à-Pain, chemin de Chez Bondaz,
route du Môle, impasse de la Forge, rue de l'Arve, chemin des Bois-Joli, allée des Peupliers,
rue Victor-Hugo, chemin du Pré-Carré, route des Bains, place du Marché
""")
RESIDENCES = (
    "Résidence Les Tilleuls, bât. B",
    "Résidence Le Clos des Cerisiers",
    "Lotissement Les Hauts du Lac",
    "Résidence Le Belvédère, appt 12",
    "Résidence Les Glycines, bât. A",
    "Le Hameau des Granges",
    "Résidence du Parc, escalier 2",
    "Lotissement Le Pré Fleuri",
)
LIEUX_DITS = (
    "Lieu-dit Les Granges",
    "Hameau de Chez Bondaz",
    "Lieu-dit La Côte",
    "Hameau des Chavannes",
)

# (postcode, city): the commune itself first, then its neighbours, then further away.
NEIGHBOURS = (
    ("74380", "Bonne"),
    ("74140", "Saint-Cergues"),
    ("74930", "Reignier-Ésery"),
    ("74100", "Annemasse"),
    ("74250", "Fillinges"),
    ("74130", "Bonneville"),
)
FAR_AWAY = (
    ("74000", "Annecy"),
    ("74200", "Thonon-les-Bains"),
    ("73000", "Chambéry"),
    ("69003", "Lyon"),
    ("38000", "Grenoble"),
    ("74300", "Cluses"),
)
EMAIL_PROVIDERS = (
    "orange.fr",
    "gmail.com",
    "free.fr",
    "sfr.fr",
    "laposte.net",
    "hotmail.fr",
    "wanadoo.fr",
    "yahoo.fr",
    "outlook.fr",
    "bbox.fr",
)

COMMUNE = {
    "name": "Commune de Val-d'Arve-les-Bains",
    "address1": "Mairie de Val-d'Arve-les-Bains",
    "address2": "1 place de la Mairie",
    "postcode": "74218",
    "city": "VAL-D'ARVE-LES-BAINS",
    "phone": "04 50 39 12 40",
    "email": "periscolaire@val-darve.example",
    "regie_name": "Régie périscolaire de Val-d'Arve-les-Bains",
    "payable_to": "Trésor Public",
    "treasury_name": "Service de gestion comptable de Thonon-les-Bains",
    "treasury_address1": "Centre des finances publiques",
    "treasury_address2": "15 avenue du Général-de-Gaulle, CS 50203",
    "treasury_postcode": "74200",
    "treasury_city": "THONON-LES-BAINS CEDEX",
    "payfip_id": "074218",
    "invoice_mentions": (
        "Paiement à réception, au plus tard à la date d'échéance indiquée : par chèque à l'ordre "
        "du Trésor Public, en espèces ou par carte bancaire au guichet de la régie, ou en ligne "
        "sur le portail famille (PayFiP).\n"
        "Voies de recours : dans un délai de deux mois suivant la réception de cette facture "
        "(article L1617-5 du Code général des collectivités territoriales), vous pouvez "
        "contester la somme réclamée en saisissant le tribunal judiciaire de Thonon-les-Bains "
        "ou le tribunal administratif de Grenoble, selon la nature de la créance."
    ),
    "cash_ceiling_cents": 150_000,
    "school_zone": "A",
    "portal_url": "https://portail.val-darve.example/famille",
}
COMMUNE_TOWN = ("74218", "Val-d'Arve-les-Bains")

SCHOOLS = (
    ("École maternelle et élémentaire Jules Ferry", "8 rue des Écoles, 74218 Val-d'Arve-les-Bains"),
    ("École du Lac", "2 chemin du Lac, 74218 Val-d'Arve-les-Bains"),
)
# (login, full name, role): every account's password is DEMO_PASSWORD.
# login, name, role, civility (the role is named in the person's gender)
USERS = (
    ("admin", "Catherine Rossat", "admin", "Mme"),
    ("regisseur", "Jérôme Buttay", "regisseur", "M."),
    ("coordinatrice", "Hélène Mégevand", "coordinator", "Mme"),
    ("agent", "Noémie Favre", "agent", "Mme"),
)
# School year 2026-2027: the birth year of each level.
BIRTH_YEARS = {
    "PS": 2023,
    "MS": 2022,
    "GS": 2021,
    "CP": 2020,
    "CE1": 2019,
    "CE2": 2018,
    "CM1": 2017,
    "CM2": 2016,
}
ALLERGIES = ("Arachide", "Lactose", "Œuf", "Fruits à coque", "Arachide, fruits à coque", "Kiwi")
TREATMENTS = (
    "Ventoline en cas de crise",
    "Antihistaminique (Aerius) en cas de réaction",
    "Stylo d'adrénaline (Anapen) : voir PAI",
    "Insuline : voir protocole du PAI",
)
SHARED_CUSTODY_NOTE = "Garde alternée : semaines paires chez la mère, impaires chez le père."
THIRD_PARTY_RELATIONS = (
    "Grand-mère",
    "Grand-mère",
    "Grand-père",
    "Assistante maternelle",
    "Voisin(e)",
)
OTHER_NOTES = (
    "Dossier papier reçu en mairie.",
    "Nouvelle arrivée dans la commune.",
    "Préfère être contactée par SMS.",
    "Attestation CAF à redemander en janvier.",
)
# Diet key (see family_data.DIETS) -> weight among the families.
DIET_WEIGHTS = {"": 85, "sans_porc": 7, "vegetarien": 6, "sans_gluten": 2}
