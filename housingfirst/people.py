def person_name(user) -> str:
    """How a member of staff is named on screen and in history: full name, else user name."""
    return user.get_full_name() or user.get_username()
