//! Static lists the demo draws from: towns, streets, public bodies, services, articles sold.
//! Real French place names, so the demo reads like a real ledger; every identifier built
//! from them (SIRET, IBAN, engagement numbers) is made up.

/// A town: name, postal code, telephone prefix of its area (01 Paris … 05 south-west).
#[derive(Debug, Clone, Copy)]
pub struct Town {
    pub name: &'static str,
    pub postal_code: &'static str,
    pub phone_prefix: &'static str,
}

const fn t(name: &'static str, postal_code: &'static str, phone_prefix: &'static str) -> Town {
    Town {
        name,
        postal_code,
        phone_prefix,
    }
}

#[rustfmt::skip]
pub const TOWNS: &[Town] = &[
    t("Lyon", "69003", "04"), t("Villeurbanne", "69100", "04"), t("Vénissieux", "69200", "04"),
    t("Grenoble", "38000", "04"), t("Échirolles", "38130", "04"), t("Valence", "26000", "04"),
    t("Saint-Étienne", "42000", "04"), t("Annecy", "74000", "04"), t("Chambéry", "73000", "04"),
    t("Clermont-Ferrand", "63000", "04"), t("Bourg-en-Bresse", "01000", "04"), t("Roanne", "42300", "04"),
    t("Vienne", "38200", "04"), t("Montélimar", "26200", "04"), t("Marseille", "13001", "04"),
    t("Aix-en-Provence", "13100", "04"), t("Toulon", "83000", "04"), t("Nice", "06000", "04"),
    t("Avignon", "84000", "04"), t("Arles", "13200", "04"), t("Gap", "05000", "04"),
    t("Nîmes", "30000", "04"), t("Montpellier", "34000", "04"), t("Béziers", "34500", "04"),
    t("Perpignan", "66000", "04"), t("Ajaccio", "20000", "04"), t("Toulouse", "31000", "05"),
    t("Albi", "81000", "05"), t("Montauban", "82000", "05"), t("Tarbes", "65000", "05"),
    t("Pau", "64000", "05"), t("Bayonne", "64100", "05"), t("Bordeaux", "33000", "05"),
    t("Mérignac", "33700", "05"), t("Pessac", "33600", "05"), t("Périgueux", "24000", "05"),
    t("Agen", "47000", "05"), t("Limoges", "87000", "05"), t("Poitiers", "86000", "05"),
    t("La Rochelle", "17000", "05"), t("Angoulême", "16000", "05"), t("Niort", "79000", "05"),
    t("Brive-la-Gaillarde", "19100", "05"), t("Mont-de-Marsan", "40000", "05"), t("Cahors", "46000", "05"),
    t("Rodez", "12000", "05"), t("Nantes", "44000", "02"), t("Saint-Nazaire", "44600", "02"),
    t("Angers", "49000", "02"), t("Le Mans", "72000", "02"), t("Laval", "53000", "02"),
    t("La Roche-sur-Yon", "85000", "02"), t("Rennes", "35000", "02"), t("Brest", "29200", "02"),
    t("Quimper", "29000", "02"), t("Lorient", "56100", "02"), t("Vannes", "56000", "02"),
    t("Saint-Brieuc", "22000", "02"), t("Caen", "14000", "02"), t("Rouen", "76000", "02"),
    t("Le Havre", "76600", "02"), t("Cherbourg-en-Cotentin", "50100", "02"), t("Évreux", "27000", "02"),
    t("Alençon", "61000", "02"), t("Tours", "37000", "02"), t("Orléans", "45000", "02"),
    t("Blois", "41000", "02"), t("Chartres", "28000", "02"), t("Bourges", "18000", "02"),
    t("Châteauroux", "36000", "02"), t("Lille", "59000", "03"), t("Roubaix", "59100", "03"),
    t("Tourcoing", "59200", "03"), t("Dunkerque", "59140", "03"), t("Valenciennes", "59300", "03"),
    t("Arras", "62000", "03"), t("Calais", "62100", "03"), t("Amiens", "80000", "03"),
    t("Beauvais", "60000", "03"), t("Compiègne", "60200", "03"), t("Saint-Quentin", "02100", "03"),
    t("Reims", "51100", "03"), t("Châlons-en-Champagne", "51000", "03"), t("Troyes", "10000", "03"),
    t("Metz", "57000", "03"), t("Nancy", "54000", "03"), t("Épinal", "88000", "03"),
    t("Strasbourg", "67000", "03"), t("Colmar", "68000", "03"), t("Mulhouse", "68100", "03"),
    t("Besançon", "25000", "03"), t("Belfort", "90000", "03"), t("Dijon", "21000", "03"),
    t("Chalon-sur-Saône", "71100", "03"), t("Mâcon", "71000", "03"), t("Auxerre", "89000", "03"),
    t("Nevers", "58000", "03"), t("Charleville-Mézières", "08000", "03"), t("Paris", "75012", "01"),
    t("Boulogne-Billancourt", "92100", "01"), t("Nanterre", "92000", "01"), t("Montreuil", "93100", "01"),
    t("Saint-Denis", "93200", "01"), t("Créteil", "94000", "01"), t("Vitry-sur-Seine", "94400", "01"),
    t("Versailles", "78000", "01"), t("Évry-Courcouronnes", "91000", "01"), t("Cergy", "95000", "01"),
    t("Argenteuil", "95100", "01"), t("Melun", "77000", "01"), t("Meaux", "77100", "01"),
    t("Aubervilliers", "93300", "01"), t("Colombes", "92700", "01"), t("Ivry-sur-Seine", "94200", "01"),
    t("Courbevoie", "92400", "01"), t("Rueil-Malmaison", "92500", "01"), t("Champigny-sur-Marne", "94500", "01"),
    t("Saint-Ouen-sur-Seine", "93400", "01"), t("Saint-Priest", "69800", "04"), t("Bron", "69500", "04"),
    t("Meylan", "38240", "04"), t("Voiron", "38500", "04"), t("Crolles", "38920", "04"),
    t("Romans-sur-Isère", "26100", "04"), t("Aubenas", "07200", "04"), t("Privas", "07000", "04"),
    t("Le Puy-en-Velay", "43000", "04"), t("Aurillac", "15000", "04"), t("Moulins", "03000", "04"),
    t("Vichy", "03200", "04"), t("Montluçon", "03100", "04"), t("Digne-les-Bains", "04000", "04"),
    t("Draguignan", "83300", "04"), t("Fréjus", "83600", "04"), t("Cannes", "06400", "04"),
    t("Antibes", "06600", "04"), t("Sète", "34200", "04"), t("Alès", "30100", "04"),
    t("Carcassonne", "11000", "04"), t("Narbonne", "11100", "04"), t("Foix", "09000", "05"),
    t("Auch", "32000", "05"), t("Castres", "81100", "05"), t("Villefranche-sur-Saône", "69400", "04"),
    t("Thonon-les-Bains", "74200", "04"), t("Annemasse", "74100", "04"), t("Aix-les-Bains", "73100", "04"),
    t("Albertville", "73200", "04"), t("Oyonnax", "01100", "04"), t("Lons-le-Saunier", "39000", "03"),
    t("Dole", "39100", "03"), t("Vesoul", "70000", "03"), t("Chaumont", "52000", "03"),
    t("Bar-le-Duc", "55000", "03"), t("Verdun", "55100", "03"), t("Thionville", "57100", "03"),
    t("Haguenau", "67500", "03"), t("Sélestat", "67600", "03"), t("Laon", "02000", "03"),
    t("Soissons", "02200", "03"), t("Abbeville", "80100", "03"), t("Boulogne-sur-Mer", "62200", "03"),
    t("Lens", "62300", "03"), t("Douai", "59500", "03"), t("Cambrai", "59400", "03"),
    t("Maubeuge", "59600", "03"), t("Lisieux", "14100", "02"), t("Bayeux", "14400", "02"),
    t("Saint-Lô", "50000", "02"), t("Dieppe", "76200", "02"), t("Fécamp", "76400", "02"),
    t("Dreux", "28100", "02"), t("Vendôme", "41100", "02"), t("Amboise", "37400", "02"),
    t("Saumur", "49400", "02"), t("Cholet", "49300", "02"), t("Les Sables-d'Olonne", "85100", "02"),
    t("Fougères", "35300", "02"), t("Saint-Malo", "35400", "02"), t("Vitré", "35500", "02"),
    t("Lannion", "22300", "02"), t("Morlaix", "29600", "02"), t("Pontivy", "56300", "02"),
    t("Guéret", "23000", "05"), t("Tulle", "19000", "05"), t("Bergerac", "24100", "05"),
    t("Arcachon", "33120", "05"), t("Libourne", "33500", "05"), t("Dax", "40100", "05"),
    t("Biarritz", "64200", "05"), t("Lourdes", "65100", "05"), t("Figeac", "46100", "05"),
    t("Millau", "12100", "05"), t("Saintes", "17100", "05"), t("Rochefort", "17300", "05"),
    t("Cognac", "16100", "05"), t("Châtellerault", "86100", "05"), t("Bressuire", "79300", "05"),
];

