"""Sharing an amount across lines exactly: the parts add up to the amount to the last won or
cent (largest remainder), in proportion to the lines' weights."""


def split(amount, weights):
    """{key: part} for `weights` ({key: non-negative int}), the parts summing to `amount`
    (an int, at most the weights' sum when used for discounts). The units left over after
    rounding down go to the largest remainders, ties to the smallest key; keys of weight 0
    get 0."""
    total = sum(weights.values())
    if not amount or not total:
        return {key: 0 for key in weights}
    exact = {key: weight * amount for key, weight in weights.items()}
    parts = {key: value // total for key, value in exact.items()}
    left = amount - sum(parts.values())
    by_remainder = sorted((key for key in weights if weights[key]),
                          key=lambda key: (-(exact[key] % total), key))
    for key in by_remainder[:left]:
        parts[key] += 1
    return parts
