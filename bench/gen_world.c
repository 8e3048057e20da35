/* gen_world.c: the catalog ayni-bench-gen loads into a fresh ledger: the five items,
 * the four warehouses, the 31 communities of data/locations.csv and more of the same
 * regions (a national programme serves hundreds), the donors, the delivery teams.
 * It only adds catalog records through the store API; it never touches stock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "mem.h"

/* As data/items.csv, with how shipments pack them. */
const struct gen_item gen_items[GEN_ITEMS] = {
    {"HYGIENE-KIT", "Kit de higiene", "Hygiene kit", "kit", false, false, 40, "HIG", 30, 10, 60,
     10},
    {"FOOD-KIT", "Kit de alimentos", "Food kit", "kit", false, true, 40, "ALI", 30, 10, 60, 10},
    {"MEDICAL-KIT", "Botiquín de primeros auxilios", "First-aid medical kit", "kit", false, true,
     10, "BOT", 14, 4, 20, 5},
    {"TABLET", "Tableta educativa", "Learning tablet", "unidad", true, false, 5, "TAB", 16, 4, 24,
     8},
    {"LAPTOP", "Laptop escolar", "School laptop", "unidad", true, false, 2, "LAP", 10, 2, 12, 4},
};

const char *const gen_warehouse_codes[GEN_WAREHOUSES] = {"ALM-LIMA-SJL", "ALM-LIMA-COMAS",
                                                         "ALM-LIMA-VES", "ALM-PTO-MALDONADO"};

static const struct core_location s_warehouses[GEN_WAREHOUSES] = {
    {"ALM-LIMA-SJL", "warehouse", "Almacén San Juan de Lurigancho", "Lima",
     "San Juan de Lurigancho"},
    {"ALM-LIMA-COMAS", "warehouse", "Almacén Comas", "Lima", "Comas"},
    {"ALM-LIMA-VES", "warehouse", "Almacén Villa el Salvador", "Lima", "Villa el Salvador"},
    {"ALM-PTO-MALDONADO", "warehouse", "Almacén Puerto Maldonado", "Madre de Dios", "Tambopata"},
};

/* A region: its code in community codes, real districts, its team, its share of shipments. */
struct s_region {
    const char *name, *tag, *team;
    const char *districts[6];
    int weight;
};

static const struct s_region s_regions[] = {
    {"Lima", "LIMA", "Brigada Lima",
     {"San Juan de Lurigancho", "Comas", "Villa el Salvador", "Ate", "Carabayllo",
      "Puente Piedra"}, 30},
    {"Madre de Dios", "MDD", "Equipo Tambopata",
     {"Tambopata", "Laberinto", "Inambari", "Las Piedras", "Tahuamanu", "Tambopata"}, 14},
    {"Cajamarca", "CAJ", "Equipo Cajamarca",
     {"Cajamarca", "Hualgayoc", "Celendín", "Chota", "Cutervo", "San Ignacio"}, 11},
    {"Amazonas", "AMZ", "Equipo Amazonas",
     {"Chachapoyas", "Condorcanqui", "Luya", "Bagua", "Utcubamba", "Luya"}, 9},
    {"Pasco", "PASCO", "Equipo Pasco",
     {"Yanacancha", "Huayllay", "Chaupimarca", "Oxapampa", "Yanacancha", "Huayllay"}, 7},
    {"Huánuco", "HCO", "Equipo Huánuco",
     {"Amarilis", "Pillco Marca", "Churubamba", "Ambo", "Leoncio Prado", "Amarilis"}, 10},
    {"Puno", "PUNO", "Equipo Puno",
     {"Puno", "Chucuito", "El Collao", "Juli", "Azángaro", "Puno"}, 10},
    {"Cusco", "CUSCO", "Equipo Cusco",
     {"Quispicanchi", "Calca", "Urubamba", "Paucartambo", "Chumbivilcas", "Espinar"}, 9},
};
#define S_NREGIONS (sizeof s_regions / sizeof s_regions[0])
#define S_EXTRA_PER_REGION 40

