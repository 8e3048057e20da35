/* test_scan_lang.c: the same ayni-scan commands in Spanish (the default) and in English
 * (AYNI_LANG=en), each output wholly in its language (issue 14, "one language at a time").
 *
 * Against a real aynid, with the same steps in each language: --help, a usage error,
 * init with a misspelt team (the teams on the road and the suggestion), then with the
 * right one, a scan of a genuine code, an altered code, a scan kept for later (the core
 * out of reach) and the sync that sends it, and status.  Each output must hold that
 * language's words and none of the other's (marker words and letters: «¿», «ñ» and
 * accents, " the ", " of ").  Data stays as it is (team and place names).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "scan_cli.h"

struct fx {
    struct e2e *e;
    char *queue;
    json_t *mine; /* Equipo Norte: 20 FOOD-KIT in 2 packages */
};

/* Words of Spanish that no English output has, and the other way round. */
static const char *const s_spanish[] = {" el ", " la ", " los ", " de ", " en ", " que ", " se ",
                                        "ñ", "á", "é", "í", "ó", "ú", "¿", "¡", "Envío",
                                        "Resumen", "guardado", "núcleo", NULL};
static const char *const s_english[] = {" the ", " of ", " is ", " and ", " to ", " not ",
                                        "Warning", "Summary", "Shipment", "saved", " received",
                                        "usage", "Exit", "Guide", "confirmed", "core", NULL};

static int
s_setup(void **state)
{
    unsetenv("AYNI_API");
    unsetenv("AYNI_SCAN_QUEUE");
    struct fx *f = xcalloc(1, sizeof *f);
    f->e = e2e_new();
    e2e_start(f->e);
    e2e_seed(f->e);
    f->mine = scan_dispatch(f->e, "Equipo Norte", 20, 2, NULL);
    f->queue = xasprintf("%s/scan.db", f->e->dir);
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    scan_cli_lang("es");
    json_decref(f->mine);
    free(f->queue);
    e2e_destroy(&f->e);
    free(f);
    return 0;
}

/* text (what a command printed: what) is wholly in lang: no word of the other language,
 * and each of the NULL-terminated words given. */
static void
s_wholly(const char *lang, const char *what, const char *text, ...)
{
    const char *const *other = !strcmp(lang, "en") ? s_spanish : s_english;
    for (size_t i = 0; other[i]; i++)
        if (strstr(text, other[i]))
            fail_msg("%s in %s has '%s' of the other language:\n%s", what, lang, other[i],
                     text);
    va_list ap;
    va_start(ap, text);
    for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
        if (!strstr(text, w))
            fail_msg("%s in %s lacks '%s':\n%s", what, lang, w, text);
    va_end(ap);
}

/* The words each step shows, in one language. */
struct s_words {
    const char *lang; /* for scan_cli_lang: "" is the default */
    const char *name; /* "es" or "en" */
    const char *help[4], *usage, *typo[3], *ready, *scan[5], *altered[2], *later, *sync[2];
    const char *status[4];
};

static const struct s_words s_es = {
    "", "es",
    {"uso:", "Confirma entregas escaneando", "Salida: 0 hecho", "Ayuda de una orden"},
    "orden desconocida 'sinc': ¿quisiste decir 'sync'?",
    {"¡Atención! ningún envío en camino es del equipo «Equipo Nort»", "«Equipo Norte»",
     "¿quisiste decir «Equipo Norte»?"},
    "listo: equipo «Equipo Norte»",
    {"Envío ENV-", " · paquete 1 de 2 · ", "guardado (escaneo ", "todo recibido",
     "paquete 1: confirmado en el núcleo · 10 de 10 recibidos"},
    {"✗ RECHAZADO: código alterado", "no se guardó"},
    "sin conexión con el núcleo: guardado; se enviará al sincronizar",
    {"paquete 2: confirmado en el núcleo · 10 de 10 recibidos",
     "enviados 1, rechazados 0, en cola 0"},
    {"Cola de escaneos: ", "Equipo «Equipo Norte» · dispositivo «", "Enviados (2)",
     "En cola (0)"},
};

static const struct s_words s_en = {
    "en", "en",
    {"usage:", "Confirms deliveries by scanning", "Exit: 0 done", "One command's help"},
    "unknown command 'sinc': did you mean 'sync'?",
    {"Warning! no shipment on the road is for team «Equipo Nort»", "«Equipo Norte»",
     "did you mean «Equipo Norte»?"},
    "ready: team «Equipo Norte»",
    {"Shipment ENV-", " · package 1 of 2 · ", "saved (scan ", "all received",
     "package 1: confirmed on the core · 10 of 10 received"},
    {"✗ REFUSED: altered code", "not saved"},
    "no connection to the core: saved; it will be sent on sync",
    {"package 2: confirmed on the core · 10 of 10 received", "sent 1, refused 0, queued 0"},
    {"Scan queue: ", "Team «Equipo Norte» · device «", "Sent (2)", "Queued (0)"},
};

