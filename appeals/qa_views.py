"""智能问答 (宜昌 §25、常州 §16): a question answered from the FAQ knowledge base and the interaction area."""

from django.shortcuts import render

from appeals import qa


def ask(request):
    """GET ?question=… (?q=… from older links): the best answers with where each comes from, the related policies,
    and 转为诉求. Not `q`, which the header's 搜索政策 box reads."""
    text = (request.GET.get("question") or request.GET.get("q") or "").strip()
    reply = qa.answer(text) if text else None
    return render(request, "appeals/qa/ask.html", {"question": text, "reply": reply, "examples": qa.EXAMPLES})
