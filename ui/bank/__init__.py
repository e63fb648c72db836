"""The Bank view: payments no invoice was found for, suggestions, match and unmatch."""