/// The town of that name; the lists below only name towns of `TOWNS`.
pub fn town(name: &str) -> Town {
    TOWNS
        .iter()
        .copied()
        .find(|t| t.name == name)
        .unwrap_or(TOWNS[0])
}

#[rustfmt::skip]
pub const STREETS: &[&str] = &[
    "rue de la République", "avenue Jean Jaurès", "boulevard Gambetta", "rue Victor Hugo",
    "rue Pasteur", "avenue du Général de Gaulle", "rue du Docteur Roux", "quai Claude Bernard",
    "allée des Tilleuls", "rue des Écoles", "chemin des Vignes", "avenue de la Libération",
    "rue Émile Zola", "place du Marché", "rue Nationale", "rue Lamartine", "avenue Foch",
    "rue du Onze Novembre", "rue Jules Ferry", "rue de la Gare", "avenue Aristide Briand",
    "rue Paul Bert", "rue Voltaire", "cours Gambetta", "rue Carnot", "avenue des Acacias",
    "rue Saint-Exupéry", "rue Marcel Pagnol", "rue du Stade", "route de Lyon", "rue de Verdun",
    "avenue du Maréchal Leclerc", "boulevard Pierre Brossolette", "rue Anatole France",
    "rue de l'Industrie", "avenue de l'Europe", "rue du Président Wilson", "rue Montesquieu",
];

