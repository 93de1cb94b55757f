from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tilmeld.core import pagecache
from tilmeld.news import selectors
from tilmeld.news.models import Article

PAGE_SIZE = 10


@pagecache.public_page
def article_list(request):
    page = Paginator(selectors.published_articles(), PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, "news/article_list.html", {"page": page})
    return pagecache.lasting(response, until=Article.objects.next_publication())


@pagecache.public_page
def article_detail(request, slug):
    article = selectors.article_for_page(slug, preview=request.user.is_staff)
    if article is None:
        raise Http404
    context = {"article": article, "related": selectors.related_articles(article)}
    response = render(request, "news/article_detail.html", context)
    return pagecache.lasting(response, until=Article.objects.next_publication())
