"""Safety: a weighted classifier over cue words and patterns (safety.yaml), not a phrase list.

Everyday wording of distress, threats, anger and asking for a person, each with the reason it
must get (another issue gives only distress and threats the 110/120 wording), and ordinary
questions that share their words and must not fire."""

from __future__ import annotations

import pytest

from intents.features import Featurizer
from intents.normalize import normalize_keeping_places
from intents.safety import SafetyClassifier


@pytest.fixture(scope="module")
def safety() -> SafetyClassifier:
    return SafetyClassifier(is_word=Featurizer().is_word)


DISTRESS = [
    "我实在活不下去了，家里什么都没了",
    "我已经买好了农药",
    "这日子没法过了，不如死了算了",
    "我想从你们楼上跳下去",
    "我爸心脏病犯了，倒在地上不动了",
    "再拖下去我就只能去死了",
    "真的熬不下去了，想一死了之",
    "我老婆说要喝药，你们快救救她",
]
THREAT = [
    "我在你们局外面，再不解决我就闹",
    "再不给个说法我就去拉横幅",
    "明天我就带人到局里讨说法",
    "你们再推来推去我就去县政府堵门",
    "我已经到你们大门口了，今天不解决我不走了",
    "我叫上几十个老战友一起去市里讨个公道",
    "你们再这样搞我就去县委门口跪着",
    "我扛着铺盖卷去你们那里住下",
    "我要让你们单位的人都不得安宁",
    "谁不给我办我就找谁拼命",
    "我去你们局里把桌子掀了",
    "大不了一起死",
    "我明天拎着汽油去你们门口",
    "今天不给钱我就睡在你们办公室",
    "我们一帮老兵准备去市政府门口静坐",
    "我写好了横幅，明天去县政府门口拉",
    "别逼我动手",
    "你们再不给我落实，我就把老兵证烧在你们门口",
    "有人在我们村拿刀砍人，快来人",
]
ANGER = [
    "再拖下去我就去北京",
    "你们还是人吗，欺负老兵是吧",
    "不给我个说法，我天天来你们局里坐着",
    "你们等着，我去北京告你们",
    "这事没完，我要找媒体曝光你们",
    "我都七十多了还要跑几十趟，你们良心过得去吗",
    "你们这些当官的就知道喝茶看报纸，老兵的事一点都不管",
    "我为国家流过血，现在连个补助都不给，太寒心了",
    "说了三年了一直没人给我答复，你们到底管不管",
    "一次次让我回去等，等到死吗",
    "老子当了八年兵，回来就这待遇？",
    "我要去省信访局告你们不作为",
    "你们是不是要逼死我",
    "你们这帮吃干饭的",
    "什么破单位，办个证拖半年",
    "我要投诉你们，态度太差了，简直欺负人",
    "你们这样对待老兵，天理何在",
    "你们是干什么吃的，一个优待证办了半年",
    "搞么子鬼，跑了五趟还冇办好",
    "你们这些人冇得良心",
    "老子不服，我要告到省里去",
    "一天到晚扯皮，有卵用",
    "么子态度，爱理不理的",
    "冇得天理了，老兵冇人管",
    "狗日的，又让我回去等",
    "白养你们这些干部了",
    "拿着纳税人的钱不给老百姓办事",
    "叫你们领导出来，我今天就要个说法",
    "优待证办了半年都没人管，你们什么意思",
    "我的抚恤金停了三个月，打电话都不接，你们还管不管",
    "这都第几次了，一直推来推去，我受够了",
    "我要去县里找书记，你们不管我就一直去",
    "我爹八十岁了还在等你们落实待遇，等他死了你们才高兴吗",
    "明天我带上我爹去你们那里，不解决就不回去",
    "我要在网上发视频曝光你们",
]
ASKED = [
    "我要见你们局长，现在就要",
    "能不能让真人来回答我",
    "我不想跟机器说话，叫个人来",
    "我要人工",
    "我想当面跟工作人员讲",
    "请安排工作人员给我打个电话",
    "气死哒，你们哪个管事的出来",
    "我要当面找你们说清楚",
    "把我的情况转给工作人员处理",
    "你们帮不了我，我要找人说",
]
NOT_SAFETY = [
    "我儿子在北京当兵家里有优待金吗",
    "去省里办优待证可以吗",
    "优待证在哪里办",
    "我爸去世了抚恤金怎么办",
    "烈士牺牲后家属有什么待遇",
    "病故军人的遗属抚恤金多少",
    "闹钟几点响",
    "过年很热闹，慰问什么时候来",
    "县政府门口的服务站几点上班",
    "我在你们局门口，怎么进去",
    "八一慰问挂横幅吗",
    "建军节拉横幅庆祝需要审批吗",
    "我爷爷是烈士，死在朝鲜",
    "退伍后受伤了能评残吗",
    "伤残军人死亡后家属怎么领钱",
    "我要找工作",
    "帮我找个工作",
    "有人故意放火烧了我家，老兵能申请救助吗",
    "烈士陵园被人破坏了",
    "退役军人服务站工作人员电话",
    "跳广场舞的老兵有补贴吗",
    "部队里打靶受的伤能补评吗",
    "家里着火了能申请临时救助吗",
    "上访和信访有什么区别",
    "怎么投诉服务站",
    "当兵的时候打过仗，有补助吗",
    "我爸生病住院了，优抚对象能报销吗",
]


