"""payouts.admin_results"""