/// A public body of a fixed list: name and town.
pub type Named = (&'static str, &'static str);

#[rustfmt::skip]
pub const UNIVERSITY_HOSPITALS: &[Named] = &[
    ("CHU Grenoble Alpes", "Grenoble"), ("CHU de Rennes", "Rennes"), ("CHU de Bordeaux", "Bordeaux"),
    ("CHU de Nantes", "Nantes"), ("CHU de Toulouse", "Toulouse"), ("CHU de Montpellier", "Montpellier"),
    ("CHU de Lille", "Lille"), ("CHU Dijon Bourgogne", "Dijon"), ("CHU de Clermont-Ferrand", "Clermont-Ferrand"),
    ("CHU de Saint-Étienne", "Saint-Étienne"), ("Hospices civils de Lyon", "Lyon"),
    ("Assistance publique — Hôpitaux de Marseille", "Marseille"), ("CHU de Nice", "Nice"),
    ("CHU de Tours", "Tours"), ("CHU d'Angers", "Angers"), ("CHU de Poitiers", "Poitiers"),
    ("CHU de Limoges", "Limoges"), ("CHU de Reims", "Reims"), ("CHRU de Nancy", "Nancy"),
    ("CHRU de Brest", "Brest"), ("CHU de Caen Normandie", "Caen"), ("CHU de Rouen", "Rouen"),
    ("CHU Amiens-Picardie", "Amiens"), ("CHU de Besançon", "Besançon"), ("CHU de Nîmes", "Nîmes"),
    ("Hôpitaux universitaires de Strasbourg", "Strasbourg"),
];

