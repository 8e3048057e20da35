/* error.h: the one table of Ayni's errors.
 *
 * Every action in Ayni returns 0 or a negative AYNI_E... code.  Each code has a
 * stable lower-case string used on the wire ("insufficient_stock") and a generic
 * human message; the precise message for one failure ("insufficient stock of
 * 'FOOD-KIT' at 'ALM-LIMA-SJL': 40 requested, 25 available") travels beside it.
 * Add a code here and nowhere else; never renumber or rename one.
 */
#ifndef AYNI_ERROR_H
#define AYNI_ERROR_H

#include <stdbool.h>
#include <stddef.h>

/* X(NAME, wire code, generic message) */
#define AYNI_ERRORS(X)                                                                     \
    X(INVAL, "invalid_argument", "an argument is missing or not valid")                   \
    X(NOTFOUND, "not_found", "no such record")                                             \
    X(EXISTS, "already_exists", "a record with that code already exists")                  \
    X(STOCK, "insufficient_stock", "not enough stock")                                     \
    X(EXPIRED, "lot_expired", "the lot has expired")                                       \
    X(STATE, "invalid_state", "the record is not in a state that allows this")            \
    X(DELIVERED, "already_delivered", "the package was already confirmed as delivered")   \
    X(CONFLICT, "conflict", "the request contradicts what is already recorded")           \
    X(STORAGE, "storage_error", "the database could not be read or written")              \
    X(FULL, "storage_full", "the disk or database is full")                                \
    X(BUSY, "busy", "the database is locked by another process")                           \
    X(CORRUPT, "corrupt", "the database file is damaged")                                  \
    X(SCHEMA, "schema_too_new", "the database was written by a newer Ayni")                \
    X(BADJSON, "bad_json", "the message is not a JSON object")                             \
    X(BADREQ, "bad_request", "the request is not well formed")                             \
    X(UNKNOWNOP, "unknown_op", "no such operation")                                        \
    X(TOOBIG, "too_large", "the message is too large")                                     \
    X(VERSION, "bad_version", "unsupported protocol version")                              \
    X(TOKEN, "bad_token", "the code is not a genuine Ayni code")                           \
    X(DENIED, "forbidden", "this device may not do that")                                  \
    X(UNAVAILABLE, "unavailable", "the core service cannot be reached")                    \
    X(TIMEOUT, "timeout", "no answer in time")                                             \
    X(IO, "io_error", "a file could not be read or written")                               \
    X(INTERNAL, "internal", "an internal error; please report it")

enum ayni_err {
    AYNI_OK = 0,
#define AYNI_ERR_ENUM_(name, code, msg) AYNI_E##name,
    AYNI__ERR_FIRST_ = -1000,
    AYNI_ERRORS(AYNI_ERR_ENUM_)
#undef AYNI_ERR_ENUM_
    AYNI__ERR_END_
};

/* The wire code of err ("insufficient_stock"); "internal" for an unknown value. */
const char *ayni_err_code(int err);

/* The generic human message of err. */
const char *ayni_err_message(int err);

/* The error whose wire code is code, or 0 if there is none. */
int ayni_err_from_code(const char *code);

/* True if err is one of the codes in the table. */
bool ayni_err_known(int err);

/* The message fmt into err (errlen bytes; nothing if err is NULL), and AYNI_EINVAL: for a
 * reader of outside input that says what is wrong with it. */
int ayni_err_invalid(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
