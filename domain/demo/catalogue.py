"""The demo shop's data: settings, glazes, categories and forty products of Moonjar Studio."""
from typing import NamedTuple

SETTINGS = dict(
    name="Moonjar Studio", tagline="Handmade stoneware for slow mornings and long dinners",
    email="hello@moonjar.example", phone="+82 2-555-0142",
    address="12 Bukchon-ro 5-gil, Jongno-gu, Seoul 03053, Korea", currency="KRW",
    tax_rate_bp=1000, prices_include_tax=True, free_shipping_threshold=50_000,
    default_region="Domestic", timezone="Asia/Seoul", low_stock_threshold=5,
    main_language="en",  # the columns are English; catalogue_ko.py holds the Korean
    # A thank-you of ₩2,000 store credit for any review, whatever its stars.
    review_incentive="credit", review_incentive_amount=2000,
    bank_account="Shinhan Bank 110-000-000000\nAccount holder: Moonjar Studio (Kim Soyeon)",
    thank_you_note=("Thank you for choosing a piece from our studio. Every bowl and cup was "
                    "thrown, glazed and packed by hand in Bukchon; we hope it gets used "
                    "every day.\n— Soyeon and the Moonjar team"),
    carriers=[{"name": "CJ Logistics",
               "url": "https://trace.cjlogistics.com/next/tracking.html?wblNo={number}"},
              {"name": "Korea Post EMS",
               "url": "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?"
                      "POST_CODE={number}"}])
# The studio's hours (Seoul time), as the help desk counts them: Tuesday to Friday with a lunch
# break, a shorter Saturday; closed Sunday and Monday, firing days.
HOURS = [(day, 11 * 60, 13 * 60) for day in (1, 2, 3, 4)] + \
        [(day, 14 * 60, 18 * 60) for day in (1, 2, 3, 4)] + [(5, 11 * 60, 16 * 60)]
# Korea's fixed-date public holidays (month, day, label): the demo closes on the next one.
HOLIDAYS = [(1, 1, "New Year's Day · 신정"), (3, 1, "Independence Movement Day · 삼일절"),
            (5, 5, "Children's Day · 어린이날"), (6, 6, "Memorial Day · 현충일"),
            (8, 15, "Liberation Day · 광복절"), (10, 3, "National Foundation Day · 개천절"),
            (10, 9, "Hangeul Day · 한글날"), (12, 25, "Christmas Day · 성탄절")]
REPLY_TARGETS = dict(reply_target_minutes=120, reply_target_closed_minutes=60, reopen_days=14)
PERSONA = {
    "en": {"name": "Mina", "greeting": "Hi, I'm Mina from the studio. Ask me anything about "
                                       "our pieces, your order or a return."},
    "ko": {"name": "미나", "greeting": "안녕하세요, 공방의 미나입니다. 작품, 주문, 반품에 대해 "
                                       "무엇이든 물어보세요."},
}
SHIPPING = [("Standard", "Domestic", 3000, 2, 3), ("Express", "Domestic", 6000, 1, 1),
            ("International", "International", 25_000, 7, 14)]
MERCHANT_EMAIL = "merchant@example.com"
CUSTOMER_EMAIL = "customer@example.com"
VENDOR = "Moonjar Studio"

# name: (SKU code, colour, what the glaze looks like)
GLAZES = {
    "Celadon": ("CEL", (146, 176, 156), "a pale jade celadon, darker in the throwing lines"),
    "Moon White": ("MWH", (234, 230, 218), "a soft satin white, after the Joseon moon jars"),
    "Ash Grey": ("ASH", (152, 150, 142), "a matte wood-ash grey with a faint green cast"),
    "Tenmoku": ("TEN", (72, 42, 30), "a glossy iron tenmoku that breaks to amber on the rim"),
    "Ink Blue": ("INK", (50, 68, 106), "a deep cobalt blue, nearly black where it runs thick"),
    "Speckled Oat": ("OAT", (214, 198, 168), "a warm oatmeal glaze freckled by iron in the clay"),
    "Persimmon": ("PER", (178, 88, 46), "a rust-orange iron glaze named after autumn persimmons"),
    "Buncheong": ("BUN", (204, 196, 180), "white slip brushed over grey clay, the buncheong way"),
}

CARE_DAILY = ["Dishwasher and microwave safe.", "Not for the oven or the hob.",
              "Let it cool before washing: sudden temperature changes can crack stoneware."]
CARE_HAND = ["Wash by hand in warm soapy water.", "Not for the microwave: the glaze holds iron.",
             "Dry fully before storing; unglazed clay keeps water for a while."]


class Kind(NamedTuple):
    """A category, and what its pieces' descriptions and specs have in common."""
    name: str
    description: str
    making: str
    using: str
    care: list
    dishwasher: str
    microwave: str
    code: str  # in SKUs


