"""Printed matter (reportlab): postcards, letters, tickets, labels, address side, reports."""
