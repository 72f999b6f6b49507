"""Issue 10: corrections in free words at any point (place, category, description, contact),
and a change of subject that restarts the report keeping what still applies."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import language
from tests.actions.conftest import entity, texts
from tests.actions.fake_platform import FakePlatform
from tests.actions.test_form_replies import WELL, report, run_form


async def test_place_correction_after_modify_names_district_and_street(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    # District and street are the citizen's whole answer to "where?": the read-back follows
    # with the change (issue 10), the old report's address (another district's) noted as not
    # given instead of asked for once more; they can still add one there in words.
    slots = report(modifying=True, requested_slot="modify_field")
    changes = await run_form(
        dispatcher, text="地点改成福田区华富街道", intent="inform", slots=slots
    )
    assert (changes["district"], changes["street"], changes["address"]) == (
        "福田区",
        "华富街道",
        "（市民未提供具体地址）",
    )
    assert changes["requested_slot"] == "confirmed"
    assert "没能确定" not in "".join(texts(dispatcher))


async def test_a_place_correction_naming_only_the_district_asks_where_exactly(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(dispatcher, text="不对，是在福田区", intent="deny", slots=report())
    assert (changes["district"], changes["address"]) == ("福田区", None)
    assert changes["requested_slot"] == "address"


async def test_a_road_in_the_same_district_at_the_read_back_keeps_the_street(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(district="福田区", street="华富街道", address="（市民未提供具体地址）")
    changes = await run_form(dispatcher, text="彩田路口", intent="inform", slots=slots)
    assert changes["address"] == "彩田路"
    assert "street" not in changes and "district" not in changes
    assert changes["requested_slot"] == "confirmed"


async def test_an_english_place_correction_keeps_the_landmark_as_the_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher,
        text="No, it's actually in Futian, near Shenzhen Central Park",
        intent="inform",
        slots=report(),
    )
    assert (changes["district"], changes["address"]) == ("福田区", "near Shenzhen Central Park")
    assert changes["requested_slot"] == "confirmed"


async def test_naming_the_category_the_report_has_reads_it_back_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher, text="分类搞错了吧，应该是道路设施", intent="road", slots=report()
    )
    assert changes["service_code"] == "road"
    assert changes["requested_slot"] == "confirmed"


async def test_naming_the_category_it_has_beats_the_nlu_reading_of_the_old_one(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(service_code="noise")
    changes = await run_form(dispatcher, text="不是路灯，是噪音", intent="streetlight", slots=slots)
    assert changes["service_code"] == "noise"
    assert changes["requested_slot"] == "confirmed"


async def test_an_addition_in_english_is_labelled_in_english(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    with language.speaking("en"):
        changes = await run_form(
            dispatcher,
            text="also add that it floods when it rains",
            intent="inform",
            slots=report(),
        )
    assert changes["description"] == f"{WELL}\nAdded: it floods when it rains"


async def test_place_correction_at_the_read_back_keeps_the_citizens_words(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher, text="地址改成建安一路88号", intent="inform", slots=report()
    )
    assert changes["address"] == "建安一路88号"
    assert changes["requested_slot"] == "confirmed"


@pytest.mark.parametrize(
    "said", ["不是路灯，是噪音", "类别改成噪音", "不是路灯的问题，而是施工噪音"]
)
async def test_a_category_correction_in_free_words(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str
) -> None:
    slots = report(service_code="streetlight")
    changes = await run_form(dispatcher, text=said, intent="streetlight", slots=slots)
    assert changes["service_code"] == "noise"
    assert changes["requested_slot"] == "confirmed"


@pytest.mark.parametrize(
    "said",
    [
        "描述再加一句：晚上有人差点掉进去",
        "补充：晚上有人差点掉进去",
        "再加一句，晚上有人差点掉进去",
    ],
)
async def test_an_addition_to_the_description_keeps_the_original(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str
) -> None:
    changes = await run_form(dispatcher, text=said, intent="inform", slots=report())
    assert changes["description"] == f"{WELL}\n补充：晚上有人差点掉进去"
    assert changes["requested_slot"] == "confirmed"


async def test_a_replaced_description_is_as_said(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher, text="描述改成：井盖被偷了", intent="inform", slots=report()
    )
    assert changes["description"] == "井盖被偷了"


async def test_modify_the_description_keeps_it_aside_and_a_confirmation_keeps_it(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(modifying=True, requested_slot="modify_field")
    changes = await run_form(
        dispatcher,
        text='/inform{"modify_field":"description"}',
        intent="inform",
        entities=[entity("modify_field", "description")],
        slots=slots,
    )
    assert changes["description"] is None and changes["description_before"] == WELL
    assert changes["requested_slot"] == "description"

    slots = report(description=None, description_before=WELL, requested_slot="description")
    changes = await run_form(dispatcher, text="确认提交", intent="affirm", slots=slots)
    assert changes["description"] == WELL
    assert changes["requested_slot"] == "confirmed"


async def test_modify_the_description_then_an_addition_appends_to_the_original(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(description=None, description_before=WELL, requested_slot="description")
    changes = await run_form(dispatcher, text="补充：很危险", intent="inform", slots=slots)
    assert changes["description"] == f"{WELL}\n补充：很危险"


async def test_a_contact_correction_in_free_words(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher, text="打电话联系我 13912345678", intent="inform", slots=report()
    )
    assert (changes["contact_preference"], changes["phone"]) == ("phone", "13912345678")
    assert changes["requested_slot"] == "confirmed"


async def test_a_change_of_subject_restarts_the_report_keeping_the_place(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(
        service_code="streetlight",
        description="路灯坏了",
        district="福田区",
        street="华富街道",
        address=None,
        requested_slot="address",
    )
    changes = await run_form(
        dispatcher, text="哦不对，我要说的是噪音，隔壁工地半夜施工", intent="noise", slots=slots
    )
    assert changes["service_code"] == "noise"
    assert changes["description"] == "噪音，隔壁工地半夜施工"
    assert (changes["district"], changes["street"]) == ("福田区", "华富街道")
    assert changes["requested_slot"] == "address"


async def test_a_change_of_subject_naming_a_new_place_takes_it(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(
        dispatcher,
        text="不对，我要反映的是东门老街的垃圾没人清",
        intent="other",
        slots=report(service_code="streetlight"),
    )
    assert changes["service_code"] == "sanitation"
    assert (changes["district"], changes["address"]) == ("罗湖区", "东门老街")


async def test_a_long_description_with_a_phone_number_asks_for_a_call_back(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "小区门口的路灯坏了一个月了，请打电话联系我 13912345678"
    slots = report(description=None, requested_slot="description")
    changes = await run_form(dispatcher, text=said, intent="streetlight", slots=slots)
    assert changes["description"] == said
    assert (changes["contact_preference"], changes["phone"]) == ("phone", "13912345678")


async def test_an_addition_while_the_address_is_asked_goes_to_the_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(
        dispatcher, text="补充：晚上有人差点掉进去", intent="other", slots=slots
    )
    assert changes["description"] == f"{WELL}\n补充：晚上有人差点掉进去"
    assert changes["address"] is None and changes["requested_slot"] == "address"


async def test_a_category_correction_while_the_address_is_asked(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(service_code="streetlight", address=None, requested_slot="address")
    changes = await run_form(dispatcher, text="不是路灯，是噪音", intent="streetlight", slots=slots)
    assert changes["service_code"] == "noise"
    assert changes["address"] is None and changes["requested_slot"] == "address"


async def test_a_place_correction_while_the_contact_is_asked(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(contact_preference=None, requested_slot="contact_preference")
    changes = await run_form(dispatcher, text="地址改成建安一路88号", intent="inform", slots=slots)
    assert changes["address"] == "建安一路88号"
    assert changes["requested_slot"] == "contact_preference"


async def test_a_change_of_subject_when_the_description_is_asked_drops_the_opening(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(service_code="other", description=None, requested_slot="description")
    changes = await run_form(
        dispatcher, text="哦不对，我要说的是噪音，隔壁工地半夜施工", intent="noise", slots=slots
    )
    assert changes["description"] == "噪音，隔壁工地半夜施工"
    assert changes["service_code"] == "noise"


async def test_an_address_naming_a_category_word_is_just_the_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(service_code="noise", address=None, requested_slot="address")
    changes = await run_form(
        dispatcher, text="建安一路停车场旁边，是垃圾站", intent="inform", slots=slots
    )
    assert "service_code" not in changes
    assert changes["address"] == "建安一路停车场旁边，是垃圾站"


async def test_a_change_of_subject_keeps_the_call_back_unless_it_names_another(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(contact_preference="phone", phone="13912345678", requested_slot="confirmed")
    changes = await run_form(
        dispatcher, text="不对，我要说的是噪音，工地半夜施工", intent="noise", slots=slots
    )
    assert (changes["contact_preference"], changes["phone"]) == ("phone", "13912345678")
    changes = await run_form(
        dispatcher, text="不对，我要说的是噪音，工地半夜施工，我要匿名", intent="noise", slots=slots
    )
    assert (changes["contact_preference"], changes["phone"]) == ("anonymous", None)


async def test_english_corrections(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(service_code="streetlight")
    changes = await run_form(
        dispatcher, text="It's not the streetlight, it's noise", intent="streetlight", slots=slots
    )
    assert changes["service_code"] == "noise"
    changes = await run_form(
        dispatcher, text="change the address to Gate 3 of the park", intent="inform", slots=report()
    )
    assert changes["address"] == "Gate 3 of the park"
    assert changes["requested_slot"] == "confirmed"


async def test_a_road_in_the_known_district_keeps_the_street(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(district="福田区", street="华富街道", address=None, requested_slot="address")
    changes = await run_form(dispatcher, text="彩田路口", intent="inform", slots=slots)
    assert changes["address"] == "彩田路口"
    assert "street" not in changes and "district" not in changes


async def test_a_new_subject_naming_the_street_answers_where_once_asked(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    """Asked where exactly, the citizen changes the subject and names the street: that is the
    answer (as in a place correction); the read-back follows."""
    slots = report(address=None, requested_slot="address")
    changes = await run_form(
        dispatcher,
        text="等等，我搞错了，其实是华富街道那边有家餐馆油烟太大",
        intent="air_pollution",
        slots=slots,
    )
    assert (changes["district"], changes["street"]) == ("福田区", "华富街道")
    assert changes["address"] == "（市民未提供具体地址）"
    assert changes["requested_slot"] == "confirmed"


async def test_a_new_subject_before_where_was_asked_goes_on_to_ask_it(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    slots = report(district=None, street=None, address=None, requested_slot="district")
    changes = await run_form(
        dispatcher,
        text="等等，我搞错了，其实是华富街道那边有家餐馆油烟太大",
        intent="air_pollution",
        slots=slots,
    )
    assert changes["street"] == "华富街道"
    assert changes["requested_slot"] == "address"


@pytest.mark.parametrize("sorry", ["我弄错了", "抱歉我写错了", "不好意思搞混了"])
async def test_a_new_subject_after_any_i_was_wrong(
    platform: FakePlatform, dispatcher: CollectingDispatcher, sorry: str
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(
        dispatcher,
        text=f"{sorry}，我要反映的是华富街道那边天天有人乱倒建筑垃圾",
        intent="sanitation",
        slots=slots,
    )
    assert changes["description"] == "华富街道那边天天有人乱倒建筑垃圾"
    assert changes["street"] == "华富街道"


async def test_the_report_sent_twice_is_read_back_again_without_a_question(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    changes = await run_form(dispatcher, text=f"{WELL}。", intent="road", slots=report())
    assert changes["requested_slot"] == "confirmed"
    assert "没明白" not in "".join(texts(dispatcher))


@pytest.mark.parametrize(
    ("said", "intent", "told", "category"),
    [
        ("等一下，我要反映的不是这个，是那边一排小贩把摊子摆到了马路上", "street_vending",
         "那边一排小贩把摊子摆到了马路上", "street_vending"),
        ("啊不是，我想报的其实是停电，从昨晚一直到现在都没来电", "power_supply",
         "停电，从昨晚一直到现在都没来电", "power_supply"),
    ],
)  # fmt: skip
async def test_a_category_correction_that_tells_the_new_problem_starts_the_report_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str, intent: str, told: str,
    category: str,
) -> None:  # fmt: skip
    changes = await run_form(dispatcher, text=said, intent=intent, slots=report())
    assert changes["service_code"] == category
    assert changes["description"] == told  # not the manhole cover's any more
    assert changes["district"] == "宝安区"  # the place still applies


async def test_an_english_correction_that_tells_the_new_problem_starts_again(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "Sorry, wrong issue. The real problem is the shops blasting loud music until midnight"
    changes = await run_form(dispatcher, text=said, intent="noise", slots=report())
    assert changes["service_code"] == "noise"
    assert "loud music" in changes["description"]
    assert "井盖" not in changes["description"]


@pytest.mark.parametrize("said", ["不是井盖，是噪音", "不对，应该算噪音", "类别改成噪音"])
async def test_a_bare_category_correction_keeps_the_description(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str
) -> None:
    changes = await run_form(dispatcher, text=said, intent="noise", slots=report())
    assert changes["service_code"] == "noise"
    assert "description" not in changes or changes["description"] == WELL


async def test_a_place_correction_with_actually_is_no_new_subject(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "不好意思，地点说错了，其实是福田区车公庙地铁站的B口"
    # the NLU may read 地铁站 as public transport: still a place correction
    changes = await run_form(dispatcher, text=said, intent="public_transport", slots=report())
    assert changes.get("description", WELL) == WELL
    assert changes.get("service_code", "road") == "road"


async def test_a_new_subject_after_sighs_and_repeated_noes_keeps_only_the_new_words(
    platform: FakePlatform, dispatcher: CollectingDispatcher
) -> None:
    said = "哎不是不是，我真正要反映的是那边几家大排档把桌椅摆满了人行道"
    changes = await run_form(dispatcher, text=said, intent="street_vending", slots=report())
    assert changes["description"] == "那边几家大排档把桌椅摆满了人行道"


@pytest.mark.parametrize(
    "said", ["具体哪条路我真叫不上名字", "Sorry, no idea of the exact address"]
)
async def test_not_knowing_the_road_is_never_the_address(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str
) -> None:
    slots = report(address=None, requested_slot="address")
    changes = await run_form(dispatcher, text=said, intent="inform", slots=slots)
    assert changes["address"] == "（市民未能提供具体地址）"


@pytest.mark.parametrize("said", ["都对，发过去吧", "looks right, send it in"])
async def test_more_typed_confirmations_file_the_report(
    platform: FakePlatform, dispatcher: CollectingDispatcher, said: str
) -> None:
    changes = await run_form(dispatcher, text=said, intent="affirm", slots=report())
    assert changes.get("confirmed") is True or changes.get("requested_slot") is None
