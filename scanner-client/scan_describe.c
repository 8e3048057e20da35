/* scan_describe.c: what a genuine code names, in the words a delivery team reads.
 *
 * "Envío ENV-2026-000123 · paquete 3 de 12 · 40 kits de higiene · destino: Comunidad
 * Santa Rosa, Huánuco" (or the same in English), from the token and the manifest stored
 * at init; from the token alone (shipment, package, destination code) when the shipment
 * is not in the manifests.  Also: which packages a whole-shipment code still covers.  Reads the
 * queue; writes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "mem.h"
#include "scan.h"

json_t *
scan_manifest_package(json_t *m, int number)
{
    json_t *p;
    size_t i;
    json_array_foreach(json_object_get(m, "packages"), i, p) {
        if (json_integer_value(json_object_get(p, "number")) == number)
            return p;
    }
    return NULL;
}

json_t *
scan_manifest_line(json_t *m, int number)
{
    json_t *l;
    size_t i;
    json_array_foreach(json_object_get(m, "lines"), i, l) {
        if (json_integer_value(json_object_get(l, "line")) == number)
            return l;
    }
    return NULL;
}

void
scan_destination(json_t *m, const struct core_token *t, char *out, size_t size)
{
    json_t *to = json_object_get(m, "to");
    const char *name = json_string_value(json_object_get(to, "name"));
    const char *region = json_string_value(json_object_get(to, "region"));
    if (!name)
        snprintf(out, size, "%s", t->dest);
    else if (region && *region)
        snprintf(out, size, "%s, %s", name, region);
    else
        snprintf(out, size, "%s", name);
}

static bool
s_contains(json_t *numbers, long n)
{
    json_t *v;
    size_t i;
    json_array_foreach(numbers, i, v) {
        if (json_integer_value(v) == n)
            return true;
    }
    return false;
}

json_t *
scan_outstanding(scan_queue_t *q, const struct core_token *t, json_t *m)
{
    json_t *covered = scan_queue_covered(q, t->shipment), *out = json_array();
    for (unsigned n = 1; n <= t->count; n++) {
        json_t *p = m ? scan_manifest_package(m, (int)n) : NULL;
        if (!s_contains(covered, n) && !json_is_true(json_object_get(p, "delivered")))
            json_array_append_new(out, json_integer(n));
    }
    json_decref(covered);
    return out;
}

/* "40 kits de higiene" for line number l, qty items. */
static char *
s_line_qty(json_t *m, int l, long qty)
{
    return scan_quantity(qty, scan_item_name(scan_manifest_line(m, l)));
}

/* What a whole-shipment code covers: every line's quantity, comma-separated. */
static char *
s_all_lines(json_t *m)
{
    char *out = xstrdup("");
    json_t *l;
    size_t i;
    json_array_foreach(json_object_get(m, "lines"), i, l) {
        char *q = s_line_qty(m, (int)json_integer_value(json_object_get(l, "line")),
                             (long)json_integer_value(json_object_get(l, "qty")));
        char *next = xasprintf("%s%s%s", out, i ? ", " : "", q);
        free(q);
        free(out);
        out = next;
    }
    return out;
}

/* "2, 4 y 5" ("2, 4 and 5") */
static void
s_numbers(json_t *numbers, char *out, size_t size)
{
    size_t n = json_array_size(numbers), len;
    /* TRANSLATORS: between the last two of a list of package numbers, "2, 4 and 5" */
    const char *and = _(" and ");
    out[0] = '\0';
    for (size_t i = 0; i < n && (len = strlen(out)) < size; i++)
        snprintf(out + len, size - len, "%s%lld", i == 0 ? "" : i + 1 == n ? and : ", ",
                 (long long)json_integer_value(json_array_get(numbers, i)));
}

static void
s_describe_known(struct scan_run *r, const struct core_token *t, json_t *m, json_t *outstanding,
                 const char *dest)
{
    if (t->package) {
        json_t *p = scan_manifest_package(m, (int)t->package);
        char *what = s_line_qty(m, (int)json_integer_value(json_object_get(p, "line")),
                                (long)json_integer_value(json_object_get(p, "qty")));
        fprintf(r->out, _("Shipment %s · package %u of %u · %s · destination: %s\n"),
                t->shipment, t->package, t->count, what, dest);
        free(what);
        return;
    }
    char *what = s_all_lines(m);
    fprintf(r->out, ayni_ntr("Shipment %s · slip of the whole shipment (%u package) · %s · "
                             "destination: %s\n",
                             "Shipment %s · slip of the whole shipment (%u packages) · %s · "
                             "destination: %s\n",
                             t->count),
            t->shipment, t->count, what, dest);
    free(what);
    if (outstanding && json_array_size(outstanding) &&
        json_array_size(outstanding) < t->count) {
        char list[512];
        s_numbers(outstanding, list, sizeof list);
        fprintf(r->out, "  ");
        fprintf(r->out,
                ayni_ntr("covers package %s (the others are confirmed or scanned already)",
                         "covers packages %s (the others are confirmed or scanned already)",
                         json_array_size(outstanding)),
                list);
        fputc('\n', r->out);
    }
}

void
scan_describe(struct scan_run *r, const struct core_token *t, json_t *m, json_t *outstanding)
{
    char dest[256];
    scan_destination(m, t, dest, sizeof dest);
    if (m) {
        s_describe_known(r, t, m, outstanding, dest);
        return;
    }
    if (t->package)
        fprintf(r->out, _("Shipment %s · package %u of %u · destination: %s\n"), t->shipment,
                t->package, t->count, dest);
    else
        fprintf(r->out,
                ayni_ntr("Shipment %s · slip of the whole shipment (%u package) · "
                         "destination: %s\n",
                         "Shipment %s · slip of the whole shipment (%u packages) · "
                         "destination: %s\n",
                         t->count),
                t->shipment, t->count, dest);
    fprintf(r->out, "  %s\n", _("(a genuine code, but this shipment is not in this team's "
                               "data: update with 'ayni-scan init' when there is signal)"));
}
