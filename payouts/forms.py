"""payouts.forms"""
