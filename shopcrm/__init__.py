"""shopcrm: a desktop customer-relationship app for small shops.

Read by packaging (PyInstaller spec), the About dialog and QSettings.
"""

__version__ = "0.1.0"
APP_NAME = "shopcrm"
ORG_NAME = "shopcrm"
