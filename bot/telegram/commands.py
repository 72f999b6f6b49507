"""The bot's commands (/start, /status, /help, /human, /cancel): menu and Rasa payloads."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from telegram import BotCommand

from bot.payloads import intent_payload

COMMANDS_FILE = Path(__file__).parent / "data" / "commands.yml"


@dataclass(frozen=True, slots=True)
class Command:
    """One command of the menu: what it sends to Rasa, or the canned text it answers with."""

    command: str
    description: str
    description_en: str
    payload: str | None = None
    with_ticket: str | None = None
    reply: str | None = None


@dataclass(frozen=True, slots=True)
class CommandBook:
    """All commands, plus how a ticket number argument is recognised and passed on."""

    commands: tuple[Command, ...]
    ticket_entity: str
    ticket_pattern: re.Pattern[str]

    def get(self, name: str) -> Command | None:
        """The command called `name` (without the slash), if there is one."""
        return next((c for c in self.commands if c.command == name.lower()), None)


@cache
def command_book() -> CommandBook:
    """The commands of data/commands.yml, read once."""
    data = yaml.safe_load(COMMANDS_FILE.read_text(encoding="utf-8"))
    commands = tuple(Command(**item) for item in data["commands"])
    for command in commands:
        if (command.payload is None) == (command.reply is None):
            raise ValueError(f"/{command.command} needs exactly one of payload or reply")
    return CommandBook(
        commands=commands,
        ticket_entity=data["ticket_entity"],
        ticket_pattern=re.compile(data["ticket_pattern"]),
    )


def command_menu(language: str = "zh") -> list[BotCommand]:
    """The menu for setMyCommands, in the file's order (Chinese, or English with "en")."""
    return [
        BotCommand(c.command, c.description_en if language == "en" else c.description)
        for c in command_book().commands
    ]


def command_payload(command: Command, args: list[str]) -> str | None:
    """What a command sends to Rasa given its arguments; None for commands the channel answers."""
    book = command_book()
    ticket_no = args[0].strip().upper() if args else ""
    if command.with_ticket and book.ticket_pattern.match(ticket_no):
        return intent_payload(command.with_ticket, {book.ticket_entity: ticket_no})
    return command.payload
