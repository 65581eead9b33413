"""UI strings of the public side (issue 14), Thai first with English; merged into web/i18n.py's STRINGS.
Keys start with `p_` so they never collide with the officer pages' keys (a test checks)."""

from __future__ import annotations

PUBLIC_STRINGS = {
    # navigation and shared
    "p_verify": ("ตรวจสอบใบอนุญาต", "Verify a licence"),
    "p_check": ("ตรวจสินค้าก่อนซื้อ", "Check before you buy"),
    "p_violations": ("สินค้าไม่ได้มาตรฐาน", "Non-standard products"),
    "p_sme": ("ผู้ขาย: ตรวจตัวเอง", "Sellers: self-check"),
    "p_report": ("แจ้งร้องเรียน", "Report"),
    "p_open_data": ("ข้อมูลเปิด", "Open data"),
    "p_any": ("ทั้งหมด", "Any"),
    "p_month": ("เดือน", "Month"),
    "p_warnings": ("ข้อควรระวัง", "Warnings"),
    "p_not_found": ("ไม่พบ", "Not found"),
    "p_results": ("ผลการค้นหา", "Results"),
    "p_photo": ("รูปภาพ", "Photo"),
    "p_photos": ("รูปสินค้าหรือฉลาก (ไม่บังคับ, สูงสุด 3 รูป)", "Photos of the product or label (optional, up to 3)"),
    "p_submit": ("ตรวจสอบ", "Check"),
    "p_optional": ("ไม่บังคับ", "optional"),
    "p_source": ("ที่มา", "Source"),
    # verify
    "p_verify_intro": (
        "ตรวจว่าใบอนุญาต มอก. มีจริงและยังใช้ได้ จากเลขที่ใบอนุญาต QR code บนฉลาก หรือยี่ห้อ",
        "Check that a TIS licence exists and is valid: by its number, the QR code on the label, or the brand",
    ),
    "p_by_number": ("เลขที่ใบอนุญาต", "Licence number"),
    "p_by_qr": ("ข้อความหรือลิงก์ใน QR code", "Text or link in the QR code"),
    "p_by_photo": ("หรือถ่ายรูป QR code", "Or a photo of the QR code"),
    "p_by_brand": ("ยี่ห้อ", "Brand"),
    "p_holder": ("ผู้รับใบอนุญาต", "Licence holder"),
    "p_licence_type": ("ประเภทใบอนุญาต", "Licence type"),
    "p_brands": ("ยี่ห้อที่จดไว้", "Registered brands"),
    "p_issued": ("วันที่ออก", "Issued"),
    "p_label_look": ("สิ่งที่ต้องมีบนฉลาก", "What the label must show"),
    "p_label_general": ("ทุกสินค้าควบคุมต้องมี", "Every controlled product carries"),
    "p_label_standard": ("ข้อความในฉลากตามมาตรฐานนี้", "Label text this standard asks for"),
    "p_label_cut": ("ข้อความตัดตอน: ดูฉบับเต็มที่เว็บไซต์ สมอ.", "An excerpt: the full text is on TISI's site"),
    "p_qr_host": ("QR พาไปที่", "The QR code leads to"),
    "p_qr_ok": ("เว็บไซต์ของ สมอ. จริง", "TISI's own site"),
    "p_written_differently": (
        "เขียนต่างจากทะเบียนเล็กน้อย แต่เป็นใบอนุญาตเดียวกัน",
        "written a little differently from the registry, but the same licence",
    ),
    "p_more_results": ("แสดงเฉพาะ 50 รายการแรก", "Only the first 50 are shown"),
    # buyer check
    "p_check_intro": (
        "วางลิงก์ประกาศขาย หรือคัดลอกชื่อและรายละเอียดสินค้ามา แล้วดูว่าสินค้านี้ต้องมี มอก. หรือไม่ และผู้ขายแสดงใบอนุญาตถูกต้องหรือไม่",
        "Paste the listing's address, or copy its title and description: see whether the product needs a TIS "
        "licence and whether the seller shows a valid one",
    ),
    "p_listing_url": ("ลิงก์ประกาศขาย", "Listing address"),
    "p_or_text": ("หรือคัดลอกข้อความจากประกาศขาย", "Or copy the listing's text"),
    "p_report_this": ("แจ้งร้องเรียนสินค้านี้", "Report this listing"),
    "p_why": ("เหตุผล", "Why"),
    "p_unknown_url": (
        "เรายังไม่มีข้อมูลประกาศขายนี้: คัดลอกชื่อและรายละเอียดสินค้ามาวางเพื่อให้ตรวจได้",
        "We have not seen this listing yet: paste its title and description to check it",
    ),
    "p_from_store": ("ผลการตรวจของเจ้าหน้าที่สำหรับประกาศขายนี้", "The officers' assessment of this listing"),
    "p_standard_applies": ("มาตรฐานที่ใช้", "Standard that applies"),
    "p_photos_read": ("อ่านรูปแล้ว", "Photos read"),
    # complaints
    "p_ticket": ("เลขที่เรื่อง / ticket", "Ticket (เลขที่เรื่อง)"),
    "p_status_link": (
        "ลิงก์ติดตามสถานะ (เก็บไว้ ใครมีลิงก์นี้ดูสถานะได้)",
        "Status link (keep it: anyone with it can see the status)",
    ),
    "p_due": ("กำหนดแจ้งผล (3 วันทำการ)", "Outcome due (3 business days)"),
    "p_received": ("ได้รับเรื่องเมื่อ", "Received"),
    "p_complaint_status": ("สถานะเรื่องร้องเรียน", "Complaint status"),
    "p_outcome": ("ผลการดำเนินการ", "Outcome"),
    "p_on_time": ("แจ้งผลทันกำหนด", "Given on time"),
    "p_late": ("แจ้งผลช้ากว่ากำหนด", "Given late"),
    "p_overdue": ("เลยกำหนดแจ้งผลแล้ว", "Past the outcome deadline"),
    "p_timeline": ("ความคืบหน้า", "Progress"),
    "p_merged_into": ("รวมกับเรื่อง", "Merged into"),
    "p_status_unknown": ("ไม่พบเรื่องนี้: ตรวจลิงก์อีกครั้ง", "No complaint has this link: check it"),
    "p_listing_progress": ("ประกาศขายที่ร้องเรียน", "The listing you reported"),
    # officer triage
    "p_triage": ("คัดแยกเรื่อง", "Triage"),
    "p_link_listing": ("ผูกกับประกาศขาย (เลขรายการหรือลิงก์)", "Link to a listing (its number or address)"),
    "p_merge": ("รวมเป็นเรื่องซ้ำของ (เลขที่เรื่อง)", "Merge as a duplicate of (ticket)"),
    "p_decide": ("บันทึกผล", "Record the outcome"),
    "p_public_note": ("ข้อความถึงผู้ร้อง (ไม่บังคับ)", "Note to the sender (optional)"),
    "p_duplicates": ("เรื่องเกี่ยวกับประกาศขายเดียวกัน", "Complaints about the same listing"),
    "p_export_occ": ("ส่งออกสำหรับ 1212 OCC (CSV)", "Export for 1212 OCC (CSV)"),
    "p_overdue_only": ("เฉพาะที่เลยกำหนด", "Overdue only"),
    "p_open": ("เปิด", "Open"),
    # public list
    "p_violations_intro": (
        "สินค้าที่เจ้าหน้าที่ยืนยันว่าขายออนไลน์โดยไม่มีใบอนุญาต มอก. ที่ถูกต้อง และได้ดำเนินการแล้ว "
        "เผยแพร่หลังหัวหน้างานอนุมัติ ไม่มีข้อมูลส่วนบุคคลของผู้ขาย",
        "Products officers confirmed as sold online without a valid TIS licence, and acted on; published after a "
        "supervisor approves, with no personal data of sellers",
    ),
    "p_product": ("สินค้า", "Product"),
    "p_brand": ("ยี่ห้อ", "Brand"),
    "p_confirmed_on": ("วันที่ยืนยัน", "Confirmed"),
    "p_takedown_on": ("เผยแพร่ถึง", "Listed until"),
    "p_published_on": ("เผยแพร่เมื่อ", "Published"),
    "p_entry_gone": ("รายการนี้ไม่อยู่ในรายชื่อแล้ว", "This entry is no longer on the list"),
    "p_feed": ("ฟีดการเปลี่ยนแปลง", "Change feed"),
    "p_legal_basis": ("ฐานความผิด", "Legal basis"),
    "p_entries": ("รายการ", "entries"),
    # supervisor
    "p_publication": ("อนุมัติเผยแพร่", "Publication"),
    "p_candidates": ("รอการอนุมัติเผยแพร่", "Waiting for approval"),
    "p_live": ("เผยแพร่อยู่", "On the public list"),
    "p_approve": ("อนุมัติเผยแพร่", "Approve publication"),
    "p_withdraw": ("ถอนออก", "Withdraw"),
    "p_include_photo": ("แสดงรูป (ตรวจว่าไม่มีข้อมูลส่วนบุคคล)", "Show the photo (check it shows nothing personal)"),
    "p_takedown_date": ("วันที่นำออกจากรายชื่อ", "Takedown date"),
    "p_withdraw_reason": ("เหตุผลที่ถอน", "Reason for withdrawing"),
    # SME
    "p_sme_intro": (
        "อธิบายสินค้าของคุณหรือวางร่างประกาศขาย แล้วดูว่าต้องใช้มาตรฐานใด ฉลากต้องมีอะไร ต้องขอใบอนุญาตแบบใด และประกาศขายต้องแสดงอะไร",
        "Describe your product or paste a draft listing: see which standard applies, what the label must show, "
        "which licence you need and what your listing must show",
    ),
    "p_sme_product": ("สินค้าคืออะไร", "What is the product"),
    "p_sme_listing": ("ร่างประกาศขาย (ไม่บังคับ)", "Draft listing (optional)"),
    "p_sme_origin": ("สินค้ามาจากไหน", "Where does it come from"),
    "p_sme_licence": ("เลขที่ใบอนุญาตที่มี (ไม่บังคับ)", "Licence number you hold (optional)"),
    "p_sme_which": ("มาตรฐานที่ต้องใช้ และเหตุผล", "The standard that applies, and why"),
    "p_sme_none": (
        "ไม่พบมาตรฐานบังคับสำหรับสินค้านี้จากคำอธิบาย: บัญชีของเรายังไม่ครบ หากไม่แน่ใจ สอบถาม สมอ.",
        "No mandatory standard found for this description: our catalogue is not complete; ask TISI if unsure",
    ),
    "p_sme_licence_need": ("ใบอนุญาตที่ต้องมี", "The licence you need"),
    "p_sme_listing_show": ("ประกาศขายต้องแสดง", "Your listing must show"),
    "p_sme_apply": ("ยื่นขอใบอนุญาตออนไลน์กับ สมอ. (e-License)", "Apply online with TISI (e-License)"),
    "p_sme_counts": ("ใบอนุญาตที่ สมอ. ออกสำหรับมาตรฐานนี้", "Licences TISI has issued for this standard"),
    "p_sme_make": ("ทำ", "make"),
    "p_sme_import": ("นำเข้า", "import"),
    "p_sme_your_licence": ("ใบอนุญาตของคุณ", "Your licence"),
}
