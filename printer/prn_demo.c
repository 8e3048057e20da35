/* prn_demo.c: deterministic demo content from Peru for the printer's documents.
 *
 * Everything returned lives in the prn_demo arena until prn_demo_destroy.  The
 * places, donors and items are the ones the demo data set uses; quantities come
 * from a fixed pseudo-random sequence so that large documents vary like real ones.
 */
#include "prn_demo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct prn_demo {
    void **keep;
    size_t n, cap;
};

struct s_item {
    const char *code, *es, *en, *unit, *lot_prefix, *expiry;
    bool serial;
};

static const struct s_item s_items[] = {
    {"HYGIENE-KIT", "Kit de higiene", "Hygiene kit", "kits", "HK-2025-", NULL, false},
    {"FOOD-KIT",
     "Kit de alimentos (arroz, menestras, aceite, atún en conserva y avena) para una familia de "
     "cinco personas",
     "Food kit for a family of five", "kits", "FK-2025-", "2025-09-30", false},
    {"TABLET", "Tableta educativa", "Educational tablet", "unid.", NULL, NULL, true},
    {"MEDICAL-KIT", "Botiquín de primeros auxilios", "Medical kit", "kits", "MK-2024-",
     "2026-01-31", false},
    {"LAPTOP", "Laptop para docentes", "Teacher laptop", "unid.", NULL, NULL, true},
    {"WINTER-KIT", "Kit de abrigo (frazadas y chompas para niñas y niños)",
     "Winter kit (blankets and jumpers for children)", "kits", "WK-2025-", NULL, false},
};
#define NITEMS (sizeof s_items / sizeof s_items[0])

static const char *const s_donors[] = {"CARE Perú", "AECID", "Softys", "Red Perú Voluntario"};

static const struct prn_place s_communities[] = {
    {"COM-HCO-0012", "Comunidad Santa Rosa", "Huánuco", "Amarilis"},
    {"COM-HCO-0031", "Comunidad Campesina Llicua", "Huánuco", "Amarilis"},
    {"COM-HCO-0047", "Centro Poblado Cayhuayna", "Huánuco", "Pillco Marca"},
    {"COM-CAJ-0105", "I.E. Nº 82015 Las Niñas de Cajamarca", "Cajamarca", "Cajamarca"},
    {"COM-CAJ-0118", "Caserío Chamis", "Cajamarca", "Cajamarca"},
    {"COM-CAJ-0140", "Comunidad Campesina Porcón Alto", "Cajamarca", "Cajamarca"},
    {"COM-PUN-0201", "Comunidad Uros Chulluni", "Puno", "Puno"},
    {"COM-PUN-0233", "Comunidad Campesina Ccota", "Puno", "Platería"},
    {"COM-CUS-0301", "Comunidad Campesina Q'eros", "Cusco", "Paucartambo"},
    {"COM-CUS-0322", "Comunidad Chinchero Ayllu Cuper", "Cusco", "Chinchero"},
    {"COM-MDD-0401", "Comunidad Nativa Infierno", "Madre de Dios", "Tambopata"},
    {"COM-MDD-0415", "Comunidad Nativa Palma Real", "Madre de Dios", "Tambopata"},
    {"COM-MDD-0420", "Centro Poblado Planchón", "Madre de Dios", "Las Piedras"},
    {"COM-LOR-0501", "Comunidad Nativa Padre Cocha", "Loreto", "Punchana"},
    {"COM-LOR-0518", "Comunidad San Rafael del Amazonas", "Loreto", "Indiana"},
    {"COM-AYA-0601", "Comunidad Campesina Quinua", "Ayacucho", "Quinua"},
    {"COM-AYA-0633", "Centro Poblado Socos", "Ayacucho", "Socos"},
    {"COM-PIU-0701", "Caserío La Matanza", "Piura", "La Matanza"},
    {"COM-PIU-0722", "Asentamiento Humano Villa Perú Canadá", "Piura", "Veintiséis de Octubre"},
    {"COM-LIM-0801", "Asentamiento Humano Santa María de Huachipa", "Lima", "Lurigancho"},
    {"COM-LIM-0830", "A.H. Proyectos Especiales Jicamarca", "Lima", "San Juan de Lurigancho"},
    {"COM-APU-0901", "Comunidad Campesina Pampamarca", "Apurímac", "Cotaruse"},
    {"COM-HVC-1001", "Comunidad Campesina Santa Bárbara", "Huancavelica", "Huancavelica"},
    {"COM-HVC-1012", "Comunidad Ñuñunhuayco", "Huancavelica", "Acoria"},
};
#define NCOMM (sizeof s_communities / sizeof s_communities[0])

