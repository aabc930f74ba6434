"""Returns, exchanges and refunds: the rules as data (rules), whether a line may come back
(eligibility), the rule for goods that arrived damaged or wrong (faults), what it gives back
(amounts), the customer's photos (photos), a return's way from request to refund (lifecycle,
exchange, refunds), where returns stand (progress) and what they teach (insights)."""
from . import faults, goodwill, photos
from .amounts import Estimate, Selection, estimate, paid_for
from .balance import asks_for_account, money_by_hand, needs_account, sent_by_hand
from .faults import FAULT_REASONS, is_fault
from .faults import terms as fault_terms
from .eligibility import Eligibility, eligible, order_eligibility, window_closes, window_start
from .insights import DisappointingProduct, disappointing_products, waiting_count
from .lifecycle import (PIPELINE, approve, ensure_unchanged, receive, reject, request_return,
                        seen_stamp)
from .progress import (RefundClock, Stage, by_number, for_customer, of_order, overdue_count,
                       queue, refund_clock, status_label, timeline)
from .refunds import (Refunded, complete, give_account, last_failure, refund_due, refund_parts,
                      refunded)
from .refunds import split as refund_split
from .rules import (ACTIONS, DEFAULT, REASONS, Rule, RuleRow, action_label, confirm, confirmed,
                    delete_rule, methods, policy, rule_for, rules_table, save_policy, save_rule,
                    summary)

__all__ = ["asks_for_account", "money_by_hand", "give_account", "needs_account", "sent_by_hand",
           "ACTIONS", "DEFAULT", "DisappointingProduct", "Eligibility", "Estimate",
           "FAULT_REASONS", "PIPELINE", "fault_terms", "is_fault",
           "REASONS", "RefundClock", "Refunded", "Rule", "RuleRow", "Selection", "Stage",
           "action_label", "approve", "by_number", "complete", "confirm", "confirmed", "delete_rule",
           "disappointing_products", "eligible", "ensure_unchanged", "estimate", "for_customer",
           "last_failure", "methods", "of_order", "order_eligibility", "overdue_count", "paid_for",
           "policy", "queue", "receive", "refund_clock", "refund_due", "refund_parts",
           "refund_split", "refunded", "reject", "request_return", "rule_for", "rules_table",
           "save_policy", "save_rule", "seen_stamp", "status_label", "summary", "timeline",
           "waiting_count", "window_closes", "window_start"]
