"""Safety on more everyday wording (issue #13), written for this file: sit-ins where the bureau
works, many people going together, carrying fuel or a blade, poison already bought, a life that
cannot go on, taking it higher — counts written as people write them (几十个, 五六个, 一块),
which normalising turns into digits. Ordinary questions sharing those words stay ordinary."""

from __future__ import annotations

import pytest

from intents.decision import Intent
from intents.evaluate import label
from intents.examples import HUMAN
from intents.understand import Understanding

URGENT = [
    "要是这个月还不发钱，我们几十个老兵一起到局里坐着",
    "十几个战友已经约好了，下礼拜一起去县政府",
    "二十几个老兵明天到你们局里讨个说法",
    "我们村五六个老兵准备一块去省里",
    "三十几个老兵商量好了一起去市里",
    "下周一我们一帮老战友去县政府门口坐一坐",
    "我拿着汽油去你们那里",
    "我带着菜刀去找那个科长",
    "我揣着刀呢，别逼我",
    "我已经把汽油准备好了",
    "明天拎把刀过去",
    "明天我就去局里坐着，不解决不走",
    "我现在在你们办公室门口躺着，看你们管不管",
    "今天我就睡在服务站了",
    "我今晚就睡你们大厅",
    "钱再不到账，我就扛着铺盖住到你们局里去",
    "我要在信访局门口跪着",
    "这个事情不解决，我天天去你们那里闹",
    "这事没完，我会一直闹下去",
    "再这样拖下去我们就去市里拉横幅",
    "信不信我把你们办公室砸了",
    "大不了我这条老命不要了",
    "老子不活了，跟他们拼了",
    "再不给钱我就从你们楼上跳下去",
    "我把农药都买好了",
    "安眠药我早就准备好了",
    "这日子没法过了",
    "我老伴走了，我一个人也不想过了",
    "活着太难了，不想再熬了",
    "你们是想逼死我这个老兵吗",
    "逼我去北京是吧",
    "再推我就去找纪委",
    "再拖下去我只能去找巡视组了",
    "我跟你们耗上了",
    "你们这么对老兵，良心不会痛吗",
    "真不知道你们这些当官的良心何在",
    "老子打过仗的，你们就这么对我",
    "说了八百遍了还是没人管，你们到底干什么吃的",
    "天天让我等等等，等到什么时候，气死人了",
    "你们再这样糊弄老兵，我就天天来你们门口坐着",
    "我已经联系了好几个电视台的记者了",
    "都一年多了，钱一分没见到，你们还要拖多久",
    "你们一个个都是吃闲饭的",
    "要是明天还没人管，我就带着孙子去政府讨饭",
    "我这条命是捡回来的，现在不想要了",
    "别再让我等了，我等不起了，我快不行了",
    "我要让全县的人都知道你们是怎么对待老兵的",
    "不给办就别怪我不客气",
    "我儿子在部队牺牲了，你们就给这点钱打发我",
]

ORDINARY = [
    "拿着优待证坐车能免费吗",
    "拿着退伍证去办优待证可以吗",
    "退伍军人加汽油有优惠吗",
    "我在县政府门口，退役军人服务中心怎么走",
    "十几个退役军人想一起创业，有贷款吗",
    "我们几个老兵想组队去烈士陵园扫墓",
    "我们几个老战友想一起去参加招聘会",
    "我们村十几个退伍兵都想学技术",
    "到局里办优待证要带什么",
    "去县里报到要带哪些材料",
    "老伴走了，遗属抚恤金怎么领",
    "刀伤是当兵时落下的，能评残吗",
    "带着残疾军人证去医院看病有优惠吗",
    "一起去烈士陵园献花要预约吗",
    "八一慰问什么时候来",
]


@pytest.mark.parametrize("text", URGENT)
def test_everyday_threat_anger_or_distress_reaches_a_person_at_once(
    understanding: Understanding, text: str
) -> None:
    decision = understanding.decide(text)
    assert isinstance(decision, Intent) and decision.name == HUMAN, decision
    assert decision.urgent, decision


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_question_with_those_words_is_not_escalated(
    understanding: Understanding, text: str
) -> None:
    assert label(understanding.decide(text)) != HUMAN
