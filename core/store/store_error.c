/* store_error.c: how the store records a failure: the message and details of the last
 * error, and SQLite's result codes mapped onto ours.  Below every other store file: it
 * calls none of them, so that all of them (store.c included) can fail through it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lang.h"
#include "store_int.h"

void
core__clear_error(core_store_t *s)
{
    s->errmsg[0] = '\0';
    json_decref(s->errdetails);
    s->errdetails = NULL;
}

int
core__fail(core_store_t *s, int code, json_t *details, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, ayni_tr(fmt), ap);
    va_end(ap);
    json_decref(s->errdetails);
    s->errdetails = details;
    return code;
}

int
core__map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return AYNI_EFULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return AYNI_EBUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return AYNI_ECORRUPT;
    case SQLITE_CONSTRAINT:
        return AYNI_ECONFLICT;
    default:
        return AYNI_ESTORAGE;
    }
}

/* What SQLite said of rc, in the language of the message: SQLite speaks English only, so
 * a Spanish message says the common failures in its own words. */
const char *
core__sqlite_text(core_store_t *s, int rc)
{
    const char *own = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    if (!strcmp(ayni_lang(), "en"))
        return own;
    switch (rc & 0xff) {
    case SQLITE_FULL: return _("the database or the disk is full");
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return _("the database is locked");
    case SQLITE_CORRUPT: return _("the database file is damaged");
    case SQLITE_NOTADB: return _("the file is not a database");
    case SQLITE_CANTOPEN: return _("the file cannot be opened");
    case SQLITE_READONLY: return _("the database may only be read");
    case SQLITE_PERM: return _("permission denied");
    case SQLITE_IOERR: return _("the disk could not be read or written");
    case SQLITE_NOMEM: return _("out of memory");
    case SQLITE_CONSTRAINT: return _("a rule of the ledger would be broken");
    default: return own;
    }
}

int
core__dberr(core_store_t *s, int rc, const char *doing)
{
    int code = core__map_rc(rc);
    const char *hint = NULL;
    if (code == AYNI_EFULL)
        hint = _("free disk space, then retry");
    else if (code == AYNI_EBUSY)
        hint = _("another process holds the database; stop it or retry");
    else if (code == AYNI_ECORRUPT)
        hint = _("restore the database from a backup");
    /* TRANSLATORS: the first %s is what was being done, as an infinitive ("read the
     * ledger"), the second what the database said. */
    if (!hint)
        return core__fail(s, code, NULL, "cannot %s: %s", _(doing), core__sqlite_text(s, rc));
    return core__fail(s, code, NULL, "cannot %s: %s: %s", _(doing), core__sqlite_text(s, rc),
                      hint);
}

const char *
core_store_errmsg(const core_store_t *s)
{
    return s->errmsg[0] ? s->errmsg : _("no error");
}

json_t *
core_store_errdetails(const core_store_t *s)
{
    return s->errdetails;
}
