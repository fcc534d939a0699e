"""payouts.results"""
