"""Plausible Chinese content for demo logs: places, topics, needs, proposals, help, activities.

Everything is fictional. Each builder takes a seeded ``random.Random`` and returns the field
values of one log of its duty type.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fieldlog.vocab import HelpTarget, Method, OrgKind, ProposalStatus

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余"
_GROUPS = "一二三四五六七八"

# Fictional women named in sensitive entries (never real people).
WOMEN = (
    "刘桂兰", "陈小琴", "杨翠花", "赵金秀", "周娟", "吴春花", "李玉珍", "黄美兰", "孙小霞",
    "马秀芝", "朱红霞", "胡翠英", "何巧云", "罗玉芬", "梁小娥", "唐春秀",
)  # fmt: skip

CONTACT_TOPICS = (
    "走访留守妇女，了解家庭近况",
    "看望生病住院的姐妹",
    "电话问候外出务工的妇女",
    "在微信群通知两癌筛查时间",
    "与新嫁来的媳妇谈心",
    "了解单亲妈妈的就业情况",
    "入户了解孩子上学的困难",
    "慰问困难家庭的妇女",
    "与返乡妇女聊创业打算",
    "调解婆媳之间的小矛盾",
    "提醒姐妹们缴纳城乡居民医保",
)
CONTACT_NOTES = (
    "丈夫在外务工，家里两个孩子上学，婆婆身体不好，叮嘱有困难随时联系。",
    "情绪比上次好多了，约好下个月再来看她。",
    "反映孩子学费有压力，已记下，准备向村妇联反映。",
    "大家都加了妇女微信群，以后通知方便了。",
    "聊得很好，她愿意参加下次的妇女小组活动。",
    "家里刚收完庄稼，暂时没有什么困难。",
    None,
    None,
)

TALK_TOPICS = (
    "宣讲《反家庭暴力法》",
    "宣讲《家庭教育促进法》",
    "防范电信诈骗",
    "两癌筛查政策",
    "新修订的《妇女权益保障法》",
    "《民法典》婚姻家庭编",
    "最美家庭和好家风",
    "儿童防溺水安全",
    "防范非法集资",
    "城乡居民医保参保政策",
    "移风易俗，抵制高价彩礼",
    "预防未成年人沉迷网络",
    "巾帼创业担保贷款政策",
    "垃圾分类和美丽庭院",
)
TALK_METHODS = (Method.MEETING, Method.MEETING, Method.FACE_TO_FACE, Method.ONLINE)
TALK_NOTES = (
    "发放宣传资料{n}份，大家提了不少问题。",
    "结合身边的案例讲，大家听得很认真。",
    "会后有两位姐妹留下来单独咨询。",
    "请村里的法律顾问一起讲解。",
    None,
)


@dataclass(frozen=True)
class Theme:
    """A need women raise, the proposal built on it, and the federation's answer."""

    need: str
    topic: str
    proposal: str
    answer: str


THEMES: tuple[Theme, ...] = (
    Theme(
        "孩子放学后家长还在地里干活，没人看管，希望开办“四点半课堂”。",
        "开办四点半课堂",
        "建议利用妇女之家和闲置教室开办“四点半课堂”，请退休教师和大学生志愿者辅导作业。",
        "村两委同意提供场地，镇妇联联系了大学生志愿者，下学期开课。",
    ),
    Theme(
        "两癌筛查要到县医院，路远又误工，不少姐妹不愿去。",
        "两癌筛查流动车进村",
        "建议镇妇联协调卫生院，把两癌免费筛查的流动体检车开进村，按组预约。",
        "镇卫生院已安排流动筛查车下月进村，各组按名单预约。",
    ),
    Theme(
        "返乡妇女想学电商、直播，把家里的土鸡蛋、腊肉卖出去。",
        "妇女电商技能培训",
        "建议联系县人社局和电商服务中心，在镇上办一期妇女电商直播培训班。",
        "县电商服务中心同意来镇办班，已有32人报名。",
    ),
    Theme(
        "想考家政、育婴员证书好找工作，但不知道到哪里培训。",
        "家政和育婴员培训",
        "建议把巾帼家政培训名额分到各村，培训后推荐就业。",
        "已争取到县妇联巾帼家政培训名额15个，分配到各村。",
    ),
    Theme(
        "留守老人多，照料压力大，在外的子女很不放心。",
        "邻里互助照料",
        "建议由执委牵头组织邻里互助小组，定期上门看望留守老人。",
        "已成立三个邻里互助小组，每周上门一次。",
    ),
    Theme(
        "晚上村道太黑，妇女跳完广场舞回家不安全。",
        "增设路灯",
        "建议在文化广场到各组的主路上增设太阳能路灯。",
        "村委会已纳入今年的基础设施计划，路灯正在安装。",
    ),
    Theme(
        "家里有矛盾不知道找谁说，有的姐妹受了委屈不敢讲。",
        "婚姻家庭纠纷调解",
        "建议设立婚姻家庭纠纷调解点，公布执委联系电话。",
        "镇综治中心已设立调解室，执委联系电话已上墙公示。",
    ),
    Theme(
        "附近工厂和基地的招工信息不灵通，想就近打零工。",
        "就业信息推送",
        "建议每周在妇女微信群推送镇上企业和农业基地的招工信息。",
        "镇就业服务站每周五把招工信息发给执委转发。",
    ),
    Theme(
        "暑假孩子爱去塘边玩水，家长担心溺水。",
        "暑期防溺水",
        "建议暑假前在危险水域设警示牌，组织执委和志愿者轮流巡查。",
        "已在四处塘堰设置警示牌，安排了巡查排班。",
    ),
    Theme(
        "诈骗电话多，老人和妇女容易上当。",
        "反诈宣传进村",
        "建议请派出所民警进村开反诈讲座，帮大家安装国家反诈中心APP。",
        "派出所民警已进村讲座，现场帮助120人安装APP。",
    ),
    Theme(
        "留守孩子不爱说话，家长不知道怎么和孩子沟通。",
        "家庭教育家长课堂",
        "建议请家庭教育讲师每季度来村里办一次家长课堂。",
        "县妇联家庭教育讲师团已排进下季度计划。",
    ),
)

