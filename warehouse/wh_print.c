/* wh_print.c: what staff read: the human form of each command's result, in the reader's
 * language (lang.h: English messages, Spanish from po/es/).  Times are in the core's zone
 * (wh_when); quantities carry the item's unit; tables line up.  (--json prints the core's
 * result as it is instead.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "mem.h"
#include "wh.h"
#include "words.h"

/* o's name_es or name_en (key "name": name_es/name_en; "item_name": item_name_es/_en),
 * the reader's language's, the other if it is empty. */
static const char *
s_item_name(json_t *o, const char *key)
{
    char es[64], en[64];
    snprintf(es, sizeof es, "%s_es", key);
    snprintf(en, sizeof en, "%s_en", key);
    const char *mine = wh_s(o, strcmp(ayni_lang(), "en") ? es : en);
    return *mine ? mine : wh_s(o, strcmp(ayni_lang(), "en") ? en : es);
}

/* A location's kind in the reader's words. */
static const char *
s_kind_name(const char *kind)
{
    if (!strcmp(kind, "warehouse"))
        return C_("location kind", "warehouse");
    if (!strcmp(kind, "community"))
        return C_("location kind", "community");
    if (!strcmp(kind, "transit"))
        return C_("location kind", "transit");
    if (!strcmp(kind, "loss"))
        return C_("location kind", "loss");
    return kind;
}

/* "120 kits", "1 kit": o[key] in o's unit, in the plural when it is not 1. */
static char *
s_qty(json_t *o, const char *key)
{
    char buf[160];
    return xstrdup(ayni_quantity(wh_i(o, key), wh_s(o, "unit"), buf, sizeof buf));
}

/* "lote A (20), lote B (5)" or the serial numbers. */
static char *
s_lots(json_t *lots)
{
    size_t i, len = 0;
    json_t *l;
    char *out = xstrdup("");
    json_array_foreach(lots, i, l) {
        json_t *serials = json_object_get(l, "serials");
        char *part;
        if (serials) {
            char *list = xstrdup("");
            size_t k;
            json_t *sn;
            json_array_foreach(serials, k, sn) {
                char *next = xasprintf("%s%s%s", list, k ? " " : "", json_string_value(sn));
                free(list);
                list = next;
            }
            part = xasprintf(_("serials %s"), list);
            free(list);
        } else if (json_is_string(json_object_get(l, "expiry"))) {
            part = xasprintf(_("lot %s (%lld, expires %s)"), wh_s(l, "lot"), wh_i(l, "qty"),
                             wh_s(l, "expiry"));
        } else {
            part = xasprintf(_("lot %s (%lld)"), wh_s(l, "lot"), wh_i(l, "qty"));
        }
        char *next = xasprintf("%s%s%s", out, len ? ", " : "", part);
        len += strlen(part);
        free(part);
        free(out);
        out = next;
    }
    return out;
}

void
wh_print_added(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    const char *name = wh_s(r, "name");
    printf(_("added: %s · %s\n"), wh_s(r, "code"), *name ? name : s_item_name(r, "name"));
}

