from .services import unread_count


def unread_messages(request):
    """`unread_message_count` for the header: nothing for anonymous readers, one cached count otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_message_count": unread_count(user)}
