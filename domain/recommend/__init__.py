"""What goes with what: co-purchase pairs computed by the worker (pairs.py), the merchant's
own picks (complements.py) and the one source every page and email asks (suggest.py)."""
