"""Personal data (个人信息) in texts the platform publishes or reuses, and how it is masked."""