/* data/locations.csv: code, name, region number, district. */
static const struct {
    const char *code, *name;
    int region;
    const char *district;
} s_demo_communities[] = {
    {"COM-SJL-CRUZ-MOTUPE", "AA.HH. Cruz de Motupe", 0, "San Juan de Lurigancho"},
    {"COM-SJL-JICAMARCA", "Comunidad Jicamarca Anexo 22", 0, "San Juan de Lurigancho"},
    {"COM-SJL-MONTENEGRO", "AA.HH. Montenegro", 0, "San Juan de Lurigancho"},
    {"COM-COMAS-COLLIQUE", "Asentamiento Collique 5ª Zona", 0, "Comas"},
    {"COM-COMAS-LA-CASTILLA", "Comedor popular La Castilla", 0, "Comas"},
    {"COM-VES-LOMO-CORVINA", "AA.HH. Lomo de Corvina", 0, "Villa el Salvador"},
    {"COM-VES-OASIS", "Asociación Oasis de Villa", 0, "Villa el Salvador"},
    {"COM-VES-PACHACAMAC", "Sector Pachacámac Parcela 2", 0, "Villa el Salvador"},
    {"COM-TAMB-INFIERNO", "Comunidad Nativa Infierno", 1, "Tambopata"},
    {"COM-TAMB-PALMA-REAL", "Comunidad Nativa Palma Real", 1, "Tambopata"},
    {"COM-TAMB-SONENE", "Comunidad Nativa Sonene", 1, "Tambopata"},
    {"COM-LABERINTO-BARRANCO", "Caserío Barranco Chico", 1, "Laberinto"},
    {"COM-CAJ-82015", "I.E. Nº 82015 Las Niñas de Cajamarca", 2, "Cajamarca"},
    {"COM-CAJ-PORCON", "Granja Porcón", 2, "Cajamarca"},
    {"COM-CAJ-BAMBAMARCA", "I.E. Nº 10389 Bambamarca", 2, "Hualgayoc"},
    {"COM-CAJ-CELENDIN", "Caserío Jorge Chávez", 2, "Celendín"},
    {"COM-AMZ-CHACHAPOYAS", "I.E. Santa Ana", 3, "Chachapoyas"},
    {"COM-AMZ-NIEVA", "Comunidad Awajún Nieva", 3, "Condorcanqui"},
    {"COM-AMZ-LUYA", "Caserío Cohechán", 3, "Luya"},
    {"COM-PASCO-YANACANCHA", "AA.HH. José Carlos Mariátegui", 4, "Yanacancha"},
    {"COM-PASCO-HUAYLLAY", "Comunidad Campesina Huayllay", 4, "Huayllay"},
    {"COM-HCO-SANTA-ROSA", "Comunidad Santa Rosa", 5, "Amarilis"},
    {"COM-HCO-PILLCO-MARCA", "I.E. Nº 32004 Pillco Marca", 5, "Pillco Marca"},
    {"COM-HCO-CHURUBAMBA", "Comunidad Churubamba", 5, "Churubamba"},
    {"COM-PUNO-UROS", "Islas Flotantes de los Uros", 6, "Puno"},
    {"COM-PUNO-CHUCUITO", "Comunidad Aymara Chucuito", 6, "Chucuito"},
    {"COM-PUNO-ILAVE", "I.E. Nº 70618 Ilave", 6, "El Collao"},
    {"COM-CUSCO-OCONGATE", "Comunidad Campesina Ocongate", 7, "Quispicanchi"},
    {"COM-CUSCO-PISAC", "Comunidad Amaru", 7, "Calca"},
    {"COM-CUSCO-CHINCHERO", "I.E. Chinchero", 7, "Urubamba"},
    {"COM-CUSCO-QUELLO", "Q'ero Hatun", 7, "Paucartambo"},
};
#define S_NDEMO (sizeof s_demo_communities / sizeof s_demo_communities[0])

/* data/donors.csv and three more that fund this kind of programme in Peru. */
static const struct core_donor s_donors[] = {
    {"CARE-PE", "CARE Perú"},
    {"AECID", "AECID — Agencia Española de Cooperación"},
    {"SOFTYS", "Softys Perú"},
    {"PERU-VOLUNTARIO", "Red Perú Voluntario"},
    {"UNICEF-PE", "UNICEF Perú"},
    {"BANCO-ALIMENTOS", "Banco de Alimentos Perú"},
    {"FUND-TELEFONICA", "Fundación Telefónica Movistar"},
};
#define S_NDONORS (sizeof s_donors / sizeof s_donors[0])

/* Per item, the weight of each donor above: CARE Perú funds the most. */
static const int s_donor_weights[GEN_ITEMS][S_NDONORS] = {
    {40, 0, 35, 25, 0, 0, 0},  /* hygiene kits */
    {50, 15, 0, 10, 5, 20, 0}, /* food kits */
    {30, 40, 0, 0, 30, 0, 0},  /* medical kits */
    {15, 20, 0, 0, 25, 0, 40}, /* tablets */
    {25, 15, 0, 0, 10, 0, 50}, /* laptops */
};

