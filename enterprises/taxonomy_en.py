"""English names of the taxonomies the platform seeds (ADR 0006: names kept as data carry their English).

Staff fill `name_en` in the admin for what they add; these are the seeded ones, by code or rule key.
Region tags are proper names and stay Chinese.
"""

QUALIFICATION_TYPES = {
    "hitech": "High-tech enterprise",
    "sme_specialised": "Specialised and sophisticated SME",
    "little_giant": "Specialised and sophisticated “Little Giant” enterprise",
    "tech_sme": "Technology-based SME",
    "above_scale": "Industrial enterprise above designated size",
    "gazelle": "Gazelle enterprise",
    "unicorn": "Unicorn enterprise",
    "tech_centre": "Provincial enterprise technology centre",
}

TAG_CATEGORIES = {
    "size": "Enterprise size",
    "industry": "Industry",
    "region": "Location",
    "qualification": "Qualifications and honours",
    "age": "Years since founding",
    "credit": "Credit status",
}

# Rule tags by rule key; qualification tags take their type's English name.
SIZE_TAGS = {
    "large": "Large enterprise",
    "medium": "Medium enterprise",
    "small": "Small enterprise",
    "micro": "Micro enterprise",
}
AGE_BANDS = {"lt3": "Under 3 years", "3to10": "3 to 10 years", "gte10": "Over 10 years"}
CREDIT_TAGS = {"serious_dishonest": "Seriously dishonest entity"}
# 国民经济行业分类 GB/T 4754-2017, sections (门类).
SECTIONS = {
    "A": "Agriculture, forestry, animal husbandry and fishery",
    "B": "Mining",
    "C": "Manufacturing",
    "D": "Electricity, heat, gas and water supply",
    "E": "Construction",
    "F": "Wholesale and retail trade",
    "G": "Transport, storage and postal services",
    "H": "Accommodation and catering",
    "I": "Information transmission, software and IT services",
    "J": "Finance",
    "K": "Real estate",
    "L": "Leasing and business services",
    "M": "Scientific research and technical services",
    "N": "Water, environment and public facilities management",
    "O": "Resident services, repair and other services",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Culture, sports and entertainment",
    "S": "Public administration, social security and social organisations",
    "T": "International organisations",
}


def rule_tag_en(rule_key: str) -> str:
    """The English name of a rule tag, "" for a region (a proper name) or an unknown key."""
    kind, _sep, value = rule_key.partition(":")
    table = {
        "size": SIZE_TAGS,
        "age": AGE_BANDS,
        "credit": CREDIT_TAGS,
        "section": SECTIONS,
        "qualification": QUALIFICATION_TYPES,
    }.get(kind, {})
    return table.get(value, "")
