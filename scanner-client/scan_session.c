/* scan_session.c: what a run of scan or image did with each code, told at the end: a
 * summary for the team, or with --json the codes and the summary as one JSON object on
 * standard output.  Writes nothing but that output (the fuzzer links it as it is).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "scan.h"

void
scan_run_code(struct scan_run *r, const struct core_token *t, const char *why)
{
    if (!r->codes)
        r->codes = json_array();
    json_t *c = json_pack("{ss}", "outcome", r->outcome ? r->outcome : "refused");
    if (t && t->shipment[0])
        json_object_update_new(c, json_pack("{ss si si ss}", "shipment", t->shipment,
                                            "package", (int)t->package, "packages",
                                            (int)t->count, "destination", t->dest));
    if (r->scan_id[0])
        json_object_set_new(c, "scan_id", json_string(r->scan_id));
    if (why)
        json_object_set_new(c, "reason", json_string(why));
    if (r->photo)
        json_object_set_new(c, "photo", json_string(r->photo));
    json_array_append_new(r->codes, c);
    r->outcome = NULL;
    r->scan_id[0] = '\0';
}

void
scan_run_summary(struct scan_run *r)
{
    static const char *const kinds[] = {"saved", "already", "refused", "not_recorded"};
    int n[4] = {0};
    json_t *c;
    size_t i;
    json_array_foreach(r->codes, i, c) {
        const char *o = json_string_value(json_object_get(c, "outcome"));
        for (int k = 0; k < 4; k++)
            n[k] += !strcmp(o, kinds[k]);
    }
    size_t total = json_array_size(r->codes);
    if (total > 0) {
        fputc('\n', r->out);
        fprintf(r->out,
                ayni_ntr("Summary: %zu code · saved %d (sent to the core %d) · recorded "
                         "already %d · refused %d · not recorded %d\n",
                         "Summary: %zu codes · saved %d (sent to the core %d) · recorded "
                         "already %d · refused %d · not recorded %d\n",
                         total),
                total, n[0], r->sent_now, n[1], n[2], n[3]);
    }
    if (r->json) {
        json_t *summary = json_pack("{sI si si si si si}", "codes", (json_int_t)total, "saved",
                                    n[0], "sent", r->sent_now, "already", n[1], "refused",
                                    n[2], "not_recorded", n[3]);
        scan_run_result(r, json_pack("{s:o s:o}", "codes",
                                     r->codes ? json_incref(r->codes) : json_array(),
                                     "summary", summary));
    }
}

void
scan_run_result(struct scan_run *r, json_t *result)
{
    if (r->json) {
        char *text = json_dumps(result, JSON_INDENT(2) | JSON_SORT_KEYS);
        fflush(r->out);
        printf("%s\n", text);
        free(text);
    }
    json_decref(result);
}