static const char *const s_teams[] = {
    "Brigada Huánuco 3", "Brigada Cajamarca 1", "Equipo Altiplano (Puno)",
    "Brigada Fluvial Tambopata", "Equipo Lima Este", "Brigada Sierra Sur",
};
#define NTEAMS (sizeof s_teams / sizeof s_teams[0])

static void *
s_keep(struct prn_demo *self, void *p)
{
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 64;
        self->keep = xrealloc(self->keep, self->cap * sizeof *self->keep);
    }
    self->keep[self->n++] = p;
    return p;
}

/* A fixed pseudo-random sequence (xorshift). */
static uint32_t
s_rand(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x9E3779B9u;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return *state = x;
}

struct prn_demo *
prn_demo_new(void)
{
    return xcalloc(1, sizeof(struct prn_demo));
}

void
prn_demo_destroy(struct prn_demo **self_p)
{
    if (!self_p || !*self_p)
        return;
    struct prn_demo *self = *self_p;
    for (size_t i = 0; i < self->n; i++)
        free(self->keep[i]);
    free(self->keep);
    free(self);
    *self_p = NULL;
}

const char *
prn_demo_token(struct prn_demo *self, const char *code, int package)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint32_t st = 2166136261u;
    for (const char *p = code; *p; p++)
        st = (st ^ (unsigned char)*p) * 16777619u;
    st ^= (uint32_t)package * 2654435761u;
    char *t = s_keep(self, xmalloc(179));
    memcpy(t, "AY1", 3);
    for (int i = 3; i < 178; i++)
        t[i] = b32[s_rand(&st) % 32];
    t[178] = '\0';
    return t;
}

static const char *const *
s_serials(struct prn_demo *self, const char *prefix, size_t line, long n)
{
    const char **v = s_keep(self, xmalloc((size_t)n * sizeof *v));
    for (long i = 0; i < n; i++)
        v[i] = s_keep(self, xasprintf("%s-%02zu%04ld", prefix, line % 100, 1001 + i));
    return v;
}

static void
s_slip_line(struct prn_demo *self, struct prn_slip_line *l, size_t i, uint32_t *rnd)
{
    const struct s_item *it = &s_items[i % NITEMS];
    l->line_no = (int)i + 1;
    l->item_code = it->code, l->item_name_es = it->es, l->item_name_en = it->en;
    l->unit = it->unit;
    l->donor = s_donors[(i / 2) % 4];
    if (it->serial) {
        l->qty = strcmp(it->code, "TABLET") == 0 ? 24 : 3;
        l->serials = s_serials(self, strcmp(it->code, "TABLET") == 0 ? "TAB-SJL-25" : "LPT-SJL-25",
                               i, l->qty);
        l->nserials = (size_t)l->qty;
        l->packages = 1;
        return;
    }
    l->lot = s_keep(self, xasprintf("%s%03zu", it->lot_prefix, 14 + i % 37));
    l->expiry = it->expiry;
    l->qty = 10 + (long)(s_rand(rnd) % 8) * 5;
    l->packages = (int)(l->qty / 10);
}

static void
s_packages(struct prn_demo *self, struct prn_slip *s, size_t n)
{
    struct prn_package *p = s_keep(self, xcalloc(n ? n : 1, sizeof *p));
    for (size_t i = 0; i < n; i++) {
        const struct prn_slip_line *l = s->nlines ? &s->lines[i % s->nlines] : NULL;
        p[i].number = (int)i + 1;
        p[i].count = (int)n;
        p[i].line_no = l ? l->line_no : 0;
        p[i].qty = l ? (l->nserials ? l->qty : 10) : 0;
        p[i].token = prn_demo_token(self, s->code, (int)i + 1);
    }
    if (n > 0 && s->nlines > 0)
        p[0].contents = "10 kits de higiene (jabón, pasta dental, toallas, papel higiénico Softys)";
    s->packages = p;
    s->npackages = n;
}

