"""Demonstration catalogue for the professional mesotherapy shop.

Plain data only: brands, ingredients, indications and products (with stock lots)
used to seed a development or demo database. All brands and product names are
invented; any resemblance to real trademarks is unintended.

Conventions:
- ``volume_ml`` is a decimal string (ml per unit), ``price_cents`` an integer for the
  whole pack, in ``currency``.
- ``ingredients`` holds ``(ingredient slug, concentration value, unit)``; value and unit
  are both ``None`` when the maker does not disclose the concentration.
- ``stock`` holds ``(lot number, days until expiry from the seeding day, packs)``;
  a negative number of days is a lot that has already expired.
"""

from __future__ import annotations

from typing import Any

BRANDS: list[dict[str, Any]] = [
    {
        "slug": "dermavera-labs",
        "name": "Dermavera Labs",
        "country": "ES",
        "description": (
            "Dermavera Labs is a Spanish manufacturer of sterile mesotherapy solutions based in "
            "Valencia. Its range covers hyaluronic acid boosters, brightening ampoules, hand "
            "treatments and injection lipolysis solutions, sold to medical professionals only."
        ),
    },
    {
        "slug": "vellanova-farmaceutici",
        "name": "Vellanova Farmaceutici",
        "country": "IT",
        "description": (
            "Vellanova Farmaceutici is an Italian laboratory specialising in polynucleotide and "
            "PDRN injectables produced under GMP conditions. It also supplies peptide and amino "
            "acid solutions for face, neck and décolleté protocols."
        ),
    },
    {
        "slug": "maison-cerule",
        "name": "Maison Cérule",
        "country": "FR",
        "description": (
            "Maison Cérule is a French laboratory known for polyrevitalising cocktails combining "
            "non-cross-linked hyaluronic acid with vitamins, amino acids, coenzymes and nucleic "
            "acids. Its products are distributed exclusively to licensed practitioners."
        ),
    },
    {
        "slug": "hanbit-biolab",
        "name": "Hanbit Biolab",
        "country": "KR",
        "description": (
            "Hanbit Biolab is a South Korean biotechnology company producing skin boosters, PDRN "
            "solutions and targeted ampoules for acne-prone and pigmented skin. Its products are "
            "manufactured in Korea and labelled for the European professional market."
        ),
    },
    {
        "slug": "sanalpe-swiss-lab",
        "name": "Sanalpe Swiss Lab",
        "country": "CH",
        "description": (
            "Sanalpe Swiss Lab develops peptide-based and antioxidant mesotherapy solutions in "
            "Ticino. The range is deliberately small and centred on facial, perioral, neck and "
            "scalp protocols."
        ),
    },
    {
        "slug": "veltheim-pharma",
        "name": "Veltheim Pharma",
        "country": "DE",
        "description": (
            "Veltheim Pharma is a German manufacturer of body mesotherapy solutions, including "
            "injection lipolysis, cellulite, drainage and stretch mark formulations. Every batch "
            "is shipped with a certificate of analysis and detailed instructions for use."
        ),
    },
    {
        "slug": "lusaderm-laboratorios",
        "name": "Lusaderm Laboratórios",
        "country": "PT",
        "description": (
            "Lusaderm Laboratórios is a Portuguese producer of single-active and multi-active "
            "mesotherapy ampoules at accessible prices. Its catalogue covers vitamin cocktails, "
            "acne, skin texture, hair and body indications."
        ),
    },
    {
        "slug": "jinseol-bio",
        "name": "Jinseol Bio",
        "country": "KR",
        "description": (
            "Jinseol Bio is a South Korean company manufacturing polynucleotide injectables and "
            "ampoules for brightening, periorbital and scalp treatments. Its polynucleotides are "
            "purified from salmonid fish DNA."
        ),
    },
]

