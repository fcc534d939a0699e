"""智能问答 (宜昌 §25、常州 §16): a question answered from the FAQ knowledge base and the interaction area."""

from django.shortcuts import render

from appeals import qa


def ask(request):
    """GET ?q=…: the best answers with where each comes from, the related policies, and 转为诉求."""
    text = request.GET.get("q", "").strip()
    reply = qa.answer(text) if text else None
    return render(request, "appeals/qa/ask.html", {"q": text, "reply": reply})
