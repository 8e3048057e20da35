/* error.c: lookups in the error table of error.h.  Holds no state. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *code;
    const char *message;
} s_errors[] = {
#define AYNI_ERR_ROW_(name, code, msg) {code, msg},
    AYNI_ERRORS(AYNI_ERR_ROW_)
#undef AYNI_ERR_ROW_
};

#define S_NERRORS ((int)(sizeof s_errors / sizeof s_errors[0]))

bool
ayni_err_known(int err)
{
    return err > AYNI__ERR_FIRST_ && err < AYNI__ERR_END_;
}

static int
s_index(int err)
{
    if (!ayni_err_known(err))
        err = AYNI_EINTERNAL;
    return err - AYNI__ERR_FIRST_ - 1;
}

const char *
ayni_err_code(int err)
{
    return s_errors[s_index(err)].code;
}

const char *
ayni_err_message(int err)
{
    return s_errors[s_index(err)].message;
}

int
ayni_err_from_code(const char *code)
{
    if (!code)
        return 0;
    for (int i = 0; i < S_NERRORS; i++)
        if (strcmp(s_errors[i].code, code) == 0)
            return AYNI__ERR_FIRST_ + 1 + i;
    return 0;
}

int
ayni_err_invalid(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return AYNI_EINVAL;
}
