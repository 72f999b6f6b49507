"""The admins' NLU loop: inbox of real messages, examples, trainings, models and activation."""