#[rustfmt::skip]
pub const STATE_SERVICES: &[Named] = &[
    ("Ministère des Armées — DIRISI de Lyon", "Lyon"),
    ("Ministère des Armées — Plateforme achats-finances Sud-Est", "Lyon"),
    ("Ministère des Armées — Base de défense de Grenoble-Annecy-Chambéry", "Grenoble"),
    ("Ministère de l'Intérieur — SGAMI Sud-Est", "Lyon"),
    ("Préfecture de l'Isère", "Grenoble"), ("Préfecture de la Drôme", "Valence"),
    ("Préfecture de la Savoie", "Chambéry"), ("Préfecture de la Gironde", "Bordeaux"),
    ("Ministère de la Justice — Cour d'appel de Grenoble", "Grenoble"),
    ("Ministère de la Justice — Direction interrégionale des services pénitentiaires de Lyon", "Lyon"),
    ("Rectorat de l'académie de Grenoble", "Grenoble"), ("Rectorat de l'académie de Lyon", "Lyon"),
    ("Direction régionale des finances publiques d'Auvergne-Rhône-Alpes", "Lyon"),
    ("Direction départementale des territoires de la Savoie", "Chambéry"),
    ("Ministère de la Culture — DRAC Auvergne-Rhône-Alpes", "Lyon"),
    ("Ministère de l'Agriculture — DRAAF Auvergne-Rhône-Alpes", "Lyon"),
    ("INSEE — Direction régionale Auvergne-Rhône-Alpes", "Lyon"),
    ("Météo-France — Direction interrégionale Centre-Est", "Bron"),
    ("Ministère de la Transition écologique — DREAL Occitanie", "Toulouse"),
    ("Ministère de l'Éducation nationale — Rectorat de l'académie de Bordeaux", "Bordeaux"),
];

#[rustfmt::skip]
pub const UNIVERSITIES: &[Named] = &[
    ("Université Grenoble Alpes", "Grenoble"), ("Université Claude Bernard Lyon 1", "Villeurbanne"),
    ("Université Lumière Lyon 2", "Lyon"), ("Université Jean Moulin Lyon 3", "Lyon"),
    ("Université Savoie Mont Blanc", "Chambéry"), ("Université Jean Monnet Saint-Étienne", "Saint-Étienne"),
    ("Université Clermont Auvergne", "Clermont-Ferrand"), ("Université de Bordeaux", "Bordeaux"),
    ("Université de Rennes", "Rennes"), ("Nantes Université", "Nantes"), ("Université de Lille", "Lille"),
    ("Aix-Marseille Université", "Marseille"), ("Université de Strasbourg", "Strasbourg"),
    ("Université de Montpellier", "Montpellier"), ("INSA Lyon", "Villeurbanne"),
    ("École normale supérieure de Lyon", "Lyon"), ("Université de Poitiers", "Poitiers"),
];

/// Départements: the name's complement (« de l'Isère ») and the prefecture town.
#[rustfmt::skip]
pub const DEPARTEMENTS: &[Named] = &[
    ("de l'Isère", "Grenoble"), ("du Rhône", "Lyon"), ("de la Drôme", "Valence"),
    ("de la Savoie", "Chambéry"), ("de la Haute-Savoie", "Annecy"), ("de l'Ain", "Bourg-en-Bresse"),
    ("de la Loire", "Saint-Étienne"), ("de l'Ardèche", "Privas"), ("du Puy-de-Dôme", "Clermont-Ferrand"),
    ("de la Gironde", "Bordeaux"), ("du Nord", "Lille"), ("des Bouches-du-Rhône", "Marseille"),
    ("de la Haute-Garonne", "Toulouse"), ("d'Ille-et-Vilaine", "Rennes"), ("de Loire-Atlantique", "Nantes"),
    ("du Bas-Rhin", "Strasbourg"), ("de l'Hérault", "Montpellier"), ("du Var", "Toulon"),
    ("de la Côte-d'Or", "Dijon"), ("de la Vienne", "Poitiers"),
];

#[rustfmt::skip]
pub const REGIONS: &[Named] = &[
    ("Région Auvergne-Rhône-Alpes", "Lyon"), ("Région Provence-Alpes-Côte d'Azur", "Marseille"),
    ("Région Occitanie", "Toulouse"), ("Région Nouvelle-Aquitaine", "Bordeaux"),
    ("Région Bretagne", "Rennes"), ("Région Pays de la Loire", "Nantes"),
    ("Région Hauts-de-France", "Lille"), ("Région Grand Est", "Strasbourg"),
    ("Région Bourgogne-Franche-Comté", "Dijon"), ("Région Normandie", "Caen"),
    ("Région Centre-Val de Loire", "Orléans"), ("Région Île-de-France", "Saint-Ouen-sur-Seine"),
];