CATEGORIES = [
    Kind("Mugs & Cups", "Mugs and handleless cups for coffee, tea and everything between.",
     "Thrown on the wheel from a grogged stoneware clay, trimmed when leather-hard, and handles "
     "pulled by hand. Bisque fired, glazed by dipping and fired again to 1,250 °C.",
     "Sized for a proper cup of coffee or tea. The thick walls keep drinks warm and the "
     "unglazed foot will not scratch your table.", CARE_DAILY, "Yes", "Yes", "MUG"),
    Kind("Bowls", "Rice bowls, noodle bowls and serving bowls for every meal.",
     "Each bowl is thrown, trimmed with a deep foot ring so it sits steadily, and fired to "
     "1,250 °C in a reduction kiln.",
     "Made to be used every day: rice, soup, salads, fruit. They stack neatly in a cupboard.",
     CARE_DAILY, "Yes", "Yes", "BWL"),
    Kind("Plates", "Dinner, side and serving plates with a gentle rim.",
     "Plates are thrown flat on a bat, compressed to keep them from warping, and dried slowly "
     "over a week before two firings.",
     "A wide flat centre for plating, a low rim that catches sauces. Rinse them in hot water "
     "to warm them before a hot meal.", CARE_DAILY, "Yes", "Yes", "PLT"),
    Kind("Vases", "Vases and jars for a single stem or an armful of branches.",
     "Larger pieces are thrown in two parts and joined, then fired slowly so they do not crack. "
     "Every vase is glazed inside and tested to hold water.",
     "Watertight and weighted at the foot. Beautiful empty, too, on a shelf or a windowsill.",
     CARE_HAND, "Hand wash", "No", "VAS"),
    Kind("Teaware", "Teapots, tea bowls and cups for an unhurried cup of tea.",
     "Teapots are assembled from thrown parts: body, lid, spout and handle, fitted while soft "
     "so the lid sits snugly and the spout pours clean.",
     "Warm the pot with hot water first. Green teas like water around 70 °C; black and "
     "roasted teas like it near boiling.", CARE_HAND, "Hand wash", "No", "TEA"),
]


def piece(cat, title, shape, glazes, price, dims, capacity, summary, intro, **extra):
    return dict(cat=cat, title=title, shape=shape, glazes=glazes.split("|"), price=price,
                dims=dims, capacity=capacity, summary=summary, intro=intro, **extra)


