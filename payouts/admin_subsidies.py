"""payouts.admin_subsidies"""
