"""Tables of the shop, by topic. Import them from here: `from domain.models import Product`."""
from .accounts import Address, CartItem, StaffInvitation, User
from .base import UTCDateTime, utcnow
from .checkouts import CHECKOUT_STATES, CheckoutRecord
from .catalog import (PRODUCT_STATUSES, Category, Product, ProductImage, ShippingMethod,
                      ShopSettings, Variant)
from .engagement import (CAMPAIGN_AUDIENCES, CAMPAIGN_STATUSES, COUNTER_KINDS,
                         RECIPIENT_STATUSES, Campaign, CampaignRecipient, CauseDonation,
                         CounterBatch, DailyCounter, ProductComplement, ProductPair)
from .faq import FaqCategory, FaqEntry, FaqVote
from .help import (CONVERSATION_CHANNELS, CONVERSATION_STATUSES, MESSAGE_AUTHORS,
                   BusinessHours, Conversation, ConversationMessage, ConversationPhoto, Holiday,
                   SavedReply)
from .imports import IMPORT_STATUSES, ImportJob, ImportProblem
from .loyalty import (COUPON_KINDS, COUPON_SOURCES, POINTS_KINDS, REFERRAL_STATUSES, Coupon,
                      CouponUse, LoyaltySettings, LoyaltyTier, PointsEntry, Referral)
from .orders import ORDER_STATUSES, CardCharge, Order, OrderEvent, OrderLine, OutboxMessage, Payment
from .ratelimit import RateLimitCounter
from .refunds import RefundAccount
from .privacy import Consent, ErasureLog
from .returns import (RETURN_ACTIONS, RETURN_SHIPPING, RETURN_STATUSES, CreditEntry, PolicyPage,
                      ReturnEvent, ReturnLine, ReturnPhoto, ReturnPolicy, ReturnRequest,
                      ReturnRule)
from .reviews import (REVIEW_INCENTIVES, REVIEW_STATUSES, SATISFACTION_TOUCHPOINTS,
                      TESTIMONIAL_KINDS, ChangeNote, EmailOptOut, Review, ReviewPhoto,
                      ReviewRequest, ReviewVote, Satisfaction, Testimonial)
from .system import ScheduledJob, ServerErrorCount, StorefrontVersion, WorkerHeartbeat

__all__ = ["Address", "CHECKOUT_STATES", "CheckoutRecord", "BusinessHours", "CONVERSATION_CHANNELS", "CONVERSATION_STATUSES",
           "Conversation", "ConversationMessage", "ConversationPhoto", "Holiday", "MESSAGE_AUTHORS",
           "SavedReply", "Consent", "ErasureLog", "IMPORT_STATUSES", "ImportJob", "ImportProblem",
           "ORDER_STATUSES", "Order", "OrderEvent", "OrderLine", "OutboxMessage", "Payment",
           "CartItem", "Category", "FaqCategory", "FaqEntry", "FaqVote", "PRODUCT_STATUSES", "Product", "ProductImage",
           "RateLimitCounter", "ShippingMethod", "ShopSettings", "StaffInvitation", "UTCDateTime", "User", "Variant",
           "utcnow", "RETURN_ACTIONS", "RETURN_SHIPPING", "RETURN_STATUSES", "CreditEntry",
           "PolicyPage", "ReturnEvent", "ReturnLine", "ReturnPhoto", "ReturnPolicy",
           "ReturnRequest", "ReturnRule", "RefundAccount", "ScheduledJob", "ServerErrorCount",
           "StorefrontVersion", "REVIEW_INCENTIVES", "REVIEW_STATUSES", "SATISFACTION_TOUCHPOINTS",
           "TESTIMONIAL_KINDS", "ChangeNote", "EmailOptOut", "Review", "ReviewPhoto", "ReviewRequest",
           "ReviewVote", "Satisfaction", "Testimonial",
           "WorkerHeartbeat", "COUPON_KINDS", "COUPON_SOURCES", "POINTS_KINDS",
           "REFERRAL_STATUSES", "Coupon", "CouponUse", "LoyaltySettings", "LoyaltyTier",
           "PointsEntry", "Referral", "CAMPAIGN_AUDIENCES", "CAMPAIGN_STATUSES",
           "COUNTER_KINDS", "RECIPIENT_STATUSES", "Campaign", "CampaignRecipient",
           "CauseDonation", "CounterBatch", "DailyCounter", "ProductComplement", "ProductPair"]