INGREDIENTS: list[dict[str, Any]] = [
    # Hyaluronic acid
    {
        "slug": "hyaluronic-acid",
        "name": "Hyaluronic acid (non-cross-linked)",
        "kind": "hyaluronic-acid",
        "description": (
            "Linear sodium hyaluronate that binds water in the dermis and is degraded within days "
            "to weeks. It is the hydrating base of most skin boosters and polyrevitalising "
            "cocktails."
        ),
    },
    {
        "slug": "low-molecular-weight-hyaluronic-acid",
        "name": "Hyaluronic acid, low molecular weight",
        "kind": "hyaluronic-acid",
        "description": (
            "Shorter-chain sodium hyaluronate with low viscosity, which spreads easily in thin "
            "skin. Used in periorbital and texture products where a fluid solution is preferred."
        ),
    },
    # Vitamins
    {
        "slug": "vitamin-a",
        "name": "Vitamin A (retinol)",
        "kind": "vitamin",
        "description": (
            "Retinoid involved in keratinocyte differentiation and epidermal renewal. Present in "
            "low amounts in polyrevitalising cocktails; retinoids are avoided in pregnancy."
        ),
    },
    {
        "slug": "vitamin-c",
        "name": "Vitamin C (ascorbic acid)",
        "kind": "vitamin",
        "description": (
            "Water-soluble antioxidant and cofactor of the enzymes that stabilise collagen. It "
            "also inhibits tyrosinase and is used in brightening protocols."
        ),
    },
    {
        "slug": "vitamin-b-complex",
        "name": "Vitamin B complex",
        "kind": "vitamin",
        "description": (
            "Mixture of B-group vitamins (typically B1, B2, B3, B5, B6, B9 and B12) involved in "
            "cellular energy metabolism. Listed as a group when the maker does not disclose "
            "individual amounts."
        ),
    },
    {
        "slug": "vitamin-b3",
        "name": "Vitamin B3 (niacinamide)",
        "kind": "vitamin",
        "description": (
            "Precursor of NAD that supports the skin barrier and reduces the transfer of "
            "melanosomes to keratinocytes. Used in brightening, acne and barrier-repair "
            "formulations."
        ),
    },
    {
        "slug": "dexpanthenol",
        "name": "Dexpanthenol (provitamin B5)",
        "kind": "vitamin",
        "description": (
            "Alcohol analogue of pantothenic acid, converted to vitamin B5 in the skin. Used for "
            "its moisturising and soothing properties in face and scalp solutions."
        ),
    },
    {
        "slug": "vitamin-b6",
        "name": "Vitamin B6 (pyridoxine)",
        "kind": "vitamin",
        "description": (
            "Coenzyme in amino acid metabolism, traditionally included in formulations for oily "
            "and acne-prone skin."
        ),
    },
    {
        "slug": "vitamin-b12",
        "name": "Vitamin B12 (cyanocobalamin)",
        "kind": "vitamin",
        "description": (
            "Cobalt-containing vitamin involved in DNA synthesis and cell renewal. It gives "
            "solutions a characteristic pink-red colour."
        ),
    },
    {
        "slug": "vitamin-e",
        "name": "Vitamin E (tocopherol)",
        "kind": "vitamin",
        "description": (
            "Lipid-soluble antioxidant that protects cell membranes from peroxidation. Present in "
            "small, solubilised amounts in antioxidant cocktails."
        ),
    },
    {
        "slug": "biotin",
        "name": "Biotin (vitamin B7)",
        "kind": "vitamin",
        "description": (
            "Coenzyme of carboxylases involved in keratin production. A standard component of "
            "scalp mesotherapy solutions."
        ),
    },
    {
        "slug": "folic-acid",
        "name": "Folic acid (vitamin B9)",
        "kind": "vitamin",
        "description": (
            "Vitamin required for nucleotide synthesis in rapidly dividing cells such as hair "
            "matrix cells. Used in hair and revitalising formulations."
        ),
    },
    # Amino acids
    {
        "slug": "glycine",
        "name": "Glycine",
        "kind": "amino-acid",
        "description": (
            "The most abundant amino acid in collagen, occupying every third position of its "
            "chain. Supplied as a building block in collagen-supporting formulations."
        ),
    },
    {
        "slug": "l-proline",
        "name": "L-proline",
        "kind": "amino-acid",
        "description": (
            "Amino acid that, with hydroxyproline, stabilises the collagen triple helix. Usually "
            "combined with glycine and L-lysine in skin boosters."
        ),
    },
    {
        "slug": "l-lysine",
        "name": "L-lysine",
        "kind": "amino-acid",
        "description": (
            "Essential amino acid whose hydroxylated form allows cross-linking of collagen fibres. "
            "Found in amino acid boosters and polyrevitalising cocktails."
        ),
    },
    {
        "slug": "l-arginine",
        "name": "L-arginine",
        "kind": "amino-acid",
        "description": (
            "Amino acid precursor of nitric oxide and of proline, involved in microcirculation and "
            "tissue repair. Included in some boosters and body firming solutions."
        ),
    },
    {
        "slug": "l-cysteine",
        "name": "L-cysteine",
        "kind": "amino-acid",
        "description": (
            "Sulphur-containing amino acid that provides the disulphide bonds of hair keratin. "
            "Used in scalp formulations alongside biotin and zinc."
        ),
    },
    # Minerals
    {
        "slug": "zinc",
        "name": "Zinc (gluconate)",
        "kind": "mineral",
        "description": (
            "Trace element involved in wound healing and sebaceous gland regulation. Used in acne "
            "and hair formulations."
        ),
    },
    {
        "slug": "copper",
        "name": "Copper (gluconate)",
        "kind": "mineral",
        "description": (
            "Trace element and cofactor of lysyl oxidase, the enzyme that cross-links collagen and "
            "elastin. Found in small amounts in firming and stretch mark solutions."
        ),
    },
    {
        "slug": "magnesium",
        "name": "Magnesium (chloride)",
        "kind": "mineral",
        "description": (
            "Mineral cofactor of many enzymes of energy metabolism. A common component of the "
            "mineral fraction of revitalising cocktails."
        ),
    },
    {
        "slug": "organic-silicon",
        "name": "Organic silicon (monomethylsilanetriol)",
        "kind": "mineral",
        "description": (
            "Bioavailable form of silicon that is a structural element of connective tissue. Used "
            "in firming, cellulite, neck and stretch mark protocols."
        ),
    },
    {
        "slug": "selenium",
        "name": "Selenium (sodium selenite)",
        "kind": "mineral",
        "description": (
            "Trace element required by the antioxidant enzyme glutathione peroxidase. Present in "
            "small amounts in vitamin and antioxidant cocktails."
        ),
    },
    # Peptides
    {
        "slug": "copper-tripeptide-1",
        "name": "Copper tripeptide-1 (GHK-Cu)",
        "kind": "peptide",
        "description": (
            "Copper complex of the glycyl-histidyl-lysine tripeptide, a signal peptide studied for "
            "tissue remodelling. Used in scalp, scar and firming formulations."
        ),
    },
    {
        "slug": "acetyl-hexapeptide-8",
        "name": "Acetyl hexapeptide-8",
        "kind": "peptide",
        "description": (
            "Synthetic peptide modelled on the N-terminal end of SNAP-25, intended to reduce the "
            "appearance of expression lines. Used in periorbital and perioral solutions."
        ),
    },
    {
        "slug": "palmitoyl-pentapeptide-4",
        "name": "Palmitoyl pentapeptide-4",
        "kind": "peptide",
        "description": (
            "Lipidated fragment of procollagen I that acts as a matrix signal peptide. Used in "
            "anti-ageing peptide complexes."
        ),
    },
    {
        "slug": "oligopeptide-1",
        "name": "sh-Oligopeptide-1 (EGF-like biomimetic peptide)",
        "kind": "peptide",
        "description": (
            "Recombinant peptide with a sequence similar to human epidermal growth factor. "
            "Included in regenerating and post-acne formulations."
        ),
    },
    {
        "slug": "decapeptide",
        "name": "Decapeptide (biomimetic signal peptide)",
        "kind": "peptide",
        "description": (
            "Ten-amino-acid biomimetic peptide designed to imitate the receptor-binding site of a "
            "growth factor. Used in peptide complexes for fine lines and texture."
        ),
    },
    {
        "slug": "acetyl-tetrapeptide-3",
        "name": "Acetyl tetrapeptide-3",
        "kind": "peptide",
        "description": (
            "Signal peptide used in scalp care to support the extracellular matrix around the hair "
            "follicle. Often combined with plant extracts and biotin."
        ),
    },
    {
        "slug": "acetyl-tetrapeptide-5",
        "name": "Acetyl tetrapeptide-5",
        "kind": "peptide",
        "description": (
            "Synthetic peptide used in eye-contour products to limit fluid accumulation and "
            "puffiness. Typically combined with caffeine and low-molecular-weight hyaluronic acid."
        ),
    },
    {
        "slug": "glutathione",
        "name": "Glutathione (reduced)",
        "kind": "peptide",
        "description": (
            "Tripeptide of glutamate, cysteine and glycine and the main intracellular antioxidant. "
            "It shifts melanogenesis towards lighter pheomelanin and is used in brightening "
            "protocols."
        ),
    },
    # Coenzymes
    {
        "slug": "coenzyme-q10",
        "name": "Coenzyme Q10 (ubiquinone)",
        "kind": "coenzyme",
        "description": (
            "Lipid-soluble electron carrier of the mitochondrial respiratory chain with "
            "antioxidant activity. Supplied in solubilised form in antioxidant formulations."
        ),
    },
    {
        "slug": "nad",
        "name": "NAD (nicotinamide adenine dinucleotide)",
        "kind": "coenzyme",
        "description": (
            "Coenzyme of cellular redox reactions and energy production. A classic component of "
            "polyrevitalising cocktails."
        ),
    },
    {
        "slug": "cocarboxylase",
        "name": "Cocarboxylase (thiamine pyrophosphate)",
        "kind": "coenzyme",
        "description": (
            "Active form of vitamin B1, a coenzyme of carbohydrate metabolism. Found in the "
            "coenzyme fraction of revitalising cocktails."
        ),
    },
    # Nucleotides
    {
        "slug": "polynucleotides",
        "name": "Polynucleotides (PN)",
        "kind": "nucleotide",
        "description": (
            "Long-chain, highly purified DNA fragments extracted from salmonid fish gonads. Used "
            "as a viscous biostimulating injectable for thin, lax skin."
        ),
    },
    {
        "slug": "pdrn",
        "name": "PDRN (polydeoxyribonucleotide)",
        "kind": "nucleotide",
        "description": (
            "Mixture of shorter DNA fragments of fish origin that acts on adenosine A2A receptors. "
            "Used in regenerating skin and scalp protocols."
        ),
    },
    {
        "slug": "nucleic-acids",
        "name": "Nucleic acids (deoxyribonucleotides)",
        "kind": "nucleotide",
        "description": (
            "Mononucleotides supplied as building blocks for DNA and RNA synthesis. Included in "
            "small amounts in polyrevitalising cocktails."
        ),
    },
    # Phospholipid
    {
        "slug": "phosphatidylcholine",
        "name": "Phosphatidylcholine (soy-derived)",
        "kind": "phospholipid",
        "description": (
            "Polyunsaturated phospholipid from soybean used in injection lipolysis, usually "
            "solubilised with deoxycholic acid. It acts on adipocyte membranes and emulsifies "
            "released lipids."
        ),
    },
    # Plant extracts
    {
        "slug": "ginkgo-biloba",
        "name": "Ginkgo biloba extract",
        "kind": "plant-extract",
        "description": (
            "Leaf extract rich in flavonoids and terpene lactones, used for its effect on "
            "microcirculation. Found in cellulite, scalp and periorbital solutions."
        ),
    },
    {
        "slug": "centella-asiatica",
        "name": "Centella asiatica extract",
        "kind": "plant-extract",
        "description": (
            "Extract containing asiaticoside and madecassoside, used to support collagen synthesis "
            "and soothe the skin. Common in stretch mark, cellulite and acne formulations."
        ),
    },
    {
        "slug": "artichoke",
        "name": "Artichoke leaf extract (Cynara scolymus)",
        "kind": "plant-extract",
        "description": (
            "Extract containing cynarin and caffeoylquinic acids, traditionally used for its "
            "draining effect. An adjunct in body contouring solutions."
        ),
    },
    {
        "slug": "melilotus",
        "name": "Melilotus officinalis extract",
        "kind": "plant-extract",
        "description": (
            "Sweet clover extract standardised in coumarin, used to support venous and lymphatic "
            "return. Found in drainage and cellulite formulations."
        ),
    },
    {
        "slug": "saw-palmetto",
        "name": "Saw palmetto extract (Serenoa repens)",
        "kind": "plant-extract",
        "description": (
            "Fruit extract reported to inhibit 5-alpha-reductase. Used in scalp solutions for "
            "androgen-related hair thinning."
        ),
    },
    {
        "slug": "green-tea",
        "name": "Green tea extract (Camellia sinensis)",
        "kind": "plant-extract",
        "description": (
            "Extract rich in catechins such as EGCG, used as an antioxidant. Included in "
            "antioxidant and cellulite formulations."
        ),
    },
    {
        "slug": "licorice-extract",
        "name": "Licorice root extract (Glycyrrhiza glabra)",
        "kind": "plant-extract",
        "description": (
            "Root extract containing glabridin, which inhibits tyrosinase. Used in brightening "
            "formulations."
        ),
    },
    # Organic acids
    {
        "slug": "glycolic-acid",
        "name": "Glycolic acid",
        "kind": "organic-acid",
        "description": (
            "The smallest alpha-hydroxy acid, used in low concentration for its effect on skin "
            "texture. Buffered in injectable solutions."
        ),
    },
    {
        "slug": "lactic-acid",
        "name": "Lactic acid",
        "kind": "organic-acid",
        "description": (
            "Alpha-hydroxy acid and natural moisturising factor of the skin. Used in low "
            "concentration in texture and hydrating formulations."
        ),
    },
    {
        "slug": "azelaic-acid",
        "name": "Azelaic acid",
        "kind": "organic-acid",
        "description": (
            "Dicarboxylic acid with antibacterial, anti-inflammatory and tyrosinase-inhibiting "
            "activity. Used in acne and pigmentation formulations."
        ),
    },
    {
        "slug": "alpha-lipoic-acid",
        "name": "Alpha-lipoic acid",
        "kind": "organic-acid",
        "description": (
            "Sulphur-containing fatty acid that acts as an antioxidant and regenerates vitamins C "
            "and E. Used in antioxidant and brightening cocktails."
        ),
    },
    # Lipolytics
    {
        "slug": "deoxycholic-acid",
        "name": "Deoxycholic acid (sodium deoxycholate)",
        "kind": "lipolytic",
        "description": (
            "Secondary bile acid that disrupts adipocyte membranes (adipocytolysis). Used alone or "
            "as the solubiliser of phosphatidylcholine in injection lipolysis."
        ),
    },
    {
        "slug": "caffeine",
        "name": "Caffeine",
        "kind": "lipolytic",
        "description": (
            "Methylxanthine that inhibits phosphodiesterase and so increases cyclic AMP-driven "
            "lipolysis. Used in body contouring, cellulite and eye-contour solutions."
        ),
    },
    # Other
    {
        "slug": "l-carnitine",
        "name": "L-carnitine",
        "kind": "other",
        "description": (
            "Quaternary ammonium compound that carries long-chain fatty acids into the "
            "mitochondria. An adjunct in body contouring formulations."
        ),
    },
    {
        "slug": "dmae",
        "name": "DMAE (dimethylaminoethanol)",
        "kind": "other",
        "description": (
            "Choline precursor used in mesotherapy for a tightening effect on lax skin. Typically "
            "formulated at 1 to 3 percent."
        ),
    },
    {
        "slug": "tranexamic-acid",
        "name": "Tranexamic acid",
        "kind": "other",
        "description": (
            "Synthetic lysine analogue that blocks plasminogen activation in keratinocytes. Used "
            "in low concentration in melasma and hyperpigmentation protocols."
        ),
    },
    {
        "slug": "mannitol",
        "name": "Mannitol",
        "kind": "other",
        "description": (
            "Sugar alcohol that scavenges free radicals. Added to hyaluronic acid solutions to "
            "slow oxidative degradation of the polymer."
        ),
    },
]

INDICATIONS: list[dict[str, Any]] = [
    # Face
    {
        "slug": "fine-lines-and-wrinkles",
        "name": "Fine lines and wrinkles",
        "area": "face",
        "description": (
            "Superficial lines of the forehead, crow's feet and cheeks linked to intrinsic ageing "
            "and sun exposure."
        ),
    },
    {
        "slug": "perioral-lines",
        "name": "Perioral lines",
        "area": "face",
        "description": "Vertical lines of the upper and lower lip and dehydrated perioral skin.",
    },
    {
        "slug": "acne",
        "name": "Acne",
        "area": "face",
        "description": (
            "Mild to moderate inflammatory or comedonal acne with oily, congested skin, treated "
            "outside active flares."
        ),
    },
    {
        "slug": "post-acne-marks-and-scars",
        "name": "Post-acne marks and scars",
        "area": "face",
        "description": (
            "Post-inflammatory marks and shallow atrophic scars left after acne has resolved."
        ),
    },
    {
        "slug": "uneven-skin-texture",
        "name": "Uneven skin texture",
        "area": "face",
        "description": "Rough skin surface with visible pores and irregular microrelief.",
    },
    {
        "slug": "skin-laxity",
        "name": "Skin laxity",
        "area": "face",
        "description": (
            "Mild loss of firmness of the facial skin, especially of the cheeks and jawline, "
            "without marked ptosis."
        ),
    },
    {
        "slug": "loss-of-elasticity",
        "name": "Loss of elasticity",
        "area": "face",
        "description": (
            "Thin skin that recovers slowly after being pinched, typical of photo-aged and mature "
            "skin."
        ),
    },
    {
        "slug": "dull-complexion",
        "name": "Dull complexion",
        "area": "face",
        "description": (
            "Lack of radiance and uneven tone associated with fatigue, smoking or oxidative stress."
        ),
    },
    {
        "slug": "hyperpigmentation",
        "name": "Hyperpigmentation and melasma",
        "area": "face",
        "description": (
            "Solar lentigines, post-inflammatory hyperpigmentation and epidermal or mixed melasma."
        ),
    },
    {
        "slug": "dehydration",
        "name": "Dehydration",
        "area": "face",
        "description": (
            "Skin lacking water, with tightness and fine dehydration lines, independent of skin "
            "type."
        ),
    },
    {
        "slug": "dark-circles",
        "name": "Dark circles",
        "area": "face",
        "description": (
            "Infra-orbital darkening of vascular or pigmentary origin, often with thin skin and "
            "puffiness."
        ),
    },
    # Neck and décolleté
    {
        "slug": "neck-and-decollete-photoageing",
        "name": "Neck and décolleté photo-ageing (crepey skin)",
        "area": "neck-decollete",
        "description": (
            "Thin, crepey and unevenly pigmented skin of the neck and chest caused by cumulative "
            "sun exposure."
        ),
    },
    {
        "slug": "horizontal-neck-lines",
        "name": "Horizontal neck lines",
        "area": "neck-decollete",
        "description": "Transverse lines of the anterior neck that deepen with age and posture.",
    },
    # Body
    {
        "slug": "localised-fat",
        "name": "Localised fat",
        "area": "body",
        "description": (
            "Small, diet-resistant subcutaneous fat deposits such as the abdomen, flanks, inner "
            "thighs, knees or bra line."
        ),
    },
    {
        "slug": "cellulite",
        "name": "Cellulite",
        "area": "body",
        "description": (
            "Dimpled skin of the thighs and buttocks caused by fibrous septa, fat lobules and "
            "impaired microcirculation."
        ),
    },
    {
        "slug": "fluid-retention",
        "name": "Fluid retention",
        "area": "body",
        "description": (
            "Soft, oedematous tissue of the legs and thighs related to slow venous and lymphatic "
            "return."
        ),
    },
    {
        "slug": "stretch-marks",
        "name": "Stretch marks",
        "area": "body",
        "description": (
            "Linear dermal scars (striae rubrae and albae) after pregnancy, weight change or "
            "growth spurts."
        ),
    },
    {
        "slug": "body-skin-laxity",
        "name": "Body skin laxity",
        "area": "body",
        "description": (
            "Loose skin of the inner arms, abdomen, knees and inner thighs, often after weight "
            "loss."
        ),
    },
    # Scalp
    {
        "slug": "hair-thinning",
        "name": "Hair thinning",
        "area": "scalp",
        "description": (
            "Reduced hair density and shaft diameter, including diffuse shedding such as telogen "
            "effluvium."
        ),
    },
    {
        "slug": "hair-loss",
        "name": "Hair loss (androgenetic alopecia)",
        "area": "scalp",
        "description": (
            "Patterned, progressive hair loss in men and women, treated in early to moderate "
            "stages."
        ),
    },
    # Hands
    {
        "slug": "hand-rejuvenation",
        "name": "Hand rejuvenation",
        "area": "hands",
        "description": (
            "Thin, dehydrated skin of the back of the hands with visible tendons and veins."
        ),
    },
]