static const char *const s_kinds[] = {"I.E. Nº", "Anexo", "Comedor popular Nº",
                                      "Puesto de salud Nº", "Caserío Nº"};

static void
s_add_place(struct gen *g, const struct core_location *loc)
{
    json_t *r = NULL;
    int rc = core_location_add(g->store, loc, &r);
    if (rc)
        gen_die_store(g, rc, loc->code);
    json_decref(r);
    gen_tick(g);
}

static void
s_communities(struct gen *g)
{
    size_t n = S_NDEMO + S_NREGIONS * S_EXTRA_PER_REGION;
    g->communities = xcalloc(n, sizeof *g->communities);
    for (size_t i = 0; i < S_NDEMO; i++) {
        struct gen_place *p = &g->communities[g->ncommunities++];
        snprintf(p->code, sizeof p->code, "%s", s_demo_communities[i].code);
        snprintf(p->name, sizeof p->name, "%s", s_demo_communities[i].name);
        p->region_no = s_demo_communities[i].region;
        p->district = s_demo_communities[i].district;
    }
    for (size_t r = 0; r < S_NREGIONS; r++)
        for (int k = 0; k < S_EXTRA_PER_REGION; k++) {
            struct gen_place *p = &g->communities[g->ncommunities++];
            p->region_no = (int)r;
            p->district = s_regions[r].districts[k % 6];
            snprintf(p->code, sizeof p->code, "COM-%s-%03d", s_regions[r].tag, k + 1);
            snprintf(p->name, sizeof p->name, "%s %d %s", s_kinds[k % 5],
                     100 + (int)r * 97 + k * 13, p->district);
        }
    for (size_t i = 0; i < g->ncommunities; i++) {
        struct gen_place *p = &g->communities[i];
        p->region = s_regions[p->region_no].name;
        s_add_place(g, &(struct core_location){p->code, "community", p->name, p->region,
                                               p->district});
    }
}

void
gen_world_load(struct gen *g)
{
    json_t *r = NULL;
    int rc;
    for (int i = 0; i < GEN_ITEMS; i++, r = NULL) {
        const struct gen_item *it = &gen_items[i];
        struct core_item item = {it->code, it->name_es, it->name_en, it->unit,
                                 it->serial ? "serial" : "lot", it->perishable, it->low};
        if ((rc = core_item_add(g->store, &item, &r)))
            gen_die_store(g, rc, it->code);
        json_decref(r);
        gen_tick(g);
    }
    for (int i = 0; i < GEN_WAREHOUSES; i++)
        s_add_place(g, &s_warehouses[i]);
    for (size_t i = 0; i < S_NDONORS; i++, r = NULL) {
        if ((rc = core_donor_add(g->store, &s_donors[i], &r)))
            gen_die_store(g, rc, s_donors[i].code);
        json_decref(r);
        gen_tick(g);
    }
    s_communities(g);
}

void
gen_world_free(struct gen *g)
{
    free(g->communities);
    g->communities = NULL;
    g->ncommunities = 0;
}

const struct gen_place *
gen_world_community(struct gen *g, int *warehouse)
{
    int weights[S_NREGIONS];
    for (size_t i = 0; i < S_NREGIONS; i++)
        weights[i] = s_regions[i].weight;
    int region = (int)gen_pick(g, weights, S_NREGIONS);
    const struct gen_place *c;
    do
        c = &g->communities[gen_rand(g, g->ncommunities)];
    while (c->region_no != region);
    if (region == 1)
        *warehouse = GEN_WH_LIMA;
    else if (region == 0)
        *warehouse = (int)gen_rand(g, GEN_WH_LIMA);
    else
        *warehouse = gen_rand(g, 4) ? 0 : (int)gen_rand(g, GEN_WH_LIMA);
    return c;
}

void
gen_world_team(struct gen *g, const struct gen_place *c, char team[64], char device[32])
{
    int n = (int)gen_range(g, 1, 3);
    snprintf(team, 64, "%s %d", s_regions[c->region_no].team, n);
    snprintf(device, 32, "tablet-%s-%02d", s_regions[c->region_no].tag,
             n * 4 + (int)gen_rand(g, 4));
}

const char *
gen_world_donor(struct gen *g, int item)
{
    return s_donors[gen_pick(g, s_donor_weights[item], S_NDONORS)].code;
}

void
gen_world_plate(struct gen *g, char out[16])
{
    snprintf(out, 16, "%c%c%c-%03d", 'A' + (int)gen_rand(g, 26), 'A' + (int)gen_rand(g, 26),
             'A' + (int)gen_rand(g, 26), (int)gen_range(g, 100, 999));
}
