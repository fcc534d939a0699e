"""payouts.subsidy_api"""
