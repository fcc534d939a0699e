"""Public and enterprise pages of disbursement: 兑付结果 and the enterprise's 兑付记录 and 收款账户."""