struct prn_slip *
prn_demo_slip(struct prn_demo *self, size_t nlines, size_t npackages)
{
    struct prn_slip *s = s_keep(self, xcalloc(1, sizeof *s));
    struct prn_slip_line *l = s_keep(self, xcalloc(nlines ? nlines : 1, sizeof *l));
    uint32_t rnd = 12345;
    s->code = "ENV-2025-000123";
    s->date = "2025-03-14";
    s->org_name = "Ayni · Red de Ayuda Humanitaria del Perú";
    s->origin = (struct prn_place){"ALM-LIMA-SJL", "Almacén San Juan de Lurigancho", "Lima",
                                   "San Juan de Lurigancho"};
    s->dest = s_communities[0];
    s->team = "Brigada Huánuco 3 (Cruz Roja Peruana y voluntarios de Amarilis)";
    s->vehicle = "Camión Hino 300, placa ABC-123";
    s->driver = "Juan Quispe Mamani";
    s->remarks = "Trocha en mal estado entre Amarilis y Santa Rosa después de las lluvias: "
                 "¡cuidado con los botiquines! ¿Dudas? Llamar a la coordinación en Huánuco.";
    for (size_t i = 0; i < nlines; i++)
        s_slip_line(self, &l[i], i, &rnd);
    s->lines = l;
    s->nlines = nlines;
    s->token = prn_demo_token(self, s->code, 0);
    s_packages(self, s, npackages);
    return s;
}

static void
s_delivery(struct prn_delivery *v, size_t i, uint32_t *rnd)
{
    static const int qty[] = {5, 10, 10, 12, 20, 25, 40};
    const struct s_item *it = &s_items[s_rand(rnd) % NITEMS];
    v->date = NULL; /* set by the caller */
    v->community = s_communities[s_rand(rnd) % NCOMM];
    v->item_code = it->code, v->item_name_es = it->es, v->unit = it->unit;
    v->qty = it->serial ? 1 + (long)(s_rand(rnd) % 4) : qty[s_rand(rnd) % 7];
    v->team = s_teams[s_rand(rnd) % NTEAMS];
    v->by_scan = s_rand(rnd) % 100 < 94;
    (void)i;
}

static void
s_deliveries(struct prn_demo *self, struct prn_donor_report *r, size_t n)
{
    struct prn_delivery *v = s_keep(self, xcalloc(n ? n : 1, sizeof *v));
    const char **ship = s_keep(self, xcalloc(n / 6 + 1, sizeof *ship));
    const char **date = s_keep(self, xcalloc(90, sizeof *date));
    uint32_t rnd = 777;
    for (int d = 0; d < 90; d++) {
        int month = d < 31 ? 1 : d < 59 ? 2 : 3, day = d < 31 ? d + 1 : d < 59 ? d - 30 : d - 58;
        date[d] = s_keep(self, xasprintf("2025-%02d-%02d", month, day));
    }
    for (size_t i = 0; i < n; i++) {
        if (!ship[i / 6])
            ship[i / 6] = s_keep(self, xasprintf("ENV-2025-%06zu", 100 + i / 6));
        s_delivery(&v[i], i, &rnd);
        v[i].shipment = ship[i / 6];
        v[i].date = date[(i * 90) / (n ? n : 1)];
    }
    r->deliveries = v;
    r->ndeliveries = n;
}

static void
s_discrepancies(struct prn_demo *self, struct prn_donor_report *r)
{
    size_t n = 4 + r->ndeliveries / 250;
    struct prn_discrepancy *v = s_keep(self, xcalloc(n, sizeof *v));
    static const char *const notes[] = {
        "Dos cajas mojadas por la lluvia en la trocha", NULL, "Lote vencido al llegar",
        "La comunidad no aceptó tallas equivocadas", "Caja abierta; faltaban unidades"};
    for (size_t i = 0; i < n; i++) {
        const struct prn_delivery *d = r->ndeliveries ? &r->deliveries[(i * 97) % r->ndeliveries]
                                                      : NULL;
        v[i].date = d ? d->date : "2025-02-10";
        v[i].shipment = d ? d->shipment : "ENV-2025-000101";
        v[i].community = d ? d->community.name : s_communities[3].name;
        v[i].item_code = d ? d->item_code : s_items[0].code;
        v[i].item_name_es = d ? d->item_name_es : s_items[0].es;
        v[i].sent = 20;
        v[i].received = 20 - 1 - (long)(i % 6);
        v[i].reason = (enum prn_reason)(PRN_REASON_DAMAGED + i % 4);
        v[i].note = notes[i % 5];
    }
    r->discrepancies = v;
    r->ndiscrepancies = n;
}

