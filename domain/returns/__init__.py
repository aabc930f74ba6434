"""Returns, exchanges and refunds: the rules as data (rules), whether a line may come back
(eligibility), what it gives back (amounts), and a return's way from request to refund
(lifecycle)."""
from .amounts import Estimate, Selection, estimate, paid_for
from .eligibility import Eligibility, eligible, order_eligibility, window_closes, window_start
from .rules import (ACTIONS, DEFAULT, REASONS, Rule, RuleRow, action_label, delete_rule, methods,
                    policy, rule_for, rules_table, save_policy, save_rule, summary)

__all__ = ["ACTIONS", "DEFAULT", "Eligibility", "Estimate", "REASONS", "Rule", "RuleRow",
           "Selection", "action_label", "delete_rule", "eligible", "estimate", "methods",
           "order_eligibility", "paid_for", "policy", "rule_for", "rules_table", "save_policy",
           "save_rule", "summary", "window_closes", "window_start"]

from .insights import DisappointingProduct, disappointing_products, waiting_count  # noqa: E402

__all__ += ["DisappointingProduct", "disappointing_products", "waiting_count"]

from .lifecycle import PIPELINE, approve, complete, receive, reject, request_return  # noqa: E402
from .progress import (RefundClock, Stage, by_number, overdue_count, queue,  # noqa: E402
                       refund_clock, status_label, timeline)
from .refunds import refund_parts  # noqa: E402

__all__ += ["PIPELINE", "RefundClock", "Stage", "approve", "by_number", "complete",
            "overdue_count", "queue", "receive", "refund_clock", "refund_parts", "reject",
            "request_return", "status_label", "timeline"]
