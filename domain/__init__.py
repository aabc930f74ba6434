"""The shop's rules: plain Python over the models, no request state, no templates."""
