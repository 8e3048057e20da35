/* phone_helper.c: what the browser test (test_web_phone.mjs) needs from C, and node has
 * not: one op sent to aynid (there is no ZeroMQ in node here), and a QR code drawn for a
 * text (for the forged label, which no printer makes).  Test-only; it checks nothing
 * itself: the test reads what it prints.
 *
 *   phone_helper call ENDPOINT OP [ARGS_JSON]   the result as JSON on stdout, exit 0; or
 *                                               {"error":{code,message,details}}, exit 1
 *   phone_helper qr TEXT                        the QR code (level M, a 4-module margin,
 *                                               8 pixels a module) as a binary PGM on stdout
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <qrencode.h>

#include "error.h"
#include "lang.h"
#include "proto.h"

static int
s_call(const char *endpoint, const char *op, const char *args_text)
{
    json_error_t jerr;
    json_t *args = args_text ? json_loads(args_text, 0, &jerr) : json_object();
    if (!json_is_object(args)) {
        fprintf(stderr, "phone_helper: ARGS_JSON is not a JSON object: %s\n", jerr.text);
        return 2;
    }
    struct proto_error err = {0};
    proto_client_t *c = proto_client_new(endpoint, 10000, NULL, &err);
    if (!c) {
        fprintf(stderr, "phone_helper: %s\n", err.message);
        return 2;
    }
    json_t *result = NULL;
    int rc = proto_client_call(c, op, args, NULL, &result, &err);
    json_t *out = rc == 0 ? json_incref(result)
                          : json_pack("{s{ss ss sO}}", "error", "code", ayni_err_code(rc),
                                      "message", err.message, "details",
                                      err.details ? err.details : json_null());
    char *text = json_dumps(out, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(out);
    json_decref(result);
    proto_error_clear(&err);
    proto_client_destroy(&c);
    return rc == 0 ? 0 : 1;
}

static int
s_qr(const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        fprintf(stderr, "phone_helper: cannot make a QR code of that text\n");
        return 2;
    }
    const int margin = 4, scale = 8, side = (q->width + 2 * margin) * scale;
    printf("P5\n%d %d\n255\n", side, side);
    for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
            int mx = x / scale - margin, my = y / scale - margin;
            bool dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
                        (q->data[my * q->width + mx] & 1);
            putchar(dark ? 0 : 255);
        }
    }
    QRcode_free(q);
    return fflush(stdout) == 0 ? 0 : 2;
}

int
main(int argc, char **argv)
{
    ayni_lang_init("en"); /* the test reads English messages */
    if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "call"))
        return s_call(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
    if (argc == 3 && !strcmp(argv[1], "qr"))
        return s_qr(argv[2]);
    fputs("usage: phone_helper call ENDPOINT OP [ARGS_JSON] | phone_helper qr TEXT\n", stderr);
    return 2;
}
