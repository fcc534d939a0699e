"""What matters add to other apps' public pages."""

from matters.public import published_matters_of


class PolicyMatters:
    """本政策的资金事项: a public policy's page lists its public matters, with a link to each guide."""

    template = "matters/includes/policy_matters.html"

    def context(self, policy) -> dict | None:
        matters = published_matters_of(policy)
        return {"matters": matters} if matters else None
