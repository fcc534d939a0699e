"""payouts.demo"""
