"""The credibility check of many contractors at once."""
