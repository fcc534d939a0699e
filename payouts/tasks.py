"""payouts.tasks"""
