from django.dispatch import Signal

# Sent after the unified identity login (统一身份认证) signed a user in with
# claims worth keeping; receivers (the enterprise archive) may link the user
# to the enterprise named by `uscc`. Arguments: user, uscc (may be ""), claims.
identity_verified = Signal()
