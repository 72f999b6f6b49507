"""Input channels Rasa serves for the platform."""