#[rustfmt::skip]
pub const INTERCOMMUNALITIES: &[Named] = &[
    ("Grenoble-Alpes Métropole", "Grenoble"), ("Métropole de Lyon", "Lyon"),
    ("Bordeaux Métropole", "Bordeaux"), ("Nantes Métropole", "Nantes"),
    ("Toulouse Métropole", "Toulouse"), ("Métropole européenne de Lille", "Lille"),
    ("Eurométropole de Strasbourg", "Strasbourg"), ("Rennes Métropole", "Rennes"),
    ("Montpellier Méditerranée Métropole", "Montpellier"), ("Métropole Nice Côte d'Azur", "Nice"),
    ("Clermont Auvergne Métropole", "Clermont-Ferrand"), ("Saint-Étienne Métropole", "Saint-Étienne"),
    ("Valence Romans Agglo", "Valence"), ("Grand Annecy Agglomération", "Annecy"),
    ("Grand Chambéry", "Chambéry"), ("Communauté d'agglomération du Pays Voironnais", "Voiron"),
    ("Communauté de communes Le Grésivaudan", "Crolles"), ("Vienne Condrieu Agglomération", "Vienne"),
];

#[rustfmt::skip]
pub const SCHOOL_NAMES: &[&str] = &[
    "Jean Moulin", "Victor Hugo", "Marie Curie", "Louise Michel", "Champollion", "Stendhal",
    "Les Eaux-Claires", "Ampère", "du Parc", "Jules Ferry", "Condorcet", "Jean Jaurès",
    "Simone Veil", "Pablo Neruda", "Émile Zola", "Lamartine", "Jacques Prévert",
    "Gustave Eiffel", "Albert Camus", "Paul Éluard", "Aristide Bergès", "Vaucanson",
];

#[rustfmt::skip]
pub const SCHOOL_KINDS: &[&str] = &["Lycée", "Lycée polyvalent", "Lycée professionnel", "Collège"];

#[rustfmt::skip]
pub const CARE_HOME_NAMES: &[&str] = &[
    "Les Tilleuls", "La Roseraie", "Les Glycines", "Le Clos fleuri", "Les Jardins du Parc",
    "La Maison du Lac", "Les Magnolias", "Bellevue", "Les Cèdres", "Le Val Joli", "Les Alpilles",
];

/// Other public bodies: a template where `{}` is « de Lyon », « d'Annecy »… (see `of_town`)
/// or a département complement.
#[rustfmt::skip]
pub const TOWN_BODIES: &[&str] = &[
    "Centre communal d'action sociale {}", "Caisse des écoles {}",
    "Conservatoire à rayonnement départemental {}", "Office de tourisme {}",
    "Syndicat intercommunal des eaux de la région {}",
];

#[rustfmt::skip]
pub const DEPARTEMENT_BODIES: &[&str] = &[
    "Service départemental d'incendie et de secours {}",
    "Centre de gestion de la fonction publique territoriale {}",
    "Archives départementales {}", "Maison départementale des personnes handicapées {}",
];

/// A service: code as the directory holds it, name.
pub type ServiceName = (&'static str, &'static str);

#[rustfmt::skip]
pub const TOWN_SERVICES: &[ServiceName] = &[
    ("SERV-FINANCES", "Service des finances"), ("DSI", "Direction des systèmes d'information"),
    ("SERVICES-TECHNIQUES", "Services techniques"), ("ECOLES", "Service éducation et écoles"),
    ("ACHATS", "Service de la commande publique"), ("RH", "Ressources humaines"),
    ("CULTURE", "Direction de la culture"), ("SPORTS", "Service des sports"),
    ("MEDIATHEQUE", "Médiathèque municipale"), ("POLICE-MUNICIPALE", "Police municipale"),
    ("ETAT-CIVIL", "État civil et population"), ("COMMUNICATION", "Service communication"),
];

#[rustfmt::skip]
pub const HOSPITAL_SERVICES: &[ServiceName] = &[
    ("ACHATS", "Direction des achats"),
    ("DSIO", "Direction du système d'information et de l'organisation"),
    ("PHARMACIE", "Pharmacie à usage intérieur"), ("SERVICES-ECONOMIQUES", "Services économiques"),
    ("LOGISTIQUE", "Direction de la logistique"), ("BIOMEDICAL", "Service biomédical"),
    ("RESTAURATION", "Restauration"), ("DRH", "Direction des ressources humaines"),
    ("TRAVAUX", "Direction des travaux"), ("FORMATION", "Formation continue"),
];

