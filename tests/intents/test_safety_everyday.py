"""Safety on everyday wording written for issue #13 (not taken from any evaluation set).

Threats, anger and distress said the way people say them — 逼急了, 把话撂这儿, 等到我死吗, 想跟她
一起走 — must reach a person whatever else they share with a topic; ordinary questions that share
their words (门口, 去世, 电视台, 信访材料) must not."""

from __future__ import annotations

import pytest

from intents.evaluate import label
from intents.examples import HUMAN
from intents.understand import Understanding

NEEDS_A_PERSON = [
    "今天不给我办我就躺在你们大厅不起来",
    "我明天一早就去县委门口坐着，看谁丢人",
    "逼急了我就带上老伴去市里，谁也拦不住",
    "你们要是不管，我就天天打市长热线骂你们",
    "我要去省里告你们这些不作为的",
    "不解决我就把你们的事捅到网上去",
    "我这把老骨头不要了，跟你们耗到底",
    "再敷衍我，我就去纪委举报",
    "我在你们服务站门口站了一上午了没人理",
    "你们局长不出来见我我今天就不走",
    "我们几个战友商量好了下周一起去区政府",
    "我都八十了还让我跑，再这样我死在你们那",
    "老是让我回去等，等到我死吗",
    "这日子过不下去了，钱没了病也看不起",
    "你们再不处理，出了什么事你们负责",
    "信不信我去市政府门口跪着",
    "说好的补助三年了都没见着，你们是不是贪了",
    "我要见你们一把手",
    "跟机器人说不清楚，我要跟人说",
    "我儿子在部队没了，你们就这么打发我们",
    "惹急了我什么事都做得出来",
    "我把话撂这儿，月底前不落实我就上北京",
    "你们不给活路，我也不让你们好过",
    "我现在心里堵得慌，觉得活着没什么意思了",
    "家里就剩我一个人了，药也吃完了，不知道还能撑几天",
    "我老伴刚走，我也想跟她一起走",
    "你们是不是要等我们这些老兵都死光了才解决",
    "再这么拖，我就把这身旧军装穿上去政府门口站着",
    "今天就在你们这儿吃住了，不给答复不回去",
    "你们不管我，我就去找电视台",
    "我跟你们没完，你们一个都跑不了",
    "有本事你们就把我抓起来",
    "我们村十几个老兵都说了，不行就一起去县里",
    "我死了你们就高兴了是吧",
    "三番五次跑过来都是一句回去等，当我好欺负",
    "叫你们管事的出来，别拿机器人糊弄我",
    "我要当面跟你们局长讲清楚",
    # More everyday ways (a second round for issue #13).
    # Distress said softly, or by where the writer stands.
    "我站在楼顶上了",
    "活着真没意思，想走了",
    "我不想再拖累家里人了，准备走了",
    # Anger by an intensifier or a dare, not a listed phrase.
    "我这火气压不住了，今天必须给我办",
    "气的我饭都吃不下",
    "我真的很生气，跑了无数趟",
    "再糊弄我试试",
    "材料交了半年了连个回音都没有，你们到底在干嘛",
    "我一把老骨头了，还要被你们这样折腾",
    "一分钱没见到，你们把钱弄哪去了",
    "你们给我记住，这事没完",
    "明天我就去门口喊冤",
    "不给钱我就天天来",
    # Holding the office to account.
    "我儿子要是出了事，你们都跑不了",
    # Asking for someone by what they do.
    "我要见你们主任，马上",
    "帮我叫一下你们办事的人",
    "能不能请个人工帮我看看",
    "我想跟你们当官的面对面谈谈",
]

ORDINARY = [
    "服务站门口有停车的地方吗",
    "去县政府办事要带什么",
    "战友聚会可以借用服务站的会议室吗",
    "我爸病故了抚恤金怎么办",
    "县里的退役军人服务中心几点下班",
    "烈士纪念日去陵园要预约吗",
    "老伴去世了，她的遗属补助怎么办",
    "去省里办事有没有退役军人服务站",
    "我想去电视台报名参加老兵节目",
    "服务站能帮忙写信访材料吗",
    "我要写一封表扬信给服务站的小王",
    # Sharing the words of those above.
    "优待证上写的是什么意思",
    "我等了三年才拿到退役金，现在还能补吗",
    "退役军人想走了解一下创业贷款的流程",
    "光荣牌挂在门口有什么讲究",
    "退伍军人的档案放在人社局还是退役军人事务局",
]


@pytest.mark.parametrize("text", NEEDS_A_PERSON)
def test_reaches_a_person(understanding: Understanding, text: str) -> None:
    assert label(understanding.decide(text)) == HUMAN


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_question_is_not_escalated(understanding: Understanding, text: str) -> None:
    assert label(understanding.decide(text)) != HUMAN
