"""Demo appeals: tickets in every state of the loop, the interaction area and the FAQ knowledge base."""


def load():
    pass
