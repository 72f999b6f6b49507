"""Citizens (市民) and the chat identities they reach the platform through."""
