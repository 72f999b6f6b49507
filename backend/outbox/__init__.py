"""The outbox (消息推送): citizen-visible changes, written with the change, delivered later."""
