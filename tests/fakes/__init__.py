"""Fakes in one place: the models at the project's seam, a fake OpenAI-compatible server, test pictures."""