static void
s_same_commands(struct fx *f, const struct s_words *w)
{
    const char *lang = w->name, *dir = f->e->dir;
    struct scan_cli_out o;
    scan_cli_lang(w->lang);

    scan_cli_run(&o, dir, NULL, "--help", NULL);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "--help", o.out, w->help[0], w->help[1], w->help[2], w->help[3], NULL);
    scan_cli_clear(&o);
    scan_cli_run(&o, dir, NULL, "sync", "--help", NULL);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "sync --help", o.out, w->help[0], w->help[2], NULL);
    scan_cli_clear(&o);

    scan_cli_run(&o, dir, NULL, "sinc", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 2);
    s_wholly(lang, "a usage error", o.err, w->usage, NULL);
    scan_cli_clear(&o);

    /* init with a team no shipment names: the teams on the road, and the nearest */
    scan_cli_run(&o, dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Nort", "--queue",
                 f->queue, NULL);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "init", o.out, w->typo[0], w->typo[1], w->typo[2], NULL);
    scan_cli_clear(&o);
    scan_cli_run(&o, dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Norte",
                 "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "init", o.out, w->ready, NULL);
    scan_cli_clear(&o);

    /* a genuine code, sent at once */
    char *in = xasprintf("%s\n", scan_token(f->mine, 1));
    scan_cli_run(&o, dir, in, "--all-received", "--queue", f->queue, NULL);
    free(in);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "a scan", o.out, w->scan[0], w->scan[1], w->scan[2], w->scan[3], w->scan[4],
             NULL);
    scan_cli_clear(&o);

    /* an altered code */
    in = xasprintf("%s\n", scan_token(f->mine, 2));
    in[strlen(in) / 2] = in[strlen(in) / 2] == 'A' ? 'B' : 'A';
    scan_cli_run(&o, dir, in, "--all-received", "--queue", f->queue, NULL);
    free(in);
    assert_int_equal(o.status, 1);
    s_wholly(lang, "an altered code", o.out, w->altered[0], w->altered[1], NULL);
    scan_cli_clear(&o);

    /* a scan while the core is out of reach, then the sync that sends it */
    char *nowhere = xasprintf("ipc://%s/nadie", dir);
    setenv("AYNI_API", nowhere, 1);
    in = xasprintf("%s\n", scan_token(f->mine, 2));
    scan_cli_run(&o, dir, in, "--all-received", "--queue", f->queue, NULL);
    unsetenv("AYNI_API");
    free(in);
    free(nowhere);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "a scan kept for later", o.out, w->later, NULL);
    scan_cli_clear(&o);
    scan_cli_run(&o, dir, NULL, "sync", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "sync", o.out, w->sync[0], w->sync[1], NULL);
    scan_cli_clear(&o);

    scan_cli_run(&o, dir, NULL, "status", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    s_wholly(lang, "status", o.out, w->status[0], w->status[1], w->status[2], w->status[3],
             NULL);
    scan_cli_clear(&o);

    /* --json stays as it is, in either language */
    json_t *st = scan_status(dir, f->queue);
    assert_int_equal(scan_state_count(st, "sent"), 2);
    assert_string_equal(json_string_value(json_object_get(st, "team")), "Equipo Norte");
    json_decref(st);
}

static void
test_spanish_by_default(void **state)
{
    s_same_commands(*state, &s_es);
}

static void
test_english(void **state)
{
    s_same_commands(*state, &s_en);
}

/* AYNI_LANG=es is Spanish too, whatever LANG says; LANG=en_* alone is English. */
static void
test_lang_variables(void **state)
{
    struct fx *f = *state;
    struct scan_cli_out o;
    scan_cli_lang("es");
    setenv("LANG", "en_US.UTF-8", 1);
    scan_cli_run(&o, f->e->dir, NULL, "sinc", NULL);
    s_wholly("es", "AYNI_LANG=es", o.err, s_es.usage, NULL);
    scan_cli_clear(&o);
    scan_cli_lang(NULL); /* the environment as it is: LANG only */
    unsetenv("AYNI_LANG");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    scan_cli_run(&o, f->e->dir, NULL, "sinc", NULL);
    s_wholly("en", "LANG=en_US.UTF-8", o.err, s_en.usage, NULL);
    scan_cli_clear(&o);
    unsetenv("LANG");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_spanish_by_default, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_english, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_lang_variables, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
