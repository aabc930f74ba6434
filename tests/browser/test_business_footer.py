"""The business information at the foot of every page, in Korean on a 390 px phone: all of it
readable without scrolling sideways, the Fair Trade Commission link a full-size tap target."""
from playwright.sync_api import expect

FTC_LINK = "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=2208162517"

# Elements reaching past the screen's right edge, and the page's own width.
OVERFLOW = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('footer *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((el) => el.tagName.toLowerCase() + ' ' + el.textContent.trim().slice(0, 30)),
})"""


def test_korean_business_information_fits_a_phone(browser, browser_context_args, live_server,
                                                  make, axe_violations):
    """Long Korean names and numbers wrap inside the screen; the audit of the footer is clean."""
    make.settings(
        name="달항아리 공방", currency="KRW", email="hello@moonjar.example",
        phone="+82 2-555-0142", hours="화–토 11:00–18:00",
        address="서울특별시 종로구 북촌로5길 12, 달항아리 공방 2층 (소비자 불만 처리: 같은 주소)",
        business_name="주식회사 달항아리 공방 온라인 스토어", business_representative="김민지",
        business_registration_number="2208162517",
        mail_order_number="제2026-서울종로-0123호 (서울특별시 종로구청)",
        hosting_provider="이그잼플클라우드코리아 주식회사 (Example Cloud Korea Co., Ltd.)")
    make.product("달항아리", price=39000)
    context = browser.new_context(**{**browser_context_args, "locale": "ko-KR"}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/products/달항아리")

    footer = page.get_by_role("contentinfo")
    business = footer.get_by_role("region", name="사업자 정보")
    expect(business).to_contain_text("주식회사 달항아리 공방 온라인 스토어")
    expect(business).to_contain_text("220-81-62517")
    expect(business).to_contain_text("제2026-서울종로-0123호")
    link = business.get_by_role("link", name="공정거래위원회에서 사업자정보 확인")
    expect(link).to_have_attribute("href", FTC_LINK)
    link.scroll_into_view_if_needed()
    assert link.bounding_box()["height"] >= 44

    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= measured["clientWidth"], measured
    assert measured["wide"] == [], measured
    assert axe_violations(page, "footer") == []
    context.close()