PRODUCTS = [
    piece(0, "Everyday Mug", "mug", "Celadon|Moon White|Ash Grey|Tenmoku", 28000,
          "Ø 8.5 × H 9.5 cm", "350 ml", "The mug we reach for every morning.",
          "A straight-sided mug with a generous handle that fits three fingers.", featured=1,
          out_variant=3, tags="bestseller, coffee", sold=140),
    piece(0, "Big Morning Mug", "mug", "Speckled Oat|Ink Blue", 34000,
          "Ø 9.5 × H 11 cm", "480 ml", "For people who take their coffee seriously.",
          "Our largest mug, for a latte or a big pot of tea poured all at once.", tags="coffee",
          sold=62),
    piece(0, "Espresso Cup", "espresso", "Tenmoku|Moon White", 24000,
          "Ø 6.5 × H 6 cm", "90 ml", "A small cup with a thick wall to hold the heat.",
          "Holds a double espresso with room for the crema.", tags="coffee, small", sold=35),
    piece(0, "Yunomi Tea Cup", "cup", "Celadon|Buncheong|Ash Grey", 22000,
          "Ø 7.5 × H 9 cm", "220 ml", "A tall handleless cup for everyday tea.",
          "Hold it in both hands on a cold morning.", tags="tea", sold=48),
    piece(0, "Latte Cup", "cup", "Moon White|Persimmon", 30000,
          "Ø 10 × H 8 cm", "400 ml", "A wide cup that shows off latte art.",
          "Low and wide, so the milk foam has room to spread.", compare=36000, tags="coffee, sale",
          sold=27),
    piece(0, "Camp Mug", "mug", "Ink Blue", 26000,
          "Ø 8 × H 8.5 cm", "300 ml", "A sturdy little mug for the balcony or the campsite.",
          "Short and stable, with a rolled rim that is kind to the lips.", tags="outdoor", sold=19),
    piece(0, "Stacking Tumbler", "cup", "Speckled Oat|Celadon|Tenmoku", 20000,
          "Ø 7.5 × H 8 cm", "250 ml", "Straight cups that stack neatly in a small kitchen.",
          "Water, wine, iced tea: a tumbler for the whole day.", tags="stackable", sold=22),
    piece(0, "Faceted Mug", "mug", "Tenmoku|Celadon", 32000,
          "Ø 8.5 × H 9 cm", "320 ml",
          "Cut with a wire while wet, so the glaze breaks on every facet.",
          "The facets catch the light and give your fingers something to hold.", low=True, sold=31),
    piece(1, "Rice Bowl", "bowl", "Moon White|Celadon|Ash Grey", 22000,
          "Ø 12 × H 6.5 cm", "400 ml", "The bowl for every meal.",
          "The classic Korean rice bowl: a steady foot, a gently flared rim.", featured=2,
          tags="bestseller, everyday", sold=120),
    piece(1, "Noodle Bowl", "deep_bowl", "Tenmoku|Ink Blue", 38000,
          "Ø 18 × H 9 cm", "1 l", "Deep enough for ramyeon, broth and all.",
          "A deep bowl for noodle soups, with room for chopsticks to work.", tags="soup", sold=44),
    piece(1, "Cereal Bowl", "deep_bowl", "Speckled Oat|Moon White", 26000,
          "Ø 15 × H 7 cm", "600 ml", "A breakfast bowl that also fits a salad.",
          "Wide enough for granola and fruit, deep enough for milk.", sold=38),
    piece(1, "Serving Bowl", "bowl", "Celadon|Buncheong", 58000,
          None, None, "The centre of the table.",
          "A wide, open bowl for salads, fruit or a shared stew.",
          sizes=[("Medium", 0, "Ø 22 × H 9 cm"), ("Large", 20000, "Ø 28 × H 11 cm")],
          featured=3,
          tags="serving, gift", sold=41),
    piece(1, "Nesting Prep Bowls, Set of 3", "bowl", "Speckled Oat", 42000,
          "Ø 9, 11 and 13 cm", None, "Three small bowls that nest into one.",
          "For chopped garlic, spices, dipping sauces and anything that needs a place while you "
          "cook.", tags="set, gift", sold=29),
    piece(1, "Dipping Dish", "dish", "Celadon|Tenmoku|Persimmon", 12000,
          "Ø 9 × H 3 cm", "80 ml", "A little dish for soy sauce and dumplings.",
          "Small enough to sit beside every plate.", tags="small", sold=57),
    piece(1, "Brushed Buncheong Bowl", "bowl", "Buncheong", 48000,
          "Ø 16 × H 7.5 cm", "650 ml", "One brush stroke of white slip, never the same twice.",
          "Made by our guest potter Hwang Jiwoo, who trained in Icheon.",
          vendor="Hwang Jiwoo Ceramics", low=True, sold=12),
    piece(1, "Lidded Soup Bowl", "jar", "Moon White|Ash Grey", 36000,
          "Ø 12 × H 10 cm", "500 ml", "The lid keeps the soup hot until everyone sits down.",
          "A covered bowl for rice or soup, after the traditional bansang set.", sold_out=True,
          sold=33),
    piece(2, "Dinner Plate", "plate", "Moon White|Ash Grey|Celadon", 38000,
          "Ø 27 × H 2.5 cm", None, "A plate with room for a whole meal.",
          "A wide dinner plate with a low rim.", featured=4, tags="bestseller, dinner", sold=96),
    piece(2, "Side Plate", "plate", "Celadon|Moon White|Ash Grey", 28000,
          "Ø 20 × H 2 cm", None, "For bread, banchan or a slice of cake.",
          "The smaller sister of our dinner plate.", sold=71),
    piece(2, "Dessert Plate", "plate", "Speckled Oat|Persimmon", 22000,
          "Ø 16 × H 2 cm", None, "A small plate for something sweet.",
          "Just the size for cake or fruit.", sold=24),
    piece(2, "Pasta Plate", "deep_plate", "Ink Blue|Moon White", 34000,
          "Ø 23 × H 4 cm", "700 ml", "Half plate, half bowl.",
          "Shallow enough to twirl pasta, deep enough for sauce.", compare=40000,
          tags="dinner, sale", sold=39),
    piece(2, "Oval Serving Platter", "platter", "Celadon|Tenmoku", 62000,
          None, None, "A long platter for fish, roasts and shared plates.",
          "Made for the middle of the table.",
          sizes=[("Medium", 0, "30 × 20 cm"), ("Large", 22000, "38 × 25 cm")], tags="serving",
          sold=15),
    piece(2, "Banchan Dishes, Set of 4", "dish", "Buncheong", 46000,
          "Ø 11 × H 3 cm each", None, "Four small dishes for side dishes.",
          "Kimchi, namul, pickles, a little sauce.", vendor="Hwang Jiwoo Ceramics",
          tags="set, gift", sold=26),
    piece(2, "Coupe Plate", "plate", "Ash Grey|Speckled Oat", 30000,
          "Ø 22 × H 2.5 cm", None, "A rimless plate with a soft curve.",
          "Rimless, so food can go all the way to the edge.", sold=18),
    piece(2, "Cake Stand", "stand", "Moon White", 68000,
          "Ø 26 × H 9 cm", None, "A raised plate for birthday cakes.",
          "Thrown in two parts and joined at the stem.", low=True, tags="gift", sold=9),
    piece(3, "Moon Jar", "moonjar", "Moon White", 120000,
          None, None, "Our namesake: a full, gently lopsided moon jar.",
          "Thrown in two halves and joined at the waist, the way moon jars have been made for "
          "three hundred years.", sizes=[("Small", 0, "H 18 cm"), ("Medium", 120000, "H 28 cm")],
          featured=5, low_variant=1, tags="signature, gift", sold=14),
    piece(3, "Bud Vase", "bud", "Celadon|Tenmoku|Persimmon", 24000,
          "Ø 7 × H 12 cm", None, "For a single stem.", "A narrow neck holds one flower upright.",
          tags="small, gift", sold=66),
    piece(3, "Bottle Vase", "bottle", "Ink Blue|Ash Grey", 68000,
          "Ø 13 × H 24 cm", None, "A tall bottle with a slender neck.",
          "Made for a branch of plum blossom or dried grasses.", featured=6, sold=21),
    piece(3, "Low Ikebana Bowl", "dish", "Tenmoku", 72000,
          "Ø 22 × H 6 cm", None, "A shallow bowl for ikebana.",
          "Use it with a kenzan to arrange flowers in shallow water.", sold=7),
    piece(3, "Tall Cylinder Vase", "cylinder", "Speckled Oat|Moon White", 78000,
          "Ø 11 × H 30 cm", None, "A simple column for long stems.",
          "Tall and heavy-footed, so branches won't tip it over.", compare=92000, tags="sale",
          sold=11),
    piece(3, "Ribbed Vase", "vase", "Celadon", 56000,
          "Ø 12 × H 20 cm", None, "Ridges made with the fingers while throwing.",
          "The celadon pools in every ridge.", sold=16),
    piece(3, "Storage Jar", "jar", "Persimmon|Tenmoku", 48000,
          "Ø 12 × H 16 cm", "900 ml", "A lidded jar for tea leaves, sugar or salt.",
          "After the onggi jars of Korean kitchens, scaled down for a shelf.", tags="kitchen",
          sold=20),
    piece(3, "Pebble Vase", "pebble", "Ash Grey|Moon White", 32000,
          "Ø 10 × H 10 cm", None, "A small round vase like a river stone.",
          "Looks good in threes on a windowsill.", sold=30),
    piece(4, "Side-Handle Teapot", "sidepot", "Celadon|Tenmoku", 86000,
          "Ø 10 × H 8 cm", "350 ml", "A kyusu-style teapot with a built-in strainer.",
          "The side handle lets you pour with one hand; the strainer holes are pierced by hand.",
          featured=7, tags="tea, gift", sold=23),
    piece(4, "Round Teapot", "teapot", "Moon White|Ink Blue", 96000,
          "Ø 13 × H 12 cm", "600 ml", "A round teapot for two or three cups.",
          "A generous pot with a lid that stays put.", compare=110000, tags="tea, sale", sold=17),
    piece(4, "Tea Bowl", "chawan", "Buncheong|Tenmoku", 58000,
          "Ø 12 × H 8 cm", "350 ml", "A chawan for whisked matcha.",
          "Wide enough to whisk in, heavy enough to hold with calm.", featured=8,
          tags="tea, matcha", sold=28),
    piece(4, "Pouring Pitcher", "pitcher", "Celadon", 32000,
          "Ø 8 × H 9 cm", "250 ml", "A small pitcher to share tea evenly.",
          "Pour the whole pot into it, then share: every cup gets the same strength.", tags="tea",
          sold=13),
    piece(4, "Tea Cups, Set of 2", "teacup", "Celadon|Moon White|Ash Grey", 28000,
          "Ø 6.5 × H 4.5 cm", "80 ml", "Two small cups for gongfu-style tea.",
          "Small cups, many infusions.", tags="tea, set", sold=44),
    piece(4, "Tea Set for Two", "teapot", "Celadon|Tenmoku", 138000,
          "Pot Ø 11 cm, cups Ø 6.5 cm", "400 ml", "A teapot, two cups and a pitcher.",
          "Everything you need to start, in one box.", tags="tea, set, gift", sold=10),
    piece(4, "Tea Canister", "jar", "Ash Grey|Speckled Oat", 44000,
          "Ø 9 × H 12 cm", "150 g of tea", "Keeps tea leaves dry and dark.",
          "A close-fitting lid keeps out light and air.", tags="tea", sold=15),
    piece(4, "Water Bowl (Kensui)", "deep_bowl", "Ink Blue", 36000,
          "Ø 13 × H 7 cm", "500 ml", "A bowl for the rinse water of a tea session.",
          "For warming water and rinsing cups between infusions.", tags="tea", sold=6),
]
