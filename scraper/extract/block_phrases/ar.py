"""What block and stub pages say in Arabic."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "تمكين javascript",
        "تفعيل javascript",
        "تمكين جافا سكريبت",
        "تفعيل جافا سكريبت",
        "javascript معطل",
    ),
    challenge=("التحقق من أنك إنسان", "تأكد من أنك إنسان", "لست روبوت", "التحقق من المتصفح"),
    waiting=("لحظة", "يرجى الانتظار", "الرجاء الانتظار"),
    denied=("تم رفض الوصول", "الوصول مرفوض", "تم حظرك", "ممنوع الوصول"),
    rate_limit=("طلبات كثيرة جدًا", "طلبات كثيرة جدا", "عدد كبير جدًا من الطلبات"),
    consent=("قبول ومتابعة", "قبل المتابعة", "موافق ومتابعة"),
    paywall=("للمشتركين فقط", "اشترك لمواصلة القراءة", "حصري للمشتركين"),
)
