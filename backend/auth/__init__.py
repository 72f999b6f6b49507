"""Who is calling: staff tokens, the service token of the bot, Open311 keys."""
