/* secure.c: the secure-core fixture of secure.h. */
#include "secure.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sodium.h>

#include "lang.h"
#include "mem.h"

int
e2e_secure_setup(void **state)
{
    struct e2e_secure *s = xcalloc(1, sizeof *s);
    char err[512];
    s->e = e2e_new();
    s->admin_file = xasprintf("%s/admin.json", s->e->dir);
    const char *aynid = getenv("AYNID");
    assert_non_null(aynid);
    char *cmd = xasprintf("'%s' --db '%s' --keys '%s' --api '%s' --events '%s' --init-admin '%s' "
                          "2>/dev/null",
                          aynid, s->e->db, s->e->keys, s->e->api, s->e->events, s->admin_file);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    struct stat st;
    assert_int_equal(stat(s->admin_file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    if (proto_provision_load(s->admin_file, &s->admin, err, sizeof err) != 0)
        fail_msg("cannot load the admin's file: %s", err);
    s->e->secure = true;
    e2e_start(s->e);
    *state = s;
    return 0;
}

int
e2e_secure_teardown(void **state)
{
    struct e2e_secure *s = *state;
    e2e_destroy(&s->e);
    free(s->admin_file);
    sodium_memzero(&s->admin, sizeof s->admin);
    free(s);
    return 0;
}

struct proto_curve
e2e_curve(const struct proto_provision *p)
{
    struct proto_curve k;
    memcpy(k.server_key, p->server_key, 32);
    memcpy(k.public_key, p->public_key, 32);
    memcpy(k.secret_key, p->secret_key, 32);
    return k;
}

int
e2e_call_as(struct e2e_secure *s, const struct proto_curve *curve, const char *op,
            json_t *args, json_t **result, char *msg, size_t msglen)
{
    struct proto_error err = {0};
    proto_client_t *c = proto_client_new(s->e->api, 1500, curve, &err);
    assert_non_null(c);
    json_t *r = NULL;
    ayni_lang_set("en"); /* as e2e_call */
    int rc = proto_client_call(c, op, args, NULL, &r, &err);
    ayni_lang_set(NULL);
    if (msg)
        snprintf(msg, msglen, "%s", err.message);
    if (result)
        *result = r;
    else
        json_decref(r);
    proto_error_clear(&err);
    proto_client_destroy(&c);
    return rc;
}

struct proto_provision
e2e_device(struct e2e_secure *s, const char *name, const char *role, const char *team)
{
    struct proto_provision p = s->admin;
    snprintf(p.device, sizeof p.device, "%s", name);
    snprintf(p.role, sizeof p.role, "%s", role);
    proto_provision_keypair(&p);
    char hex[65], msg[512];
    sodium_bin2hex(hex, sizeof hex, p.public_key, 32);
    struct proto_curve admin = e2e_curve(&s->admin);
    json_t *args = e2e_pack("{ssssss}", "name", name, "role", role, "public_key", hex);
    if (team)
        json_object_set_new(args, "team", json_string(team));
    if (e2e_call_as(s, &admin, "device.add", args, NULL, msg, sizeof msg) != 0)
        fail_msg("cannot register device '%s': %s", name, msg);
    return p;
}
