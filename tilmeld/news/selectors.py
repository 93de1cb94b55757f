from tilmeld.news.models import Article


def published_articles():
    return Article.objects.published().order_by("-published_at", "-id")


def latest_articles(limit: int = 3):
    return published_articles()[:limit]


def related_articles(article: Article, limit: int = 3):
    return published_articles().exclude(pk=article.pk)[:limit]


def article_for_page(slug: str, *, preview: bool = False) -> Article | None:
    articles = Article.objects.all() if preview else published_articles()
    return articles.filter(slug=slug).first()
