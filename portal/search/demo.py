"""Seed synonyms (同义词) for search: the short names enterprises type and the terms policies use."""

from .models import Synonym
from .tasks import reindex_all

SYNONYMS = [
    ("高企", "高新技术企业"),
    ("国高", "高新技术企业"),
    ("高新企业", "高新技术企业"),
    ("小巨人", "专精特新“小巨人”"),
    ("专精特新小巨人", "专精特新“小巨人”"),
    ("研发加计", "研发费用加计扣除"),
    ("加计扣除", "研发费用加计扣除"),
    ("科小", "科技型中小企业"),
    ("科技型中小", "科技型中小企业"),
    ("稳岗补贴", "稳岗返还"),
    ("失业保险返还", "稳岗返还"),
    ("技改", "技术改造"),
    ("首台套", "首台（套）重大技术装备"),
    ("规上", "规模以上企业"),
    ("规上企业", "规模以上企业"),
    ("贴息", "贷款贴息"),
    ("创业贷", "创业担保贷款"),
    ("免申", "免申即享"),
    ("留抵退税", "增值税留抵退税"),
    ("知产", "知识产权"),
    ("专利权质押", "知识产权质押融资"),
    ("单项冠军", "制造业单项冠军"),
    ("瞪羚", "瞪羚企业"),
    ("人才补贴", "人才引进补贴"),
]


def load():
    seed_synonyms()
    # The demo loaders before this one write their rows directly, not through the
    # publishing services that index on commit; index everything they wrote.
    reindex_all()


def seed_synonyms():
    for word, canonical in SYNONYMS:
        Synonym.objects.get_or_create(word=word, defaults={"canonical": canonical})