#[rustfmt::skip]
pub const STATE_SERVICE_NAMES: &[ServiceName] = &[
    ("PFAF", "Plateforme achats-finances"), ("DSIC", "Systèmes d'information et de communication"),
    ("BUDGET", "Bureau du budget"), ("LOGISTIQUE", "Bureau de la logistique"),
    ("SAI", "Service achats et immobilier"), ("CSP-CHORUS", "Centre de services partagés"),
    ("DSI", "Service informatique"), ("FORMATION", "Bureau de la formation"),
];

#[rustfmt::skip]
pub const UNIVERSITY_SERVICES: &[ServiceName] = &[
    ("DAF", "Direction des affaires financières"), ("DSI", "Direction du numérique"),
    ("BU", "Bibliothèque universitaire"), ("LABO-INFO", "Laboratoire d'informatique"),
    ("SCOLARITE", "Service de la scolarité"), ("PATRIMOINE", "Direction du patrimoine"),
    ("FORMATION-CONTINUE", "Service de formation continue"), ("UFR-SCIENCES", "UFR Sciences"),
    ("UFR-LETTRES", "UFR Lettres et langues"),
];

#[rustfmt::skip]
pub const TERRITORY_SERVICES: &[ServiceName] = &[
    ("DIR-FINANCES", "Direction des finances"), ("DSI", "Direction des systèmes d'information"),
    ("EDUCATION", "Direction de l'éducation"), ("ROUTES", "Direction des routes"),
    ("SOLIDARITES", "Direction des solidarités"), ("ACHATS", "Direction de la commande publique"),
    ("PATRIMOINE", "Direction du patrimoine"), ("MOBILITES", "Direction des mobilités"),
    ("CULTURE", "Direction de la culture"), ("ARCHIVES", "Archives"),
];

#[rustfmt::skip]
pub const SMALL_BODY_SERVICES: &[ServiceName] = &[
    ("INTENDANCE", "Intendance"), ("GESTION", "Service de gestion"), ("DIRECTION", "Direction"),
    ("CDI", "Centre de documentation et d'information"), ("SECRETARIAT", "Secrétariat"),
    ("ECONOMAT", "Économat"), ("ATELIERS", "Ateliers"),
];

/// Private customers (type PRIVE): not concerned by Chorus Pro, ignored by the checks.
#[rustfmt::skip]
pub const PRIVATE_CUSTOMERS: &[Named] = &[
    ("SAS Boulangeries Martin", "Lyon"), ("Cabinet Durand & Associés", "Grenoble"),
    ("SARL Garage des Alpes", "Chambéry"), ("Pharmacie du Marché", "Voiron"),
    ("Clinique du Parc SAS", "Valence"), ("SCI Les Terrasses", "Annecy"),
    ("Hôtel du Lac SARL", "Aix-les-Bains"), ("Association Les Amis du Vieux Grenoble", "Grenoble"),
    ("Dauphiné Immobilier SAS", "Grenoble"), ("Transports Rey et Fils", "Romans-sur-Isère"),
    ("Étude de Maître Bernard, notaire", "Vienne"), ("Cave coopérative des Coteaux", "Valence"),
    ("Imprimerie Rivoire SARL", "Saint-Étienne"), ("Menuiserie Fabre SARL", "Meylan"),
    ("Librairie du Square", "Grenoble"), ("Agence Horizon Voyages", "Lyon"),
    ("Cabinet médical des Eaux-Claires", "Grenoble"), ("Société alpine de logistique", "Saint-Priest"),
    ("Fromagerie Perrin", "Annecy"), ("Laboratoire Vidal Analyses", "Villeurbanne"),
];

/// VAT treatment of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vat {
    /// 20 %.
    Standard,
    /// 10 % (meals).
    Intermediate,
    /// 5,5 % (books).
    Reduced,
    /// Professional training, exempt under article 261-4-4° of the CGI.
    Exempt,
}

