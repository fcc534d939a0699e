"""payouts.services"""
