"""Who the visitor is as a reviewer, for what only a review's own author may see."""
from flask_login import current_user


def visitor_reviewer(review):
    """The visitor's reviewer identity that matters for `review`: "user:<id>" when signed in,
    else None."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return None
