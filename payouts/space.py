"""payouts.space"""
