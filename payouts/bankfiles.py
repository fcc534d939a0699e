"""payouts.bankfiles"""
