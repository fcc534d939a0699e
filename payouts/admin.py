"""The finance back office of disbursement (拨付): funding sources, payouts, batches and bank results."""

from payouts import admin_results, admin_subsidies  # noqa: F401