PRODUCTS: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ Dermavera Labs (ES)
    {
        "sku": "DVL-HA20-5X10",
        "slug": "dermavera-hydra-ha-20",
        "name": "Hydra HA 20",
        "brand": "dermavera-labs",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 14900,
        "currency": "EUR",
        "description": (
            "Sterile solution of non-cross-linked hyaluronic acid at 20 mg/ml with ascorbic acid "
            "and mannitol, intended for intradermal hydration of the face. It is administered by "
            "nappage or superficial papules with a 30G or 32G 4 mm needle, or with a mesogun set "
            "to a shallow depth. A typical protocol is 3 to 4 sessions at 2-week intervals, "
            "followed by maintenance every 3 to 4 months. Each vial is for one patient and one "
            "session; any remaining solution must be discarded."
        ),
        "contraindications": (
            "Do not use during pregnancy or breastfeeding, or in patients with a known "
            "hypersensitivity to hyaluronic acid or ascorbic acid. Postpone treatment in the "
            "presence of active herpes labialis, acne flare or any other infection or inflammation "
            "at the injection site. Use with caution in patients with autoimmune disease and in "
            "those taking anticoagulant or antiplatelet medication."
        ),
        "ingredients": [
            ("hyaluronic-acid", "20", "mg/ml"),
            ("vitamin-c", None, None),
            ("mannitol", None, None),
        ],
        "indications": ["fine-lines-and-wrinkles", "dehydration"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("DVL2611A", 540, 120), ("DVL2703B", 720, 80)],
    },
    {
        "sku": "DVL-EYE-1X3",
        "slug": "dermavera-eye-contour-ha",
        "name": "Eye Contour HA",
        "brand": "dermavera-labs",
        "form": "prefilled-syringe",
        "volume_ml": "1",
        "units_per_pack": 3,
        "price_cents": 12950,
        "currency": "EUR",
        "description": (
            "Low-molecular-weight hyaluronic acid solution with acetyl tetrapeptide-5 and "
            "caffeine, formulated for the thin skin of the infra-orbital and lateral canthal area. "
            "Supplied in 1 ml prefilled syringes for micro-papules with a 32G needle or retrograde "
            "threading with a 25G cannula, staying superficial and respecting the orbital rim. The "
            "usual protocol is 3 sessions 3 weeks apart, then one maintenance session every 6 "
            "months."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding and known allergy to hyaluronic acid, "
            "caffeine or any peptide in the formula. Do not treat in the presence of "
            "conjunctivitis, blepharitis, periocular herpes or other infection, or within 3 months "
            "of eyelid surgery. Patients on anticoagulants have a higher risk of periorbital "
            "bruising; marked festoons or fat herniation are not an indication."
        ),
        "ingredients": [
            ("low-molecular-weight-hyaluronic-acid", "10", "mg/ml"),
            ("acetyl-tetrapeptide-5", None, None),
            ("caffeine", "0.5", "mg/ml"),
        ],
        "indications": ["dark-circles", "fine-lines-and-wrinkles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("DVL2604C", 310, 60), ("DVL2608A", 430, 45)],
    },
    {
        "sku": "DVL-VC100-5X10",
        "slug": "dermavera-lumina-c",
        "name": "Lumina C",
        "brand": "dermavera-labs",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 7990,
        "currency": "EUR",
        "description": (
            "Ascorbic acid at 100 mg/ml with niacinamide in 5 ml glass ampoules, for dull or "
            "unevenly pigmented skin. It is applied by nappage over the whole face or with a "
            "mesogun, and may be alternated with a hyaluronic acid booster in the same programme. "
            "A typical course is 4 to 6 sessions at 1- to 2-week intervals. Ascorbic acid oxidises "
            "once exposed to air, so the ampoule must be used immediately after opening."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients with known hypersensitivity to "
            "ascorbic acid or niacinamide. Avoid in active rosacea, eczema, infection or "
            "inflammation of the treatment area; transient stinging and redness are expected. Use "
            "with caution in patients with a history of oxalate kidney stones or G6PD deficiency."
        ),
        "ingredients": [
            ("vitamin-c", "100", "mg/ml"),
            ("vitamin-b3", None, None),
        ],
        "indications": ["dull-complexion", "hyperpigmentation"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("DVL2503B", -20, 14), ("DVL2609A", 380, 150)],
    },
    {
        "sku": "DVL-TXA-5X5",
        "slug": "dermavera-clarity-tx",
        "name": "Clarity TX",
        "brand": "dermavera-labs",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 5,
        "price_cents": 9450,
        "currency": "EUR",
        "description": (
            "Brightening solution combining tranexamic acid at 4 mg/ml with reduced glutathione "
            "and niacinamide, intended for melasma and post-inflammatory hyperpigmentation. It is "
            "injected as intradermal micro-papules 1 cm apart over the pigmented area or by "
            "nappage, with a 32G 4 mm needle. The usual protocol is 6 to 8 sessions at 2-week "
            "intervals, always combined with daily broad-spectrum sun protection."
        ),
        "contraindications": (
            "Contraindicated in patients with a history of venous or arterial thromboembolism, "
            "active thrombosis or a known thrombophilia, because of the tranexamic acid content. "
            "Do not use in pregnancy, breastfeeding, severe renal impairment or known allergy to "
            "any component. Use with caution in women taking combined hormonal contraception and "
            "postpone treatment in case of inflammation or infection at the site."
        ),
        "ingredients": [
            ("tranexamic-acid", "4", "mg/ml"),
            ("glutathione", "30", "mg/ml"),
            ("vitamin-b3", "2", "%"),
        ],
        "indications": ["hyperpigmentation", "dull-complexion"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("DVL2605B", 260, 90)],
    },
    {
        "sku": "DVL-RVC-5X5",
        "slug": "dermavera-revita-complex",
        "name": "Revita Complex",
        "brand": "dermavera-labs",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 5,
        "price_cents": 18900,
        "currency": "EUR",
        "description": (
            "Polyrevitalising cocktail of non-cross-linked hyaluronic acid (5 mg/ml) with B-group "
            "vitamins, ascorbic acid, amino acids, zinc, NAD and nucleic acids. It is designed for "
            "global revitalisation of the face, and can also be used on the neck. Administration "
            "is by nappage, multiple papules or mesogun, using 2 to 3 ml per session for the face. "
            "An initial course of 4 sessions at 2-week intervals is usually followed by monthly "
            "maintenance."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients allergic to any of the "
            "vitamins, amino acids or other components. Avoid in autoimmune disease, active skin "
            "infection or inflammation at the site, and in patients with a tendency to keloid "
            "scarring. Patients on anticoagulant therapy or with bleeding disorders should be "
            "treated only after medical assessment."
        ),
        "ingredients": [
            ("hyaluronic-acid", "5", "mg/ml"),
            ("vitamin-b-complex", None, None),
            ("vitamin-c", None, None),
            ("glycine", None, None),
            ("l-proline", None, None),
            ("zinc", None, None),
            ("nad", None, None),
            ("nucleic-acids", None, None),
        ],
        "indications": [
            "fine-lines-and-wrinkles",
            "dull-complexion",
            "dehydration",
            "loss-of-elasticity",
        ],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("DVL2606A", 290, 75), ("DVL2610C", 500, 110)],
    },
    {
        "sku": "DVL-LDC-10X5",
        "slug": "dermavera-lipo-dc-contour",
        "name": "Lipo DC Contour",
        "brand": "dermavera-labs",
        "form": "vial",
        "volume_ml": "10",
        "units_per_pack": 5,
        "price_cents": 11900,
        "currency": "EUR",
        "description": (
            "Injection lipolysis solution of deoxycholic acid (10 mg/ml) with phosphatidylcholine "
            "(25 mg/ml) for small localised fat deposits such as the abdomen, flanks, inner "
            "thighs, knees and bra line. It is injected into the subcutaneous fat on a grid of "
            "points 1.5 cm apart with a 30G 13 mm needle, never intradermally. Usually 2 to 4 "
            "sessions are performed 6 to 8 weeks apart, and swelling, redness and tenderness for "
            "several days are expected. The maximum volume per session given in the instructions "
            "for use must not be exceeded."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding, patients under 18, liver or kidney "
            "disease, diabetes, autoimmune disease and active infection at the site. Do not use in "
            "patients with a BMI above 30, as it is not a weight-loss treatment, nor in patients "
            "with soy allergy or known allergy to deoxycholic acid. Patients on anticoagulants, "
            "with bleeding disorders or a history of thromboembolism must not be treated."
        ),
        "ingredients": [
            ("deoxycholic-acid", "10", "mg/ml"),
            ("phosphatidylcholine", "25", "mg/ml"),
        ],
        "indications": ["localised-fat"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("DVL2607B", 330, 40), ("DVL2612A", 560, 60)],
    },
    {
        "sku": "DVL-HND-3X5",
        "slug": "dermavera-hand-renew",
        "name": "Hand Renew",
        "brand": "dermavera-labs",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 11250,
        "currency": "EUR",
        "description": (
            "Hyaluronic acid solution (15 mg/ml) with glycine, L-proline, ascorbic acid and "
            "organic silicon for the thin skin of the back of the hands. It is injected as "
            "intradermal papules 1 cm apart or by nappage with a 30G 4 mm needle, avoiding visible "
            "veins. A course of 3 sessions 3 weeks apart is recommended, with maintenance every 6 "
            "months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients with a known allergy to "
            "hyaluronic acid or other components. Avoid in active hand eczema, infection or wounds "
            "at the site, and in patients with Raynaud's phenomenon or lymphoedema of the arm. Use "
            "with caution in autoimmune disease and in patients on anticoagulant therapy."
        ),
        "ingredients": [
            ("hyaluronic-acid", "15", "mg/ml"),
            ("glycine", None, None),
            ("l-proline", None, None),
            ("vitamin-c", None, None),
            ("organic-silicon", None, None),
        ],
        "indications": ["hand-rejuvenation"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("DVL2608C", 410, 35)],
    },
    # ------------------------------------------------------------------ Vellanova Farmaceutici (IT)
    {
        "sku": "VNF-PN20-2X2",
        "slug": "vellanova-pn-restore-20",
        "name": "PN Restore 20",
        "brand": "vellanova-farmaceutici",
        "form": "prefilled-syringe",
        "volume_ml": "2",
        "units_per_pack": 2,
        "price_cents": 17900,
        "currency": "EUR",
        "description": (
            "Polynucleotide gel at 20 mg/ml with non-cross-linked hyaluronic acid, supplied in 2 "
            "ml prefilled syringes. It is intended for thin, lax facial skin and is injected as "
            "intradermal micro-boluses with a 30G needle or by retrograde threading with a 25G "
            "cannula. The standard protocol is 3 sessions 3 weeks apart, with a maintenance "
            "session every 6 to 9 months."
        ),
        "contraindications": (
            "Contraindicated in patients with a known allergy to fish or fish proteins, since the "
            "polynucleotides are of salmonid origin. Do not use in pregnancy, breastfeeding, "
            "autoimmune disease, or in the presence of infection or inflammation at the site. Use "
            "with caution in patients on anticoagulants or with bleeding disorders."
        ),
        "ingredients": [
            ("polynucleotides", "20", "mg/ml"),
            ("hyaluronic-acid", "8", "mg/ml"),
        ],
        "indications": ["skin-laxity", "loss-of-elasticity", "fine-lines-and-wrinkles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("VNF2609A", 420, 55), ("VNF2702B", 610, 30)],
    },
    {
        "sku": "VNF-PNEYE-1X2",
        "slug": "vellanova-pn-eye-7-5",
        "name": "PN Eye 7.5",
        "brand": "vellanova-farmaceutici",
        "form": "prefilled-syringe",
        "volume_ml": "1",
        "units_per_pack": 2,
        "price_cents": 12400,
        "currency": "EUR",
        "description": (
            "Lower-concentration polynucleotide gel (7.5 mg/ml) with low-molecular-weight "
            "hyaluronic acid for the periorbital area. It is placed by micro-papules with a 32G "
            "needle or by a 25G cannula in the infra-orbital region, keeping injections "
            "superficial. Three sessions 3 to 4 weeks apart are usual, followed by maintenance "
            "twice a year."
        ),
        "contraindications": (
            "Do not use in patients allergic to fish or fish proteins, or to hyaluronic acid. "
            "Contraindicated in pregnancy, breastfeeding, autoimmune disease, conjunctivitis, "
            "blepharitis or other periocular infection. Patients on anticoagulants have an "
            "increased risk of periorbital bruising."
        ),
        "ingredients": [
            ("polynucleotides", "7.5", "mg/ml"),
            ("low-molecular-weight-hyaluronic-acid", "5", "mg/ml"),
        ],
        "indications": ["dark-circles", "fine-lines-and-wrinkles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [],
    },
    {
        "sku": "VNF-PDRN-3X5",
        "slug": "vellanova-pdrn-regen",
        "name": "PDRN Regen",
        "brand": "vellanova-farmaceutici",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 16500,
        "currency": "EUR",
        "description": (
            "PDRN solution (2 mg/ml) with non-cross-linked hyaluronic acid and niacinamide for "
            "skin recovering from acne, lasers or peels. It is injected by nappage or papules with "
            "a 32G 4 mm needle, and can also be applied immediately after microneedling by a "
            "practitioner. A course of 4 sessions at 2-week intervals is typical."
        ),
        "contraindications": (
            "Contraindicated in patients with fish or fish-protein allergy, because the PDRN is "
            "extracted from salmon DNA. Do not use in pregnancy, breastfeeding, active acne flare, "
            "herpes or other infection at the site, or in autoimmune disease. Treat patients with "
            "keloid tendency or on anticoagulants only after individual assessment."
        ),
        "ingredients": [
            ("pdrn", "2", "mg/ml"),
            ("hyaluronic-acid", "5", "mg/ml"),
            ("vitamin-b3", None, None),
        ],
        "indications": ["post-acne-marks-and-scars", "uneven-skin-texture", "loss-of-elasticity"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("VNF2607C", 350, 48)],
    },
    {
        "sku": "VNF-PDRNH-5X5",
        "slug": "vellanova-pdrn-capillary",
        "name": "PDRN Capillary",
        "brand": "vellanova-farmaceutici",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 5,
        "price_cents": 15800,
        "currency": "EUR",
        "description": (
            "Scalp solution combining PDRN with biotin, dexpanthenol and copper tripeptide-1, "
            "intended for thinning hair. It is injected as intradermal papules 1 cm apart along "
            "partings, or by nappage with a mesogun, using about 0.05 ml per point. The usual "
            "protocol is 4 sessions every 2 weeks, then monthly sessions for 3 months."
        ),
        "contraindications": (
            "Contraindicated in fish or fish-protein allergy and known allergy to any component. "
            "Do not use in pregnancy, breastfeeding, scalp psoriasis or seborrhoeic dermatitis in "
            "flare, folliculitis or other scalp infection. Alopecia areata and scarring alopecias "
            "require specialist diagnosis before treatment."
        ),
        "ingredients": [
            ("pdrn", "1", "mg/ml"),
            ("biotin", None, None),
            ("dexpanthenol", None, None),
            ("copper-tripeptide-1", None, None),
        ],
        "indications": ["hair-thinning", "hair-loss"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("VNF2610A", 480, 36), ("VNF2704A", 650, 24)],
    },
    {
        "sku": "VNF-PC8-5X5",
        "slug": "vellanova-peptide-complex-p8",
        "name": "Peptide Complex P8",
        "brand": "vellanova-farmaceutici",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 5,
        "price_cents": 13490,
        "currency": "EUR",
        "description": (
            "Peptide solution containing acetyl hexapeptide-8, palmitoyl pentapeptide-4 and "
            "sh-oligopeptide-1 in a hyaluronic acid and L-arginine base. It is intended for "
            "expression and perioral lines and is applied by papules along the lines or by nappage "
            "with a 32G 4 mm needle. Four sessions 2 weeks apart are usual, with maintenance every "
            "3 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients with known allergy to any "
            "peptide or other component. Avoid in active herpes labialis, infection or "
            "inflammation of the area, and in autoimmune disease. Patients on anticoagulants "
            "should be informed of the increased risk of bruising."
        ),
        "ingredients": [
            ("acetyl-hexapeptide-8", "500", "µg/ml"),
            ("palmitoyl-pentapeptide-4", None, None),
            ("oligopeptide-1", "1", "µg/ml"),
            ("hyaluronic-acid", "10", "mg/ml"),
            ("l-arginine", None, None),
        ],
        "indications": ["fine-lines-and-wrinkles", "perioral-lines", "loss-of-elasticity"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "dentist", "nurse"],
        "active": True,
        "stock": [("VNF2606B", 300, 64), ("VNF2611C", 520, 90)],
    },
    {
        "sku": "VNF-AMD-5X5",
        "slug": "vellanova-amino-decollete",
        "name": "Amino Décolleté",
        "brand": "vellanova-farmaceutici",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 5,
        "price_cents": 10990,
        "currency": "EUR",
        "description": (
            "Amino acid booster with non-cross-linked hyaluronic acid, glycine, L-proline, "
            "L-lysine, ascorbic acid, organic silicon and copper for the neck and décolleté. It is "
            "administered by nappage or small papules 1 cm apart with a 30G 4 mm needle, following "
            "the horizontal neck lines. A course of 4 sessions at 2- to 3-week intervals is "
            "recommended, with maintenance every 4 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component. Avoid in "
            "autoimmune disease and in the presence of infection, inflammation or recent sunburn "
            "at the site. Use with caution in patients on anticoagulant therapy or with a tendency "
            "to keloid scarring on the chest."
        ),
        "ingredients": [
            ("hyaluronic-acid", "10", "mg/ml"),
            ("glycine", None, None),
            ("l-proline", None, None),
            ("l-lysine", None, None),
            ("vitamin-c", None, None),
            ("organic-silicon", None, None),
            ("copper", None, None),
        ],
        "indications": ["neck-and-decollete-photoageing", "horizontal-neck-lines"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("VNF2608B", 400, 70)],
    },
    # ------------------------------------------------------------------ Maison Cérule (FR)
    {
        "sku": "MCR-RV5-3X10",
        "slug": "cerule-revitalisant-5",
        "name": "Cérule Revitalisant 5",
        "brand": "maison-cerule",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 10,
        "price_cents": 23900,
        "currency": "EUR",
        "description": (
            "Polyrevitalising cocktail of non-cross-linked hyaluronic acid (5 mg/ml) with vitamins "
            "A, C, E and B, amino acids, minerals and nucleic acids. It is used for dull, "
            "dehydrated skin of the face and can be applied by nappage, papules or mesogun. An "
            "initial course of 5 sessions at 2-week intervals is usually followed by one session "
            "every 1 to 2 months."
        ),
        "contraindications": (
            "Contraindicated in pregnancy and breastfeeding, in particular because of the retinol "
            "content, and in known allergy to any component. Do not use in the presence of "
            "infection or inflammation at the site or in autoimmune disease. Use with caution in "
            "patients on anticoagulant therapy."
        ),
        "ingredients": [
            ("hyaluronic-acid", "5", "mg/ml"),
            ("vitamin-a", None, None),
            ("vitamin-c", None, None),
            ("vitamin-e", None, None),
            ("vitamin-b-complex", None, None),
            ("l-proline", None, None),
            ("zinc", None, None),
            ("nucleic-acids", None, None),
        ],
        "indications": ["dull-complexion", "fine-lines-and-wrinkles", "dehydration"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("MCR2609A", 450, 120), ("MCR2703A", 690, 200)],
    },
    {
        "sku": "MCR-RV10-3X5",
        "slug": "cerule-revitalisant-10",
        "name": "Cérule Revitalisant 10",
        "brand": "maison-cerule",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 16900,
        "currency": "EUR",
        "description": (
            "Higher-concentration version of the Cérule cocktail with 10 mg/ml non-cross-linked "
            "hyaluronic acid, B vitamins, amino acids, magnesium, coenzymes and nucleic acids. It "
            "is intended for mature skin with loss of firmness and elasticity, and is injected by "
            "papules or micro-boluses with a 30G 4 mm needle. The recommended course is 3 to 5 "
            "sessions 2 to 3 weeks apart, then maintenance every 3 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients with known hypersensitivity to "
            "any component, including thiamine derivatives. Avoid in autoimmune disease, active "
            "skin infection or inflammation at the site, and in patients with keloid tendency. "
            "Patients on anticoagulants or with bleeding disorders should be treated only after "
            "medical assessment."
        ),
        "ingredients": [
            ("hyaluronic-acid", "10", "mg/ml"),
            ("vitamin-b-complex", None, None),
            ("glycine", None, None),
            ("l-lysine", None, None),
            ("magnesium", None, None),
            ("nad", None, None),
            ("cocarboxylase", None, None),
            ("nucleic-acids", None, None),
        ],
        "indications": ["skin-laxity", "loss-of-elasticity", "fine-lines-and-wrinkles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("MCR2608B", 395, 85), ("MCR2702C", 640, 60)],
    },
    {
        "sku": "MCR-ECL-5X10",
        "slug": "cerule-eclat",
        "name": "Cérule Éclat",
        "brand": "maison-cerule",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 12600,
        "currency": "EUR",
        "description": (
            "Antioxidant brightening solution of reduced glutathione (50 mg/ml) with ascorbic acid "
            "and alpha-lipoic acid. It is applied by nappage over the face, neck and décolleté, or "
            "by mesogun. The usual protocol is 6 sessions at weekly to fortnightly intervals, with "
            "strict daily sun protection."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to glutathione, ascorbic acid "
            "or alpha-lipoic acid. Avoid in active inflammation, infection or rosacea flare at the "
            "site. Patients with diabetes on glucose-lowering treatment should be informed that "
            "alpha-lipoic acid may lower blood glucose."
        ),
        "ingredients": [
            ("glutathione", "50", "mg/ml"),
            ("vitamin-c", None, None),
            ("alpha-lipoic-acid", None, None),
        ],
        "indications": ["dull-complexion", "hyperpigmentation"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("MCR2606C", 280, 95)],
    },
    {
        "sku": "MCR-NDC-3X5",
        "slug": "cerule-neck-decollete",
        "name": "Cérule Neck & Décolleté",
        "brand": "maison-cerule",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 13800,
        "currency": "EUR",
        "description": (
            "Firming solution of non-cross-linked hyaluronic acid (15 mg/ml) with DMAE 3%, organic "
            "silicon, glycine and L-proline for the neck and décolleté. It is injected as papules "
            "along and between the horizontal neck lines and by nappage on the décolleté, with a "
            "30G 4 mm needle. Four sessions at 3-week intervals are recommended, with maintenance "
            "every 4 to 6 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to DMAE or other components. "
            "Avoid in patients with epilepsy or bipolar disorder because of the DMAE content, and "
            "in autoimmune disease. Postpone treatment in the presence of infection, inflammation "
            "or sunburn at the site; use with caution on anticoagulants."
        ),
        "ingredients": [
            ("hyaluronic-acid", "15", "mg/ml"),
            ("dmae", "3", "%"),
            ("organic-silicon", None, None),
            ("glycine", None, None),
            ("l-proline", None, None),
        ],
        "indications": ["neck-and-decollete-photoageing", "horizontal-neck-lines"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("MCR2607B", 340, 50), ("MCR2611A", 530, 40)],
    },
    {
        "sku": "MCR-HND-2X5",
        "slug": "cerule-hand-complex",
        "name": "Cérule Hand Complex",
        "brand": "maison-cerule",
        "form": "vial",
        "volume_ml": "2",
        "units_per_pack": 5,
        "price_cents": 8900,
        "currency": "EUR",
        "description": (
            "Hydrating solution of non-cross-linked hyaluronic acid (12 mg/ml) with niacinamide, "
            "ascorbic acid and glycine for the back of the hands. It is applied by papules 1 cm "
            "apart or by nappage with a 30G 4 mm needle, avoiding the superficial veins. A course "
            "of 3 to 4 sessions every 3 weeks is usual."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component. Avoid in "
            "active hand dermatitis, infection or wounds, and in patients with lymphoedema of the "
            "upper limb. Use with caution in patients on anticoagulant therapy or with autoimmune "
            "disease."
        ),
        "ingredients": [
            ("hyaluronic-acid", "12", "mg/ml"),
            ("vitamin-b3", None, None),
            ("vitamin-c", None, None),
            ("glycine", None, None),
        ],
        "indications": ["hand-rejuvenation"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("MCR2607A", 460, 4)],
    },
    {
        "sku": "MCR-RGD-2X10",
        "slug": "cerule-regard",
        "name": "Cérule Regard",
        "brand": "maison-cerule",
        "form": "ampoule",
        "volume_ml": "2",
        "units_per_pack": 10,
        "price_cents": 9800,
        "currency": "EUR",
        "description": (
            "Periorbital solution of low-molecular-weight hyaluronic acid with caffeine, ginkgo "
            "biloba extract and acetyl tetrapeptide-5. It was applied by micro-papules with a 32G "
            "needle in the infra-orbital area, keeping injections superficial. The protocol was 4 "
            "sessions at 2-week intervals. This product has been discontinued by the manufacturer."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients allergic to caffeine, ginkgo or "
            "other components. Avoid in conjunctivitis, blepharitis or periocular infection, and "
            "within 3 months of eyelid surgery. Ginkgo may increase bleeding risk in patients "
            "taking anticoagulant or antiplatelet medication."
        ),
        "ingredients": [
            ("low-molecular-weight-hyaluronic-acid", "8", "mg/ml"),
            ("caffeine", None, None),
            ("ginkgo-biloba", None, None),
            ("acetyl-tetrapeptide-5", None, None),
        ],
        "indications": ["dark-circles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": False,
        "stock": [],
    },
    # ------------------------------------------------------------------ Hanbit Biolab (KR)
    {
        "sku": "HBL-PDRN-2X5",
        "slug": "hanbit-pdrn-booster",
        "name": "Hanbit PDRN Booster",
        "brand": "hanbit-biolab",
        "form": "vial",
        "volume_ml": "2",
        "units_per_pack": 5,
        "price_cents": 13900,
        "currency": "EUR",
        "description": (
            "Salmon-derived PDRN (2.5 mg/ml) with non-cross-linked hyaluronic acid and "
            "niacinamide, intended as a regenerating skin booster. It is injected by micro-boluses "
            "with a 32G 4 mm needle or with a mesogun, using one 2 ml vial for the full face. A "
            "course of 3 to 4 sessions at 2- to 3-week intervals is usual."
        ),
        "contraindications": (
            "Contraindicated in patients allergic to fish or fish proteins, as PDRN is extracted "
            "from salmon DNA. Do not use in pregnancy, breastfeeding, autoimmune disease or in the "
            "presence of infection or inflammation at the site. Use with caution in patients on "
            "anticoagulants or with keloid tendency."
        ),
        "ingredients": [
            ("pdrn", "2.5", "mg/ml"),
            ("hyaluronic-acid", "10", "mg/ml"),
            ("vitamin-b3", None, None),
        ],
        "indications": ["loss-of-elasticity", "uneven-skin-texture", "dehydration"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("HBL2608A", 420, 80), ("HBL2701B", 590, 100)],
    },
    {
        "sku": "HBL-ACC-5X10",
        "slug": "hanbit-ac-clear",
        "name": "Hanbit AC Clear",
        "brand": "hanbit-biolab",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 8450,
        "currency": "EUR",
        "description": (
            "Ampoule for oily, acne-prone skin combining zinc, azelaic acid, niacinamide and "
            "centella asiatica extract. It is applied by nappage over the affected areas with a "
            "32G needle, avoiding open pustules. The usual protocol is 4 to 6 sessions every 1 to "
            "2 weeks, alongside the patient's topical or systemic acne treatment where prescribed."
        ),
        "contraindications": (
            "Do not inject into active pustular or nodulocystic lesions, and do not use in "
            "pregnancy, breastfeeding or known allergy to any component. Patients taking oral "
            "isotretinoin should wait until 6 months after the end of treatment. Avoid in perioral "
            "dermatitis, herpes or other infection at the site."
        ),
        "ingredients": [
            ("zinc", "0.5", "mg/ml"),
            ("azelaic-acid", "0.2", "%"),
            ("vitamin-b3", "2", "%"),
            ("centella-asiatica", None, None),
        ],
        "indications": ["acne", "post-acne-marks-and-scars"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("HBL2503C", -15, 22), ("HBL2609B", 440, 130)],
    },
    {
        "sku": "HBL-RTX-3X5",
        "slug": "hanbit-re-texture",
        "name": "Hanbit Re-Texture",
        "brand": "hanbit-biolab",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 14200,
        "currency": "EUR",
        "description": (
            "Solution for post-acne marks and shallow scars combining low-molecular-weight "
            "hyaluronic acid, sh-oligopeptide-1, copper tripeptide-1, centella asiatica and "
            "niacinamide. It is injected as papules directly under atrophic scars and by nappage "
            "over the surrounding skin, with a 32G 4 mm needle. A course of 4 to 6 sessions at "
            "2-week intervals is typical and it may be alternated with fractional procedures."
        ),
        "contraindications": (
            "Do not use while acne is active, during oral isotretinoin treatment or within 6 "
            "months of stopping it. Contraindicated in pregnancy, breastfeeding, known allergy to "
            "any component and infection at the site. Patients with keloid or hypertrophic "
            "scarring tendency should not be treated."
        ),
        "ingredients": [
            ("low-molecular-weight-hyaluronic-acid", "10", "mg/ml"),
            ("oligopeptide-1", None, None),
            ("copper-tripeptide-1", None, None),
            ("centella-asiatica", None, None),
            ("vitamin-b3", None, None),
        ],
        "indications": ["post-acne-marks-and-scars", "uneven-skin-texture"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("HBL2606C", 270, 45), ("HBL2610A", 470, 55)],
    },
    {
        "sku": "HBL-HRP-5X10",
        "slug": "hanbit-hair-peptide",
        "name": "Hanbit Hair Peptide",
        "brand": "hanbit-biolab",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 16900,
        "currency": "EUR",
        "description": (
            "Scalp solution with acetyl tetrapeptide-3, copper tripeptide-1, biotin, dexpanthenol "
            "and zinc for thinning hair. It is applied by nappage or papules over the thinning "
            "areas with a 30G 4 mm needle or a mesogun, about 2 to 3 ml per session. The "
            "recommended protocol is 1 session per week for 4 weeks, then every 2 weeks for 2 "
            "months and monthly maintenance."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to copper, peptides or other "
            "components. Avoid in folliculitis, scalp psoriasis or seborrhoeic dermatitis in "
            "flare, and in Wilson's disease. Alopecia areata and scarring alopecias require "
            "specialist diagnosis before treatment."
        ),
        "ingredients": [
            ("acetyl-tetrapeptide-3", None, None),
            ("copper-tripeptide-1", "100", "µg/ml"),
            ("biotin", "0.5", "mg/ml"),
            ("dexpanthenol", None, None),
            ("zinc", None, None),
        ],
        "indications": ["hair-thinning", "hair-loss"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("HBL2607A", 320, 60), ("HBL2612B", 560, 75)],
    },
    {
        "sku": "HBL-GLT-5X10",
        "slug": "hanbit-glow-tone",
        "name": "Hanbit Glow Tone",
        "brand": "hanbit-biolab",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 11400,
        "currency": "EUR",
        "description": (
            "Brightening ampoule with reduced glutathione, tranexamic acid, ascorbic acid, "
            "niacinamide and licorice root extract. It is applied by nappage or mesogun over the "
            "whole face, with papules on localised pigmented areas. A course of 6 to 8 sessions at "
            "1- to 2-week intervals is usual, combined with daily sun protection."
        ),
        "contraindications": (
            "Contraindicated in patients with a history of thromboembolism or thrombophilia "
            "because of the tranexamic acid content. Do not use in pregnancy, breastfeeding or "
            "known allergy to any component, including licorice. Postpone treatment in case of "
            "infection, inflammation or recent sunburn at the site."
        ),
        "ingredients": [
            ("glutathione", None, None),
            ("tranexamic-acid", "3", "mg/ml"),
            ("vitamin-c", None, None),
            ("vitamin-b3", None, None),
            ("licorice-extract", None, None),
        ],
        "indications": ["hyperpigmentation", "dull-complexion"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("HBL2608C", 380, 140)],
    },
    {
        "sku": "HBL-AQB-2X3",
        "slug": "hanbit-aqua-booster",
        "name": "Hanbit Aqua Booster",
        "brand": "hanbit-biolab",
        "form": "prefilled-syringe",
        "volume_ml": "2",
        "units_per_pack": 3,
        "price_cents": 14800,
        "currency": "EUR",
        "description": (
            "Skin booster in 2 ml prefilled syringes combining non-cross-linked hyaluronic acid "
            "(12 mg/ml) with low-molecular-weight hyaluronic acid and dexpanthenol. It is designed "
            "for dehydrated skin and is injected as micro-boluses 1 cm apart with a 32G 4 mm "
            "needle, or through an injector device. Three sessions 3 to 4 weeks apart are "
            "recommended, then maintenance every 4 to 6 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to hyaluronic acid or "
            "dexpanthenol. Avoid in active herpes, acne flare, infection or inflammation at the "
            "site, and in autoimmune disease. Use with caution in patients on anticoagulant "
            "therapy."
        ),
        "ingredients": [
            ("hyaluronic-acid", "12", "mg/ml"),
            ("low-molecular-weight-hyaluronic-acid", None, None),
            ("dexpanthenol", None, None),
        ],
        "indications": ["dehydration", "uneven-skin-texture", "fine-lines-and-wrinkles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "dentist", "nurse"],
        "active": True,
        "stock": [("HBL2609C", 460, 70)],
    },
    {
        "sku": "HBL-DCA-5X10",
        "slug": "hanbit-lipo-dca",
        "name": "Hanbit Lipo DCA",
        "brand": "hanbit-biolab",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 12900,
        "currency": "EUR",
        "description": (
            "Deoxycholic acid solution (5 mg/ml) with L-carnitine and caffeine for small localised "
            "fat deposits of the body. It is injected into subcutaneous fat on a grid of points 1 "
            "to 1.5 cm apart with a 30G 13 mm needle, avoiding superficial placement. Typically 3 "
            "sessions are performed 4 to 6 weeks apart; oedema and tenderness lasting several days "
            "are expected."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding, patients under 18, liver disease, kidney "
            "disease, diabetes and autoimmune disease. Do not treat patients with a BMI above 30, "
            "infection or inflammation at the site, or known allergy to any component. "
            "Anticoagulant therapy, bleeding disorders and a history of thromboembolism are "
            "contraindications."
        ),
        "ingredients": [
            ("deoxycholic-acid", "5", "mg/ml"),
            ("l-carnitine", None, None),
            ("caffeine", None, None),
        ],
        "indications": ["localised-fat"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("HBL2607B", 300, 35), ("HBL2611A", 510, 50)],
    },
    # ------------------------------------------------------------------ Sanalpe Swiss Lab (CH)
    {
        "sku": "SSL-Q10-3X5",
        "slug": "sanalpe-q10-revital",
        "name": "Q10 Revital",
        "brand": "sanalpe-swiss-lab",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 19800,
        "currency": "EUR",
        "description": (
            "Antioxidant solution of solubilised coenzyme Q10 with tocopherol, alpha-lipoic acid "
            "and green tea extract in a 10 mg/ml hyaluronic acid base. It is intended for "
            "photo-exposed, tired-looking skin, including smokers' skin, and is applied by nappage "
            "or papules. Four sessions at 2-week intervals are usual, followed by a session every "
            "2 to 3 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component. Patients "
            "with diabetes on glucose-lowering treatment should be informed that alpha-lipoic acid "
            "may lower blood glucose. Avoid in infection or inflammation at the site and use with "
            "caution in patients on warfarin, as coenzyme Q10 may interfere with its effect."
        ),
        "ingredients": [
            ("coenzyme-q10", "0.5", "mg/ml"),
            ("vitamin-e", "10", "IU/ml"),
            ("alpha-lipoic-acid", None, None),
            ("green-tea", None, None),
            ("hyaluronic-acid", "10", "mg/ml"),
        ],
        "indications": ["fine-lines-and-wrinkles", "dull-complexion", "loss-of-elasticity"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("SSL2608A", 400, 40), ("SSL2703C", 700, 30)],
    },
    {
        "sku": "SSL-PMX-2P5X10",
        "slug": "sanalpe-peptide-matrix",
        "name": "Peptide Matrix",
        "brand": "sanalpe-swiss-lab",
        "form": "ampoule",
        "volume_ml": "2.5",
        "units_per_pack": 10,
        "price_cents": 38900,
        "currency": "EUR",
        "description": (
            "Peptide complex of palmitoyl pentapeptide-4, acetyl hexapeptide-8, sh-oligopeptide-1 "
            "and a biomimetic decapeptide in non-cross-linked hyaluronic acid. It is intended for "
            "mature skin with fine lines and reduced firmness and is applied by papules or nappage "
            "with a 32G 4 mm needle. The recommended protocol is 4 to 6 sessions at 2-week "
            "intervals, then maintenance every 2 to 3 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients with known allergy to peptides "
            "or other components. Avoid in autoimmune disease, active infection or inflammation at "
            "the site and history of skin cancer in the treatment area. Use with caution in "
            "patients on anticoagulant therapy."
        ),
        "ingredients": [
            ("palmitoyl-pentapeptide-4", None, None),
            ("acetyl-hexapeptide-8", None, None),
            ("oligopeptide-1", None, None),
            ("decapeptide", None, None),
            ("hyaluronic-acid", "10", "mg/ml"),
        ],
        "indications": ["fine-lines-and-wrinkles", "loss-of-elasticity", "skin-laxity"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("SSL2609B", 450, 25), ("SSL2702A", 620, 20)],
    },
    {
        "sku": "SSL-PRL-1X2",
        "slug": "sanalpe-perioral-peptide",
        "name": "Perioral Peptide",
        "brand": "sanalpe-swiss-lab",
        "form": "prefilled-syringe",
        "volume_ml": "1",
        "units_per_pack": 2,
        "price_cents": 11900,
        "currency": "EUR",
        "description": (
            "Prefilled syringe of non-cross-linked hyaluronic acid (15 mg/ml) with acetyl "
            "hexapeptide-8 and dexpanthenol for the perioral area. It is injected as micro-papules "
            "along vertical lip lines and by nappage over the perioral skin with a 32G 4 mm "
            "needle. Three sessions 3 weeks apart are usual, followed by maintenance every 4 to 6 "
            "months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to hyaluronic acid, peptides "
            "or dexpanthenol. Do not treat during active herpes labialis or perioral dermatitis; "
            "patients with recurrent herpes may need antiviral prophylaxis. Avoid within 2 weeks "
            "of dental procedures involving the lip area and use with caution on anticoagulants."
        ),
        "ingredients": [
            ("hyaluronic-acid", "15", "mg/ml"),
            ("acetyl-hexapeptide-8", None, None),
            ("dexpanthenol", None, None),
        ],
        "indications": ["perioral-lines", "fine-lines-and-wrinkles", "dehydration"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "dentist", "nurse"],
        "active": True,
        "stock": [("SSL2609A", 390, 3)],
    },
    {
        "sku": "SSL-NCK-3X5",
        "slug": "sanalpe-neck-renew",
        "name": "Neck Renew",
        "brand": "sanalpe-swiss-lab",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 17600,
        "currency": "EUR",
        "description": (
            "Neck solution combining non-cross-linked hyaluronic acid (12 mg/ml), DMAE, copper "
            "tripeptide-1 and organic silicon. It is injected as papules along horizontal neck "
            "lines and by nappage on the neck and décolleté with a 30G 4 mm needle. A course of 4 "
            "sessions every 3 weeks is recommended, with maintenance every 4 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component, including "
            "copper. Avoid in patients with epilepsy or bipolar disorder because of the DMAE "
            "content, and in autoimmune disease. Postpone treatment in the presence of infection "
            "or inflammation at the site and use with caution on anticoagulants."
        ),
        "ingredients": [
            ("hyaluronic-acid", "12", "mg/ml"),
            ("dmae", "2", "%"),
            ("copper-tripeptide-1", None, None),
            ("organic-silicon", None, None),
        ],
        "indications": ["neck-and-decollete-photoageing", "horizontal-neck-lines"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("SSL2607C", 330, 28)],
    },
    {
        "sku": "SSL-HA18-3X5",
        "slug": "sanalpe-biorevital-ha-18",
        "name": "Biorevital HA 18",
        "brand": "sanalpe-swiss-lab",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 15900,
        "currency": "EUR",
        "description": (
            "Skin booster of non-cross-linked hyaluronic acid at 18 mg/ml with glycine, L-proline, "
            "L-lysine and L-arginine. It is used for the face and perioral area and is injected as "
            "micro-boluses with a 30G 4 mm needle or by retrograde threading with a 25G cannula. "
            "The usual course is 3 to 4 sessions at 2- to 3-week intervals, with maintenance every "
            "4 to 6 months."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known hypersensitivity to hyaluronic acid "
            "or amino acids. Avoid in active herpes labialis, infection or inflammation at the "
            "site, and in autoimmune disease. Use with caution in patients on anticoagulant "
            "therapy or with a tendency to hypertrophic scarring."
        ),
        "ingredients": [
            ("hyaluronic-acid", "18", "mg/ml"),
            ("glycine", None, None),
            ("l-proline", None, None),
            ("l-lysine", None, None),
            ("l-arginine", None, None),
        ],
        "indications": ["skin-laxity", "fine-lines-and-wrinkles", "dehydration", "perioral-lines"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "dentist", "nurse"],
        "active": True,
        "stock": [("SSL2608B", 410, 45), ("SSL2612A", 580, 35)],
    },
    {
        "sku": "SSL-CAP-5X10",
        "slug": "sanalpe-capillaire",
        "name": "Capillaire",
        "brand": "sanalpe-swiss-lab",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 13200,
        "currency": "EUR",
        "description": (
            "Scalp ampoule combining ginkgo biloba and saw palmetto extracts with biotin, zinc, B "
            "vitamins and dexpanthenol. It is applied by nappage or papules 1 cm apart over the "
            "thinning areas with a 30G 4 mm needle or a mesogun. The usual protocol is 6 to 8 "
            "sessions every 2 weeks, then monthly maintenance."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding and in women planning pregnancy, because "
            "saw palmetto has anti-androgenic activity. Ginkgo may increase bleeding risk in "
            "patients on anticoagulant or antiplatelet medication. Do not use in folliculitis or "
            "other scalp infection, or in known allergy to any component."
        ),
        "ingredients": [
            ("ginkgo-biloba", None, None),
            ("saw-palmetto", None, None),
            ("biotin", None, None),
            ("zinc", None, None),
            ("vitamin-b-complex", None, None),
            ("dexpanthenol", None, None),
        ],
        "indications": ["hair-thinning", "hair-loss"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("SSL2606B", 250, 60), ("SSL2610C", 490, 80)],
    },
    # ------------------------------------------------------------------ Veltheim Pharma (DE)
    {
        "sku": "VTP-PCDC-5X10",
        "slug": "veltheim-lipo-pc-dc",
        "name": "Lipo PC-DC 5/2.4",
        "brand": "veltheim-pharma",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 9890,
        "currency": "EUR",
        "description": (
            "Injection lipolysis solution of soy phosphatidylcholine 5% solubilised with "
            "deoxycholic acid 2.4%. It is injected into the subcutaneous fat of the abdomen, "
            "flanks, thighs or upper arms on a 1.5 cm grid with a 30G 13 mm needle. Two to four "
            "sessions 6 to 8 weeks apart are usual; local swelling, burning and bruising are "
            "expected. Do not exceed the maximum number of ampoules per session stated in the "
            "instructions for use."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding, patients under 18, liver or kidney "
            "disease, diabetes, autoimmune disease and known allergy to soy or any component. Do "
            "not treat patients with a BMI above 30, active infection at the site, or a history of "
            "thromboembolism. Anticoagulant therapy and bleeding disorders are contraindications."
        ),
        "ingredients": [
            ("phosphatidylcholine", "50", "mg/ml"),
            ("deoxycholic-acid", "24", "mg/ml"),
        ],
        "indications": ["localised-fat"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("VTP2607A", 310, 90), ("VTP2611B", 540, 120), ("VTP2703A", 720, 60)],
    },
    {
        "sku": "VTP-LCP-10X5",
        "slug": "veltheim-lipo-carnitine-plus",
        "name": "Lipo Carnitine Plus",
        "brand": "veltheim-pharma",
        "form": "vial",
        "volume_ml": "10",
        "units_per_pack": 5,
        "price_cents": 12450,
        "currency": "EUR",
        "description": (
            "Body contouring solution combining phosphatidylcholine and deoxycholic acid with "
            "L-carnitine, caffeine and artichoke leaf extract. It is intended for localised fat "
            "with associated cellulite of the thighs, hips and abdomen. Injection is into the "
            "subcutaneous tissue with a 30G 13 mm needle on a 1.5 to 2 cm grid, and 3 to 4 "
            "sessions 4 to 6 weeks apart are usual."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding, patients under 18, liver disease, kidney "
            "disease, diabetes, thyroid disease and autoimmune disease. Do not use in patients "
            "with a BMI above 30, known allergy to soy, caffeine or any component, or infection at "
            "the site. Anticoagulant therapy, bleeding disorders, cardiac arrhythmia and a history "
            "of thromboembolism are contraindications."
        ),
        "ingredients": [
            ("phosphatidylcholine", None, None),
            ("deoxycholic-acid", None, None),
            ("l-carnitine", "100", "mg/ml"),
            ("caffeine", "20", "mg/ml"),
            ("artichoke", None, None),
        ],
        "indications": ["localised-fat", "cellulite"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("VTP2608C", 390, 45)],
    },
    {
        "sku": "VTP-CDR-10X10",
        "slug": "veltheim-cellu-drain",
        "name": "Cellu Drain",
        "brand": "veltheim-pharma",
        "form": "vial",
        "volume_ml": "10",
        "units_per_pack": 10,
        "price_cents": 14750,
        "currency": "EUR",
        "description": (
            "Cellulite and drainage solution combining Melilotus officinalis, centella asiatica "
            "and ginkgo biloba extracts with caffeine and organic silicon. It is applied by "
            "nappage or mesogun to the thighs and buttocks, with superficial papules on dimpled "
            "areas, using up to 10 ml per session. A course of 8 to 10 weekly sessions is usual, "
            "ideally combined with manual lymphatic drainage."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component, including "
            "coumarin-containing plants. Contraindicated in patients on anticoagulant therapy, "
            "with bleeding disorders, varicose veins with phlebitis or a history of deep vein "
            "thrombosis. Avoid in active infection or inflammation of the treatment area and in "
            "severe cardiac or renal disease."
        ),
        "ingredients": [
            ("melilotus", None, None),
            ("centella-asiatica", None, None),
            ("ginkgo-biloba", None, None),
            ("caffeine", "10", "mg/ml"),
            ("organic-silicon", "0.5", "%"),
        ],
        "indications": ["cellulite", "fluid-retention"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("VTP2504A", -30, 18), ("VTP2609B", 430, 110)],
    },
    {
        "sku": "VTP-STR-5X5",
        "slug": "veltheim-stria-repair",
        "name": "Stria Repair",
        "brand": "veltheim-pharma",
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": 5,
        "price_cents": 12980,
        "currency": "EUR",
        "description": (
            "Stretch mark solution of non-cross-linked hyaluronic acid (10 mg/ml) with organic "
            "silicon, centella asiatica, glycine, L-proline, ascorbic acid and copper "
            "tripeptide-1. It is injected intradermally along the stria by retrograde linear "
            "threading or closely spaced papules with a 30G 4 mm needle. Recent, red striae "
            "respond best; 6 sessions at 2- to 3-week intervals are usual."
        ),
        "contraindications": (
            "Do not use during pregnancy or breastfeeding; postpartum striae are treated after the "
            "end of breastfeeding. Contraindicated in known allergy to any component, infection at "
            "the site and patients with keloid tendency. Use with caution in patients on "
            "anticoagulants or on long-term systemic corticosteroids."
        ),
        "ingredients": [
            ("hyaluronic-acid", "10", "mg/ml"),
            ("organic-silicon", None, None),
            ("centella-asiatica", None, None),
            ("glycine", None, None),
            ("l-proline", None, None),
            ("vitamin-c", None, None),
            ("copper-tripeptide-1", None, None),
        ],
        "indications": ["stretch-marks", "body-skin-laxity"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("VTP2607C", 350, 40), ("VTP2612C", 600, 55)],
    },
    {
        "sku": "VTP-BFM-5X10",
        "slug": "veltheim-body-firm",
        "name": "Body Firm",
        "brand": "veltheim-pharma",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 10400,
        "currency": "EUR",
        "description": (
            "Firming body solution of DMAE 3% with organic silicon, non-cross-linked hyaluronic "
            "acid, L-arginine and L-lysine. It is intended for lax skin of the inner arms, "
            "abdomen, knees and inner thighs, often after weight loss. Application is by nappage "
            "or papules with a 30G 4 mm needle or a mesogun, in 6 to 8 sessions every 2 weeks."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients with known allergy to DMAE or "
            "other components. Avoid in patients with epilepsy or bipolar disorder because of the "
            "DMAE content. Postpone treatment in case of infection or inflammation at the site and "
            "use with caution on anticoagulants."
        ),
        "ingredients": [
            ("dmae", "3", "%"),
            ("organic-silicon", None, None),
            ("hyaluronic-acid", None, None),
            ("l-arginine", None, None),
            ("l-lysine", None, None),
        ],
        "indications": ["body-skin-laxity", "stretch-marks"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("VTP2608A", 370, 65)],
    },
    {
        "sku": "VTP-CCA-5X20",
        "slug": "veltheim-caffeine-carnitine",
        "name": "Caffeine Carnitine",
        "brand": "veltheim-pharma",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 20,
        "price_cents": 8900,
        "currency": "EUR",
        "description": (
            "Body solution without bile acids or phospholipids, combining caffeine (25 mg/ml), "
            "L-carnitine and artichoke leaf extract. It is applied by nappage or mesogun to the "
            "thighs, hips and abdomen, with superficial papules on localised areas. A course of 8 "
            "to 10 weekly sessions is usual, as part of a programme including diet and exercise."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to caffeine, artichoke or "
            "other plants of the Asteraceae family. Avoid in patients with cardiac arrhythmia, "
            "uncontrolled hypertension or hyperthyroidism. Postpone treatment in case of infection "
            "or inflammation at the site."
        ),
        "ingredients": [
            ("caffeine", "25", "mg/ml"),
            ("l-carnitine", None, None),
            ("artichoke", None, None),
        ],
        "indications": ["localised-fat", "cellulite", "fluid-retention"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("VTP2606A", 240, 150), ("VTP2610A", 500, 200)],
    },
    # ------------------------------------------------------------------ Lusaderm Laboratórios (PT)
    {
        "sku": "LUS-VTC-5X10",
        "slug": "lusaderm-vitamin-complex",
        "name": "Vitamin Complex",
        "brand": "lusaderm-laboratorios",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 5990,
        "currency": "EUR",
        "description": (
            "Vitamin and mineral cocktail of B vitamins, cyanocobalamin, ascorbic acid, magnesium "
            "and selenium in a light hyaluronic acid base. It is used for tired, dull and "
            "dehydrated skin and is applied by nappage or mesogun over the face, neck and "
            "décolleté. A course of 4 to 6 sessions at weekly or fortnightly intervals is usual."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or in patients allergic to cobalt, vitamin B12 "
            "or any other component. Avoid in active acne, rosacea flare, infection or "
            "inflammation at the site. Use with caution in patients on anticoagulant therapy."
        ),
        "ingredients": [
            ("vitamin-b-complex", None, None),
            ("vitamin-b12", "100", "µg/ml"),
            ("vitamin-c", None, None),
            ("magnesium", None, None),
            ("selenium", None, None),
            ("hyaluronic-acid", "3", "mg/ml"),
        ],
        "indications": ["dull-complexion", "dehydration"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("LUS2502A", -45, 30), ("LUS2606B", 260, 240), ("LUS2610A", 480, 160)],
    },
    {
        "sku": "LUS-ACN-5X10",
        "slug": "lusaderm-acne-control",
        "name": "Acne Control",
        "brand": "lusaderm-laboratorios",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 6450,
        "currency": "EUR",
        "description": (
            "Ampoule for oily and acne-prone skin combining zinc, pyridoxine, niacinamide and "
            "centella asiatica extract. It is applied by nappage over the affected areas with a "
            "32G needle, avoiding open or nodular lesions. A course of 4 to 6 sessions every 1 to "
            "2 weeks is usual, alongside any prescribed acne treatment."
        ),
        "contraindications": (
            "Do not inject into active pustular or nodulocystic lesions, and do not use in "
            "pregnancy, breastfeeding or known allergy to any component. Patients on oral "
            "isotretinoin should wait 6 months after the end of treatment. Avoid in herpes, "
            "impetigo or other skin infection at the site."
        ),
        "ingredients": [
            ("zinc", None, None),
            ("vitamin-b6", None, None),
            ("vitamin-b3", "2", "%"),
            ("centella-asiatica", None, None),
        ],
        "indications": ["acne"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("LUS2607C", 320, 85)],
    },
    {
        "sku": "LUS-GLY-5X10",
        "slug": "lusaderm-glyco-texture",
        "name": "Glyco Texture",
        "brand": "lusaderm-laboratorios",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 6890,
        "currency": "EUR",
        "description": (
            "Buffered solution of glycolic acid 0.5% and lactic acid with non-cross-linked "
            "hyaluronic acid and ascorbic acid for rough, uneven skin. It is applied by "
            "superficial nappage with a 32G needle or mesogun over the whole face. Four to six "
            "sessions every 2 weeks are usual; tingling and transient redness are expected."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to alpha-hydroxy acids or "
            "other components. Avoid on sensitive or reactive skin, in rosacea, eczema, active "
            "acne, infection or recent sunburn at the site. Do not combine with chemical peels or "
            "retinoid treatment in the same week."
        ),
        "ingredients": [
            ("glycolic-acid", "0.5", "%"),
            ("lactic-acid", None, None),
            ("hyaluronic-acid", "5", "mg/ml"),
            ("vitamin-c", None, None),
        ],
        "indications": ["uneven-skin-texture", "post-acne-marks-and-scars", "dull-complexion"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("LUS2608A", 360, 70), ("LUS2701C", 600, 90)],
    },
    {
        "sku": "LUS-HRV-5X10",
        "slug": "lusaderm-hair-vital",
        "name": "Hair Vital",
        "brand": "lusaderm-laboratorios",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 7450,
        "currency": "EUR",
        "description": (
            "Scalp ampoule combining biotin, dexpanthenol, folic acid, zinc, L-cysteine and ginkgo "
            "biloba extract. It is intended for diffuse hair shedding and thinning and is applied "
            "by nappage or papules over the scalp with a 30G 4 mm needle or mesogun. Weekly "
            "sessions for 4 weeks, then every 2 weeks for 2 months, are usual."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component. Ginkgo may "
            "increase bleeding risk in patients on anticoagulant or antiplatelet medication. Avoid "
            "in folliculitis, scalp psoriasis in flare or other scalp infection; scarring "
            "alopecias require specialist diagnosis."
        ),
        "ingredients": [
            ("biotin", "0.5", "mg/ml"),
            ("dexpanthenol", None, None),
            ("folic-acid", None, None),
            ("zinc", None, None),
            ("l-cysteine", None, None),
            ("ginkgo-biloba", None, None),
        ],
        "indications": ["hair-thinning"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("LUS2606C", 230, 110), ("LUS2609B", 410, 95)],
    },
    {
        "sku": "LUS-CSC-10X10",
        "slug": "lusaderm-cellulite-silicon-complex",
        "name": "Cellulite Silicon Complex",
        "brand": "lusaderm-laboratorios",
        "form": "vial",
        "volume_ml": "10",
        "units_per_pack": 10,
        "price_cents": 9960,
        "currency": "EUR",
        "description": (
            "Cellulite solution of organic silicon with caffeine, Melilotus officinalis and green "
            "tea extracts. It is applied by nappage or mesogun to the thighs and buttocks, using 5 "
            "to 10 ml per session. A course of 8 to 12 weekly sessions is usual, followed by "
            "monthly maintenance."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to any component. "
            "Contraindicated in patients on anticoagulant therapy, with bleeding disorders or a "
            "history of deep vein thrombosis, because of the coumarin content of Melilotus. Avoid "
            "in cardiac arrhythmia and in infection or inflammation of the treatment area."
        ),
        "ingredients": [
            ("organic-silicon", "0.5", "%"),
            ("caffeine", None, None),
            ("melilotus", None, None),
            ("green-tea", None, None),
        ],
        "indications": ["cellulite"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("LUS2605A", 200, 300), ("LUS2609C", 420, 180)],
    },
    {
        "sku": "LUS-STM-5X10",
        "slug": "lusaderm-stretch-mark-complex",
        "name": "Stretch Mark Complex",
        "brand": "lusaderm-laboratorios",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 8250,
        "currency": "EUR",
        "description": (
            "Stretch mark solution of non-cross-linked hyaluronic acid with centella asiatica, "
            "organic silicon and copper. It is injected intradermally along each stria by linear "
            "threading or closely spaced papules with a 30G 4 mm needle. Six to eight sessions "
            "every 2 weeks are usual, with better results on recent striae."
        ),
        "contraindications": (
            "Do not use during pregnancy or breastfeeding, or in known allergy to any component. "
            "Avoid in infection or inflammation at the site and in patients with keloid tendency. "
            "Use with caution in patients on anticoagulant therapy."
        ),
        "ingredients": [
            ("hyaluronic-acid", None, None),
            ("centella-asiatica", None, None),
            ("organic-silicon", None, None),
            ("copper", None, None),
        ],
        "indications": ["stretch-marks"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [],
    },
    {
        "sku": "LUS-DMAE-5X10",
        "slug": "lusaderm-dmae-3",
        "name": "DMAE 3%",
        "brand": "lusaderm-laboratorios",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 5490,
        "currency": "EUR",
        "description": (
            "Single-active DMAE 3% solution with a small amount of hyaluronic acid, used for lax "
            "skin of the face and neck. It was applied by nappage or papules with a 30G 4 mm "
            "needle, in 4 to 6 sessions every 2 weeks. This product has been discontinued and "
            "replaced by multi-active formulations."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to DMAE. Contraindicated in "
            "patients with epilepsy or bipolar disorder. Avoid in infection or inflammation at the "
            "site."
        ),
        "ingredients": [
            ("dmae", "3", "%"),
            ("hyaluronic-acid", None, None),
        ],
        "indications": ["skin-laxity", "neck-and-decollete-photoageing"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": False,
        "stock": [],
    },
    # ------------------------------------------------------------------ Jinseol Bio (KR)
    {
        "sku": "JSB-PNH-2X1",
        "slug": "jinseol-pn-hand-restore",
        "name": "PN Hand Restore",
        "brand": "jinseol-bio",
        "form": "prefilled-syringe",
        "volume_ml": "2",
        "units_per_pack": 1,
        "price_cents": 8900,
        "currency": "EUR",
        "description": (
            "Polynucleotide gel (20 mg/ml) with non-cross-linked hyaluronic acid in a 2 ml "
            "prefilled syringe, for the back of the hands. It is injected with a 25G cannula "
            "through one or two entry points in a fanning pattern, or by micro-boluses with a 30G "
            "needle between the tendons. One syringe covers both hands; 2 to 3 sessions 3 to 4 "
            "weeks apart are usual."
        ),
        "contraindications": (
            "Contraindicated in patients allergic to fish or fish proteins, since the "
            "polynucleotides are of salmonid origin. Do not use in pregnancy, breastfeeding, "
            "autoimmune disease, lymphoedema of the arm or infection at the site. Use with caution "
            "in patients on anticoagulants or with bleeding disorders."
        ),
        "ingredients": [
            ("polynucleotides", "20", "mg/ml"),
            ("hyaluronic-acid", None, None),
        ],
        "indications": ["hand-rejuvenation"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("JSB2609A", 440, 40), ("JSB2703B", 700, 25)],
    },
    {
        "sku": "JSB-SPN-2X5",
        "slug": "jinseol-scalp-pn",
        "name": "Scalp PN",
        "brand": "jinseol-bio",
        "form": "vial",
        "volume_ml": "2",
        "units_per_pack": 5,
        "price_cents": 15400,
        "currency": "EUR",
        "description": (
            "Polynucleotide solution (10 mg/ml) with copper tripeptide-1 and biotin for the scalp. "
            "It is injected as intradermal papules 1 cm apart along partings with a 30G 4 mm "
            "needle, about 0.05 ml per point. Four sessions every 2 weeks are usual, then one "
            "session every 1 to 2 months."
        ),
        "contraindications": (
            "Contraindicated in patients allergic to fish or fish proteins and in known allergy to "
            "copper or other components. Do not use in pregnancy, breastfeeding, autoimmune "
            "disease, folliculitis or other scalp infection. Alopecia areata and scarring "
            "alopecias require specialist diagnosis before treatment."
        ),
        "ingredients": [
            ("polynucleotides", "10", "mg/ml"),
            ("copper-tripeptide-1", None, None),
            ("biotin", None, None),
        ],
        "indications": ["hair-thinning", "hair-loss"],
        "professions": ["physician", "dermatologist", "plastic-surgeon"],
        "active": True,
        "stock": [("JSB2608B", 410, 2)],
    },
    {
        "sku": "JSB-EYB-2X10",
        "slug": "jinseol-eye-bright",
        "name": "Eye Bright",
        "brand": "jinseol-bio",
        "form": "ampoule",
        "volume_ml": "2",
        "units_per_pack": 10,
        "price_cents": 10200,
        "currency": "EUR",
        "description": (
            "Periorbital ampoule of low-molecular-weight hyaluronic acid with cyanocobalamin, "
            "acetyl tetrapeptide-5, ginkgo biloba extract and caffeine. It is applied by "
            "micro-papules with a 32G 4 mm needle in the infra-orbital area, superficially and at "
            "a distance from the lash line. A course of 4 sessions at 2-week intervals is usual."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to cobalt, vitamin B12, "
            "caffeine, ginkgo or other components. Avoid in conjunctivitis, blepharitis or "
            "periocular infection, and within 3 months of eyelid surgery. Ginkgo may increase "
            "bruising in patients on anticoagulant or antiplatelet medication."
        ),
        "ingredients": [
            ("low-molecular-weight-hyaluronic-acid", "8", "mg/ml"),
            ("vitamin-b12", None, None),
            ("acetyl-tetrapeptide-5", None, None),
            ("ginkgo-biloba", None, None),
            ("caffeine", None, None),
        ],
        "indications": ["dark-circles"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("JSB2503A", -10, 12), ("JSB2607C", 330, 60)],
    },
    {
        "sku": "JSB-TTA-5X10",
        "slug": "jinseol-tone-up-ta",
        "name": "Tone-Up TA",
        "brand": "jinseol-bio",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 10900,
        "currency": "EUR",
        "description": (
            "Brightening ampoule combining tranexamic acid (5 mg/ml), niacinamide, reduced "
            "glutathione and ascorbic acid. It is applied by nappage or mesogun over the whole "
            "face, with micro-papules on melasma patches. A course of 6 to 8 sessions every 2 "
            "weeks is usual, combined with daily sun protection."
        ),
        "contraindications": (
            "Contraindicated in patients with a history of thromboembolism, active thrombosis or "
            "thrombophilia, because of the tranexamic acid content. Do not use in pregnancy, "
            "breastfeeding, severe renal impairment or known allergy to any component. Use with "
            "caution in women on combined hormonal contraception and avoid in inflammation or "
            "infection at the site."
        ),
        "ingredients": [
            ("tranexamic-acid", "5", "mg/ml"),
            ("vitamin-b3", "2", "%"),
            ("glutathione", None, None),
            ("vitamin-c", None, None),
        ],
        "indications": ["hyperpigmentation", "dull-complexion"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("JSB2608C", 390, 120), ("JSB2612A", 570, 80)],
    },
    {
        "sku": "JSB-BPC-3X5",
        "slug": "jinseol-biomimetic-peptide-complex",
        "name": "Biomimetic Peptide Complex",
        "brand": "jinseol-bio",
        "form": "vial",
        "volume_ml": "3",
        "units_per_pack": 5,
        "price_cents": 16800,
        "currency": "EUR",
        "description": (
            "Peptide solution combining sh-oligopeptide-1, a biomimetic decapeptide and copper "
            "tripeptide-1 with non-cross-linked hyaluronic acid and niacinamide. It is used for "
            "fine lines, uneven texture and post-acne marks, and is applied by nappage or "
            "micro-papules with a 32G 4 mm needle. Four to six sessions every 2 weeks are usual, "
            "and it may be applied immediately after microneedling by a practitioner."
        ),
        "contraindications": (
            "Do not use in pregnancy, breastfeeding or known allergy to peptides, copper or other "
            "components. Avoid in active acne flare, infection or inflammation at the site, and in "
            "patients with a history of skin cancer in the treatment area. Use with caution in "
            "patients with autoimmune disease or keloid tendency."
        ),
        "ingredients": [
            ("oligopeptide-1", "2", "µg/ml"),
            ("decapeptide", None, None),
            ("copper-tripeptide-1", None, None),
            ("hyaluronic-acid", "5", "mg/ml"),
            ("vitamin-b3", None, None),
        ],
        "indications": [
            "fine-lines-and-wrinkles",
            "uneven-skin-texture",
            "post-acne-marks-and-scars",
        ],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("JSB2607A", 300, 50)],
    },
    {
        "sku": "JSB-SPH-5X10",
        "slug": "jinseol-saw-palmetto-hair",
        "name": "Saw Palmetto Hair",
        "brand": "jinseol-bio",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": 10,
        "price_cents": 12300,
        "currency": "EUR",
        "description": (
            "Scalp ampoule combining saw palmetto extract with biotin, zinc, acetyl tetrapeptide-3 "
            "and caffeine, intended for androgen-related hair thinning. It is applied by papules "
            "or nappage over the vertex and frontal areas with a 30G 4 mm needle or mesogun. The "
            "usual protocol is 8 sessions every 2 weeks, then monthly maintenance."
        ),
        "contraindications": (
            "Contraindicated in pregnancy, breastfeeding and in women planning pregnancy, because "
            "saw palmetto has anti-androgenic activity. Do not use in patients on hormone therapy "
            "without medical advice, or with known allergy to any component. Avoid in "
            "folliculitis, scalp psoriasis in flare or other scalp infection."
        ),
        "ingredients": [
            ("saw-palmetto", None, None),
            ("biotin", "1", "mg/ml"),
            ("zinc", None, None),
            ("acetyl-tetrapeptide-3", None, None),
            ("caffeine", None, None),
        ],
        "indications": ["hair-loss", "hair-thinning"],
        "professions": ["physician", "dermatologist", "plastic-surgeon", "nurse"],
        "active": True,
        "stock": [("JSB2606B", 260, 70), ("JSB2610B", 480, 90)],
    },
]