void
wh_print_items(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    const char *const h[] = {_("CODE"),     _("NAME (ES)"),  _("NAME (EN)"), _("UNIT"),
                             _("TRACKING"), _("PERISHABLE"), _("THRESHOLD")};
    struct wh_table *t = wh_table_new(7, h, "llllllr");
    size_t i;
    json_t *it;
    json_array_foreach(r, i, it) {
        char low[24];
        snprintf(low, sizeof low, "%lld", wh_i(it, "low"));
        const char *row[] = {wh_s(it, "code"), wh_s(it, "name_es"), wh_s(it, "name_en"),
                             wh_s(it, "unit"),
                             !strcmp(wh_s(it, "tracking"), "serial") ? C_("tracking", "serial")
                                                                     : C_("tracking", "lot"),
                             json_is_true(json_object_get(it, "perishable")) ? _("yes") : _("no"),
                             low};
        wh_table_row(t, row);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_locations(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    const char *const h[] = {_("CODE"), _("KIND"), _("NAME"), _("REGION"), _("DISTRICT")};
    struct wh_table *t = wh_table_new(5, h, NULL);
    size_t i;
    json_t *l;
    json_array_foreach(r, i, l) {
        const char *row[] = {wh_s(l, "code"), s_kind_name(wh_s(l, "kind")), wh_s(l, "name"),
                             wh_s(l, "region"), wh_s(l, "district")};
        wh_table_row(t, row);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_donors(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    const char *const h[] = {_("CODE"), _("NAME")};
    struct wh_table *t = wh_table_new(2, h, NULL);
    size_t i;
    json_t *d;
    json_array_foreach(r, i, d) {
        const char *row[] = {wh_s(d, "code"), wh_s(d, "name")};
        wh_table_row(t, row);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_receipt(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    char *qty = s_qty(r, "qty");
    if (json_is_string(json_object_get(r, "expiry")))
        printf(_("received %s: %s of %s, lot %s, expires %s, donor %s, at %s\n"),
               wh_s(r, "receipt"), qty, wh_s(r, "item"), wh_s(r, "lot"), wh_s(r, "expiry"),
               wh_s(r, "donor"), wh_s(r, "location"));
    else
        printf(_("received %s: %s of %s, lot %s, donor %s, at %s\n"), wh_s(r, "receipt"), qty,
               wh_s(r, "item"), wh_s(r, "lot"), wh_s(r, "donor"), wh_s(r, "location"));
    free(qty);
}

void
wh_print_moved(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    char *lots = s_lots(json_object_get(r, "lots"));
    char *qty = s_qty(r, "qty");
    if (json_object_get(r, "reason"))
        printf(_("adjustment at %s: %s of %s (%s): %s\n"), wh_s(r, "location"), qty,
               wh_s(r, "item"), wh_s(r, "reason"), lots);
    else
        printf(_("transferred: %s of %s from %s to %s: %s\n"), qty, wh_s(r, "item"),
               wh_s(r, "from"), wh_s(r, "to"), lots);
    free(qty);
    free(lots);
}

static void
s_print_low(json_t *r)
{
    if (json_array_size(r) == 0) {
        printf("%s\n", _("no item below its threshold"));
        return;
    }
    const char *const h[] = {_("PLACE"), _("ITEM"), _("NAME"), _("QUANTITY"), _("THRESHOLD")};
    struct wh_table *t = wh_table_new(5, h, "lllqr");
    size_t i;
    json_t *row;
    json_array_foreach(r, i, row) {
        char *qty = s_qty(row, "qty"), low[24];
        snprintf(low, sizeof low, "%lld", wh_i(row, "threshold"));
        const char *cells[] = {wh_s(row, "location"), wh_s(row, "item"), wh_s(row, "item_name"),
                               qty, low};
        wh_table_row(t, cells);
        free(qty);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_stock(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    if (json_is_true(json_object_get(args, "low")))
    {
        s_print_low(r);
        return;
    }
    if (json_array_size(r) == 0) {
        printf("%s\n", _("no stock to show"));
        return;
    }
    const char *const h[] = {_("PLACE"),   _("ITEM"),  _("LOT"),
                             _("EXPIRES"), _("DONOR"), _("QUANTITY")};
    struct wh_table *t = wh_table_new(6, h, "lllllq");
    size_t i;
    json_t *row;
    json_array_foreach(r, i, row) {
        char *qty = s_qty(row, "qty");
        char *expiry = xasprintf("%s%s", wh_s(row, "expiry"),
                                 json_is_true(json_object_get(row, "expired")) ? _(" (expired)") : "");
        const char *cells[] = {wh_s(row, "location"), wh_s(row, "item"), wh_s(row, "lot"), expiry,
                               wh_s(row, "donor"), qty};
        wh_table_row(t, cells);
        free(qty);
        free(expiry);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_shipment_new(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    json_t *to = json_object_get(r, "to");
    printf(_("shipment created (draft) from %s to %s, %s\n"), wh_s(r, "from"), wh_s(to, "name"),
           wh_s(to, "region"));
    printf("%s\n", wh_s(r, "code"));
}

void
wh_print_line(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    char *lots = s_lots(json_object_get(r, "lots"));
    char *qty = s_qty(r, "qty");
    long long packages = wh_i(r, "packages");
    printf(ayni_ntr("%s line %lld: %s of %s in %lld package: %s\n",
                    "%s line %lld: %s of %s in %lld packages: %s\n", (unsigned long)packages),
           wh_s(r, "shipment"), wh_i(r, "line"), qty, wh_s(r, "item"), packages, lots);
    free(qty);
    free(lots);
}

/* Who confirmed a package: the device that authenticated, and what the client called
 * itself only as a label, marked so (a new string). */
static char *
s_confirmed_by(json_t *p)
{
    const char *device = wh_s(p, "device"), *label = wh_s(p, "device_label");
    if (!*label || !strcmp(label, device))
        return xasprintf("%s", device);
    return xasprintf(_("%s (label: %s)"), device, label);
}

/* When package p was delivered: its scan time (delivered_at), the time the core received
 * it beside it when they differ, and a word when the device's clock was not believed. */
static char *
s_delivered(struct wh *w, json_t *p)
{
    const char *at = wh_s(p, "delivered_at"), *got = wh_s(p, "received_at");
    char a[48], b[48];
    wh_when(w, *at ? at : got, a); /* an older core: only the time received */
    wh_when(w, got, b);
    if (json_is_true(json_object_get(p, "clock_suspect")))
        return xasprintf(_("%s (device clock doubtful: it said %s)"), a,
                         wh_when(w, wh_s(p, "scanned_at"), b));
    if (*at && strcmp(a, b) != 0)
        return xasprintf(_("%s (received %s)"), a, b);
    return xstrdup(a);
}

/* The packages, each quantity in the unit of its line's item. */
static void
s_print_packages(struct wh *w, json_t *packages, json_t *lines)
{
    const char *const h[] = {_("PACKAGE"),   _("LINE"), _("QUANTITY"), _("RECEIVED"),
                             _("DELIVERED"), _("TEAM"), _("DEVICE")};
    struct wh_table *t = wh_table_new(7, h, "rrqqlll");
    size_t i, k;
    json_t *p, *l;
    json_array_foreach(packages, i, p) {
        char num[16], line[16];
        snprintf(num, sizeof num, "%lld", wh_i(p, "number"));
        snprintf(line, sizeof line, "%lld", wh_i(p, "line"));
        const char *unit = "";
        json_array_foreach(lines, k, l) {
            if (wh_i(l, "line") == wh_i(p, "line"))
                unit = wh_s(l, "unit");
        }
        char buf[160];
        char *qty = xstrdup(ayni_quantity(wh_i(p, "qty"), unit, buf, sizeof buf));
        bool done = json_is_true(json_object_get(p, "delivered"));
        char *by = done ? s_confirmed_by(p) : xasprintf("%s", "");
        /* what arrived against what was sent; "?" where the ledger cannot tell (packages
         * delivered together with a shortfall before each had its own count) */
        json_t *got = json_object_get(p, "qty_received");
        char *arrived = !done                ? xasprintf("%s", "—")
                        : json_is_integer(got)
                            ? xstrdup(ayni_quantity(wh_i(p, "qty_received"), unit, buf, sizeof buf))
                                               : xasprintf("%s", "?");
        char *when = done ? s_delivered(w, p) : xstrdup(_("pending"));
        const char *cells[] = {num, line, qty, arrived, when, done ? wh_s(p, "team") : "", by};
        wh_table_row(t, cells);
        free(when);
        free(arrived);
        free(by);
        free(qty);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_shipment(struct wh *w, json_t *args, json_t *r)
{
    (void)args;
    char created[48], dispatched[48];
    json_t *from = json_object_get(r, "from"), *to = json_object_get(r, "to");
    printf(_("Shipment %s · %s\n"), wh_s(r, "code"), wh_state_name(wh_s(r, "state")));
    printf(_("  from   %s (%s)\n"), wh_s(from, "name"), wh_s(from, "code"));
    printf(_("  to     %s (%s), %s, %s\n"), wh_s(to, "name"), wh_s(to, "code"),
           wh_s(to, "district"), wh_s(to, "region"));
    printf(_("  team %s · vehicle %s\n"), *wh_s(r, "team") ? wh_s(r, "team") : "—",
           *wh_s(r, "vehicle") ? wh_s(r, "vehicle") : "—");
    wh_when(w, wh_s(r, "created_at"), created);
    if (*wh_s(r, "dispatched_at"))
        printf(_("  created %s · dispatched %s\n"), created,
               wh_when(w, wh_s(r, "dispatched_at"), dispatched));
    else
        printf(_("  created %s\n"), created);
    if (*wh_s(r, "cancel_reason"))
        printf(_("  cancelled: %s\n"), wh_s(r, "cancel_reason"));
    const char *const h[] = {_("LINE"), _("ITEM"), _("QUANTITY"), _("PACKAGES"),
                             _("LOTS / SERIALS")};
    struct wh_table *t = wh_table_new(5, h, "rlqrl");
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(r, "lines"), i, l) {
        char line[16], packages[16];
        snprintf(line, sizeof line, "%lld", wh_i(l, "line"));
        snprintf(packages, sizeof packages, "%lld", wh_i(l, "packages"));
        char *qty = s_qty(l, "qty"), *lots = s_lots(json_object_get(l, "lots"));
        const char *cells[] = {line, wh_s(l, "item"), qty, packages, lots};
        wh_table_row(t, cells);
        free(qty);
        free(lots);
    }
    printf("\n");
    wh_table_print(t, stdout);
    wh_table_free(t);
    if (json_array_size(json_object_get(r, "packages"))) {
        printf("\n");
        s_print_packages(w, json_object_get(r, "packages"), json_object_get(r, "lines"));
    }
}

void
wh_print_shipments(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    if (json_array_size(r) == 0) {
        printf("%s\n", _("no shipments"));
        return;
    }
    const char *const h[] = {_("CODE"),   _("STATE"), _("FROM"),     _("TO"),
                             _("REGION"), _("TEAM"),  _("PACKAGES"), C_("packages", "DELIVERED")};
    struct wh_table *t = wh_table_new(8, h, "llllllrr");
    size_t i;
    json_t *s;
    json_array_foreach(r, i, s) {
        char packages[16], done[16];
        snprintf(packages, sizeof packages, "%lld", wh_i(s, "package_count"));
        snprintf(done, sizeof done, "%lld", wh_i(s, "packages_delivered"));
        json_t *to = json_object_get(s, "to");
        const char *cells[] = {wh_s(s, "code"), wh_state_name(wh_s(s, "state")), wh_s(s, "from"),
                               wh_s(to, "name"), wh_s(to, "region"), wh_s(s, "team"), packages,
                               done};
        wh_table_row(t, cells);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_cancelled(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    printf(_("shipment %s cancelled (%s); %lld go back to the warehouse\n"), wh_s(r, "shipment"),
           wh_s(r, "reason"), wh_i(r, "returned"));
}

void
wh_print_devices(struct wh *w, json_t *args, json_t *r)
{
    (void)args;
    const char *const h[] = {_("DEVICE"), _("ROLE"), _("TEAM"), _("STATE"), _("CREATED")};
    struct wh_table *t = wh_table_new(5, h, NULL);
    size_t i;
    json_t *d;
    json_array_foreach(r, i, d) {
        const char *team = wh_s(d, "team");
        char created[48];
        const char *row[] = {wh_s(d, "name"), wh_s(d, "role"), *team ? team : "—",
                             json_is_true(json_object_get(d, "enabled")) ? _("enabled")
                                                                         : _("disabled"),
                             wh_when(w, wh_s(d, "created_at"), created)};
        wh_table_row(t, row);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_disabled(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    printf(_("device '%s' (%s) disabled: it is refused from its next connection\n"),
           wh_s(r, "name"), wh_s(r, "role"));
}
