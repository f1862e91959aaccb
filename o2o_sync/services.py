"""Service keys shared by the channel and the branch, with their display names."""

SERVICES = {
    "account": "Open an account",
    "loan": "Loan consultation",
    "wealth": "Wealth management",
    "card": "Cards and payments",
    "forex": "Foreign exchange",
}
