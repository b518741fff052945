"""Benchmark: 1,000 postcards with QR codes (target < 3 s), and 1,000 pieces of every layout, also
through the mailing plan (``plan:`` lines: what the CLI and the Print page run).

Run: ``python tests/bench/bench_print.py [N]``. Font registration (once per process) is timed
apart. CPU time is printed beside wall time: on a busy machine the wall time is what others left.
reportlab's optional C accelerators (PyPI ``rl-accel``) are not needed (they save ~10 %).
For comparison it also times reportlab's QrCodeWidget as used in its examples on 100 codes.
"""

from __future__ import annotations

import dataclasses
import sys
import time


def main(n: int = 1000) -> None:
    from shopcrm.services.printing import address_side, fonts, labels, letter, postcard, tickets
    from shopcrm.services.printing import plan as mailing_plan
    from shopcrm.services.printing.pieces import SAMPLE_SHOP, render, sample_pieces

    t = time.perf_counter()
    fonts.register()
    print(f"font registration (once per process): {time.perf_counter() - t:.2f} s")
    try:
        import _rl_accel  # noqa: F401

        print("reportlab C accelerators (rl-accel): installed")
    except ImportError:
        print("reportlab C accelerators (rl-accel): NOT installed (slower text)")
    pieces = sample_pieces(n)
    for i, p in enumerate(pieces):  # every guest at their own address (one label each)
        p.customer = dataclasses.replace(p.customer, street=f"{p.customer.street}-{i}")
    text_only = [dataclasses.replace(p, coupon=None) for p in pieces]
    runs = [
        ("postcards (with QR)", lambda: postcard.build(pieces, shop=SAMPLE_SHOP)),
        ("postcards (text only)", lambda: postcard.build(text_only, shop=SAMPLE_SHOP)),
        ("letters (with QR)", lambda: letter.build(pieces, shop=SAMPLE_SHOP)),
        ("tickets (with QR)", lambda: tickets.build(pieces, shop=SAMPLE_SHOP)),
        ("labels a-one-28185", lambda: labels.build(pieces, shop=SAMPLE_SHOP)),
        ("address sides", lambda: address_side.build(pieces, shop=SAMPLE_SHOP, households=False)),
        # What the CLI and the Print page run: one mailing plan, every layout drawn from it.
        ("plan: postcards (with QR)", lambda: render("postcards", plan(), shop=SAMPLE_SHOP)),
        ("plan: address sides", lambda: render("address-side", plan(), shop=SAMPLE_SHOP)),
        (
            "plan: two-sided (front+back)",
            lambda: render("postcards-duplex", plan(), shop=SAMPLE_SHOP),
        ),
    ]

    def plan():
        return mailing_plan.from_pieces(pieces)

    for name, run in runs:
        t, cpu = time.perf_counter(), time.process_time()
        result = run()
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        size = len(result.pdf) / 1024
        print(
            f"{n} {name}: {took:.2f} s wall, {cpu:.2f} s CPU, {result.pages} pages, {size:.0f} KB"
        )
    _plan_from_database(n)
    _widget_comparison(pieces[:100])


def _plan_from_database(n: int) -> None:
    """The CLI's path on a real SQLite file: n guests with December birthdays and their coupons;
    build the mailing plan (coupons, customers, favourites, mailings), then draw the fronts."""
    import datetime as dt
    import tempfile
    from pathlib import Path

    from shopcrm.domain.models import Customer
    from shopcrm.services import campaigns
    from shopcrm.services.printing import plan as mailing_plan
    from shopcrm.services.printing.pieces import SAMPLE_SHOP, render
    from shopcrm.store import customers, open_db

    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        with db.atomic():
            for i in range(n):
                customers.create(db, Customer(
                    name=f"山田 {i}郎", kana="ヤマダ", postal_code="1500001", prefecture="東京都",
                    city="渋谷区", street=f"神宮前{i}-2-8", birth_month=12, birth_day=i % 28 + 1,
                    dm_consent=True,
                ))  # fmt: skip
        today = dt.date(2026, 11, 20)
        campaigns.issue(db, "birthday", month=12, today=today)
        t, cpu = time.perf_counter(), time.process_time()
        plan = mailing_plan.build(db, campaign="birthday", today=today)
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"mailing plan from SQLite, {len(plan.cards)} cards: {took:.2f} s wall, "
              f"{cpu:.2f} s CPU")  # fmt: skip
        t, cpu = time.perf_counter(), time.process_time()
        result = render("postcards", plan, shop=SAMPLE_SHOP)
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"  its {result.pages} postcard fronts (with QR): {took:.2f} s wall, {cpu:.2f} s CPU")
        db.close()


def _widget_comparison(pieces) -> None:
    """reportlab's QrCodeWidget drawn with renderPDF, as in its examples (100 codes)."""
    import io

    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from shopcrm.services.printing import qr

    for label, draw in (
        ("QrCodeWidget + renderPDF", _draw_widget),
        ("shopcrm qr.draw (one path)", lambda c, code: qr.draw(c, code, 60 * mm, 10 * mm, 30 * mm)),
    ):
        c = Canvas(io.BytesIO(), pagesize=(100 * mm, 148 * mm))
        t = time.perf_counter()
        for p in pieces:
            draw(c, p.code)
            c.showPage()
        c.save()
        took = time.perf_counter() - t
        print(f"{len(pieces)} QR codes alone, {label}: {took:.2f} s "
              f"(x10 = {took * 1000 / len(pieces):.1f} s per 1,000)")  # fmt: skip
    del renderPDF, QrCodeWidget, Drawing


def _draw_widget(c, code):
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm

    widget = QrCodeWidget(code)
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(30 * mm, 30 * mm, transform=[30 * mm / (x1 - x0), 0, 0, 30 * mm / (y1 - y0), 0, 0])
    d.add(widget)
    renderPDF.draw(d, c, 60 * mm, 10 * mm)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