/// What the invoice lines are about; an invoice mostly draws from one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    ItServices,
    Hardware,
    Supplies,
    Training,
}

pub const FAMILIES: &[Family] = &[
    Family::ItServices,
    Family::Hardware,
    Family::Supplies,
    Family::Training,
];

/// An article of the catalogue. Prices in cents; quantities in whole units.
#[derive(Debug, Clone, Copy)]
pub struct Article {
    pub label: &'static str,
    pub unit: &'static str,
    pub min_cents: i64,
    pub max_cents: i64,
    pub min_qty: i64,
    pub max_qty: i64,
    pub vat: Vat,
    pub family: Family,
}

const fn a(
    label: &'static str,
    unit: &'static str,
    price: (i64, i64),
    qty: (i64, i64),
    vat: Vat,
    family: Family,
) -> Article {
    Article {
        label,
        unit,
        min_cents: price.0,
        max_cents: price.1,
        min_qty: qty.0,
        max_qty: qty.1,
        vat,
        family,
    }
}

use Family::{Hardware, ItServices, Supplies, Training};
use Vat::{Exempt, Intermediate, Reduced, Standard};

#[rustfmt::skip]
pub const ARTICLES: &[Article] = &[
    a("Maintenance annuelle du parc informatique", "FORFAIT", (120_000, 960_000), (1, 1), Standard, ItServices),
    a("Contrat de maintenance mensuel — serveurs et réseau", "FORFAIT", (35_000, 180_000), (1, 1), Standard, ItServices),
    a("Intervention d'un technicien sur site", "H", (6_500, 9_500), (1, 16), Standard, ItServices),
    a("Assistance utilisateurs à distance (forfait 10 heures)", "FORFAIT", (55_000, 85_000), (1, 3), Standard, ItServices),
    a("Journée d'ingénieur système", "JOUR", (65_000, 95_000), (1, 10), Standard, ItServices),
    a("Développement spécifique — application de réservation des salles", "JOUR", (55_000, 78_000), (1, 15), Standard, ItServices),
    a("Installation et configuration d'un poste de travail", "U", (4_500, 9_000), (1, 40), Standard, ItServices),
    a("Hébergement et sauvegarde des données (mensuel)", "FORFAIT", (12_000, 90_000), (1, 1), Standard, ItServices),
    a("Audit de sécurité du système d'information", "FORFAIT", (250_000, 900_000), (1, 1), Standard, ItServices),
    a("Déplacement du technicien (forfait zone 2)", "FORFAIT", (3_500, 9_000), (1, 4), Standard, ItServices),
    a("Ordinateur portable 14 pouces, 16 Go, SSD 512 Go", "U", (69_000, 115_000), (1, 25), Standard, Hardware),
    a("Poste de travail fixe avec écran 24 pouces", "U", (78_000, 125_000), (1, 20), Standard, Hardware),
    a("Écran 27 pouces QHD", "U", (21_000, 34_000), (1, 30), Standard, Hardware),
    a("Station d'accueil USB-C", "U", (12_000, 21_000), (1, 25), Standard, Hardware),
    a("Imprimante laser réseau A4", "U", (29_000, 62_000), (1, 6), Standard, Hardware),
    a("Licence antivirus (1 an, par poste)", "U", (1_800, 3_500), (10, 300), Standard, Hardware),
    a("Licence suite bureautique (1 an, par utilisateur)", "U", (6_000, 14_000), (5, 200), Standard, Hardware),
    a("Commutateur réseau 24 ports PoE", "U", (38_000, 89_000), (1, 6), Standard, Hardware),
    a("Câble réseau RJ45 catégorie 6, 3 m", "U", (320, 790), (10, 200), Standard, Hardware),
    a("Clé USB 64 Go", "U", (650, 1_490), (10, 100), Standard, Hardware),
    a("Vidéoprojecteur et support mural", "U", (48_000, 110_000), (1, 8), Standard, Hardware),
    a("Ramettes de papier A4 80 g (carton de 5)", "U", (1_990, 3_150), (5, 120), Standard, Supplies),
    a("Cartouche de toner noir", "U", (4_800, 11_500), (2, 40), Standard, Supplies),
    a("Cartouches d'encre couleur (lot de 3)", "U", (3_900, 8_900), (2, 30), Standard, Supplies),
    a("Fournitures de bureau (lot)", "FORFAIT", (8_500, 65_000), (1, 1), Standard, Supplies),
    a("Classeurs à levier dos 80 mm", "U", (210, 420), (20, 300), Standard, Supplies),
    a("Enveloppes C4 kraft (boîte de 250)", "U", (1_800, 3_400), (2, 40), Standard, Supplies),
    a("Agendas et calendriers 2026", "U", (450, 1_290), (10, 150), Standard, Supplies),
    a("Fauteuil de bureau ergonomique", "U", (18_000, 42_000), (1, 12), Standard, Supplies),
    a("Ouvrage « Guide pratique de la commande publique »", "U", (3_900, 6_900), (1, 20), Reduced, Supplies),
    a("Formation bureautique — tableur (1 jour)", "JOUR", (65_000, 110_000), (1, 5), Exempt, Training),
    a("Formation à la sécurité informatique des agents", "JOUR", (90_000, 140_000), (1, 3), Exempt, Training),
    a("Formation à la dématérialisation des factures", "JOUR", (75_000, 120_000), (1, 3), Exempt, Training),
    a("Manuels de formation imprimés", "U", (1_200, 2_900), (5, 50), Reduced, Training),
    a("Plateaux-repas pour la session de formation", "U", (1_400, 2_400), (5, 40), Intermediate, Training),
    a("Pause café de la réunion de lancement", "FORFAIT", (6_000, 18_000), (1, 1), Intermediate, Training),
];

