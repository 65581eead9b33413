"""UI strings in Thai (default) and English; the language comes from ?lang= or the `lang` cookie."""

from __future__ import annotations

from fastapi import Request

from tisguard.services.thai import be_date
from tisguard.web.public_i18n import PUBLIC_STRINGS

STRINGS = {
    "app": ("ระบบเฝ้าระวังสินค้า มอก. ออนไลน์", "Online TIS market surveillance"),
    "signin": ("เข้าสู่ระบบ", "Sign in"),
    "signout": ("ออกจากระบบ", "Sign out"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "bad_login": ("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password"),
    "queue": ("คิวตรวจสอบ", "Review queue"),
    "dashboard": ("แดชบอร์ด", "Dashboard"),
    "notices": ("หนังสือแจ้งลบ", "Takedown notices"),
    "cases": ("คดี", "Cases"),
    "admin": ("ผู้ดูแลระบบ", "Admin"),
    "check": ("ตรวจสอบสินค้า", "Check a product"),
    "complaint": ("ร้องเรียน", "Complaint"),
    "platform": ("แพลตฟอร์ม", "Platform"),
    "standard": ("มาตรฐาน", "Standard"),
    "verdict": ("ผลการประเมิน", "Verdict"),
    "country": ("ประเทศผู้ขาย", "Seller country"),
    "since": ("ตั้งแต่วันที่", "Since"),
    "filter": ("กรอง", "Filter"),
    "risk": ("ความเสี่ยง", "Risk"),
    "priority": ("ลำดับความสำคัญ", "Priority"),
    "title": ("ชื่อสินค้า", "Title"),
    "seller": ("ผู้ขาย", "Seller"),
    "price": ("ราคา", "Price"),
    "sold": ("ขายแล้ว", "Sold"),
    "captured": ("วันที่เก็บข้อมูล", "Captured"),
    "reasons": ("เหตุผล", "Reasons"),
    "evidence": ("หลักฐาน", "Evidence"),
    "waterfall": ("ที่มาของคะแนนความเสี่ยง", "How the risk was scored"),
    "registry": ("ข้อมูลทะเบียนใบอนุญาต", "Licence registry record"),
    "history": ("ประวัติการเปลี่ยนแปลง", "Snapshot history"),
    "other_listings": ("สินค้าอื่นของผู้ขายรายนี้", "Seller's other listings"),
    "decision": ("การตัดสิน", "Decision"),
    "confirm": ("ยืนยันการฝ่าฝืน", "Confirm violation"),
    "dismiss": ("ยกเลิก (ไม่ฝ่าฝืน)", "Dismiss"),
    "more_info": ("ขอข้อมูลเพิ่มเติม", "Ask for more information"),
    "legal_basis": ("ฐานความผิด", "Legal basis"),
    "reason": ("เหตุผล", "Reason"),
    "download_evidence": ("ดาวน์โหลดหลักฐาน (ZIP)", "Download evidence (ZIP)"),
    "new_notice": ("สร้างหนังสือแจ้งลบ", "Create notice"),
    "send": ("ส่ง", "Send"),
    "reopen": ("เปิดหนังสือแจ้งอีกครั้ง", "Reopen notice"),
    "reopen_reason": ("เหตุผล (เช่น สินค้ากลับมาขายอีก)", "Reason (e.g. the listing is back online)"),
    "state": ("สถานะ", "State"),
    "deadline": ("กำหนด", "Deadline"),
    "pdf": ("PDF", "PDF"),
    "description": ("รายละเอียด", "Description"),
    "attributes": ("คุณสมบัติ", "Attributes"),
    "none": ("ไม่มี", "None"),
    "next": ("ถัดไป", "Next"),
    "prev": ("ก่อนหน้า", "Previous"),
    "not_regulated": ("ไม่ใช่สินค้าควบคุม", "Not regulated"),
    "compliant": ("ถูกต้อง", "Compliant"),
    "unverified": ("ตรวจสอบไม่ได้", "Unverified"),
    "non_compliant": ("ไม่ถูกต้อง", "Non-compliant"),
    "synthetic": ("ข้อมูลสังเคราะห์ (สาธิต)", "Synthetic demo data"),
    "total": ("ทั้งหมด", "Total"),
    "scanned": ("สแกนแล้ว", "Scanned"),
    "flagged": ("ถูกตั้งข้อสังเกต", "Flagged"),
    "confirmed": ("ยืนยันแล้ว", "Confirmed"),
    "taken_down": ("ถูกลบแล้ว", "Taken down"),
    "create": ("สร้าง", "Create"),
    "add": ("เพิ่ม", "Add"),
    "save": ("บันทึก", "Save"),
    "assignee": ("ผู้รับผิดชอบ", "Assignee"),
    "status": ("สถานะ", "Status"),
    "notes": ("บันทึก", "Notes"),
    "retire": ("ยกเลิกการใช้", "Retire"),
    "import_registry": ("นำเข้าทะเบียนใบอนุญาต", "Import licence registry"),
    "catalogue": ("บัญชีมาตรฐานบังคับ", "Mandatory standards catalogue"),
    "source": ("แหล่งที่มา", "Source"),
    "year": ("ปี พ.ศ.", "Year (B.E.)"),
    "name_th": ("ชื่อภาษาไทย", "Thai name"),
    "fixes": ("สิ่งที่ต้องแก้ไข", "What to fix"),
    "check_intro": (
        "ตรวจว่าสินค้าของคุณต้องมี มอก. หรือไม่ และใบอนุญาตถูกต้องหรือไม่",
        "Does your product need a TIS licence, and is yours valid?",
    ),
    "complaint_intro": (
        "แจ้งสินค้าที่สงสัยว่าไม่มี มอก. เจ้าหน้าที่จะตรวจสอบ",
        "Report a listing you think lacks a TIS licence; an officer will review it",
    ),
    "submitted": ("ได้รับเรื่องแล้ว เลขที่", "Received, reference"),
    "contact": ("ช่องทางติดต่อ (ไม่บังคับ)", "Contact (optional)"),
    "listing_url": ("ลิงก์สินค้า", "Listing URL"),
    "text": ("รายละเอียด", "Details"),
    # sign-in throttling, public-form limits, complaint list (issue 12)
    "throttled": ("ลองเข้าสู่ระบบผิดหลายครั้ง กรุณารอ", "Too many failed sign-ins; please wait"),
    "seconds": ("วินาที", "seconds"),
    "rate_limited": ("ส่งคำขอบ่อยเกินไป กรุณาลองใหม่ในอีก", "Too many requests; try again in"),
    "search": ("ค้นหา", "Search"),
    "spam": ("สแปม", "Spam"),
    "mark_spam": ("ทำเครื่องหมายว่าเป็นสแปม", "Mark as spam"),
    "not_spam": ("ไม่ใช่สแปม", "Not spam"),
    "show_spam": ("แสดงสแปม", "Show spam"),
}
STRINGS.update(PUBLIC_STRINGS)  # the public side (issue 14): keys start with p_


def lang_of(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in ("th", "en"):
        return q
    return "en" if request.cookies.get("lang") == "en" else "th"


def translator(lang: str):
    def t(key: str) -> str:
        th, en = STRINGS.get(key, (key, key))
        return th if lang == "th" else en

    return t


def date_filter(lang: str):
    def f(d, with_time: bool = False) -> str:
        return be_date(d, lang, with_time)

    return f