static void
s_held(struct prn_demo *self, struct prn_donor_report *r)
{
    static const struct prn_held_stock held[] = {
        {"HYGIENE-KIT", "Kit de higiene", "HK-2025-031", NULL, "Almacén San Juan de Lurigancho",
         320},
        {"FOOD-KIT", "Kit de alimentos", "FK-2025-019", "2025-09-30",
         "Almacén San Juan de Lurigancho", 140},
        {"FOOD-KIT", "Kit de alimentos", "FK-2025-022", "2025-11-15", "Almacén Puerto Maldonado",
         85},
        {"MEDICAL-KIT", "Botiquín de primeros auxilios", "MK-2024-221", "2026-01-31",
         "Almacén Puerto Maldonado", 42},
        {"TABLET", "Tableta educativa", NULL, NULL, "Almacén San Juan de Lurigancho", 18},
    };
    r->held = held;
    r->nheld = sizeof held / sizeof held[0];
    (void)self;
}

struct prn_donor_report *
prn_demo_donor_report(struct prn_demo *self, size_t ndeliveries)
{
    struct prn_donor_report *r = s_keep(self, xcalloc(1, sizeof *r));
    r->donor = "CARE Perú";
    r->org_name = "Ayni · Red de Ayuda Humanitaria del Perú";
    r->from = "2025-01-01";
    r->to = "2025-03-31";
    s_deliveries(self, r, ndeliveries);
    s_discrepancies(self, r);
    s_held(self, r);
    r->chain_head = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    r->chain_seq = 48213;
    return r;
}

static void
s_stock_row(struct prn_demo *self, struct prn_stock_row *v, size_t i, uint32_t *rnd)
{
    const struct s_item *it = &s_items[(i / 3) % NITEMS];
    v->item_code = it->code, v->item_name_es = it->es, v->item_name_en = it->en;
    v->unit = it->unit;
    v->lot = it->serial ? NULL : s_keep(self, xasprintf("%s%03zu", it->lot_prefix, 40 + i));
    v->expiry = it->expiry;
    v->donor = s_donors[s_rand(rnd) % 4];
    v->opening = (long)(s_rand(rnd) % 200);
    v->in = (long)(s_rand(rnd) % 300);
    v->out = (long)(s_rand(rnd) % (unsigned long)(v->opening + v->in + 1));
    long left = v->opening + v->in - v->out;
    long lost = left > 0 && i % 3 == 1 ? 1 + (long)(s_rand(rnd) % (unsigned long)(left < 9 ? left : 9))
                                       : 0;
    v->lost = lost;
    v->closing = left - lost;
    if (lost) {
        struct prn_loss *l = s_keep(self, xcalloc(2, sizeof *l));
        l[0] = (struct prn_loss){PRN_REASON_DAMAGED, (lost + 1) / 2};
        l[1] = (struct prn_loss){it->expiry ? PRN_REASON_EXPIRED : PRN_REASON_MISSING, lost / 2};
        v->losses = l;
        v->nlosses = lost / 2 ? 2 : 1;
    }
}

struct prn_stock_report *
prn_demo_stock_report(struct prn_demo *self, size_t nitems)
{
    struct prn_stock_report *r = s_keep(self, xcalloc(1, sizeof *r));
    size_t n = nitems * 3;
    struct prn_stock_row *v = s_keep(self, xcalloc(n ? n : 1, sizeof *v));
    uint32_t rnd = 4242;
    r->warehouse = (struct prn_place){"ALM-PTO-MALDONADO", "Almacén Puerto Maldonado",
                                      "Madre de Dios", "Tambopata"};
    r->org_name = "Ayni · Red de Ayuda Humanitaria del Perú";
    r->from = "2025-03-01";
    r->to = "2025-03-31";
    for (size_t i = 0; i < n; i++)
        s_stock_row(self, &v[i], i, &rnd);
    r->rows = v;
    r->nrows = n;
    return r;
}
