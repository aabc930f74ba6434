"""Reading the catalogue: listings, search, product pages. A constant number of queries each.

Listings read only the product table (its summary columns hold price range, stock and cover
image), so a page of 24 products costs two queries: the count and the page.
"""
import math
import re
from dataclasses import dataclass

from sqlalchemy import func, literal_column, text
from sqlalchemy.orm import joinedload, selectinload

from . import localized
from .errors import NotFound
from .extensions import db
from .models import Product, Variant

PER_PAGE = 24
SORTS = ("featured", "newest", "price_asc", "price_desc")
SEARCH_SORTS = ("relevance",) + SORTS
# A search reads at most this many matching products (the newest ones) and ranks those: a
# broad word in a large catalogue costs the same as in a small one. Past it, the page says
# "more than" this many and the shopper is asked for another word; pages go up to it.
SEARCH_WINDOW = 500
# Up to this many matches are ranked by the index's own score (bm25: where and how often each
# word occurs); more are ranked by _rank_window. The score reads every match's positions, which
# costs about as much as the rest of a results page once a query has a few hundred matches.
SEARCH_SCORED = 100


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int
    # True when more products match than `total` (a search stops counting at its window).
    more: bool = False

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def _order(sort):
    if sort == "newest":
        return (Product.created_at.desc(), Product.id.desc())
    if sort == "price_asc":
        return (Product.price_min.asc(), Product.id.asc())
    if sort == "price_desc":
        return (Product.price_min.desc(), Product.id.desc())
    # featured: the merchant's picks first, then best sellers, then newest.
    return (Product.featured.desc(), Product.featured_position.asc(),
            Product.sales_count.desc(), Product.created_at.desc(), Product.id.desc())


def _sorted(rows, sort):
    """Rows carrying _order()'s columns in _order()'s order (search sorts the matches in hand)."""
    if sort == "price_asc":
        return sorted(rows, key=lambda row: (row.price_min, row.id))
    if sort == "price_desc":
        return sorted(rows, key=lambda row: (row.price_min, row.id), reverse=True)
    newest = sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)
    if sort == "newest":
        return newest
    # featured: sorted() keeps the newest first among equals.
    return sorted(newest, key=lambda row: (not row.featured, row.featured_position,
                                           -row.sales_count))


def clamp_page(page, total=None, per_page=PER_PAGE):
    """A usable page number: nonsense gives the first page and, when the total is known, a page
    past the end gives the last one (an old link after products were removed still shows some)."""
    try:
        page = int(page)
    except (TypeError, ValueError):
        return 1
    last = 10_000 if total is None else max(1, math.ceil(total / per_page))
    return min(max(page, 1), last)


def _paginate(query, count_query, order, page, per_page):
    total = db.session.scalar(count_query) or 0
    page = clamp_page(page, total, per_page)
    items = db.session.scalars(
        query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def listing(category_id=None, sort="featured", page=1, per_page=PER_PAGE):
    """Active products, optionally of one category, sorted and paginated."""
    conditions = [Product.status == "active"]
    if category_id is not None:
        conditions.append(Product.category_id == category_id)
    query = db.select(Product).where(*conditions)
    count = db.select(func.count(Product.id)).where(*conditions)
    return _paginate(query, count, _order(sort if sort in SORTS else "featured"), page, per_page)


def featured(limit=8):
    return db.session.scalars(
        db.select(Product).where(Product.status == "active", Product.featured.is_(True))
        .order_by(Product.featured_position, Product.id).limit(limit)).all()


def best_sellers(limit=8):
    """Most units sold; empty until the shop has orders."""
    return db.session.scalars(
        db.select(Product).where(Product.status == "active", Product.sales_count > 0)
        .order_by(Product.sales_count.desc(), Product.id).limit(limit)).all()


_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(q):
    """The words of a query, at most 8, each at most 40 characters."""
    return [w[:40] for w in _WORD.findall(q or "")][:8]


def _fts_available():
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    cache = bind.__dict__.setdefault("_shop_fts", {})
    if "ok" not in cache:
        with bind.connect() as conn:
            cache["ok"] = conn.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
                " AND name IN ('product_fts', 'product_grams')")).scalar() == 2
    return cache["ok"]


def _like(term):
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _phrase(term):
    return '"{}"'.format(term.replace('"', '""'))


def _fts_matching(terms, scored=True):
    """The query for every term, its parameters and its score. Words of three or more
    characters are found anywhere in a text through the trigram index ("bowl" in "bowls",
    "머그컵" in "커피머그컵"); shorter ones through the index of words and Korean syllables and
    syllable pairs ("머그" inside "커피머그컵", "컵" too; "li" as the start of a word)."""
    long_terms = [t for t in terms if len(t) >= 3]
    short = [_phrase(t.lower()) if localized.is_hangul(t) else _phrase(t.lower()) + "*"
             for t in terms if len(t) < 3]
    params = {}
    if long_terms:
        params["match"] = " ".join(_phrase(t) for t in long_terms)
        # A title match counts five times a match in the texts, tags twice.
        query = ("SELECT rowid AS id" + (", bm25(product_fts, 5.0, 1.0, 2.0) AS score" if scored else "")
                 + " FROM product_fts WHERE product_fts MATCH :match")
        if short:
            params["grams"] = " ".join(short)
            # "+rowid": the short words' matches are collected once and tested as a list;
            # without it SQLite would run the trigram match again for each of them.
            query += " AND +rowid IN (SELECT rowid FROM product_grams WHERE product_grams MATCH :grams)"
    else:
        params["grams"] = " ".join(short)
        query = ("SELECT rowid AS id" + (", bm25(product_grams) AS score" if scored else "")
                 + " FROM product_grams WHERE product_grams MATCH :grams")
    return query, params


