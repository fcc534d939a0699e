"""线上政策咨询会 (online consultation sessions: 云直播、云综窗): public pages.

/sessions/                      upcoming and past sessions (?department=<id>)
/sessions/<pk>/                 one session: places left, booking, cancelling, questions in advance; the link for
                                booked enterprises; the recording and the answered questions once published
/sessions/<pk>/book/            POST: book (enterprise users)
/sessions/<pk>/questions/       POST: a question in advance (booked enterprises)
/sessions/bookings/             the enterprise's own bookings (我的预约)
/sessions/bookings/<pk>/cancel/ POST: cancel one's own booking (another enterprise's: 404)
"""

from django.urls import path

from engagement import views_sessions as views

urlpatterns: list = [
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/bookings/", views.my_bookings, name="session_bookings"),
    path("sessions/bookings/<int:pk>/cancel/", views.cancel_booking, name="session_cancel_booking"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/book/", views.book, name="session_book"),
    path("sessions/<int:pk>/questions/", views.ask, name="session_ask"),
]
