"""Public and enterprise pages of disbursement (/payouts/): 兑付结果公开, 兑付记录, 收款账户."""

from django.urls import path, register_converter

from payouts import views


class PayoutNumberConverter:
    """兑付编号 DF + yyyymmdd + 6 digits (lower case accepted: the view folds it)."""

    regex = r"[Dd][Ff][0-9]{14}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return str(value)


register_converter(PayoutNumberConverter, "payout")

app_name = "payouts"

urlpatterns = [
    path("results/", views.results_list, name="results"),
    path("records/", views.records, name="records"),
    path("records/<payout:number>/", views.record, name="record"),
    path("account/", views.account, name="account"),
]