def _rank_window(rows, terms):
    """Ids of a window of matches (rows of id, sales_count, search_title) with more matches
    past it: the products with every word in a title first, then best sellers, then newest."""
    words = [term.lower() for term in terms]
    return [row.id for row in sorted(rows, key=lambda row: (
        not all(w in row.search_title.lower() for w in words), -row.sales_count, -row.id))]


def _fts_search(terms, sort, page, per_page, window):
    """The newest `window` active matches (and whether there are more), read in the index's
    own order so the work stops there; then ordered by relevance or by `sort`.
    The match runs first and the product table is only probed by id: SQLite never reorders a
    CROSS JOIN, so a broad category is never scanned to test each product against the index."""
    matches, params = _fts_matching(terms, scored=False)
    rows = db.session.execute(text(
        f"SELECT fts.id, product.sales_count, product.search_title FROM ({matches}) AS fts"
        " CROSS JOIN product ON product.id = fts.id WHERE product.status = 'active'"
        " ORDER BY fts.id DESC LIMIT :limit").bindparams(**params, limit=window + 1)).all()
    more = len(rows) > window
    rows = rows[:window]
    total = len(rows)
    page = clamp_page(page, total, per_page)
    if sort == "relevance":
        if more or total > SEARCH_SCORED:
            # The score (bm25) reads every match in the index, however many.
            ids = _rank_window(rows, terms)
        else:
            # A few matches, all in the window: scored, best match first, then best sellers.
            scored, params = _fts_matching(terms)
            ids = db.session.scalars(text(
                f"SELECT fts.id FROM ({scored}) AS fts CROSS JOIN product ON product.id = fts.id"
                " WHERE product.status = 'active'"
                " ORDER BY fts.score, product.sales_count DESC, fts.id").bindparams(**params)).all()
        wanted = ids[(page - 1) * per_page: page * per_page]
        found = {p.id: p for p in db.session.scalars(
            db.select(Product).where(Product.id.in_(wanted)))} if wanted else {}
        items = [found[i] for i in wanted if i in found]
    elif not more:
        # Every match is in hand: sort them by the product's columns.
        items = db.session.scalars(
            db.select(Product).where(Product.id.in_([row.id for row in rows]))
            .order_by(*_order(sort)).limit(per_page).offset((page - 1) * per_page)).all()
    else:
        # Sorted by price or date with more matches than the window: the first `window` of
        # all matches in that order (the product index walks in order, testing each).
        matching = text(f"SELECT id FROM ({matches})").bindparams(**params).columns(id=db.Integer)
        items = db.session.scalars(
            db.select(Product).where(Product.status == "active", Product.id.in_(matching))
            .order_by(*_order(sort)).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total, more=more)


def search(q, sort="relevance", page=1, per_page=PER_PAGE, window=None):
    """Active products whose title, texts, option values or tags, in any of the shop's
    languages, contain every word of q. At most `window` (SEARCH_WINDOW) are counted and
    paged through; Page.more tells that there are more."""
    terms = search_terms(q)
    if not terms:
        return Page(items=[], page=1, per_page=per_page, total=0)
    sort = sort if sort in SEARCH_SORTS else "relevance"
    window = SEARCH_WINDOW if window is None else window
    if _fts_available():
        return _fts_search(terms, sort, page, per_page, window)
    return _portable_search(terms, sort, page, per_page, window)


# The short-word index of domain.localized.grams(), between spaces: a Korean word of one or two
# syllables is one of its words, which a trigram index finds (" 머그 " has trigrams; "머그" alone
# is too short for any).
_GRAMS_TEXT = literal_column("(' ' || product.search_grams || ' ')", db.Text)
# The window is read in ranges of ids, newest first (_newest_matches): the first this many
# times the window, the next ones sized from the matches found so far, the last all older ids.
FIRST_RANGE = 2
_RANGES = 4


def _portable_condition(term):
    """The condition for one word, and whether a trigram index can find it (a word of three
    characters or more, or a Korean word in the short-word index)."""
    if len(term) < 3 and localized.is_hangul(term):
        return _GRAMS_TEXT.like(f"% {term} %"), True
    # search_words holds every word of the texts, case-folded: the word is inside one of them.
    return Product.search_words.like(_like(term.casefold()), escape="\\"), len(term) >= 3