HELP: tuple[tuple[str, str], ...] = (
    (HelpTarget.LEFT_BEHIND, "每周辅导作业一次，送去书包和文具"),
    (HelpTarget.LEFT_BEHIND, "陪留守儿童过生日，送去图书"),
    (HelpTarget.CHILD_IN_DIFFICULTY, "帮助申请“春蕾计划”助学金"),
    (HelpTarget.DISABLED, "帮助申请残疾人两项补贴"),
    (HelpTarget.DISABLED, "陪同办理残疾证复核"),
    (HelpTarget.ILL, "协助申请大病医疗救助，组织姐妹们捐款"),
    (HelpTarget.ILL, "陪同到县医院复查"),
    (HelpTarget.SINGLE_MOTHER, "介绍到镇上超市上班"),
    (HelpTarget.SINGLE_MOTHER, "帮助申请低保"),
    (HelpTarget.POOR_FAMILY, "送去米、油等慰问品，联系帮扶干部"),
    (HelpTarget.POOR_FAMILY, "推荐参加巾帼家政培训"),
    (HelpTarget.OTHER, "帮助独居老人的儿媳办理医保异地备案"),
)

SEASONAL_ACTIVITIES = {
    1: "春节写春联送祝福",
    2: "春节写春联送祝福",
    3: "“三八”节义诊和法律咨询",
    5: "母亲节关爱母亲活动",
    6: "“六一”关爱留守儿童活动",
    7: "暑期防溺水巡河",
    8: "暑期防溺水巡河",
    10: "重阳节敬老院慰问",
    12: "冬日送温暖",
}
ACTIVITIES = (
    "巾帼志愿者清洁家园",
    "反诈宣传进村入户",
    "义务为老人理发",
    "美丽庭院评比志愿服务",
    "关爱留守儿童读书会",
)

# Her usual way of working: the first is the most common.
METHOD_WEIGHTS = {
    Method.VISIT: 40,
    Method.FACE_TO_FACE: 25,
    Method.PHONE: 15,
    Method.ONLINE: 15,
    Method.MEETING: 5,
}


def usual_method(rng: random.Random) -> str:
    """A member's habitual method."""
    return rng.choices(list(METHOD_WEIGHTS), weights=list(METHOD_WEIGHTS.values()))[0].value


def method(rng: random.Random, usual: str) -> str:
    """Mostly her usual method, sometimes another."""
    return usual if rng.random() < 0.7 else rng.choice(list(METHOD_WEIGHTS)).value


def places(org_name: str, org_kind: str) -> tuple[str, ...]:
    """Where members of this organisation usually work."""
    if org_kind == OrgKind.COMMUNITY:
        return ("社区服务中心", "社区妇女之家", "小区广场", "新时代文明实践站", "{n}栋楼下")
    if org_kind in (OrgKind.TOWNSHIP, OrgKind.STREET):
        return ("镇妇联办公室", "镇文化站", "镇便民服务中心", "桃源村村委会", "石桥村村委会")
    return ("村委会", "妇女之家", "村文化广场", "{g}组", "{g}组", "村卫生室")


def place(rng: random.Random, pool: tuple[str, ...], home: bool = False) -> str:
    """One place from the pool, or somebody's home (家中) for visits."""
    if home:
        return f"{rng.choice(_GROUPS)}组{rng.choice(SURNAMES)}大姐家中"
    return rng.choice(pool).format(g=rng.choice(_GROUPS), n=rng.randint(1, 18))