@pytest.mark.parametrize(
    ("message", "reason"),
    [(m, "distress") for m in DISTRESS]
    + [(m, "threat") for m in THREAT]
    + [(m, "anger") for m in ANGER]
    + [(m, "asked") for m in ASKED],
)
def test_reason(safety: SafetyClassifier, message: str, reason: str) -> None:
    verdict = safety.classify(normalize_keeping_places(message))
    assert verdict is not None, message
    assert verdict.reason == reason, (message, verdict)
    assert verdict.urgent is (reason != "asked")


@pytest.mark.parametrize("message", NOT_SAFETY)
def test_ordinary_questions_do_not_fire(safety: SafetyClassifier, message: str) -> None:
    assert safety.classify(normalize_keeping_places(message)) is None


def test_the_threat_of_issue_13_reaches_a_person(safety: SafetyClassifier) -> None:
    """It fell back: no listed phrase, only a place (局外面) and an ultimatum (再不…就闹)."""
    verdict = safety.classify(normalize_keeping_places("我在你们局外面，再不解决我就闹"))
    assert verdict is not None and verdict.reason == "threat"


def test_weak_cues_add_up_and_alone_do_not(safety: SafetyClassifier) -> None:
    assert safety.classify(normalize_keeping_places("我在你们局门口")) is None
    assert safety.classify(normalize_keeping_places("我在你们局门口，今天不解决就不走了"))


def test_one_character_cues_count_only_as_words(safety: SafetyClassifier) -> None:
    """闹 in 闹钟 or 热闹 is not a threat; 闹 on its own is a cue."""
    assert "threat" not in safety.scores(normalize_keeping_places("过年很热闹，闹钟响了"))
    assert "threat" in safety.scores(normalize_keeping_places("我就闹"))


def test_frustration_with_anger_is_anger(safety: SafetyClassifier) -> None:
    verdict = safety.classify(normalize_keeping_places("优待证办了半年都没人管，你们什么意思"))
    assert verdict is not None and verdict.reason == "anger"
    calm = safety.classify(normalize_keeping_places("我的事一直没人管"))
    assert calm is not None and (calm.reason, calm.urgent) == ("frustrated", False)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("This is ridiculous, nobody has helped me for months!", "anger"),
        ("I want to end it all", "distress"),
        ("I will protest outside your office", "threat"),
        ("Let me talk to a real person", "asked"),
    ],
)
def test_english(safety: SafetyClassifier, message: str, reason: str) -> None:
    verdict = safety.classify(normalize_keeping_places(message))
    assert verdict is not None and verdict.reason == reason, (message, verdict)


@pytest.mark.parametrize("message", ["Tell me a joke", "How do I apply for the card?"])
def test_english_questions_do_not_fire(safety: SafetyClassifier, message: str) -> None:
    assert safety.classify(normalize_keeping_places(message)) is None
