/* fuzz_core.c: the fuzz targets' core on an in-memory store (see fuzz_core.h).
 * Fuzz-only code; must not be linked into anything shipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_core.h"

static void
s_die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz fixture: %s: %s\n", what, detail);
    abort();
}

void
fuzz_core_must(struct api *a, const char *request, json_t **result)
{
    struct api_outcome out;
    json_t *reply = api_handle(a, request, strlen(request), "fuzz", NULL, &out);
    if (!json_is_true(json_object_get(reply, "ok"))) {
        char *text = json_dumps(reply, JSON_COMPACT);
        fprintf(stderr, "fuzz fixture: request failed: %s\n  reply: %s\n", request, text);
        abort();
    }
    if (result)
        *result = json_incref(json_object_get(reply, "result"));
    json_decref(reply);
}

static const char *const s_catalog[] = {
    "{'op':'location.add','args':{'code':'ALM-LIMA','kind':'warehouse','name':'Almacén Lima',"
    "'region':'Lima','district':'San Juan de Lurigancho'}}",
    "{'op':'location.add','args':{'code':'ALM-CUSCO','kind':'warehouse','name':'Almacén Cusco'}}",
    "{'op':'location.add','args':{'code':'COM-SANTA-ROSA','kind':'community',"
    "'name':'Comunidad Santa Rosa','region':'Huánuco','district':'Amarilis'}}",
    "{'op':'location.add','args':{'code':'COM-82015','kind':'community',"
    "'name':'I.E. Nº 82015 Las Niñas','region':'Cajamarca'}}",
    "{'op':'donor.add','args':{'code':'CARE-PE','name':'CARE Perú'}}",
    "{'op':'donor.add','args':{'code':'AECID','name':'AECID'}}",
    "{'op':'item.add','args':{'code':'HYGIENE-KIT','name_es':'Kit de higiene',"
    "'name_en':'Hygiene kit','tracking':'lot','low':10}}",
    "{'op':'item.add','args':{'code':'FOOD-KIT','name_es':'Kit de alimentos',"
    "'name_en':'Food kit','tracking':'lot','perishable':true}}",
    "{'op':'item.add','args':{'code':'TABLET','name_es':'Tableta','name_en':'Tablet',"
    "'tracking':'serial','unit':'unidad'}}",
    "{'op':'stock.receive','args':{'at':'ALM-LIMA','donor':'CARE-PE','item':'HYGIENE-KIT',"
    "'lot':'L-1','qty':100}}",
    "{'op':'stock.receive','args':{'at':'ALM-LIMA','donor':'AECID','item':'FOOD-KIT',"
    "'lot':'F-1','expiry':'2027-06-30','qty':50}}",
    "{'op':'stock.receive','args':{'at':'ALM-LIMA','donor':'AECID','item':'TABLET',"
    "'serials':['TAB-0001','TAB-0002','TAB-0003','TAB-0004']}}",
    "{'op':'shipment.create','args':{'from':'ALM-LIMA','to':'COM-SANTA-ROSA',"
    "'team':'Equipo Norte','vehicle':'ABC-123'}}",
    "{'op':'shipment.add_line','args':{'shipment':'ENV-2026-000001','item':'HYGIENE-KIT',"
    "'lot':'L-1','qty':10,'packages':2}}",
    "{'op':'shipment.add_line','args':{'shipment':'ENV-2026-000001','item':'TABLET',"
    "'serials':['TAB-0001']}}",
    "{'op':'shipment.dispatch','args':{'shipment':'ENV-2026-000001'}}",
    "{'op':'shipment.create','args':{'from':'ALM-LIMA','to':'COM-82015'}}",
    "{'op':'shipment.add_line','args':{'shipment':'ENV-2026-000002','item':'FOOD-KIT',"
    "'lot':'F-1','qty':5}}",
    NULL,
};

/* A request frame for one of the catalog lines (written with ' for ", to stay legible). */
static char *
s_frame(const char *line)
{
    size_t n = strlen(line);
    char *body = malloc(n + 1), *frame;
    if (!body)
        s_die("out of memory", "fixture");
    for (size_t i = 0; i <= n; i++)
        body[i] = line[i] == '\'' ? '"' : line[i];
    size_t size = n + 16;
    frame = malloc(size);
    if (!frame)
        s_die("out of memory", "fixture");
    snprintf(frame, size, "{\"v\":1,%s", body + 1);
    free(body);
    return frame;
}

void
fuzz_core_open(struct api *a)
{
    char err[512];
    if (sodium_init() < 0)
        s_die("sodium_init", "failed");
    memset(a, 0, sizeof *a);
    if (crypto_sign_seed_keypair(a->pk, a->sk, (const unsigned char *)FUZZ_SIGNING_SEED) != 0)
        s_die("crypto_sign_seed_keypair", "failed");
    if (core_store_open(&a->store, ":memory:", err, sizeof err) != 0)
        s_die("cannot open the in-memory store", err);
    core_store_set_now(a->store, FUZZ_NOW);
    a->db_path = ":memory:";
    a->started = FUZZ_NOW;
    for (size_t i = 0; s_catalog[i]; i++) {
        char *frame = s_frame(s_catalog[i]);
        fuzz_core_must(a, frame, NULL);
        free(frame);
    }
}

void
fuzz_core_close(struct api *a)
{
    core_store_destroy(&a->store);
    proto_error_clear(&a->err);
}
