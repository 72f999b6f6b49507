"""The command menu and what each command sends to Rasa."""

from bot.telegram.commands import command_book, command_menu, command_payload


def test_the_menu_lists_the_five_commands_with_chinese_descriptions() -> None:
    menu = command_menu()
    assert [c.command for c in menu] == ["start", "status", "human", "cancel", "help"]
    assert all(c.description for c in menu)


def test_the_english_menu_has_the_same_commands_in_english() -> None:
    chinese, english = command_menu(), command_menu("en")
    assert [c.command for c in english] == [c.command for c in chinese]
    assert all(c.description.isascii() and c.description for c in english)


def test_a_ticket_number_argument_becomes_the_ticket_entity() -> None:
    status = command_book().get("status")
    assert status is not None
    assert command_payload(status, ["sz20261129-000123"]) == (
        '/check_status{"ticket_id":"SZ20261129-000123"}'
    )
    assert command_payload(status, ["not-a-ticket"]) == "/check_status"


def test_help_is_answered_by_the_channel() -> None:
    help_command = command_book().get("HELP")
    assert help_command is not None
    assert command_payload(help_command, []) is None
    assert help_command.reply == "help"


def test_unknown_commands_are_not_in_the_book() -> None:
    assert command_book().get("rate") is None
