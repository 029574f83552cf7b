"""The default duty catalogue: the Chongqing "seven ones" (七个一). Pure data.

Other regions run variants (六个一, monthly contact ...): they change the rows in the
``duty_types`` table, not the code. The initial migration seeds these rows.
"""

from __future__ import annotations

from typing import Any

# Every form field a duty type may ask for, in display order. ``happened_on`` is always asked.
LOG_FIELDS: tuple[str, ...] = (
    "method",
    "place",
    "women_count",
    "topic",
    "needs",
    "proposal_text",
    "proposal_status",
    "proposal_answer",
    "help_target",
    "help_kind",
    "volunteer_activity",
    "volunteer_hours",
    "women_names",
    "notes",
)

SEVEN_ONES: tuple[dict[str, Any], ...] = (
    {
        "code": "contact",
        "name_zh": "一次联系",
        "name_en": "Contact",
        "hint_zh": "走访、谈心、日常工作联系、电话或微信联系本片区妇女",
        "hint_en": "Visit, talk with or phone/WeChat the women of your area",
        "cadence": "quarter",
        "min_count": 1,
        "fields": ["method", "place", "women_count", "topic", "women_names", "notes"],
        "required": ["method", "women_count"],
        "sort_order": 1,
    },
    {
        "code": "talk",
        "name_zh": "一次宣讲",
        "name_en": "Talk",
        "hint_zh": "向联系的妇女宣讲政策、妇女儿童权益法律、家庭教育、最美家庭等",
        "hint_en": "Brief the women on policy, rights law, family education, model families",
        "cadence": "quarter",
        "min_count": 1,
        "fields": ["method", "place", "women_count", "topic", "women_names", "notes"],
        "required": ["topic", "women_count"],
        "sort_order": 2,
    },
    {
        "code": "survey",
        "name_zh": "一次调研",
        "name_en": "Needs survey",
        "hint_zh": "通过入户走访、电话、日常联系收集妇女的需求和意愿",
        "hint_en": "Collect women's needs and wishes by home visits, phone or daily contact",
        "cadence": "half",
        "min_count": 1,
        "fields": ["method", "place", "women_count", "needs", "women_names", "notes"],
        "required": ["method", "needs"],
        "sort_order": 3,
    },
    {
        "code": "proposal",
        "name_zh": "一次建议",
        "name_en": "Proposal",
        "hint_zh": "根据收集的需求，向本级妇联提出一条可行的意见建议",
        "hint_en": "Make a practicable proposal to your federation, based on the needs collected",
        "cadence": "half",
        "min_count": 1,
        "fields": ["topic", "proposal_text", "proposal_status", "proposal_answer", "notes"],
        "required": ["topic", "proposal_text"],
        "sort_order": 4,
    },
    {
        "code": "help",
        "name_zh": "一次帮扶",
        "name_en": "Help",
        "hint_zh": "力所能及地帮扶困境儿童、留守妇女儿童、残疾或患病妇女儿童、单亲母亲等",
        "hint_en": "Help within your means a woman or child in difficulty",
        "cadence": "year",
        "min_count": 1,
        "fields": ["method", "place", "help_target", "help_kind", "women_names", "notes"],
        "required": ["help_target", "help_kind"],
        "sort_order": 5,
    },
    {
        "code": "volunteer",
        "name_zh": "一次公益",
        "name_en": "Volunteer service",
        "hint_zh": "参加一次服务妇女儿童和家庭的公益活动",
        "hint_en": "Take part in a public-welfare service for women, children and families",
        "cadence": "year",
        "min_count": 1,
        "fields": ["place", "volunteer_activity", "volunteer_hours", "women_count", "notes"],
        "required": ["volunteer_activity"],
        "sort_order": 6,
    },
    {
        "code": "record_book",
        "name_zh": "一本记录",
        "name_en": "Record book",
        "hint_zh": "记好本年度的工作记录册：联系妇女和开展工作的情况",
        "hint_en": "Keep this year's work record book of your contacts and work",
        "cadence": "year",
        "min_count": 1,
        "fields": ["topic", "notes"],
        "required": ["notes"],
        "sort_order": 7,
        # Done when her year's record book is submitted, not by counting logs.
        "completed_by": "book",
    },
)
