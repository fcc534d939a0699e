"""payouts.subsidies"""
