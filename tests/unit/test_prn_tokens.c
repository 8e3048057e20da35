/* test_prn_tokens.c: signed tokens survive the trip onto paper and back: a slip and its
 * labels are printed with real Ed25519 tokens, rasterised at 150 dpi, every QR decoded
 * with zbar, and every decoded text verified against the public key. */
#include "test_prn_util.h"

#include <sodium.h>

#include "error.h"
#include "printer.h"
#include "token.h"

#define NPKG 5

static char *
s_issue(const unsigned char sk[64], unsigned package)
{
    struct core_token t = {.version = CORE_TOKEN_VERSION, .package = package, .count = NPKG};
    snprintf(t.shipment, sizeof t.shipment, "ENV-2026-000123");
    snprintf(t.dest, sizeof t.dest, "COM-HCO-SANTA-ROSA");
    char *text = NULL;
    assert_int_equal(core_token_issue(&t, sk, &text), 0);
    return text;
}

static void
test_printed_tokens_verify(void **state)
{
    (void)state;
    TP_NEED("pdftoppm");
    TP_NEED("zbarimg");
    assert_true(sodium_init() >= 0);
    unsigned char pk[32], sk[64], other_pk[32], other_sk[64];
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(other_pk, other_sk);
    char *tokens[NPKG + 1];
    for (unsigned i = 0; i <= NPKG; i++)
        tokens[i] = s_issue(sk, i);
    struct prn_slip_line line = {.line_no = 1, .item_code = "HYGIENE-KIT",
                                 .item_name_es = "Kit de higiene", .item_name_en = "Hygiene kit",
                                 .unit = "kit", .lot = "SOF-HIG-2611", .qty = 50,
                                 .packages = NPKG, .donor = "Softys Perú"};
    struct prn_package pkgs[NPKG];
    for (int i = 0; i < NPKG; i++)
        pkgs[i] = (struct prn_package){i + 1, NPKG, 1, 10, NULL, tokens[i + 1]};
    struct prn_slip slip = {.code = "ENV-2026-000123", .date = "2026-11-22",
                            .origin = {"ALM-LIMA-SJL", "Almacén San Juan de Lurigancho", "Lima",
                                       "San Juan de Lurigancho"},
                            .dest = {"COM-HCO-SANTA-ROSA", "Comunidad Santa Rosa", "Huánuco",
                                     "Amarilis"},
                            .team = "Equipo Huánuco", .lines = &line, .nlines = 1,
                            .token = tokens[0], .packages = pkgs, .npackages = NPKG};
    char *dir = tu_tmpdir(), *pdf = tu_path(dir, "slip.pdf"), err[256];
    assert_int_equal(prn_shipment_write(&slip, PRN_LABELS_A4, pdf, err, sizeof err), 0);
    tp_assert_qpdf(pdf);
    char *text = tp_text(pdf, 0, 0);
    assert_non_null(strstr(text, "Huánuco"));
    assert_non_null(strstr(text, "Paquete 3 de 5"));
    free(text);

    char *decoded = tp_qr(pdf, dir, 0, 0);
    int found[NPKG + 1] = {0}, n = 0;
    for (char *save = NULL, *l = strtok_r(decoded, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        struct core_token t;
        assert_int_equal(core_token_verify(l, strlen(l), pk, &t), CORE_TOKEN_GENUINE);
        assert_int_equal(core_token_verify(l, strlen(l), other_pk, NULL), CORE_TOKEN_FORGED);
        assert_string_equal(t.shipment, "ENV-2026-000123");
        assert_string_equal(t.dest, "COM-HCO-SANTA-ROSA");
        assert_true(t.package <= NPKG);
        assert_string_equal(l, tokens[t.package]);
        found[t.package]++;
        n++;
    }
    assert_int_equal(n, NPKG + 1); /* the slip's QR and one per label, each read once */
    for (int i = 0; i <= NPKG; i++)
        assert_int_equal(found[i], 1);
    free(decoded);
    for (unsigned i = 0; i <= NPKG; i++)
        free(tokens[i]);
    tu_rmtree(dir);
    free(dir);
    free(pdf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_printed_tokens_verify)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