def women_names(rng: random.Random) -> str:
    """One or two fictional names of women contacted."""
    return "、".join(rng.sample(WOMEN, rng.choice((1, 1, 2))))


def contact(rng: random.Random, usual: str, pool: tuple[str, ...]) -> dict:
    """A contact with women of her area."""
    how = method(rng, usual)
    remote = how in (Method.PHONE, Method.ONLINE)
    return {
        "method": how,
        "place": None if remote else place(rng, pool, home=how == Method.VISIT),
        "women_count": rng.randint(8, 30) if how == Method.MEETING else rng.randint(1, 4),
        "topic": rng.choice(CONTACT_TOPICS),
        "women_names": women_names(rng) if rng.random() < 0.15 else None,
        "notes": rng.choice(CONTACT_NOTES),
    }


def talk(rng: random.Random, pool: tuple[str, ...]) -> dict:
    """A talk or briefing."""
    count = rng.randint(8, 60)
    note = rng.choice(TALK_NOTES)
    return {
        "method": rng.choice(TALK_METHODS).value,
        "place": place(rng, pool),
        "women_count": count,
        "topic": rng.choice(TALK_TOPICS),
        "notes": note.format(n=count + rng.randint(0, 20)) if note else None,
    }


def survey(rng: random.Random, usual: str, pool: tuple[str, ...], theme: Theme) -> dict:
    """Needs collected from the women."""
    how = method(rng, usual)
    count = rng.randint(3, 20)
    return {
        "method": how,
        "place": None if how in (Method.PHONE, Method.ONLINE) else place(rng, pool),
        "women_count": count,
        "needs": f"{theme.need}共了解{count}位妇女的情况。",
        "notes": None,
    }


def proposal(rng: random.Random, theme: Theme, happened_on: date, today: date) -> dict:
    """A proposal whose status has moved on the older it is."""
    status = proposal_status(rng, (today - happened_on).days)
    answered = status in (ProposalStatus.ANSWERED, ProposalStatus.FED_BACK)
    fed_back = status == ProposalStatus.FED_BACK
    return {
        "topic": theme.topic,
        "proposal_text": theme.proposal,
        "proposal_status": status.value,
        "proposal_answer": theme.answer if answered else None,
        "notes": "已在妇女小组会上向姐妹们反馈办理结果。" if fed_back else None,
    }


def proposal_status(rng: random.Random, age_days: int) -> ProposalStatus:
    """Older proposals have been answered and fed back; recent ones are still open."""
    if age_days >= 150:
        options = (ProposalStatus.FED_BACK,) * 3 + (ProposalStatus.ANSWERED,)
    elif age_days >= 60:
        options = (ProposalStatus.ANSWERED, ProposalStatus.HANDLING, ProposalStatus.FED_BACK)
    else:
        options = (ProposalStatus.SUBMITTED,) * 2 + (ProposalStatus.HANDLING,)
    return rng.choice(options)


def help_given(rng: random.Random, usual: str, pool: tuple[str, ...]) -> dict:
    """Help to a woman or child in difficulty."""
    target, kind = rng.choice(HELP)
    how = method(rng, usual)
    return {
        "method": how,
        "place": place(rng, pool, home=True),
        "help_target": target.value,
        "help_kind": kind,
        "women_names": women_names(rng) if rng.random() < 0.35 else None,
        "notes": None,
    }


def volunteer(rng: random.Random, pool: tuple[str, ...], happened_on: date) -> dict:
    """A public-welfare activity, seasonal when the month has one."""
    seasonal = SEASONAL_ACTIVITIES.get(happened_on.month)
    activity = seasonal if seasonal and rng.random() < 0.7 else rng.choice(ACTIVITIES)
    return {
        "place": place(rng, pool),
        "volunteer_activity": activity,
        "volunteer_hours": Decimal(rng.choice((1, 2, 2, 3, 3, 4, 6)))
        + Decimal("0.5") * (rng.random() < 0.3),
        "women_count": rng.randint(10, 80),
        "notes": None,
    }


def record_book(year: int, org_name: str, counts: dict[str, int]) -> dict:
    """Her year's work record book, summing up the year's logs."""
    return {
        "topic": f"{year}年执委工作记录册",
        "notes": (
            f"全年联系妇女{counts.get('contact', 0)}次，宣讲{counts.get('talk', 0)}次，"
            f"调研{counts.get('survey', 0)}次，提出建议{counts.get('proposal', 0)}条，"
            f"帮扶{counts.get('help', 0)}次，参加公益活动{counts.get('volunteer', 0)}次。"
            f"记录册已整理完毕，交{org_name}妇联。"
        ),
    }
