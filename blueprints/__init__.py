"""Blueprints: thin request handlers over domain/. register_blueprints() wires them up."""


def register_blueprints(app):
    from . import common
    from .account import bp as account_bp
    from .admin import bp as admin_bp
    from .campaigns import bp as campaigns_bp
    from .brand import bp as brand_bp
    from .cart import bp as cart_bp
    from .chat import bp as chat_bp
    from .checkout import bp as checkout_bp
    from .health import bp as health_bp
    from .help import bp as help_bp
    from .loyalty import bp as loyalty_bp
    from .newsletter import bp as newsletter_bp
    from .orders import bp as orders_bp
    from .payments import bp as payments_bp
    from .policies import bp as policies_bp
    from .privacy import bp as privacy_bp
    from .products import bp as products_bp
    from .returns import bp as returns_bp
    from .reviews import bp as reviews_bp

    common.init_app(app)
    app.register_blueprint(products_bp)
    app.register_blueprint(cart_bp)
    app.register_blueprint(checkout_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(policies_bp)
    app.register_blueprint(help_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(returns_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(loyalty_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(brand_bp)
    app.register_blueprint(newsletter_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(health_bp)
