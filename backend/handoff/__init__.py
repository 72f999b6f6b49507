"""Live takeover (转人工): who answers a conversation (bot, nobody yet, one operator) and the
operator's work in it: relay both ways, hand back, file or correct the citizen's ticket."""
