/* store_catalog.c: items, locations and donors: adding and listing them.
 *
 * Catalog records are never deleted or renamed: the ledger refers to them forever.
 */
#include <string.h>

#include "store_int.h"

#define S_NAME_MAX 160 /* the printer fits 160 bytes on every document */

static int
s_insert(core_store_t *s, enum core_stmt id, const char *what, const char *code, int rc)
{
    json_t *d = json_pack("{ss}", "code", code);
    if (rc == AYNI_ECONFLICT && !strcmp(what, "item"))
        return core__fail(s, AYNI_EEXISTS, d, "item '%s' already exists: choose another code",
                          code);
    if (rc == AYNI_ECONFLICT && !strcmp(what, "location"))
        return core__fail(s, AYNI_EEXISTS, d,
                          "location '%s' already exists: choose another code", code);
    if (rc == AYNI_ECONFLICT)
        return core__fail(s, AYNI_EEXISTS, d, "donor '%s' already exists: choose another code",
                          code);
    json_decref(d);
    return rc;
}

int
core_item_add(core_store_t *s, const struct core_item *it, json_t **result)
{
    core__clear_error(s);
    int rc;
    const char *unit = it->unit && *it->unit ? it->unit : "kit";
    if ((rc = core__check_code(s, "code", it->code)) ||
        (rc = core__check_text(s, "name_es", it->name_es, true, S_NAME_MAX)) ||
        (rc = core__check_text(s, "name_en", it->name_en, true, S_NAME_MAX)) ||
        (rc = core__check_text(s, "unit", unit, true, 40)))
        return rc;
    if (!it->tracking || (strcmp(it->tracking, "lot") && strcmp(it->tracking, "serial")))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "tracking"),
                          "tracking must be 'lot' (counted, with lot codes) or 'serial' "
                          "(each unit by serial number)");
    if (it->low < 0 || it->low > 1000000000L)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "low"),
                          "low-stock threshold must be between 0 and 1000000000");
    if (it->perishable && !strcmp(it->tracking, "serial"))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "perishable"),
                          "a serial-tracked item cannot be perishable: track it by lot");
    char now[21];
    core__now_iso(s, now);
    if ((rc = core__tx_begin(s)))
        return rc;
    rc = core__run(s, ST_ITEM_INSERT, "tttttilt", it->code, it->name_es, it->name_en, unit,
                   it->tracking, (int)it->perishable, it->low, now);
    rc = s_insert(s, ST_ITEM_INSERT, "item", it->code, rc);
    json_t *item = NULL;
    if (rc == 0) {
        item = json_pack("{ss ss ss ss ss sb sI ss}", "code", it->code, "name_es", it->name_es,
                         "name_en", it->name_en, "unit", unit, "tracking", it->tracking,
                         "perishable", it->perishable, "low", (json_int_t)it->low,
                         "created_at", now);
        rc = core__event(s, "item.added", json_pack("{sO}", "item", item));
    }
    return core__finish(s, rc, item, result);
}

static json_t *
s_item_row(sqlite3_stmt *st)
{
    return json_pack("{s:o s:o s:o s:o s:o s:b s:I s:o}", "code", core__jstr(st, 0), "name_es",
                     core__jstr(st, 1), "name_en", core__jstr(st, 2), "unit", core__jstr(st, 3),
                     "tracking", core__jstr(st, 4), "perishable", sqlite3_column_int(st, 5),
                     "low", (json_int_t)sqlite3_column_int64(st, 6), "created_at",
                     core__jstr(st, 7));
}

int
core_item_list(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    return core__rows(s, core__query(s, ST_ITEM_LIST, ""), s_item_row, result);
}

static bool
s_user_kind(const char *kind)
{
    return kind && (!strcmp(kind, "warehouse") || !strcmp(kind, "community"));
}

int
core_location_add(core_store_t *s, const struct core_location *loc, json_t **result)
{
    core__clear_error(s);
    int rc;
    if ((rc = core__check_code(s, "code", loc->code)) ||
        (rc = core__check_text(s, "name", loc->name, true, S_NAME_MAX)) ||
        (rc = core__check_text(s, "region", loc->region, false, S_NAME_MAX)) ||
        (rc = core__check_text(s, "district", loc->district, false, S_NAME_MAX)))
        return rc;
    if (!s_user_kind(loc->kind))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "kind"),
                          "kind must be 'warehouse' or 'community' (transit and loss locations "
                          "are made by Ayni itself)");
    char now[21];
    core__now_iso(s, now);
    if ((rc = core__tx_begin(s)))
        return rc;
    rc = core__run(s, ST_LOC_INSERT, "tttttt", loc->code, loc->kind, loc->name,
                   loc->region && *loc->region ? loc->region : NULL,
                   loc->district && *loc->district ? loc->district : NULL, now);
    rc = s_insert(s, ST_LOC_INSERT, "location", loc->code, rc);
    json_t *obj = NULL;
    if (rc == 0) {
        obj = json_pack("{ss ss ss s:o s:o ss}", "code", loc->code, "kind", loc->kind, "name",
                        loc->name, "region",
                        loc->region && *loc->region ? json_string(loc->region) : json_null(),
                        "district",
                        loc->district && *loc->district ? json_string(loc->district) : json_null(),
                        "created_at", now);
        rc = core__event(s, "location.added", json_pack("{sO}", "location", obj));
    }
    return core__finish(s, rc, obj, result);
}

static json_t *
s_location_row(sqlite3_stmt *st)
{
    return json_pack("{s:o s:o s:o s:o s:o s:o}", "code", core__jstr(st, 0), "kind",
                     core__jstr(st, 1), "name", core__jstr(st, 2), "region", core__jstr(st, 3),
                     "district", core__jstr(st, 4), "created_at", core__jstr(st, 5));
}

int
core_location_list(core_store_t *s, const char *kind, json_t **result)
{
    core__clear_error(s);
    static const char *const kinds[] = {"warehouse", "community", "transit", "loss"};
    bool known = kind == NULL;
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        known |= !strcmp(kind, kinds[i]);
    if (!known)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "kind"),
                          "kind '%s' is unknown: use warehouse, community, transit or loss", kind);
    return core__rows(s, core__query(s, ST_LOC_LIST, "t", kind), s_location_row, result);
}

int
core_donor_add(core_store_t *s, const struct core_donor *d, json_t **result)
{
    core__clear_error(s);
    int rc;
    if ((rc = core__check_code(s, "code", d->code)) ||
        (rc = core__check_text(s, "name", d->name, true, S_NAME_MAX)))
        return rc;
    char now[21];
    core__now_iso(s, now);
    if ((rc = core__tx_begin(s)))
        return rc;
    rc = core__run(s, ST_DONOR_INSERT, "ttt", d->code, d->name, now);
    rc = s_insert(s, ST_DONOR_INSERT, "donor", d->code, rc);
    json_t *obj = NULL;
    if (rc == 0) {
        obj = json_pack("{ss ss ss}", "code", d->code, "name", d->name, "created_at", now);
        rc = core__event(s, "donor.added", json_pack("{sO}", "donor", obj));
    }
    return core__finish(s, rc, obj, result);
}

static json_t *
s_donor_row(sqlite3_stmt *st)
{
    return json_pack("{s:o s:o s:o}", "code", core__jstr(st, 0), "name", core__jstr(st, 1),
                     "created_at", core__jstr(st, 2));
}

int
core_donor_list(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    return core__rows(s, core__query(s, ST_DONOR_LIST, ""), s_donor_row, result);
}