/// Subjects of public markets, by family.
pub fn market_subject(family: Family) -> &'static [&'static str] {
    match family {
        Family::ItServices => &[
            "Maintenance et assistance informatique",
            "Tierce maintenance applicative",
            "Infogérance du système d'information",
        ],
        Family::Hardware => &[
            "Fourniture de matériel informatique et de logiciels",
            "Acquisition de postes de travail et de périphériques",
        ],
        Family::Supplies => &[
            "Fourniture de papeterie et de consommables d'impression",
            "Fournitures de bureau et petit mobilier",
        ],
        Family::Training => &[
            "Formation des agents aux outils numériques",
            "Accompagnement à la dématérialisation",
        ],
    }
}

/// Text a clerk pasted into the engagement field instead of the number (too long for Chorus).
#[rustfmt::skip]
pub const LONG_ENGAGEMENT_TEMPLATES: &[&str] = &[
    "Bon de commande {} — voir courriel du service demandeur",
    "Engagement {} (commande passée par téléphone, confirmation à venir)",
    "{} / référence interne du service acheteur, à rappeler sur la facture",
];

/// « de Lyon », « d'Annecy », « du Havre », « des Sables-d'Olonne »: the French
/// complement of a place name, elided and contracted as French requires.
pub fn of_town(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        format!("du {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("des {rest}")
    } else if name.starts_with(['A', 'E', 'I', 'O', 'U', 'Y', 'É', 'Â', 'Î']) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// Removes French accents and keeps letters and digits, for e-mail addresses and codes.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let plain = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' | 'Ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        };
        if plain == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(plain);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_towns_exist() {
        let lists: [&[Named]; 7] = [
            UNIVERSITY_HOSPITALS,
            STATE_SERVICES,
            UNIVERSITIES,
            DEPARTEMENTS,
            REGIONS,
            INTERCOMMUNALITIES,
            PRIVATE_CUSTOMERS,
        ];
        for list in lists {
            for (name, town_name) in list {
                assert!(
                    TOWNS.iter().any(|t| t.name == *town_name),
                    "{name}: {town_name}"
                );
            }
        }
        assert_eq!(slug("Saint-Étienne Métropole"), "saint-etienne-metropole");
        assert_eq!(of_town("Ajaccio"), "d'Ajaccio");
        assert_eq!(of_town("Évreux"), "d'Évreux");
        assert_eq!(of_town("Le Havre"), "du Havre");
        assert_eq!(of_town("Les Sables-d'Olonne"), "des Sables-d'Olonne");
        assert_eq!(of_town("La Rochelle"), "de La Rochelle");
        assert_eq!(slug("Les Sables-d'Olonne"), "les-sables-d-olonne");
    }
}
