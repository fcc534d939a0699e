from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread_messages(request):
    """`unread_message_count` for the header: nothing for anonymous readers, one cached count otherwise.

    Lazy, so a page that never shows it does not pay for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_message_count": SimpleLazyObject(lambda: unread_count(user))}
