"""Migrations keep a live shop's data: a table SQLite rebuilds keeps the rows pointing at it."""
import sqlite3

import pytest
from flask_migrate import upgrade

from domain.extensions import db
from shop import create_app


@pytest.mark.sqlite_only
def test_letting_skus_repeat_keeps_carts_and_order_lines(tmp_path):
    """0015 rebuilds the variant table on SQLite; the carts and order lines pointing at its
    variants keep them (foreign-key actions would otherwise empty the carts)."""
    path = tmp_path / "shop.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{path}", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "STOREFRONT_VERSION_FILE": str(tmp_path / "version")})
    with app.app_context():
        upgrade(revision="0007")
        db.engine.dispose()
    with sqlite3.connect(path) as shop:
        shop.executescript("""
            INSERT INTO user (id, email, password_hash, name, is_merchant, created_at,
                              credit_balance, session_version)
                VALUES (1, 'minji@example.com', 'x', 'Kim Minji', 0, '2026-03-01', 0, 0);
            INSERT INTO product (id, slug, title, summary, description_md, description_html,
                                 description_text, specs, vendor, product_type, tags,
                                 option1_name, option2_name, status, featured,
                                 featured_position, sales_count, price_min, price_max,
                                 stock_total, cover_alt, created_at, updated_at, translations,
                                 search_title, search_body, search_grams)
                VALUES (1, 'moon-jar', 'Moon jar', '', '', '', '', '[]', '', '', '', '', '',
                        'active', 0, 0, 0, 39000, 39000, 5, '', '2026-03-01', '2026-03-01',
                        '{}', '', '', '');
            INSERT INTO variant (id, product_id, sku, option1, option2, price, stock, position,
                                 translations)
                VALUES (7, 1, 'MJ-S', 'Small', '', 39000, 5, 0, '{}');
            INSERT INTO cart_item (id, user_id, variant_id, quantity, added_at)
                VALUES (1, 1, 7, 2, '2026-03-02');
        """)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with sqlite3.connect(path) as shop:
        assert shop.execute("SELECT user_id, variant_id, quantity FROM cart_item").fetchall() == [
            (1, 7, 2)]
        shop.execute("INSERT INTO variant (product_id, sku, option1, option2, price, stock, "
                     "position, translations) VALUES (1, 'MJ-S', 'Large', '', 45000, 1, 1, '{}')")
        assert shop.execute("SELECT count(*) FROM variant WHERE sku = 'MJ-S'").fetchone() == (2,)


@pytest.mark.sqlite_only
def test_merchants_become_owners_and_customers_get_no_role(tmp_path):
    """0025 gives every existing back-office account the owner's role, so a shop upgraded
    keeps its way in to settings and staff; customers stay without a role."""
    path = tmp_path / "shop.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{path}", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "STOREFRONT_VERSION_FILE": str(tmp_path / "version")})
    with app.app_context():
        upgrade(revision="0022")
        db.engine.dispose()
    with sqlite3.connect(path) as shop:
        shop.executescript("""
            INSERT INTO user (id, email, password_hash, name, is_merchant, created_at,
                              credit_balance, session_version)
                VALUES (1, 'boss@example.com', 'x', 'Boss', 1, '2026-03-01', 0, 0),
                       (2, 'minji@example.com', 'x', 'Kim Minji', 0, '2026-03-01', 0, 0);
        """)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with sqlite3.connect(path) as shop:
        assert shop.execute("SELECT id, staff_role FROM user ORDER BY id").fetchall() == [
            (1, "owner"), (2, None)]