def _newest_matches(conditions, window, indexed):
    """Rows (id and the columns that order matches) of the newest window + 1 active matches, newest first.

    A word in one product of ten is in 500 of the newest 5,000 products, and checking each of
    those costs more than finding the word in the trigram index. So the ids are read in ranges,
    newest first, until the window is full: the newest 2 x window ids product by product (as
    cheap at 100,000 products as at 1,000, and enough for a common word or a small shop), then
    ranges sized from the share of products that matched so far, then all older ids, each
    through the index (the range's matches are read from the table, not all its products). For
    those, the planner on PostgreSQL is told to use the indexes' bitmaps: it cannot see what
    checking a text costs, and would walk the table backwards by id, checking every product."""
    want = window + 1
    query = (db.select(Product.id, Product.sales_count, Product.search_title, Product.featured,
                       Product.featured_position, Product.created_at, Product.price_min)
             .where(Product.status == "active", *conditions).order_by(Product.id.desc()))
    newest = db.session.scalar(db.select(func.max(Product.id))) if indexed else None
    if newest is None:
        # Nothing an index can find (or no products): walking back from the newest is best.
        return db.session.execute(query.limit(want)).all()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    planner = None
    rows = []
    high, span = newest, FIRST_RANGE * window
    for step in range(_RANGES):
        low = high - span
        last = step == _RANGES - 1 or low <= 0
        if step == 1 and postgres:
            planner = db.session.execute(text(
                "SELECT s.indexscan, s.seqscan, set_config('enable_indexscan', 'off', true),"
                " set_config('enable_seqscan', 'off', true) FROM (SELECT"
                " current_setting('enable_indexscan') AS indexscan,"
                " current_setting('enable_seqscan') AS seqscan OFFSET 0) AS s")).one()
        bounded = (query.where(Product.id <= high) if last
                   else query.where(Product.id > low, Product.id <= high))
        rows += db.session.execute(bounded.limit(want - len(rows))).all()
        if last or len(rows) >= want:
            break
        # The share of the ids so far that matched (one at least: else the rest is next).
        share = max(len(rows), 1) / (newest - low)
        high, span = low, math.ceil((want - len(rows)) / share * 1.25)
    if planner is not None:
        # SET LOCAL lasts to the end of the transaction: the queries after these plan as usual.
        # (If a statement above failed, the transaction is rolled back and the settings with it.)
        db.session.execute(text(
            "SELECT set_config('enable_indexscan', :indexscan, true),"
            " set_config('enable_seqscan', :seqscan, true)"),
            {"indexscan": planner.indexscan, "seqscan": planner.seqscan})
    return rows


def _portable_search(terms, sort, page, per_page, window):
    """PostgreSQL, or SQLite without FTS5 trigrams: every word somewhere, any case. As above,
    the newest `window` matches are counted and ordered; "relevance" is the featured order,
    or past the window the order of _rank_window()."""
    parts = [_portable_condition(term) for term in terms]
    conditions = [condition for condition, _ in parts]
    rows = _newest_matches(conditions, window, any(indexed for _, indexed in parts))
    more = len(rows) > window
    rows = rows[:window]
    page = clamp_page(page, len(rows), per_page)
    start = (page - 1) * per_page
    order = "featured" if sort == "relevance" else sort
    if more and sort != "relevance":
        # Sorted by price or date past the window: the first of all matches in that order.
        items = db.session.scalars(
            db.select(Product).where(Product.status == "active", *conditions)
            .order_by(*_order(order)).limit(per_page).offset(start)).all()
    else:
        # The matches in hand, ordered here: only the page's products are read.
        ids = (_rank_window(rows, terms) if more
               else [row.id for row in _sorted(rows, order)])
        wanted = ids[start:start + per_page]
        found = {p.id: p for p in db.session.scalars(
            db.select(Product).where(Product.id.in_(wanted)))} if wanted else {}
        items = [found[i] for i in wanted if i in found]
    return Page(items=items, page=page, per_page=per_page, total=len(rows), more=more)


def product_page(slug):
    """An active product with its variants and images (two queries: the images are joined to
    the product's row, the page's one-query room for what goes well with it), or NotFound."""
    product = db.session.execute(
        db.select(Product).where(Product.slug == slug, Product.status == "active")
        .options(selectinload(Product.variants), joinedload(Product.images))
    ).unique().scalar_one_or_none()
    if product is None:
        raise NotFound()
    return product


def pick_variant(product, variant_id=None, option1=None, option2=None):
    """The variant asked for (by id or options), else the first in stock, else the first."""
    variants = product.variants
    if not variants:
        return None
    if variant_id is not None:
        found = next((v for v in variants if str(v.id) == str(variant_id)), None)
        if found:
            return found
    if option1 is not None:
        found = next((v for v in variants if v.option1 == option1 and
                      (option2 is None or v.option2 == option2)), None)
        if found:
            return found
    return next((v for v in variants if v.stock > 0), variants[0])


def variants_by_ids(ids):
    """Variants with their products, for a cart: one query however many lines."""
    if not ids:
        return {}
    rows = db.session.scalars(
        db.select(Variant).where(Variant.id.in_(list(ids)))
        .options(joinedload(Variant.product))).unique().all()
    return {v.id: v for v in rows}
